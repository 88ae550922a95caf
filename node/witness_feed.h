// node/witness_feed.h
// Takes the node's checkpoints to the witnesses named in tamgad.toml ([witnesses]) and
// keeps their cosignatures, which GET /checkpoint then carries beside the validators'
// signatures (C2SP tlog-witness, tlog-cosignature; client/witness_client.h does the asking).
//
// A thread of its own does the HTTP calls (a witness may be slow or away; the event loop
// never waits on one) and reads consistency proofs from the ledger, whose reads may run
// beside its writer. Each new checkpoint size is offered; while the thread is busy only the
// newest waits, and it asks at most once a second. A cosignature is handed back to the event
// loop and kept for the checkpoint text it covers; one for an older text is simply not
// served.
//
// Thread-safety: Offer and Lines on the event loop's thread only.

#pragma once

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "common/asio.h"
#include "ledger/ledger.h"
#include "tlog/note.h"

namespace tamga::node {

class WitnessFeed {
 public:
  struct Witness {
    std::string address;     // host:port of its add-checkpoint endpoint.
    tlog::NoteVerifier key;  // Its cosignature key (type 0x04).
  };

  WitnessFeed(boost::asio::io_context& io, const ledger::Ledger& ledger,
              std::vector<Witness> witnesses);
  ~WitnessFeed();  // Stops the thread (after its current call, at most its timeout).

  // A checkpoint was published: `note` (signed), its text and its size.
  void Offer(const std::string& note, const std::string& text, std::uint64_t size);
  // The cosignature lines held for the checkpoint whose note text is `text`.
  std::string Lines(const std::string& text) const;

 private:
  struct Offered {
    std::string note, text;
    std::uint64_t size = 0;
  };
  void Run();

  static constexpr std::uint64_t kTimeoutMs = 5000;

  boost::asio::io_context& io_;
  const ledger::Ledger& ledger_;
  const std::vector<Witness> witnesses_;
  // Event loop only: per witness, the text it cosigned last and its line.
  std::vector<std::pair<std::string, std::string>> cosigned_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);

  std::mutex mu_;
  std::condition_variable wake_;
  std::optional<Offered> pending_;  // Guarded by mu_.
  bool stop_ = false;               // Guarded by mu_.
  std::thread thread_;
};

}  // namespace tamga::node
