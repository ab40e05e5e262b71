#include "bootstrap/relay_service.h"

#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "bootstrap/relay_answer.h"
#include "nlohmann/json.hpp"
#include "resolver/wire/ldns_ptr.h"
#include "resolver/wire/presentation.h"

namespace rebound {
namespace {

constexpr char kDnsMessage[] = "application/dns-message";

HttpsReply Error(int status, std::string why) {
  return HttpsReply{.status = status, .content_type = "text/plain", .body = std::move(why) + "\n"};
}

// The value of `key` in a URI query string ("dns=...&x=y"), not yet percent-decoded.
std::optional<std::string> QueryParameter(absl::string_view query, absl::string_view key) {
  for (absl::string_view pair : absl::StrSplit(query, '&')) {
    std::pair<absl::string_view, absl::string_view> kv =
        absl::StrSplit(pair, absl::MaxSplits('=', 1));
    if (kv.first == key) return std::string(kv.second);
  }
  return std::nullopt;
}

// RFC 3986 2.1; nullopt for a malformed escape.
std::optional<std::string> PercentDecode(absl::string_view in) {
  std::string out;
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '%') {
      out.push_back(in[i] == '+' ? ' ' : in[i]);
      continue;
    }
    if (i + 2 >= in.size() || !absl::ascii_isxdigit(in[i + 1]) ||
        !absl::ascii_isxdigit(in[i + 2])) {
      return std::nullopt;
    }
    out.push_back(static_cast<char>(std::stoi(std::string(in.substr(i + 1, 2)), nullptr, 16)));
    i += 2;
  }
  return out;
}

// The JSON form answers under the name as asked, and JSON strings must be valid UTF-8 (RFC 8259
// 8.1): a name is taken only in printable ASCII, where a byte outside it can still be asked for
// in the master-file escape \DDD (RFC 1035 5.1).
bool PrintableAscii(absl::string_view name) {
  return std::all_of(name.begin(), name.end(), [](char c) { return c > ' ' && c < 0x7f; });
}

LdnsPktPtr Parse(const std::vector<uint8_t>& wire) {
  ldns_pkt* pkt = nullptr;
  if (wire.empty() || ldns_wire2pkt(&pkt, wire.data(), wire.size()) != LDNS_STATUS_OK) {
    return nullptr;
  }
  return LdnsPktPtr(pkt);
}

// RFC 8484 5.1: an HTTP cache may keep the answer no longer than its smallest TTL.
uint32_t SmallestTtl(const ldns_pkt& pkt) {
  std::optional<uint32_t> smallest;
  for (const ldns_rr_list* section : {ldns_pkt_answer(&pkt), ldns_pkt_authority(&pkt)}) {
    for (size_t i = 0; i < ldns_rr_list_rr_count(section); ++i) {
      const uint32_t ttl = ldns_rr_ttl(ldns_rr_list_rr(section, i));
      smallest = smallest ? std::min(*smallest, ttl) : ttl;
    }
  }
  return smallest.value_or(0);
}

}  // namespace

void RelayService::Handle(const HttpsRequest& request, HttpsResponder respond) {
  const size_t question_mark = request.path.find('?');
  const std::string path = request.path.substr(0, question_mark);
  const absl::string_view query = question_mark == std::string::npos
                                      ? ""
                                      : absl::string_view(request.path).substr(question_mark + 1);
  if (path == kDohPath) {
    if (request.method == "POST") {
      // RFC 8484 4.1: a POST carries the message as application/dns-message.
      if (!absl::StartsWithIgnoreCase(request.content_type, kDnsMessage)) {
        return respond(Error(415, "POST needs content-type application/dns-message"));
      }
      return HandleDoh(request, std::vector<uint8_t>(request.body.begin(), request.body.end()),
                       std::move(respond));
    }
    if (request.method != "GET") return respond(Error(405, "GET or POST"));
    std::optional<std::string> dns = QueryParameter(query, "dns");
    std::string wire;
    // RFC 8484 4.1: base64url (RFC 4648 5) without padding.
    if (!dns || !absl::WebSafeBase64Unescape(*dns, &wire)) {
      return respond(Error(400, "missing or malformed dns= parameter"));
    }
    return HandleDoh(request, std::vector<uint8_t>(wire.begin(), wire.end()), std::move(respond));
  }
  if (path == kBootstrapDnsPath) {
    if (request.method != "GET") return respond(Error(405, "GET only"));
    std::optional<std::string> q = QueryParameter(query, "q");
    std::optional<std::string> name = q ? PercentDecode(*q) : std::nullopt;
    if (!name || name->empty()) return respond(Error(400, "missing or malformed q= parameter"));
    if (!PrintableAscii(*name)) return respond(Error(400, "name must be printable ASCII"));
    return HandleJson(request, *name, std::move(respond));
  }
  respond(Error(404, "not found"));
}

void RelayService::HandleDoh(const HttpsRequest& request, std::vector<uint8_t> query,
                             HttpsResponder respond) {
  if (query.size() < 12) return respond(Error(400, "not a DNS message"));
  // A stream reset before the answer stops the lookup (issue 15 item 5: rapid reset).
  respond.OnCancel(
      answer_(std::move(query), request.peer, [respond](std::vector<uint8_t> response) {
        if (response.empty()) return respond(Error(403, "refused by access-control"));
        LdnsPktPtr parsed = Parse(response);
        const uint32_t max_age = parsed != nullptr ? SmallestTtl(*parsed) : 0;
        respond(HttpsReply{.status = 200,
                           .content_type = kDnsMessage,
                           .body = std::string(response.begin(), response.end()),
                           .max_age = max_age});
      }));
}

void RelayService::HandleJson(const HttpsRequest& request, const std::string& name,
                              HttpsResponder respond) {
  LdnsRdfPtr qname(ldns_dname_new_frm_str(name.c_str()));
  if (qname == nullptr) return respond(Error(400, "not a domain name"));
  // Both families, as one list: the answer is {"NAME": [...]} with the name as asked.
  struct Gather {
    std::string name;
    HttpsResponder respond;
    int outstanding = 2;
    bool answered = false;  // a NOERROR or NXDOMAIN came back
    bool dropped = false;
    std::vector<std::string> addresses;
    std::optional<uint32_t> max_age;
  };
  auto gather = std::make_shared<Gather>();
  gather->name = name;
  gather->respond = respond;
  std::vector<HttpsCancel> cancels;
  for (ldns_rr_type type : {LDNS_RR_TYPE_A, LDNS_RR_TYPE_AAAA}) {
    cancels.push_back(answer_(
        RelayQueryWire(qname.get(), type), request.peer,
        [gather, type](std::vector<uint8_t> response) {
          if (response.empty()) gather->dropped = true;
          if (LdnsPktPtr pkt = Parse(response)) {
            const ldns_pkt_rcode rcode = ldns_pkt_get_rcode(pkt.get());
            if (rcode == LDNS_RCODE_NOERROR || rcode == LDNS_RCODE_NXDOMAIN) {
              gather->answered = true;
              const ldns_rr_list* answer = ldns_pkt_answer(pkt.get());
              for (size_t i = 0; i < ldns_rr_list_rr_count(answer); ++i) {
                const ldns_rr* rr = ldns_rr_list_rr(answer, i);
                if (ldns_rr_get_type(rr) != type || ldns_rr_rd_count(rr) != 1) continue;
                gather->addresses.push_back(TakeLdnsString(ldns_rdf2str(ldns_rr_rdf(rr, 0))));
                const uint32_t ttl = ldns_rr_ttl(rr);
                gather->max_age = gather->max_age ? std::min(*gather->max_age, ttl) : ttl;
              }
            }
          }
          if (--gather->outstanding > 0) return;
          if (!gather->answered) {
            return gather->respond(gather->dropped ? Error(403, "refused by access-control")
                                                   : Error(502, "no answer for this name"));
          }
          nlohmann::json body = {{gather->name, gather->addresses}};
          // The name is printable ASCII and the addresses are ldns's text, so nothing needs
          // replacing; `replace` makes sure dump() cannot throw all the same.
          gather->respond(HttpsReply{
              .status = 200,
              .content_type = "application/json",
              .body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
              .max_age = gather->max_age.value_or(0)});
        }));
  }
  respond.OnCancel([cancels = std::move(cancels)] {
    for (const HttpsCancel& cancel : cancels) {
      if (cancel) cancel();
    }
  });
}

}  // namespace rebound
