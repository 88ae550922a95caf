// node/facts.cc

#include "node/facts.h"

#include <algorithm>
#include <tuple>

#include "contracts/executor.h"
#include "contracts/queries.h"

namespace tamga::node {

using contracts::TxType;
using nlohmann::json;

namespace {

template <typename T>
Result<std::optional<T>> ReadAt(const ledger::Ledger& ledger, Height h, const Hash32& key,
                                std::string_view what) {
  TAMGA_ASSIGN_OR_RETURN(std::optional<Bytes> v, ledger.StateAt(h, key));
  if (!v) return std::optional<T>();
  TAMGA_ASSIGN_OR_RETURN(T decoded, Decode<T>(*v, what));
  return std::optional<T>(std::move(decoded));
}

json StringList(const std::vector<std::string>& v) {
  json a = json::array();
  for (const auto& s : v) a.push_back(s);
  return a;
}

// One transaction of a history: where and when it was committed, what it did, who signed.
struct HistoryEntry {
  Transaction tx;
  Hash32 id;
  Height height;
  std::uint64_t time_ms = 0;
  ledger::Receipt receipt;
  std::string signer_country;
};

// At most this many entries of a history are answered (the latest); the total is said.
constexpr std::size_t kHistoryMax = 1000;

struct History {
  std::vector<HistoryEntry> entries;  // In commit order, the latest kHistoryMax.
  std::size_t total = 0;
};

// The transactions listed under `prefix` in the ledger's index, in commit order.
Result<History> ReadHistory(const ledger::Ledger& ledger, const Bytes& prefix) {
  std::vector<Hash32> ids;
  TAMGA_RETURN_IF_ERROR(ledger.IndexScan(prefix, [&](ByteView key, ByteView) {
    if (key.size() == prefix.size() + 32) {
      Hash32 id;
      std::copy(key.end() - 32, key.end(), id.data());
      ids.push_back(id);
    }
    return true;
  }));
  // Where each is (an index lookup), so that only the latest blocks are read.
  std::vector<std::tuple<Height, std::uint32_t, Hash32>> where;
  for (const Hash32& id : ids) {
    TAMGA_ASSIGN_OR_RETURN(auto w, ledger.FindTransaction(id));
    if (w) where.emplace_back(w->first, w->second, id);
  }
  std::sort(where.begin(), where.end());
  History out;
  out.total = where.size();
  if (where.size() > kHistoryMax) where.erase(where.begin(), where.end() - kHistoryMax);
  const Height head = ledger.Head().height;
  std::optional<Block> block;  // Consecutive entries often share a block.
  std::vector<ledger::Receipt> receipts;
  for (const auto& [height, index, id] : where) {
    if (!block || block->header.height != height) {
      TAMGA_ASSIGN_OR_RETURN(block, ledger.BlockAt(height));
      TAMGA_ASSIGN_OR_RETURN(receipts, ledger.ReceiptsAt(height));
    }
    if (index >= block->transactions.size() || index >= receipts.size()) {
      return Status::Corruption("transaction " + id.ShortHex() + " is not where the index says");
    }
    HistoryEntry e;
    e.tx = block->transactions[index];
    e.id = id;
    e.height = height;
    e.time_ms = block->header.timestamp_ms;
    e.receipt = receipts[index];
    TAMGA_ASSIGN_OR_RETURN(
        auto signer,
        ReadAt<contracts::SignerRecord>(ledger, head, contracts::SignerKey(e.tx.signer), "signer"));
    if (signer) e.signer_country = signer->country;
    out.entries.push_back(std::move(e));
  }
  return out;
}

json HistoryJson(const HistoryEntry& e) {
  return {{"tx", e.id.ToHex()},
          {"height", e.height.value()},
          {"time_ms", e.time_ms},
          {"type", std::string(contracts::TxTypeName(e.tx.type))},
          {"signer", e.tx.signer.ToHex()},
          {"signer_country", e.signer_country},
          {"detail", e.receipt.detail},
          {"record", e.receipt.first_record}};
}

}  // namespace

json CertificateJson(const contracts::CertificateRecord& c) {
  const auto& i = c.issue;
  return {{"number", i.number},
          {"document_hash", i.document_hash.ToHex()},
          {"exporting_country", i.exporting_country},
          {"importing_country", i.importing_country},
          {"issued_ms", i.issued_ms},
          {"valid_until_ms", i.valid_until_ms},
          {"hs_headings", StringList(i.hs_headings)},
          {"quantity", i.quantity},
          {"unit", i.unit},
          {"remaining", c.remaining},
          {"uses", c.uses},
          {"issuer", c.issuer},
          {"issuer_key", c.issuer_key.ToHex()},
          {"status", std::string(contracts::CertificateStatusName(c.status))},
          {"replaced_by", c.replaced_by},
          {"replaces", c.replaces},
          {"revocation_reason", c.revocation_reason},
          {"status_changed_ms", c.status_changed_ms},
          {"origin_number", c.origin_number},
          {"verification", std::string(contracts::VerificationStateName(c.verification))},
          {"verification_ms", c.verification_ms}};
}

json AeoJson(const contracts::AeoRecord& a) {
  return {{"country", a.country},
          {"operator_id", a.operator_id.ToHex()},
          {"status", std::string(contracts::AeoStatusName(a.status))},
          {"programme", a.programme},
          {"valid_from_ms", a.valid_from_ms},
          {"valid_until_ms", a.valid_until_ms},
          {"changed_ms", a.changed_ms}};
}

json MraJson(const contracts::MraRecord& m) {
  return {{"id", m.id},
          {"proposer", m.proposer},
          {"partner", m.partner},
          {"programmes", StringList(m.programmes)},
          {"valid_from_ms", m.valid_from_ms},
          {"valid_until_ms", m.valid_until_ms},
          {"status", std::string(contracts::MraStatusName(m.status))},
          {"suspended_by", m.suspended_by},
          {"changed_ms", m.changed_ms}};
}

json TransitJson(const contracts::TransitRecord& t) {
  return {{"mrn", t.mrn},
          {"departure_office", t.departure_office},
          {"route", StringList(t.route)},
          {"destination_office", t.destination_office},
          {"state", std::string(contracts::TransitStateName(t.state))},
          {"steps_done", t.steps_done},
          {"steps_total", t.route.empty() ? 0 : 2 * (t.route.size() - 1)},
          {"seal_broken", t.seal_broken},
          {"opened_ms", t.opened_ms},
          {"closed_ms", t.closed_ms},
          {"manifest_hash", t.manifest_hash.ToHex()}};
}

json AnchorJson(const contracts::AnchorRecord& a) {
  return {{"type", std::string(contracts::DocumentTypeName(a.type))},
          {"country", a.country},
          {"issuer", a.issuer},
          {"reference", a.reference},
          {"revoked", a.revoked},
          {"anchored_ms", a.anchored_ms},
          {"revoked_ms", a.revoked_ms}};
}

json ReceiptJson(const ledger::Receipt& r) {
  const auto reason = static_cast<contracts::Reason>(r.code);
  return {{"code", r.code},
          {"result", r.code == 0 ? "accepted" : "rejected"},
          {"reason_code", std::string(contracts::ReasonCode(reason))},
          {"reason", std::string(contracts::ReasonText(reason))},
          {"detail", r.detail},
          {"first_record", r.first_record},
          {"record_count", r.record_count}};
}

Result<Fact> DocumentFact(const ledger::Ledger& ledger, const Hash32& document_hash) {
  Fact f;
  f.height = ledger.Head().height;
  TAMGA_ASSIGN_OR_RETURN(
      auto doc, ReadAt<contracts::DocumentRecord>(
                    ledger, f.height, contracts::DocumentKey(document_hash), "document record"));
  if (!doc) {
    return Status::NotFound("no document with SHA-256 " + document_hash.ToHex() +
                            " is anchored on this chain");
  }
  f.body = {{"document_hash", document_hash.ToHex()},
            {"height", f.height.value()},
            {"kind", std::string(contracts::TxTypeName(doc->kind))},
            {"country", doc->country},
            {"number", doc->number}};
  f.keys.push_back(contracts::DocumentKey(document_hash));
  switch (static_cast<TxType>(doc->kind)) {
    case TxType::kIssueCertificates:
    case TxType::kReplaceCertificate: {
      const Hash32 key = contracts::CertificateKey(doc->country, doc->number);
      TAMGA_ASSIGN_OR_RETURN(
          auto c, ReadAt<contracts::CertificateRecord>(ledger, f.height, key, "certificate"));
      if (!c) return Status::Corruption("document names a certificate the state lacks");
      f.body["certificate"] = CertificateJson(*c);
      f.keys.push_back(key);
      break;
    }
    case TxType::kAnchorDocument: {
      const Hash32 key = contracts::AnchorKey(document_hash);
      TAMGA_ASSIGN_OR_RETURN(auto a,
                             ReadAt<contracts::AnchorRecord>(ledger, f.height, key, "anchor"));
      if (!a) return Status::Corruption("document names an anchor the state lacks");
      f.body["anchor"] = AnchorJson(*a);
      f.keys.push_back(key);
      break;
    }
    case TxType::kOpenTransit: {
      const Hash32 key = contracts::TransitKey(doc->number);
      TAMGA_ASSIGN_OR_RETURN(auto t,
                             ReadAt<contracts::TransitRecord>(ledger, f.height, key, "transit"));
      if (!t) return Status::Corruption("document names a transit the state lacks");
      f.body["transit"] = TransitJson(*t);
      f.keys.push_back(key);
      break;
    }
    default:
      break;
  }
  return f;
}

Result<Fact> CertificateFact(const ledger::Ledger& ledger, std::string_view country,
                             std::string_view number) {
  if (!contracts::IsCountryCode(country) || !contracts::IsIdentifier(number)) {
    return Status::InvalidArgument(
        "a certificate is named by a two-letter country code and its number");
  }
  Fact f;
  f.height = ledger.Head().height;
  const Hash32 key = contracts::CertificateKey(country, number);
  TAMGA_ASSIGN_OR_RETURN(
      auto c, ReadAt<contracts::CertificateRecord>(ledger, f.height, key, "certificate"));
  if (!c) {
    return Status::NotFound("no certificate " + std::string(number) + " of " +
                            std::string(country) + " on this chain");
  }
  json history = json::array();
  TAMGA_ASSIGN_OR_RETURN(History entries,
                         ReadHistory(ledger, contracts::CertificateHistoryPrefix(country, number)));
  for (const auto& e : entries.entries) {
    json h = HistoryJson(e);
    if (e.tx.type == static_cast<std::uint16_t>(TxType::kUseCertificate)) {
      if (auto use = Decode<contracts::UseCertificate>(e.tx.payload, "use"); use.ok()) {
        h["quantity"] = use->quantity;
        h["declaration_hash"] = use->declaration_hash.ToHex();
      }
    }
    history.push_back(std::move(h));
  }
  f.body = CertificateJson(*c);
  f.body["height"] = f.height.value();
  f.body["history"] = std::move(history);
  f.body["history_total"] = entries.total;
  f.keys = {key, contracts::DocumentKey(c->issue.document_hash)};
  return f;
}

Result<Fact> RecognitionFact(const ledger::Ledger& ledger, std::string_view country,
                             const Hash32& op, std::string_view by,
                             std::optional<std::uint64_t> at_ms) {
  Fact f;
  const ledger::LedgerHead head = ledger.Head();
  TAMGA_ASSIGN_OR_RETURN(BlockHeader head_header, ledger.HeaderAt(head.height));
  const std::uint64_t at = at_ms.value_or(head_header.timestamp_ms);
  TAMGA_ASSIGN_OR_RETURN(f.height, ledger.HeightAtTime(at));
  TAMGA_ASSIGN_OR_RETURN(ledger::TreeStateReader state, ledger.StateAfter(f.height));
  TAMGA_ASSIGN_OR_RETURN(contracts::Recognition r,
                         contracts::RecognitionOf(state, country, op, by, at));
  f.body = {{"operator_country", std::string(country)},
            {"operator_id", op.ToHex()},
            {"recognising_country", std::string(by)},
            {"at_ms", at},
            {"height", f.height.value()},
            {"recognised", r.recognised},
            {"why", r.why},
            {"aeo", r.aeo ? AeoJson(*r.aeo) : json(nullptr)},
            {"mra", r.mra ? MraJson(*r.mra) : json(nullptr)}};
  f.keys = {contracts::AeoKey(country, op)};
  if (country != by) f.keys.push_back(contracts::MraKey(country, by));
  return f;
}

Result<Fact> TransitFact(const ledger::Ledger& ledger, std::string_view mrn) {
  if (!contracts::IsIdentifier(mrn)) return Status::InvalidArgument("not a valid MRN");
  Fact f;
  f.height = ledger.Head().height;
  const Hash32 key = contracts::TransitKey(mrn);
  TAMGA_ASSIGN_OR_RETURN(auto t,
                         ReadAt<contracts::TransitRecord>(ledger, f.height, key, "transit"));
  if (!t) return Status::NotFound("no transit " + std::string(mrn) + " on this chain");
  json events = json::array();
  TAMGA_ASSIGN_OR_RETURN(History entries,
                         ReadHistory(ledger, contracts::TransitHistoryPrefix(mrn)));
  for (const auto& e : entries.entries) {
    json h = HistoryJson(e);
    if (e.tx.type == static_cast<std::uint16_t>(TxType::kTransitEvent)) {
      if (auto ev = Decode<contracts::TransitEvent>(e.tx.payload, "event"); ev.ok()) {
        h["event"] = std::string(contracts::TransitEventName(ev->kind));
        if (ev->kind == contracts::TransitEventKind::kSealCheck) h["seal_intact"] = ev->seal_intact;
      }
    }
    events.push_back(std::move(h));
  }
  f.body = TransitJson(*t);
  f.body["height"] = f.height.value();
  f.body["events"] = std::move(events);
  f.body["events_total"] = entries.total;
  f.keys = {key};
  return f;
}

Result<Fact> TransactionFact(const ledger::Ledger& ledger, const Hash32& id) {
  TAMGA_ASSIGN_OR_RETURN(auto where, ledger.FindTransaction(id));
  if (!where) return Status::NotFound("no such transaction on this node");
  const auto [height, index] = *where;
  TAMGA_ASSIGN_OR_RETURN(auto receipts, ledger.ReceiptsAt(height));
  if (index >= receipts.size()) return Status::Corruption("receipt missing");
  const ledger::Receipt& r = receipts[index];
  Fact f;
  f.height = ledger.Head().height;
  f.body = ReceiptJson(r);
  f.body["id"] = id.ToHex();
  f.body["status"] = "committed";
  f.body["height"] = height.value();
  f.body["index"] = index;
  if (r.record_count > 0) f.log_index = r.first_record;
  return f;
}

Result<Fact> TransactionRecordFact(const ledger::Ledger& ledger, const Hash32& id) {
  TAMGA_ASSIGN_OR_RETURN(Fact f, TransactionFact(ledger, id));
  if (!f.log_index) {
    return Status::NotFound("transaction " + id.ToHex() +
                            " wrote no record (the rules rejected it); its receipt is in its "
                            "block, but there is no record to prove");
  }
  return f;
}

Result<Fact> RecordFact(const ledger::Ledger& ledger, std::uint64_t index) {
  const ledger::LedgerHead head = ledger.Head();
  if (index >= head.result.log_size) {
    return Status::NotFound("record " + std::to_string(index) + " is not in the log (it holds " +
                            std::to_string(head.result.log_size) + " records)");
  }
  if (index < ledger.first_whole_record()) {
    return Status::NotFound("record " + std::to_string(index) +
                            " is below the snapshot this node started from; ask another node");
  }
  TAMGA_ASSIGN_OR_RETURN(ledger::LogRecord r, ledger.RecordAt(index));
  Fact f;
  // Proven at its own block once that is provable: the proof's block is then the one that
  // committed it, and shows that block's time (what a time-stamp token states).
  f.height = r.height;
  f.log_index = index;
  f.body = {{"index", index},
            {"height", r.height.value()},
            {"transaction", r.tx_hash.ToHex()},
            {"tx_index", r.tx_index},
            {"type", std::string(contracts::TxTypeName(r.kind))},
            {"body", ToHex(r.body)}};
  if (r.kind == static_cast<std::uint16_t>(contracts::TxType::kTimestampImprints)) {
    auto imprint = Decode<contracts::Imprint>(r.body, "imprint");
    if (!imprint.ok()) return imprint.error();
    f.body["imprint"] = {
        {"algorithm", std::string(contracts::ImprintAlgorithmName(imprint->algorithm))},
        {"digest", ToHex(imprint->digest)}};
  }
  return f;
}

Result<ledger::ProofFile> ProveFact(const ledger::Ledger& ledger, const Fact& fact) {
  Result<ledger::CommittedHeader> provable_or = ledger.HighestProvable();
  if (!provable_or.ok() && provable_or.error().code() == StatusCode::kNotFound) {
    return Status::Unavailable("no block is provable yet (a young chain); ask again in a moment");
  }
  TAMGA_ASSIGN_OR_RETURN(ledger::CommittedHeader provable, std::move(provable_or));
  const Height at = std::min(provable.header.height, fact.height);
  if (fact.log_index) {
    TAMGA_ASSIGN_OR_RETURN(ExecutionResult r, ledger.ResultAt(at));
    if (*fact.log_index >= r.log_size) {
      return Status::Unavailable(
          "its block is not provable yet (two certified blocks must follow it); ask again in a "
          "moment");
    }
  }
  for (const Hash32& key : fact.keys) {
    TAMGA_ASSIGN_OR_RETURN(auto now, ledger.StateAt(fact.height, key));
    TAMGA_ASSIGN_OR_RETURN(auto then, ledger.StateAt(at, key));
    if (now != then) {
      return Status::Unavailable(
          "the latest change is not provable yet (two certified blocks must follow its "
          "block); ask again in a moment");
    }
  }
  // At the highest provable block, its commit evidence is at hand: not searched for again.
  if (at == provable.header.height) return ledger.BuildProof(fact.log_index, fact.keys, provable);
  return ledger.BuildProof(fact.log_index, fact.keys, at);
}

}  // namespace tamga::node
