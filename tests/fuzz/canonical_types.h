// tests/fuzz/canonical_types.h
// The structs whose canonical encodings the canonical target fuzzes, in a fixed order: a
// corpus input's first byte is its type's index here, so the list is append-only.

#pragma once

#include <cstddef>
#include <type_traits>
#include <vector>

#include "common/chain.h"
#include "contracts/model.h"
#include "ledger/records.h"

namespace tamga::fuzz {

template <typename... T>
struct TypeList {
  static constexpr std::size_t size = sizeof...(T);
};

using CanonicalTypes = TypeList<
    tamga::Transaction, tamga::ExecutionResult, tamga::BlockHeader, tamga::VoteData, tamga::Vote,
    tamga::QuorumCertificate, tamga::TimeoutData, tamga::Timeout, tamga::TimeoutCertificate,
    tamga::Block, tamga::CertifiedBlock, tamga::Proposal, tamga::ValidatorSet, ledger::LogRecord,
    ledger::Receipt, std::vector<ledger::Receipt>, ledger::EpochProof, ledger::ValidatorSetEntry,
    contracts::AdministrationEntry, contracts::Genesis, contracts::SignerRecord,
    contracts::AdministrationRecord, contracts::EntityRecord, contracts::CertificateIssue,
    contracts::CertificateRecord, contracts::DocumentRecord, contracts::AeoRecord,
    contracts::MraRecord, contracts::OperatorLink, contracts::TransitRecord,
    contracts::AnchorRecord, contracts::MembershipProposal, contracts::RegisterOffice,
    contracts::SetEntityStatus, contracts::AccreditIssuer, contracts::RevokeKey,
    contracts::RotateKey, contracts::SetValidatorAddress, contracts::ProposeMembership,
    contracts::ApproveMembership, contracts::IssueCertificates, contracts::ReplaceCertificate,
    contracts::RevokeCertificate, contracts::UseCertificate, contracts::RequestVerification,
    contracts::AnswerVerification, contracts::SetAeoStatus, contracts::ProposeMra,
    contracts::AcceptMra, contracts::SetMraStatus, contracts::LinkOperator, contracts::OpenTransit,
    contracts::TransitEvent, contracts::TransitRef, contracts::AnchorDocument,
    contracts::RevokeAnchor, contracts::ObserverKeys, contracts::TimestampAuthority,
    contracts::Imprint, contracts::TimestampImprints>;

// The index of T in a TypeList (its size if absent).
template <typename T, typename... Ts>
constexpr std::size_t IndexIn(TypeList<Ts...>) {
  std::size_t i = 0;
  bool found = false;
  ((found = found || std::is_same_v<T, Ts>, i += found ? 0 : 1), ...);
  return i;
}

template <typename T>
constexpr std::size_t CanonicalIndex() {
  constexpr std::size_t i = IndexIn<T>(CanonicalTypes{});
  static_assert(i < CanonicalTypes::size, "not a fuzzed canonical type");
  return i;
}

}  // namespace tamga::fuzz
