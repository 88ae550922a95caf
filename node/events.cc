// node/events.cc

#include "node/events.h"

#include <algorithm>

#include "contracts/model.h"
#include "contracts/rules.h"

namespace tamga::node {

using contracts::TxType;

nlohmann::json CommittedRecord::Json() const {
  return {{"record", index},       {"height", height.value()},
          {"time_ms", time_ms},    {"tx", tx.ToHex()},
          {"type", type},          {"signer_country", signer_country},
          {"countries", countries}};
}

namespace {

template <typename P>
std::optional<P> Payload(const ledger::LogRecord& r) {
  auto p = Decode<P>(r.body, "record");
  if (!p.ok()) return std::nullopt;
  return std::move(*p);
}

}  // namespace

std::vector<std::string> CountriesConcerned(const ledger::StateReader& state,
                                            const ledger::LogRecord& record,
                                            const std::string& signer_country) {
  std::vector<std::string> out;
  if (!signer_country.empty()) out.push_back(signer_country);
  auto route_of = [&](const std::string& mrn) {
    auto t = contracts::rules::Read<contracts::TransitRecord>(state, contracts::TransitKey(mrn),
                                                              "transit");
    if (t.ok() && *t) out.insert(out.end(), (*t)->route.begin(), (*t)->route.end());
  };
  switch (static_cast<TxType>(record.kind)) {
    case TxType::kIssueCertificates:
      // One record per certificate: its body is the CertificateIssue.
      if (auto c = Payload<contracts::CertificateIssue>(record)) {
        out.push_back(c->importing_country);
      }
      break;
    case TxType::kReplaceCertificate:
      if (auto p = Payload<contracts::ReplaceCertificate>(record)) {
        out.push_back(p->replacement.importing_country);
      }
      break;
    case TxType::kRevokeCertificate:
      // The importing country is the certificate's, in the state.
      if (auto p = Payload<contracts::RevokeCertificate>(record)) {
        auto c = contracts::rules::Read<contracts::CertificateRecord>(
            state, contracts::CertificateKey(signer_country, p->number), "certificate");
        if (c.ok() && *c) out.push_back((*c)->issue.importing_country);
      }
      break;
    case TxType::kAnswerVerification:
      // The answer goes to the importing country that asked.
      if (auto p = Payload<contracts::AnswerVerification>(record)) {
        auto c = contracts::rules::Read<contracts::CertificateRecord>(
            state, contracts::CertificateKey(signer_country, p->number), "certificate");
        if (c.ok() && *c) out.push_back((*c)->issue.importing_country);
      }
      break;
    case TxType::kUseCertificate:
      if (auto p = Payload<contracts::UseCertificate>(record)) out.push_back(p->exporting_country);
      break;
    case TxType::kRequestVerification:
      if (auto p = Payload<contracts::RequestVerification>(record)) {
        out.push_back(p->exporting_country);
      }
      break;
    case TxType::kProposeMra:
      if (auto p = Payload<contracts::ProposeMra>(record)) out.push_back(p->partner);
      break;
    case TxType::kAcceptMra:
      if (auto p = Payload<contracts::AcceptMra>(record)) out.push_back(p->proposer);
      break;
    case TxType::kSetMraStatus:
      if (auto p = Payload<contracts::SetMraStatus>(record)) out.push_back(p->partner);
      break;
    case TxType::kLinkOperator:
      if (auto p = Payload<contracts::LinkOperator>(record)) out.push_back(p->partner);
      break;
    case TxType::kOpenTransit:
      if (auto p = Payload<contracts::OpenTransit>(record)) {
        out.insert(out.end(), p->route.begin(), p->route.end());
      }
      break;
    case TxType::kTransitEvent:
      if (auto p = Payload<contracts::TransitEvent>(record)) route_of(p->mrn);
      break;
    case TxType::kTerminateTransit:
    case TxType::kDischargeTransit:
      if (auto p = Payload<contracts::TransitRef>(record)) route_of(p->mrn);
      break;
    default:
      break;
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

CommittedRecord MakeEvent(const ledger::StateReader& state, const Block& block,
                          const ledger::LogRecord& record, std::uint64_t index,
                          SignerCountries& countries) {
  CommittedRecord e;
  e.index = index;
  e.height = block.header.height;
  e.time_ms = block.header.timestamp_ms;
  e.tx = record.tx_hash;
  e.type = std::string(contracts::TxTypeName(record.kind));
  if (record.tx_index < block.transactions.size()) {
    const PublicKey& signer = block.transactions[record.tx_index].signer;
    auto known = countries.find(signer);
    if (known == countries.end()) {
      auto sr = contracts::rules::Read<contracts::SignerRecord>(state, contracts::SignerKey(signer),
                                                                "signer");
      known = countries.emplace(signer, sr.ok() && *sr ? (*sr)->country : std::string()).first;
    }
    e.signer_country = known->second;
  }
  e.countries = CountriesConcerned(state, record, e.signer_country);
  return e;
}

Result<CommittedRecord> RecordEvent(const ledger::Ledger& ledger, std::uint64_t index,
                                    RecordEventCache& cache) {
  TAMGA_ASSIGN_OR_RETURN(ledger::LogRecord record, ledger.RecordAt(index));
  if (!cache.block || !cache.state || cache.block->header.height != record.height) {
    cache.block.reset();
    cache.state.reset();
    cache.countries.clear();
    TAMGA_ASSIGN_OR_RETURN(Block b, ledger.BlockAt(record.height));
    TAMGA_ASSIGN_OR_RETURN(auto state, ledger.StateAfter(record.height));
    cache.block = std::move(b);
    cache.state.emplace(std::move(state));
  }
  return MakeEvent(*cache.state, *cache.block, record, index, cache.countries);
}

std::uint64_t EventHub::Subscribe(std::string country, Sink sink) {
  if (subs_.size() >= kSubscribersMax) return 0;
  const std::uint64_t id = next_id_++;
  subs_.emplace(id, Subscriber{std::move(country), std::move(sink)});
  return id;
}

void EventHub::Unsubscribe(std::uint64_t id) {
  if (publishing_) {
    leaving_.push_back(id);
  } else {
    subs_.erase(id);
  }
}

void EventHub::Publish(const std::vector<CommittedRecord>& records) {
  publishing_ = true;
  auto left = [this](std::uint64_t id) {
    return std::find(leaving_.begin(), leaving_.end(), id) != leaving_.end();
  };
  for (const CommittedRecord& r : records) {
    for (auto& [id, sub] : subs_) {
      if (left(id)) continue;
      if (sub.country.empty() ||
          std::binary_search(r.countries.begin(), r.countries.end(), sub.country)) {
        if (!sub.sink(r)) leaving_.push_back(id);
      }
    }
  }
  publishing_ = false;
  for (std::uint64_t id : leaving_) subs_.erase(id);
  leaving_.clear();
}

}  // namespace tamga::node
