// cli/tx_cli.cc
// `tamga tx ...`: one command per transaction type, each taking its documents as files
// (hashed here; only hashes leave the machine) and references as text (hashed too, where
// the rules keep only hashes: declarations, operators' national identifiers, notes).

#include "cli/tx_cli.h"

#include <iostream>
#include <memory>

#include "cli/genesis_command.h"
#include "cli/tx_command.h"
#include "common/clock.h"
#include "common/file_util.h"
#include "common/sha256.h"
#include "tsa/pki.h"

namespace tamga::cli {
namespace {

using contracts::TxType;

constexpr std::uint64_t kDayMs = 86'400'000;

// The start of a validity given now: a minute back, so that a clock a little ahead of the
// validators' does not make the record "not yet valid" at its block's time.
std::uint64_t ValidFromNow() { return UnixNowMs() - 60'000; }

CLI::App* AddTx(CLI::App& parent, const std::string& name, const std::string& help,
                std::shared_ptr<TxOptions> common, std::function<Status()>& action,
                std::function<Status(TxClient&)> build) {
  auto* sub = parent.add_subcommand(name, help);
  sub->callback([common, build, &action] {
    action = [common, build]() -> Status {
      TAMGA_ASSIGN_OR_RETURN(TxClient client, TxClient::Open(*common));
      return build(client);
    };
  });
  return sub;
}

Result<Hash32> FileHash(const std::string& path) { return Sha256OfFile(path); }

// The exporting (own) country: given, or the signer's.
Result<std::string> OwnCountry(const TxClient& c, const std::string& given) {
  if (!given.empty()) return given;
  if (c.country().empty()) {
    return Status::FailedPrecondition("the key " + c.key().ShortHex() +
                                      " is not registered on the chain");
  }
  return c.country();
}

}  // namespace

void AddTxCommands(CLI::App& app, std::function<Status()>& action) {
  auto common = std::make_shared<TxOptions>();
  auto* tx = app.add_subcommand(
      "tx",
      "Sign and submit a transaction, and wait for its block.\n"
      "Exit status 0 when the rules accepted it; 1 when the node refused it or the rules\n"
      "rejected it (the reason is printed)");
  tx->require_subcommand(1);
  tx->fallthrough();  // --node and --key may also follow the transaction's own options.
  tx->add_option("--node", common->node, "A validator's API, host:port")
      ->capture_default_str()
      ->envname("TAMGA_NODE");
  tx->add_option("--key", common->key_file, "The signer's key file")
      ->required()
      ->envname("TAMGA_KEY");
  tx->add_option("--passphrase-file", common->passphrase_file,
                 "File holding the key's passphrase (sealed key files)");
  tx->add_option("--wait-ms", common->wait_ms, "How long to wait for the block (0: do not)")
      ->capture_default_str();
  auto& out = std::cout;

  // --- Registry -------------------------------------------------------------------------
  auto* office = tx->add_subcommand("office", "Customs offices of the signer's administration");
  office->require_subcommand(1);
  {
    auto p = std::make_shared<contracts::RegisterOffice>();
    auto key = std::make_shared<std::string>();
    auto* c = AddTx(*office, "register", "Register an office and its key", common, action,
                    [p, key](TxClient& client) -> Status {
                      TAMGA_ASSIGN_OR_RETURN(p->key, PublicKey::FromHex(*key));
                      return client.Send(TxType::kRegisterOffice, *p, out);
                    });
    c->add_option("--code", p->code, "Office code, e.g. UZ-TASH-01")->required();
    c->add_option("--name", p->name, "Office name")->required();
    c->add_option("--office-key", *key, "The office's public key (tamga keys show)")->required();
  }
  auto* issuer = tx->add_subcommand("issuer", "Issuing bodies (chambers, agencies)");
  issuer->require_subcommand(1);
  for (const auto& entry : std::vector<std::pair<CLI::App*, TxType>>{
           {office, TxType::kSetOfficeStatus}, {issuer, TxType::kSetIssuerStatus}}) {
    // Copies, not structured bindings: clang 14 cannot capture those in a lambda.
    CLI::App* const parent = entry.first;
    const TxType type = entry.second;
    auto p = std::make_shared<contracts::SetEntityStatus>();
    auto status = std::make_shared<std::string>();
    auto* c = AddTx(*parent, "set-status", "Suspend, reactivate or withdraw it", common, action,
                    [p, status, type](TxClient& client) {
                      static const std::map<std::string, contracts::EntityStatus> kStatus = {
                          {"active", contracts::EntityStatus::kActive},
                          {"suspended", contracts::EntityStatus::kSuspended},
                          {"withdrawn", contracts::EntityStatus::kWithdrawn}};
                      p->status = kStatus.at(*status);
                      return client.Send(type, *p, out);
                    });
    c->add_option("--id", p->id, type == TxType::kSetOfficeStatus ? "Office code" : "Issuer id")
        ->required();
    c->add_option("--status", *status, "active, suspended or withdrawn (final)")
        ->required()
        ->check(CLI::IsMember({"active", "suspended", "withdrawn"}));
  }
  {
    auto p = std::make_shared<contracts::AccreditIssuer>();
    auto key = std::make_shared<std::string>();
    auto scopes = std::make_shared<std::vector<std::string>>();
    auto* c = AddTx(*issuer, "accredit", "Accredit an issuer, its key and the records it may issue",
                    common, action, [p, key, scopes](TxClient& client) -> Status {
                      TAMGA_ASSIGN_OR_RETURN(p->key, PublicKey::FromHex(*key));
                      p->scope = 0;
                      for (const auto& s : *scopes) {
                        if (s == "coo")
                          p->scope |= contracts::kScopeCertificateOfOrigin;
                        else if (s == "phytosanitary")
                          p->scope |= contracts::ScopeOf(contracts::DocumentType::kPhytosanitary);
                        else if (s == "invoice")
                          p->scope |= contracts::ScopeOf(contracts::DocumentType::kInvoice);
                        else if (s == "packing-list")
                          p->scope |= contracts::ScopeOf(contracts::DocumentType::kPackingList);
                        else if (s == "other")
                          p->scope |= contracts::ScopeOf(contracts::DocumentType::kOther);
                        else
                          return Status::InvalidArgument("unknown scope '" + s + "'");
                      }
                      return client.Send(TxType::kAccreditIssuer, *p, out);
                    });
    c->add_option("--id", p->id, "Issuer id, e.g. KZ-CCI")->required();
    c->add_option("--name", p->name, "Issuer name")->required();
    c->add_option("--issuer-key", *key, "The issuer's public key")->required();
    c->add_option("--scope", *scopes, "coo, phytosanitary, invoice, packing-list, other")
        ->required()
        ->delimiter(',');
  }

  // --- Certificates of origin -----------------------------------------------------------
  auto* cert = tx->add_subcommand("certificate", "Certificates of origin");
  cert->require_subcommand(1);
  {
    auto issue = std::make_shared<contracts::CertificateIssue>();
    auto doc = std::make_shared<std::string>();
    auto days = std::make_shared<std::uint64_t>(365);
    auto* c = AddTx(*cert, "issue", "Issue a certificate of origin for a document", common, action,
                    [issue, doc, days](TxClient& client) -> Status {
                      TAMGA_ASSIGN_OR_RETURN(issue->document_hash, FileHash(*doc));
                      TAMGA_ASSIGN_OR_RETURN(issue->exporting_country,
                                             OwnCountry(client, issue->exporting_country));
                      issue->issued_ms = ValidFromNow();
                      issue->valid_until_ms = issue->issued_ms + *days * kDayMs;
                      contracts::IssueCertificates p{{*issue}};
                      return client.Send(TxType::kIssueCertificates, p, out);
                    });
    c->add_option("--document", *doc, "The certificate document file (hashed)")
        ->required()
        ->check(CLI::ExistingFile);
    c->add_option("--number", issue->number, "Certificate number")->required();
    c->add_option("--to", issue->importing_country, "Importing country")->required();
    c->add_option("--from", issue->exporting_country, "Exporting country (default: the signer's)");
    c->add_option("--quantity", issue->quantity, "Certified quantity")->required();
    issue->unit = "kg";
    c->add_option("--unit", issue->unit, "Unit of the quantity")->capture_default_str();
    c->add_option("--hs", issue->hs_headings, "HS headings (4-10 digits)")->delimiter(',');
    c->add_option("--valid-days", *days, "Validity in days")->capture_default_str();
  }
  {
    auto p = std::make_shared<contracts::ReplaceCertificate>();
    auto doc = std::make_shared<std::string>();
    auto days = std::make_shared<std::uint64_t>(365);
    auto* c = AddTx(*cert, "replace", "Replace a certificate by a corrected one", common, action,
                    [p, doc, days](TxClient& client) -> Status {
                      auto& r = p->replacement;
                      TAMGA_ASSIGN_OR_RETURN(r.document_hash, FileHash(*doc));
                      TAMGA_ASSIGN_OR_RETURN(r.exporting_country, OwnCountry(client, ""));
                      r.issued_ms = ValidFromNow();
                      r.valid_until_ms = r.issued_ms + *days * kDayMs;
                      return client.Send(TxType::kReplaceCertificate, *p, out);
                    });
    c->add_option("--old", p->old_number, "Number of the certificate replaced")->required();
    c->add_option("--document", *doc, "The corrected document (hashed)")
        ->required()
        ->check(CLI::ExistingFile);
    c->add_option("--number", p->replacement.number, "Number of the replacement")->required();
    c->add_option("--to", p->replacement.importing_country, "Importing country")->required();
    c->add_option("--quantity", p->replacement.quantity, "Certified quantity")->required();
    p->replacement.unit = "kg";
    c->add_option("--unit", p->replacement.unit, "Unit")->capture_default_str();
    c->add_option("--valid-days", *days, "Validity in days")->capture_default_str();
  }
  {
    auto p = std::make_shared<contracts::RevokeCertificate>();
    auto* c = AddTx(*cert, "revoke", "Revoke a certificate", common, action, [p](TxClient& client) {
      return client.Send(TxType::kRevokeCertificate, *p, out);
    });
    c->add_option("--number", p->number, "Certificate number")->required();
    c->add_option("--reason", p->reason, "Reason code (the issuer's own)");
  }
  {
    auto p = std::make_shared<contracts::UseCertificate>();
    auto decl = std::make_shared<std::string>();
    auto* c = AddTx(*cert, "use", "Record a use at import (a customs office)", common, action,
                    [p, decl](TxClient& client) {
                      p->declaration_hash = HashOfText(*decl);
                      return client.Send(TxType::kUseCertificate, *p, out);
                    });
    c->add_option("--from", p->exporting_country, "Exporting country")->required();
    c->add_option("--number", p->number, "Certificate number")->required();
    c->add_option("--declaration", *decl, "Import declaration reference (hashed)")->required();
    c->add_option("--quantity", p->quantity, "Quantity used")->required();
  }

  {
    auto p = std::make_shared<contracts::RequestVerification>();
    auto* c = AddTx(*cert, "request-verification",
                    "Ask the exporting administration to confirm a certificate (importing side)",
                    common, action, [p](TxClient& client) {
                      return client.Send(TxType::kRequestVerification, *p, out);
                    });
    c->add_option("--from", p->exporting_country, "Exporting country")->required();
    c->add_option("--number", p->number, "Certificate number")->required();
  }
  {
    auto p = std::make_shared<contracts::AnswerVerification>();
    auto answer = std::make_shared<std::string>();
    auto* c = AddTx(*cert, "answer-verification",
                    "Answer a verification request (the exporting administration)", common, action,
                    [p, answer](TxClient& client) {
                      p->confirmed = *answer == "confirmed";
                      return client.Send(TxType::kAnswerVerification, *p, out);
                    });
    c->add_option("--number", p->number, "Certificate number")->required();
    c->add_option("--answer", *answer, "confirmed or not-confirmed")
        ->required()
        ->check(CLI::IsMember({"confirmed", "not-confirmed"}));
    c->add_option("--reason", p->reason, "Reason code when not confirmed");
  }

  // --- AEO and MRAs ---------------------------------------------------------------------
  auto* aeo = tx->add_subcommand("aeo", "Authorised economic operators");
  aeo->require_subcommand(1);
  {
    auto p = std::make_shared<contracts::SetAeoStatus>();
    auto op = std::make_shared<std::string>();
    auto status = std::make_shared<std::string>("granted");
    auto days = std::make_shared<std::uint64_t>(3 * 365);
    auto* c = AddTx(*aeo, "set", "Set an operator's AEO status (its own administration)", common,
                    action, [p, op, status, days](TxClient& client) -> Status {
                      p->operator_id = HashOfText(*op);
                      static const std::map<std::string, contracts::AeoStatus> kStatus = {
                          {"granted", contracts::AeoStatus::kGranted},
                          {"suspended", contracts::AeoStatus::kSuspended},
                          {"revoked", contracts::AeoStatus::kRevoked},
                          {"expired", contracts::AeoStatus::kExpired}};
                      p->status = kStatus.at(*status);
                      p->valid_from_ms = ValidFromNow();
                      p->valid_until_ms = p->valid_from_ms + *days * kDayMs;
                      return client.Send(TxType::kSetAeoStatus, *p, out);
                    });
    c->add_option("--operator", *op, "The operator's national identifier (hashed)")->required();
    c->add_option("--status", *status, "granted, suspended, revoked or expired")
        ->check(CLI::IsMember({"granted", "suspended", "revoked", "expired"}))
        ->capture_default_str();
    c->add_option("--programme", p->programme, "AEO programme, e.g. AEO-F")->required();
    c->add_option("--valid-days", *days, "Validity in days")->capture_default_str();
  }
  {
    auto p = std::make_shared<contracts::LinkOperator>();
    auto ours = std::make_shared<std::string>();
    auto theirs = std::make_shared<std::string>();
    auto* c = AddTx(*aeo, "link", "Say that our operator is the partner's operator (both sides)",
                    common, action, [p, ours, theirs](TxClient& client) {
                      p->operator_id = HashOfText(*ours);
                      p->partner_operator_id = HashOfText(*theirs);
                      return client.Send(TxType::kLinkOperator, *p, out);
                    });
    c->add_option("--operator", *ours, "Our national identifier of the operator (hashed)")
        ->required();
    c->add_option("--partner", p->partner, "Partner country")->required();
    c->add_option("--partner-operator", *theirs, "The partner's identifier of it (hashed)")
        ->required();
  }
  auto* mra = tx->add_subcommand("mra", "Mutual-recognition arrangements");
  mra->require_subcommand(1);
  {
    auto p = std::make_shared<contracts::ProposeMra>();
    auto days = std::make_shared<std::uint64_t>(5 * 365);
    auto* c = AddTx(*mra, "propose", "Propose an MRA to a partner administration", common, action,
                    [p, days](TxClient& client) {
                      p->valid_from_ms = ValidFromNow();
                      p->valid_until_ms = p->valid_from_ms + *days * kDayMs;
                      return client.Send(TxType::kProposeMra, *p, out);
                    });
    c->add_option("--partner", p->partner, "Partner country")->required();
    c->add_option("--id", p->id, "Arrangement id")->required();
    c->add_option("--programmes", p->programmes, "Programmes covered (default: all)")
        ->delimiter(',');
    c->add_option("--valid-days", *days, "Validity in days")->capture_default_str();
  }
  {
    auto p = std::make_shared<contracts::AcceptMra>();
    auto* c = AddTx(*mra, "accept", "Accept the MRA a country proposed", common, action,
                    [p](TxClient& client) { return client.Send(TxType::kAcceptMra, *p, out); });
    c->add_option("--proposer", p->proposer, "The proposing country")->required();
  }
  for (const auto& [name, act] : std::vector<std::pair<std::string, contracts::MraAction>>{
           {"suspend", contracts::MraAction::kSuspend},
           {"resume", contracts::MraAction::kResume},
           {"end", contracts::MraAction::kEnd}}) {
    auto p = std::make_shared<contracts::SetMraStatus>();
    p->action = act;
    auto* c = AddTx(*mra, name, "The MRA with a partner: " + name, common, action,
                    [p](TxClient& client) { return client.Send(TxType::kSetMraStatus, *p, out); });
    c->add_option("--partner", p->partner, "Partner country")->required();
  }

  // --- Transit --------------------------------------------------------------------------
  auto* transit = tx->add_subcommand("transit", "Transit movements");
  transit->require_subcommand(1);
  {
    auto p = std::make_shared<contracts::OpenTransit>();
    auto manifest = std::make_shared<std::string>();
    auto guarantee = std::make_shared<std::string>();
    auto seal = std::make_shared<std::string>();
    auto* c = AddTx(*transit, "open", "Open a transit at the office of departure", common, action,
                    [p, manifest, guarantee, seal](TxClient& client) -> Status {
                      TAMGA_ASSIGN_OR_RETURN(p->manifest_hash, FileHash(*manifest));
                      p->guarantee_hash = HashOfText(*guarantee);
                      p->seal_hash = HashOfText(*seal);
                      return client.Send(TxType::kOpenTransit, *p, out);
                    });
    c->add_option("--mrn", p->mrn, "Movement reference number")->required();
    c->add_option("--route", p->route, "Countries in order, e.g. KZ,KG,UZ")
        ->required()
        ->delimiter(',');
    c->add_option("--destination", p->destination_office, "Destination office code")->required();
    c->add_option("--manifest", *manifest, "The manifest file (hashed)")
        ->required()
        ->check(CLI::ExistingFile);
    c->add_option("--guarantee", *guarantee, "Guarantee reference (hashed)")->required();
    c->add_option("--seal", *seal, "Seal numbers (hashed)")->required();
  }
  {
    auto p = std::make_shared<contracts::TransitEvent>();
    auto kind = std::make_shared<std::string>();
    auto note = std::make_shared<std::string>();
    auto broken = std::make_shared<bool>(false);
    auto* c = AddTx(*transit, "event", "Record a border event (an office on the route)", common,
                    action, [p, kind, note, broken](TxClient& client) {
                      static const std::map<std::string, contracts::TransitEventKind> kKinds = {
                          {"exit", contracts::TransitEventKind::kExit},
                          {"entry", contracts::TransitEventKind::kEntry},
                          {"seal-check", contracts::TransitEventKind::kSealCheck},
                          {"incident", contracts::TransitEventKind::kIncident}};
                      p->kind = kKinds.at(*kind);
                      p->seal_intact = !*broken;
                      p->note_hash = HashOfText(*note);
                      return client.Send(TxType::kTransitEvent, *p, out);
                    });
    c->add_option("--mrn", p->mrn, "Movement reference number")->required();
    c->add_option("--kind", *kind, "exit, entry, seal-check or incident")
        ->required()
        ->check(CLI::IsMember({"exit", "entry", "seal-check", "incident"}));
    c->add_flag("--seal-broken", *broken, "For a seal check: the seal was found broken");
    c->add_option("--note", *note, "The office's own record of the event (hashed)");
  }
  for (const auto& entry : std::vector<std::pair<std::string, TxType>>{
           {"terminate", TxType::kTerminateTransit}, {"discharge", TxType::kDischargeTransit}}) {
    const std::string& name = entry.first;
    const TxType type = entry.second;
    auto p = std::make_shared<contracts::TransitRef>();
    auto* c =
        AddTx(*transit, name,
              name == "terminate" ? "End the transit at the destination office"
                                  : "Discharge it (the departure administration)",
              common, action, [p, type](TxClient& client) { return client.Send(type, *p, out); });
    c->add_option("--mrn", p->mrn, "Movement reference number")->required();
  }

  // --- Anchors --------------------------------------------------------------------------
  auto* anchor = tx->add_subcommand("anchor", "Other documents (ePhyto, invoices, ...)");
  anchor->require_subcommand(1);
  {
    auto p = std::make_shared<contracts::AnchorDocument>();
    auto doc = std::make_shared<std::string>();
    auto type = std::make_shared<std::string>("other");
    auto* c = AddTx(*anchor, "add", "Anchor a document's hash", common, action,
                    [p, doc, type](TxClient& client) -> Status {
                      static const std::map<std::string, contracts::DocumentType> kTypes = {
                          {"phytosanitary", contracts::DocumentType::kPhytosanitary},
                          {"invoice", contracts::DocumentType::kInvoice},
                          {"packing-list", contracts::DocumentType::kPackingList},
                          {"other", contracts::DocumentType::kOther}};
                      p->type = kTypes.at(*type);
                      TAMGA_ASSIGN_OR_RETURN(p->document_hash, FileHash(*doc));
                      return client.Send(TxType::kAnchorDocument, *p, out);
                    });
    c->add_option("--document", *doc, "The document file (hashed)")
        ->required()
        ->check(CLI::ExistingFile);
    c->add_option("--type", *type, "phytosanitary, invoice, packing-list or other")
        ->check(CLI::IsMember({"phytosanitary", "invoice", "packing-list", "other"}))
        ->capture_default_str();
    c->add_option("--reference", p->reference, "The issuer's reference")->required();
  }
  {
    auto p = std::make_shared<contracts::RevokeAnchor>();
    auto doc = std::make_shared<std::string>();
    auto* c = AddTx(*anchor, "revoke", "Revoke an anchored document", common, action,
                    [p, doc](TxClient& client) -> Status {
                      TAMGA_ASSIGN_OR_RETURN(p->document_hash, FileHash(*doc));
                      return client.Send(TxType::kRevokeAnchor, *p, out);
                    });
    c->add_option("--document", *doc, "The document file (hashed)")
        ->required()
        ->check(CLI::ExistingFile);
  }

  // --- Governance -----------------------------------------------------------------------
  auto* member = tx->add_subcommand("membership", "Administrations joining or leaving the chain");
  member->require_subcommand(1);
  {
    auto p = std::make_shared<contracts::ProposeMembership>();
    auto vkey = std::make_shared<std::string>();
    auto akey = std::make_shared<std::string>();
    auto remove = std::make_shared<bool>(false);
    auto* c = AddTx(*member, "propose", "Propose to add (or --remove) an administration", common,
                    action, [p, vkey, akey, remove](TxClient& client) -> Status {
                      p->action = *remove ? contracts::MembershipAction::kRemove
                                          : contracts::MembershipAction::kAdd;
                      if (!*remove) {
                        TAMGA_ASSIGN_OR_RETURN(p->entry.validator_key, PublicKey::FromHex(*vkey));
                        TAMGA_ASSIGN_OR_RETURN(p->entry.admin_key, PublicKey::FromHex(*akey));
                      }
                      return client.Send(TxType::kProposeMembership, *p, out);
                    });
    c->add_option("--id", p->id, "Proposal id")->required();
    c->add_option("--country", p->entry.country, "The administration's country")->required();
    c->add_flag("--remove", *remove, "Propose its removal instead");
    c->add_option("--name", p->entry.name, "Its name");
    c->add_option("--validator-key", *vkey, "Its validator's public key");
    c->add_option("--address", p->entry.address, "Its validator's host:port");
    c->add_option("--admin-key", *akey, "Its administrator's public key");
  }
  {
    auto p = std::make_shared<contracts::ApproveMembership>();
    auto* c =
        AddTx(*member, "approve", "Approve a proposal (two thirds adopt it)", common, action,
              [p](TxClient& client) { return client.Send(TxType::kApproveMembership, *p, out); });
    c->add_option("--id", p->id, "Proposal id")->required();
  }
  {
    auto p = std::make_shared<contracts::RotateKey>();
    auto old_key = std::make_shared<std::string>();
    auto new_key = std::make_shared<std::string>();
    auto* c = AddTx(*tx, "rotate-key", "Move a role from one key to a new one", common, action,
                    [p, old_key, new_key](TxClient& client) -> Status {
                      TAMGA_ASSIGN_OR_RETURN(p->old_key, PublicKey::FromHex(*old_key));
                      TAMGA_ASSIGN_OR_RETURN(p->new_key, PublicKey::FromHex(*new_key));
                      return client.Send(TxType::kRotateKey, *p, out);
                    });
    c->add_option("--old-key", *old_key, "The public key being replaced")->required();
    c->add_option("--new-key", *new_key, "The new public key")->required();
  }
  {
    auto p = std::make_shared<contracts::SetValidatorAddress>();
    auto* c = AddTx(
        *tx, "set-address",
        "Move the administration's validator to a new host:port (administrator)", common, action,
        [p](TxClient& client) { return client.Send(TxType::kSetValidatorAddress, *p, out); });
    c->add_option("--address", p->address, "Where the validator now listens for its peers")
        ->required();
  }
  {
    auto keys = std::make_shared<std::vector<std::string>>();
    auto* c = AddTx(*tx, "set-observers",
                    "Name the keys of the administration's observer nodes, which the validators "
                    "admit (administrator; the list replaces the last, none clears it)",
                    common, action, [keys](TxClient& client) -> Status {
                      contracts::ObserverKeys p;
                      for (const std::string& k : *keys) {
                        TAMGA_ASSIGN_OR_RETURN(PublicKey key, PublicKey::FromHex(k));
                        p.keys.push_back(key);
                      }
                      return client.Send(TxType::kSetObservers, p, out);
                    });
    c->add_option("--observer", *keys, "An observer node's public key (repeat for each)");
  }
  {
    auto signer = std::make_shared<std::string>();
    auto certificate = std::make_shared<std::string>();
    auto* c = AddTx(
        *tx, "set-timestamp-authority",
        "Name the administration's time-stamping authority: the key its node signs time-stamp "
        "batches with, and its TSA certificate (administrator; replaces the last)",
        common, action, [signer, certificate](TxClient& client) -> Status {
          contracts::TimestampAuthority p;
          TAMGA_ASSIGN_OR_RETURN(p.signer, KeyArgument(*signer, "--signer"));
          TAMGA_ASSIGN_OR_RETURN(std::string pem, ReadFileToString(*certificate, 1 << 20));
          TAMGA_ASSIGN_OR_RETURN(p.certificate_hash, tsa::CertificateHash(pem));
          return client.Send(TxType::kSetTimestampAuthority, p, out);
        });
    c->add_option("--signer", *signer,
                  "The time-stamping key: its public key (64 hex digits) or its key file")
        ->required();
    c->add_option("--certificate", *certificate, "The TSA certificate, PEM")
        ->required()
        ->check(CLI::ExistingFile);
  }
  {
    auto p = std::make_shared<contracts::RevokeKey>();
    auto key = std::make_shared<std::string>();
    auto* c = AddTx(*tx, "revoke-key",
                    "Revoke a key of the administration's country from a time (administrator)",
                    common, action, [p, key](TxClient& client) -> Status {
                      TAMGA_ASSIGN_OR_RETURN(p->key, PublicKey::FromHex(*key));
                      if (p->from_ms == 0) p->from_ms = UnixNowMs();
                      return client.Send(TxType::kRevokeKey, *p, out);
                    });
    c->add_option("--revoked-key", *key, "The public key to revoke")->required();
    c->add_option("--from-ms", p->from_ms, "Revoked from this time, Unix ms (default: now)");
  }
}

}  // namespace tamga::cli
