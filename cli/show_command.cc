// cli/show_command.cc

#include "cli/show_command.h"

#include <nlohmann/json.hpp>

#include "cli/tx_command.h"
#include "cli/verify_command.h"
#include "client/http_client.h"
#include "common/sha256.h"

namespace tamga::cli {

using nlohmann::json;

namespace {

std::string Str(const json& j, const char* key) {
  return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : std::string();
}
std::uint64_t Num(const json& j, const char* key) {
  return j.contains(key) && j[key].is_number_unsigned() ? j[key].get<std::uint64_t>() : 0;
}

void PrintCertificate(const json& c, std::ostream& out) {
  out << "certificate " << Str(c, "exporting_country") << "/" << Str(c, "number") << ": "
      << Str(c, "status") << ", " << Num(c, "remaining") << " of " << Num(c, "quantity") << " "
      << Str(c, "unit") << " remaining after " << Num(c, "uses") << " uses\n"
      << "  from " << Str(c, "exporting_country") << " to " << Str(c, "importing_country")
      << ", issued by " << (Str(c, "issuer").empty() ? "the administration" : Str(c, "issuer"))
      << " on " << UtcTime(Num(c, "issued_ms")) << ", valid until "
      << UtcTime(Num(c, "valid_until_ms")) << "\n";
}

void PrintHistory(const json& entries, std::ostream& out) {
  for (const auto& e : entries) {
    out << "  " << UtcTime(Num(e, "time_ms")) << "  block " << Num(e, "height") << "  "
        << Str(e, "signer_country") << "  "
        << (e.contains("event") ? Str(e, "event") : Str(e, "type"));
    if (e.contains("quantity")) out << " " << Num(e, "quantity");
    out << "\n";
  }
}

}  // namespace

int RunShow(const ShowOptions& o, std::ostream& out, std::ostream& err) {
  std::string path;
  if (o.what == "document") {
    auto h = Sha256OfFile(o.document);
    if (!h.ok()) {
      err << "tamga show: " << h.error().ToString() << "\n";
      return 1;
    }
    path = "/v1/documents/" + h->ToHex();
  } else if (o.what == "certificate") {
    path = "/v1/certificates/" + client::PercentEncode(o.country) + "/" +
           client::PercentEncode(o.number);
  } else if (o.what == "aeo") {
    path = "/v1/aeo/" + client::PercentEncode(o.country) + "/" + HashOfText(o.number).ToHex() +
           "?by=" + client::PercentEncode(o.by) +
           (o.at_ms ? "&at_ms=" + std::to_string(*o.at_ms) : "");
  } else if (o.what == "transit") {
    path = "/v1/transits/" + client::PercentEncode(o.number);
  }
  auto client = client::HttpClient::Connect(o.node, 10'000);
  if (!client.ok()) {
    err << "tamga show: " << client.error().ToString() << "\n";
    return 1;
  }
  auto r = client->Get(path);
  if (!r.ok()) {
    err << "tamga show: " << r.error().ToString() << "\n";
    return 1;
  }
  const json j = json::parse(r->body, nullptr, false);
  if (!j.is_object()) {
    err << "tamga show: " << o.node << " answered " << r->status << " without JSON\n";
    return 1;
  }
  if (r->status == 404) {
    out << "not found: " << Str(j, "message") << "\n";
    return 3;
  }
  if (r->status != 200) {
    err << "tamga show: " << o.node << " answered " << r->status << ": " << Str(j, "message")
        << "\n";
    return 1;
  }
  if (o.what == "document") {
    out << "document " << Str(j, "document_hash").substr(0, 16) << "... anchored by a "
        << Str(j, "kind") << " record of " << Str(j, "country") << " (" << Str(j, "number")
        << ")\n";
    if (j.contains("certificate")) PrintCertificate(j.at("certificate"), out);
    if (j.contains("anchor")) {
      const json& a = j.at("anchor");
      out << Str(a, "type") << " " << Str(a, "reference")
          << (a.value("revoked", false) ? ", REVOKED" : ", in force") << "\n";
    }
    if (j.contains("transit")) {
      out << "manifest of transit " << Str(j.at("transit"), "mrn") << ": "
          << Str(j.at("transit"), "state") << "\n";
    }
  } else if (o.what == "certificate") {
    PrintCertificate(j, out);
    PrintHistory(j.value("history", json::array()), out);
  } else if (o.what == "aeo") {
    const bool yes = j.value("recognised", false);
    out << (yes ? "recognised: " : "not recognised: ") << Str(j, "why") << " (at "
        << UtcTime(Num(j, "at_ms")) << ", block " << Num(j, "height") << ")\n";
    return yes ? 0 : 3;
  } else if (o.what == "transit") {
    std::string route;
    for (const auto& c : j.value("route", json::array())) {
      if (c.is_string()) route += (route.empty() ? "" : " -> ") + c.get<std::string>();
    }
    out << "transit " << Str(j, "mrn") << " (" << route << "): " << Str(j, "state") << ", "
        << Num(j, "steps_done") << " of " << Num(j, "steps_total") << " border steps"
        << (j.value("seal_broken", false) ? ", SEAL BROKEN" : "") << "\n";
    PrintHistory(j.value("events", json::array()), out);
  }
  return 0;
}

}  // namespace tamga::cli
