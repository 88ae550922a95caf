// node/checkpoints.cc

#include "node/checkpoints.h"

#include <algorithm>
#include <utility>

namespace tamga::node {

CheckpointCollector::CheckpointCollector(std::string origin, SecretKey key)
    : origin_(std::move(origin)), key_(std::move(key)) {}

std::optional<net::CheckpointSignature> CheckpointCollector::OnCommitted(
    const ValidatorSet& validators, std::uint64_t size, const Hash32& root) {
  if (!open_.empty() && open_.back().checkpoint.size == size &&
      open_.back().validators.epoch == validators.epoch) {
    return std::nullopt;
  }
  Collection c;
  c.validators = validators;
  c.checkpoint = tlog::Checkpoint{origin_, size, root, {}};
  c.text = tlog::FormatCheckpointText(c.checkpoint);
  const auto& keys = validators.validators;
  if (std::find(keys.begin(), keys.end(), key_.public_key()) != keys.end()) {
    c.own = key_.SignRaw(AsBytes(c.text));
    c.signatures.emplace(key_.public_key(), *c.own);
  }
  // Signatures that arrived before this node committed the size; the rest of those below
  // it will never be needed.
  for (const Early& e : early_) {
    if (e.sig.tree_size == size && e.sig.epoch == validators.epoch) {
      (void)Add(c, e.from, e.sig.signature);  // A bad one is simply not counted.
    }
  }
  std::erase_if(early_, [&](const Early& e) { return e.sig.tree_size <= size; });
  open_.push_back(std::move(c));
  while (open_.size() > kOpen) open_.pop_front();
  Publish(open_.back());
  if (!open_.back().own) return std::nullopt;
  return net::CheckpointSignature{validators.epoch, size, *open_.back().own, false};
}

CheckpointCollector::Received CheckpointCollector::OnSignature(
    const PublicKey& from, const net::CheckpointSignature& sig) {
  Received out{Status::Ok(), std::nullopt};
  auto it = std::find_if(open_.begin(), open_.end(), [&](const Collection& c) {
    return c.checkpoint.size == sig.tree_size && c.validators.epoch == sig.epoch;
  });
  if (it != open_.end()) {
    out.status = Add(*it, from, sig.signature);
    if (out.status.ok()) Publish(*it);
    if (sig.want_reply && it->own) {
      out.reply = net::CheckpointSignature{sig.epoch, sig.tree_size, *it->own, false};
    }
    return out;
  }
  if (open_.empty() || sig.tree_size > open_.back().checkpoint.size) {
    // Ahead of this node: kept (one per peer and size) until this node commits that far.
    std::erase_if(early_, [&](const Early& e) {
      return e.from == from && e.sig.tree_size == sig.tree_size && e.sig.epoch == sig.epoch;
    });
    if (early_.size() >= kEarlyMax) early_.pop_front();
    early_.push_back({from, sig});
  }
  return out;  // Older than what is open here: of no use any more.
}

std::optional<net::CheckpointSignature> CheckpointCollector::Resend() const {
  if (open_.empty() || !open_.back().own) return std::nullopt;
  const Collection& c = open_.back();
  if (latest_ && latest_->checkpoint.size >= c.checkpoint.size &&
      latest_->validators.epoch >= c.validators.epoch) {
    return std::nullopt;
  }
  return net::CheckpointSignature{c.validators.epoch, c.checkpoint.size, *c.own, true};
}

Status CheckpointCollector::Add(Collection& c, const PublicKey& from, const Signature& signature) {
  const auto& keys = c.validators.validators;
  if (std::find(keys.begin(), keys.end(), from) == keys.end()) {
    return Status::PermissionDenied("checkpoint signature by " + from.ShortHex() +
                                    ", not a validator of epoch " + c.validators.epoch.ToString());
  }
  if (c.signatures.count(from) > 0) return Status::Ok();
  if (!VerifyRaw(from, AsBytes(c.text), signature)) {
    return Status::BadSignature("checkpoint signature by " + from.ShortHex() + " of size " +
                                std::to_string(c.checkpoint.size) + " does not verify");
  }
  c.signatures.emplace(from, signature);
  return Status::Ok();
}

void CheckpointCollector::Publish(const Collection& c) {
  if (c.signatures.size() < c.validators.QuorumSize()) return;
  if (latest_ && (latest_->checkpoint.size > c.checkpoint.size ||
                  (latest_->checkpoint.size == c.checkpoint.size &&
                   latest_->validators.epoch > c.validators.epoch))) {
    return;
  }
  PublishedCheckpoint p;
  p.checkpoint = c.checkpoint;
  p.validators = c.validators;
  tlog::Note note{c.text, {}};
  for (const PublicKey& key : c.validators.validators) {
    auto s = c.signatures.find(key);
    if (s == c.signatures.end()) continue;
    p.signers.push_back(key);
    const ByteView sig = s->second.view();
    note.signatures.push_back(
        tlog::NoteSignature{origin_, tlog::NoteKeyId(origin_, key), Bytes(sig.begin(), sig.end())});
  }
  p.note = tlog::FormatNote(note);
  latest_ = std::move(p);
}

}  // namespace tamga::node
