// cli/tx_command.h
// What every `tamga tx ...` command does once its options are read: open the signer's key
// file, ask the node for the chain id and the key's last sequence number, sign the
// transaction, submit it, wait for its block and say what the rules decided.
//
// Thread-safety: one command at a time (blocking HTTP).

#pragma once

#include <cstdint>
#include <ostream>
#include <string>

#include "client/http_client.h"
#include "common/chain.h"
#include "common/ed25519.h"
#include "contracts/model.h"

namespace tamga::cli {

struct TxOptions {
  std::string node = "127.0.0.1:26601";  // API of any validator.
  std::string key_file;
  std::string passphrase_file;
  std::uint64_t wait_ms = 30'000;  // 0: do not wait for the block.
};

class TxClient {
 public:
  static Result<TxClient> Open(const TxOptions& options);

  // The signer as the ledger knows it ("" if the key is not registered).
  const std::string& country() const { return country_; }
  const std::string& role() const { return role_; }
  const PublicKey& key() const { return key_.public_key(); }

  // Signs and submits; prints the outcome. A rejection by the rules is an error
  // (FailedPrecondition naming the reason), so the command's exit status shows it.
  Status Send(contracts::TxType type, const Bytes& payload, std::ostream& out);
  template <typename P>
  Status Send(contracts::TxType type, const P& payload, std::ostream& out) {
    return Send(type, Encode(payload), out);
  }

 private:
  TxClient(TxOptions options, SecretKey key, client::HttpClient client)
      : options_(std::move(options)), key_(std::move(key)), client_(std::move(client)) {}
  TxOptions options_;
  SecretKey key_;
  client::HttpClient client_;
  ChainId chain_;
  std::uint64_t last_sequence_ = 0;
  std::string country_;
  std::string role_;
};

// SHA-256 of a short reference (a declaration number, an operator's national id), as the
// rules store such references: hashed, never in clear.
Hash32 HashOfText(std::string_view text);

}  // namespace tamga::cli
