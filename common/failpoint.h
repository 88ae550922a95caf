// common/failpoint.h
// Named crash points around the node's durable writes (shared/TESTING.md, layer L3: a crash
// at every durable write). A failpoint is armed by the environment variable
// TAMGA_FAILPOINT = "name" (the first time the process reaches it) or "name@N" (the Nth
// time, counting from 1): there the process ends at once with _exit(kFailpointExit), as
// kill -9 would end it, with no destructor, flush or further write of its own. (The
// kernel still holds what was written and not yet synced: this is a process crash, not a
// power cut, so it cannot find a missing fsync.) A value that names no failpoint, or is
// malformed, stops the process at its first failpoint with status 2. Unarmed (the
// variable unset, as in production), a failpoint is one comparison.
//
// Every durable write of tamgad has a failpoint just before it and one just after it,
// named "<what>.before" and "<what>.after" (FailpointNames() lists them; a test checks the
// source for writes without them, and tests/e2e/crash_test.cc crashes a node at those it
// can reach: all but "safety.reset" and "ledger.snapshot").
//
// Thread-safety: thread-safe.

#pragma once

#include <span>
#include <string_view>

namespace tamga {

inline constexpr int kFailpointExit = 86;

// Ends the process here if TAMGA_FAILPOINT names `name` and this is its armed reach.
void Failpoint(std::string_view name);

// Every failpoint tamgad has, before and after each durable write.
std::span<const std::string_view> FailpointNames();

}  // namespace tamga
