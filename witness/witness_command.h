// witness/witness_command.h
// `tamga witness`: a C2SP tlog-witness for a Tamga chain's record log, run by a party
// outside the validator set (a regional secretariat, an international organisation) so
// that nobody can show two different histories of the log:
//
//   tamga witness --name NAME --key KEY --genesis G --state FILE --listen HOST:PORT [--node N]
//
// It cosigns a checkpoint (Ed25519 cosignature, C2SP tlog-cosignature) only when a quorum
// of the chain's validators signed it and it extends, by a consistency proof, the last
// checkpoint this witness cosigned; its record of that checkpoint lives in --state, written
// before each cosignature leaves. Its key is an Ed25519 key file (`tamga keys generate`).
// It prints "listening on HOST:PORT" once it serves, and runs until SIGTERM or SIGINT.
//
// Exit status: 0 after SIGTERM or SIGINT, 1 for a start-up error, 3 if the state could not
// be written.
//
// Thread-safety: one blocking command.

#pragma once

#include <ostream>
#include <string>

namespace tamga::witness {

struct WitnessOptions {
  std::string name;             // Its key name, a schema-less URL (witness.example/w1).
  std::string key_file;         // Its Ed25519 key file.
  std::string passphrase_file;  // The key file's passphrase, first line (else prompted).
  std::string genesis_file;     // The chain to witness.
  std::string state_file;       // Its record of what it cosigned.
  std::string listen;           // host:port; port 0 picks one.
  std::string node;             // Optional: where to learn new validator sets.
};

int RunWitness(const WitnessOptions& options, std::ostream& out, std::ostream& err);

}  // namespace tamga::witness
