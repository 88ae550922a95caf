// node/consensus_store.cc

#include "node/consensus_store.h"

#include <cstring>
#include <string_view>

#include "common/encoding.h"
#include "common/failpoint.h"

namespace tamga::node {
namespace {

// Keys in the store's meta column.
constexpr std::string_view kHighestQcKey = "consensus/highest_qc";
constexpr std::string_view kHighestTcKey = "consensus/highest_tc";
constexpr std::string_view kPendingBlockPrefix = "consensus/block/";

Bytes PendingBlockKey(const Hash32& id) {
  Bytes k(kPendingBlockPrefix.size() + Hash32::kSize);
  std::memcpy(k.data(), kPendingBlockPrefix.data(), kPendingBlockPrefix.size());
  std::memcpy(k.data() + kPendingBlockPrefix.size(), id.data(), Hash32::kSize);
  return k;
}

}  // namespace

Result<ConsensusStore::Recovered> ConsensusStore::Recover(Height committed) {
  Recovered out;
  saved_blocks_.clear();
  TAMGA_ASSIGN_OR_RETURN(auto qc_bytes, kv_.Get(ledger::Column::kMeta, AsBytes(kHighestQcKey)));
  if (qc_bytes) {
    TAMGA_ASSIGN_OR_RETURN(out.core.highest_qc, Decode<QuorumCertificate>(*qc_bytes, "saved QC"));
  }
  TAMGA_ASSIGN_OR_RETURN(auto tc_bytes, kv_.Get(ledger::Column::kMeta, AsBytes(kHighestTcKey)));
  if (tc_bytes) {
    TAMGA_ASSIGN_OR_RETURN(out.core.highest_tc, Decode<TimeoutCertificate>(*tc_bytes, "saved TC"));
  }
  Status scan_error;
  TAMGA_RETURN_IF_ERROR(kv_.Scan(
      ledger::Column::kMeta, AsBytes(kPendingBlockPrefix), {}, [&](ByteView key, ByteView value) {
        auto b = Decode<Block>(value, "saved block");
        if (!b.ok()) {
          scan_error = b.error();
          return false;
        }
        const Hash32 id = Hash32::FromView(key.subspan(kPendingBlockPrefix.size()));
        saved_blocks_[id] = b->header.height;
        if (b->header.height > committed) out.core.blocks.push_back(std::move(*b));
        return true;
      }));
  TAMGA_RETURN_IF_ERROR(scan_error);

  TAMGA_ASSIGN_OR_RETURN(std::optional<Bytes> saved, safety_.Load());
  if (saved) {
    TAMGA_ASSIGN_OR_RETURN(out.safety, Decode<consensus::SafetyData>(*saved, "safety data"));
  } else if (committed.value() > 0 || out.core.highest_qc.has_value()) {
    // Blocks committed, or certificates kept for a round it was in: it has taken part.
    out.safety.lost = true;
    out.safety_lost = true;
  } else {
    Failpoint("safety.create.before");
    TAMGA_RETURN_IF_ERROR(safety_.Save(Encode(out.safety)));
    Failpoint("safety.create.after");
  }
  return out;
}

bool ConsensusStore::Stage(consensus::Effect& effect) {
  if (auto* p = std::get_if<consensus::PersistSafetyData>(&effect)) {
    pending_safety_ = p->data;
    return true;
  }
  if (auto* c = std::get_if<consensus::SaveCertificates>(&effect)) {
    pending_certs_ = std::move(*c);
    return true;
  }
  if (auto* b = std::get_if<consensus::SaveBlock>(&effect)) {
    pending_blocks_.push_back(std::move(b->block));
    return true;
  }
  return false;
}

Status ConsensusStore::Flush() {
  if (pending_certs_ || !pending_blocks_.empty()) {
    ledger::WriteBatch batch;
    if (pending_certs_) {
      batch.Put(ledger::Column::kMeta, AsBytes(kHighestQcKey), Encode(pending_certs_->highest_qc));
      if (pending_certs_->highest_tc) {
        batch.Put(ledger::Column::kMeta, AsBytes(kHighestTcKey),
                  Encode(*pending_certs_->highest_tc));
      } else {
        batch.Delete(ledger::Column::kMeta, AsBytes(kHighestTcKey));
      }
    }
    for (const consensus::SharedBlock& shared : pending_blocks_) {
      const Block& b = *shared;
      const Hash32 id = b.header.Id();
      batch.Put(ledger::Column::kMeta, PendingBlockKey(id), Encode(b));
      saved_blocks_[id] = b.header.height;
    }
    pending_certs_.reset();
    pending_blocks_.clear();
    Failpoint("consensus.save.before");
    TAMGA_RETURN_IF_ERROR(kv_.Write(batch, /*sync=*/true));
    Failpoint("consensus.save.after");
  } else if (pending_safety_) {
    // The synced batch above makes every earlier write of the store durable with it (the
    // commits, which the ledger writes unsynced). Without one, sync them now: no safety
    // data (a new epoch's, say) may be durable while the commit it follows could be lost.
    Failpoint("consensus.sync.before");
    TAMGA_RETURN_IF_ERROR(kv_.Sync());
    Failpoint("consensus.sync.after");
  }
  if (pending_safety_) {
    const Bytes encoded = Encode(*pending_safety_);
    pending_safety_.reset();
    Failpoint("safety.save.before");
    TAMGA_RETURN_IF_ERROR(safety_.Save(encoded));
    Failpoint("safety.save.after");
  }
  return Status::Ok();
}

Status ConsensusStore::SaveSafety(const consensus::SafetyData& data) {
  Failpoint("safety.reset.before");
  TAMGA_RETURN_IF_ERROR(safety_.Save(Encode(data)));
  Failpoint("safety.reset.after");
  return Status::Ok();
}

Status ConsensusStore::PruneCommitted(Height height) {
  ledger::WriteBatch prune;
  for (auto s = saved_blocks_.begin(); s != saved_blocks_.end();) {
    if (s->second <= height) {
      prune.Delete(ledger::Column::kMeta, PendingBlockKey(s->first));
      s = saved_blocks_.erase(s);
    } else {
      ++s;
    }
  }
  if (prune.empty()) return Status::Ok();
  return kv_.Write(prune, /*sync=*/false);
}

}  // namespace tamga::node
