#include "node/byzantine.h"

#include <array>
#include <utility>

#include "common/encoding.h"
#include "common/sha256.h"

namespace tamga::node {
namespace {

constexpr std::array<std::pair<ByzantineMode, std::string_view>, 7> kNames{{
    {ByzantineMode::kEquivocate, "equivocate"},
    {ByzantineMode::kDoubleVote, "double_vote"},
    {ByzantineMode::kBadSignatures, "bad_signatures"},
    {ByzantineMode::kFutureVotes, "future_votes"},
    {ByzantineMode::kSkewTimestamps, "skew_timestamps"},
    {ByzantineMode::kWithholdVotes, "withhold_votes"},
    {ByzantineMode::kReplayOld, "replay_old"},
}};

constexpr std::uint64_t kFutureRounds = 1000;
constexpr std::uint64_t kSkewMs = 10 * 60 * 1000;
constexpr std::size_t kReplayDistance = 8;

void BreakSignature(consensus::Message& m) {
  std::visit([](auto& x) { x.signature.data()[0] ^= 0x01; }, m);
}

}  // namespace

Result<ByzantineMode> ParseByzantineMode(std::string_view name) {
  std::string known;
  for (const auto& [mode, n] : kNames) {
    if (n == name) return mode;
    known += (known.empty() ? "" : ", ") + std::string(n);
  }
  return Status::InvalidArgument("unknown mode '" + std::string(name) + "' (one of " + known + ")");
}

std::string_view ByzantineModeName(ByzantineMode mode) {
  for (const auto& [m, n] : kNames) {
    if (m == mode) return n;
  }
  return "?";
}

Proposal Byzantine::Resigned(Proposal p) const {
  p.signature = signer_.Sign(SignDomain::kProposal, p.block.header.Id().view());
  return p;
}

Vote Byzantine::Resigned(Vote v) const {
  v.signature = signer_.Sign(SignDomain::kVote, Encode(v.data));
  return v;
}

std::vector<Byzantine::Send> Byzantine::Outgoing(std::optional<ValidatorIndex> to,
                                                 const consensus::Message& message,
                                                 std::size_t validators) {
  std::vector<Send> out;
  const auto* proposal = std::get_if<Proposal>(&message);
  const auto* vote = std::get_if<Vote>(&message);
  switch (mode_) {
    case ByzantineMode::kEquivocate:
      if (proposal != nullptr && !to) {
        // The same round, parent and transactions, another time: another block id.
        Proposal other = *proposal;
        other.block.header.timestamp_ms += 1;
        other = Resigned(std::move(other));
        // Even-numbered validators get one; odd-numbered ones the other first, then the one
        // too, so they hold the evidence (proposals are not relayed).
        for (std::uint32_t i = 0; i < validators; ++i) {
          if (i % 2 == 1) out.push_back({ValidatorIndex(i), other});
          out.push_back({ValidatorIndex(i), message});
        }
        return out;  // Its own index among them: the owner skips it.
      }
      break;
    case ByzantineMode::kDoubleVote:
      if (vote != nullptr) {
        Vote other = *vote;
        other.data.block_id = Sha256Of(vote->data.block_id.view());
        out.push_back({to, message});
        out.push_back({to, Resigned(std::move(other))});
        return out;
      }
      break;
    case ByzantineMode::kBadSignatures:
      if (sent_++ % 2 == 1) {
        consensus::Message broken = message;
        BreakSignature(broken);
        out.push_back({to, std::move(broken)});
        return out;
      }
      break;
    case ByzantineMode::kFutureVotes:
      if (vote != nullptr) {
        Vote future = *vote;
        future.data.round = Round(vote->data.round.value() + kFutureRounds);
        out.push_back({to, message});
        out.push_back({std::nullopt, Resigned(std::move(future))});
        return out;
      }
      break;
    case ByzantineMode::kSkewTimestamps:
      if (proposal != nullptr) {
        Proposal skewed = *proposal;
        skewed.block.header.timestamp_ms += kSkewMs;
        out.push_back({to, Resigned(std::move(skewed))});
        return out;
      }
      break;
    case ByzantineMode::kWithholdVotes:
      if (vote != nullptr) return out;
      break;
    case ByzantineMode::kReplayOld: {
      out.push_back({to, message});
      history_.push_back({to, message});
      if (history_.size() > kReplayDistance) {
        out.push_back(std::move(history_.front()));
        history_.pop_front();
      }
      return out;
    }
  }
  out.push_back({to, message});
  return out;
}

}  // namespace tamga::node
