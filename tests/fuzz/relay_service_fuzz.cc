// Feeds arbitrary HTTP requests (method, :path with its query string, content-type, body) to
// RelayService::Handle, rebound's relay mode (DoH at /dns-query, JSON at /bootstrap-dns), with a
// stand-in for the query handler that answers each DNS query as a resolver would: the question
// echoed, an A/AAAA record, NXDOMAIN, SERVFAIL, nothing (access-control deny) or bytes that are
// not DNS, at once or after Handle returns, and sometimes the client goes first (a stream reset).
// Checks: exactly one reply per request (none once the client has gone), only the statuses
// the service documents, a 200 body that is the resolver's answer (DoH) or parses as the JSON
// form, and no exception.
//
// Input: one option octet, then method, path and content-type each ended by '\n', then the body.
// Option bits 0-2 how the stand-in answers (Mode); bit 3 later rather than at once; bit 4 the
// client resets the stream before a later answer comes.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/string_view.h"
#include "bootstrap/relay_service.h"
#include "nlohmann/json.hpp"
#include "resolver/wire/ldns_ptr.h"
#include "tests/fuzz/fuzz_check.h"

namespace rebound {
namespace {

enum class Mode : uint8_t {
  kAddress,      // NOERROR with an A or AAAA record (none for other types)
  kCname,        // NOERROR: a CNAME, then the address of its target
  kNxdomain,     // NXDOMAIN with an SOA
  kServfail,     // SERVFAIL
  kDropped,      // no response (access-control: deny)
  kNotDns,       // bytes that do not parse
  kNoData,       // NOERROR, nothing in the answer section
  kOnlyAddress,  // kAddress for A queries, dropped for the rest
};

constexpr const char* kAddresses[] = {"192.0.2.1", "192.0.2.77", "2001:db8::1"};

ldns_rr* Record(const char* text) {
  ldns_rr* rr = nullptr;
  FUZZ_CHECK(ldns_rr_new_frm_str(&rr, text, 0, nullptr, nullptr) == LDNS_STATUS_OK);
  return rr;
}

// `rr` with its owner replaced by `owner`.
ldns_rr* Owned(const ldns_rdf* owner, ldns_rr* rr) {
  ldns_rdf_deep_free(ldns_rr_owner(rr));
  ldns_rr_set_owner(rr, ldns_rdf_clone(owner));
  return rr;
}

// A FORMERR that echoes the header, as the server sends for a query ldns cannot parse.
std::vector<uint8_t> FormErr(const std::vector<uint8_t>& query) {
  std::vector<uint8_t> out(query.begin(), query.begin() + 12);
  out[2] = 0x80;                       // QR
  out[3] = 0x80 | LDNS_RCODE_FORMERR;  // RA
  for (size_t i = 4; i < 12; ++i) out[i] = 0;
  return out;
}

void AddAnswer(ldns_pkt* response, const ldns_rdf* qname, ldns_rr_type qtype, Mode mode) {
  const ldns_rdf* owner = qname;
  LdnsRdfPtr target(ldns_dname_new_frm_str("target.example."));
  if (mode == Mode::kCname) {
    ldns_pkt_push_rr(response, LDNS_SECTION_ANSWER,
                     Owned(qname, Record(". 3600 IN CNAME target.example.")));
    owner = target.get();
  }
  if (qtype == LDNS_RR_TYPE_A) {
    ldns_pkt_push_rr(response, LDNS_SECTION_ANSWER, Owned(owner, Record(". 300 IN A 192.0.2.1")));
    ldns_pkt_push_rr(response, LDNS_SECTION_ANSWER, Owned(owner, Record(". 60 IN A 192.0.2.77")));
  } else if (qtype == LDNS_RR_TYPE_AAAA) {
    ldns_pkt_push_rr(response, LDNS_SECTION_ANSWER,
                     Owned(owner, Record(". 120 IN AAAA 2001:db8::1")));
  }
}

// What the query handler would answer `query` with, in `mode`.
std::vector<uint8_t> Resolve(const std::vector<uint8_t>& query, Mode mode) {
  if (query.size() < 12 || mode == Mode::kDropped) return {};
  if (mode == Mode::kNotDns) return {0xde, 0xad, 0xbe, 0xef};
  ldns_pkt* parsed = nullptr;
  if (ldns_wire2pkt(&parsed, query.data(), query.size()) != LDNS_STATUS_OK) return FormErr(query);
  LdnsPktPtr q(parsed);
  const ldns_rr* question = ldns_rr_list_rr(ldns_pkt_question(q.get()), 0);
  if (question == nullptr || ldns_pkt_qr(q.get())) return FormErr(query);
  const ldns_rr_type qtype = ldns_rr_get_type(question);
  if (mode == Mode::kOnlyAddress && qtype != LDNS_RR_TYPE_A) return {};
  LdnsPktPtr response(ldns_pkt_new());
  ldns_pkt_set_id(response.get(), ldns_pkt_id(q.get()));
  ldns_pkt_set_qr(response.get(), true);
  ldns_pkt_set_ra(response.get(), true);
  ldns_pkt_set_rd(response.get(), ldns_pkt_rd(q.get()));
  ldns_pkt_push_rr(response.get(), LDNS_SECTION_QUESTION, ldns_rr_clone(question));
  const ldns_rdf* qname = ldns_rr_owner(question);
  switch (mode) {
    case Mode::kAddress:
    case Mode::kOnlyAddress:
    case Mode::kCname:
      AddAnswer(response.get(), qname, qtype, mode);
      break;
    case Mode::kNxdomain:
      ldns_pkt_set_rcode(response.get(), LDNS_RCODE_NXDOMAIN);
      ldns_pkt_push_rr(response.get(), LDNS_SECTION_AUTHORITY,
                       Record("example. 900 IN SOA ns.example. host.example. 1 2 3 4 300"));
      break;
    case Mode::kServfail:
      ldns_pkt_set_rcode(response.get(), LDNS_RCODE_SERVFAIL);
      break;
    default:
      break;
  }
  return PacketToWire(*response);
}

struct FuzzRequest {
  uint8_t options = 0;
  HttpsRequest http;
};

// Splits the input as the header comment says.
FuzzRequest ReadInput(const uint8_t* data, size_t size) {
  FuzzRequest out;
  out.options = data[0];
  absl::string_view rest(reinterpret_cast<const char*>(data + 1), size - 1);
  std::string* fields[] = {&out.http.method, &out.http.path, &out.http.content_type};
  for (std::string* field : fields) {
    const size_t end = rest.find('\n');
    *field = std::string(rest.substr(0, end));
    rest = end == absl::string_view::npos ? absl::string_view() : rest.substr(end + 1);
  }
  out.http.body = std::string(rest);
  static const Endpoint kPeer = *Endpoint::Parse("192.0.2.200", 443);
  out.http.peer = kPeer;
  return out;
}

// What the stand-in did and what came back.
struct Exchange {
  Mode mode = Mode::kAddress;
  bool later = false;
  bool client_leaves = false;
  bool gone = false;  // the client has reset the stream
  std::vector<std::function<void()>> deferred;
  std::vector<HttpsCancel> cancels;        // registered through the responder
  std::set<std::vector<uint8_t>> answers;  // every response the stand-in gave
  std::vector<HttpsReply> replies;
};

RelayService::AnswerQuery StandIn(Exchange& ex) {
  return [&ex](std::vector<uint8_t> query, const Endpoint&,
               std::function<void(std::vector<uint8_t>)> done) -> HttpsCancel {
    std::vector<uint8_t> response = Resolve(query, ex.mode);
    if (!response.empty()) ex.answers.insert(response);
    if (!ex.later) {
      done(std::move(response));
      return nullptr;
    }
    auto cancelled = std::make_shared<bool>(false);
    ex.deferred.push_back([cancelled, done, response] {
      if (!*cancelled) done(response);
    });
    return [cancelled] { *cancelled = true; };
  };
}

void CheckJson(const std::string& body) {
  const nlohmann::json doc = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  FUZZ_CHECK(!doc.is_discarded());
  FUZZ_CHECK(doc.is_object() && doc.size() == 1);
  const std::string& name = doc.begin().key();
  FUZZ_CHECK(!name.empty());
  for (char c : name) FUZZ_CHECK(c > ' ' && c < 0x7f);
  FUZZ_CHECK(doc.begin().value().is_array());
  for (const nlohmann::json& address : doc.begin().value()) {
    FUZZ_CHECK(address.is_string());
    bool known = false;
    for (const char* a : kAddresses) known = known || address.get<std::string>() == a;
    FUZZ_CHECK(known);
  }
}

void CheckReply(const FuzzRequest& request, const Exchange& ex, const HttpsReply& reply) {
  const int status = reply.status;
  FUZZ_CHECK(status == 200 || status == 400 || status == 403 || status == 404 || status == 405 ||
             status == 415 || status == 502);
  const absl::string_view path =
      absl::string_view(request.http.path).substr(0, request.http.path.find('?'));
  const bool doh = path == kDohPath, json = path == kBootstrapDnsPath;
  FUZZ_CHECK((status == 404) == (!doh && !json));
  if (status == 405) FUZZ_CHECK(request.http.method != "GET");
  if (status == 415) FUZZ_CHECK(doh && request.http.method == "POST");
  if (status == 502) FUZZ_CHECK(json);
  if (status != 200) {
    FUZZ_CHECK(reply.content_type == "text/plain");
    return;
  }
  if (doh) {
    FUZZ_CHECK(reply.content_type == "application/dns-message");
    FUZZ_CHECK(ex.answers.count(std::vector<uint8_t>(reply.body.begin(), reply.body.end())) == 1);
  } else {
    FUZZ_CHECK(reply.content_type == "application/json");
    CheckJson(reply.body);
  }
}

void Run(const FuzzRequest& request) {
  Exchange ex;
  ex.mode = static_cast<Mode>(request.options & 7);
  ex.later = request.options & 8;
  ex.client_leaves = ex.later && (request.options & 16);
  RelayService service(StandIn(ex));
  service.Handle(request.http,
                 HttpsResponder([&ex](HttpsReply reply) { ex.replies.push_back(reply); },
                                [&ex](HttpsCancel cancel) { ex.cancels.push_back(cancel); }));
  // The server drops a cancel once the reply is sent; so does this, by not calling it then.
  if (ex.client_leaves && ex.replies.empty()) {
    ex.gone = true;
    for (const HttpsCancel& cancel : ex.cancels) cancel();
  }
  for (const std::function<void()>& answer : ex.deferred) answer();
  FUZZ_CHECK(ex.replies.size() == (ex.gone ? 0u : 1u));
  if (!ex.gone) CheckReply(request, ex, ex.replies[0]);
}

}  // namespace
}  // namespace rebound

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace rebound;  // NOLINT(build/namespaces): the entry point must stay global
  if (size < 1) return 0;
  try {
    Run(ReadInput(data, size));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "exception: %s\n", e.what());
    FUZZ_CHECK(false);
  }
  return 0;
}
