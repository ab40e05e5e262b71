// Relay mode's HTTP side: which requests reach the resolver, in what form, and what comes back.
// The resolver is played by the test (AnswerQuery); the HTTPS transport is tested in tls/.
#include "bootstrap/relay_service.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "bootstrap/relay_answer.h"
#include "nlohmann/json.hpp"
#include "resolver/wire/ldns_ptr.h"

namespace rebound {
namespace {

LdnsRdfPtr Name(const char* s) { return LdnsRdfPtr(ldns_dname_new_frm_str(s)); }

// The wire response to `query` holding `records` (presentation lines) with `rcode`.
std::vector<uint8_t> Respond(const std::vector<uint8_t>& query, ldns_pkt_rcode rcode,
                             const std::vector<std::string>& records) {
  ldns_pkt* parsed = nullptr;
  EXPECT_EQ(ldns_wire2pkt(&parsed, query.data(), query.size()), LDNS_STATUS_OK);
  LdnsPktPtr pkt(parsed);
  ldns_pkt_set_qr(pkt.get(), true);
  ldns_pkt_set_rcode(pkt.get(), rcode);
  for (const std::string& line : records) {
    ldns_rr* rr = nullptr;
    EXPECT_EQ(ldns_rr_new_frm_str(&rr, line.c_str(), 0, nullptr, nullptr), LDNS_STATUS_OK);
    ldns_pkt_push_rr(pkt.get(), LDNS_SECTION_ANSWER, rr);
  }
  uint8_t* wire = nullptr;
  size_t size = 0;
  EXPECT_EQ(ldns_pkt2wire(&wire, pkt.get(), &size), LDNS_STATUS_OK);
  std::vector<uint8_t> out(wire, wire + size);
  free(wire);
  return out;
}

class RelayServiceTest : public ::testing::Test {
 protected:
  // The resolver: answers A and AAAA of www.example. and NXDOMAIN for everything else, or drops
  // everything when `drop_` is set. Records what it was asked.
  // With `hold_`, it answers nothing and hands back a cancel that counts its calls.
  RelayService service_{[this](std::vector<uint8_t> query, const Endpoint& peer,
                               std::function<void(std::vector<uint8_t>)> done) -> HttpsCancel {
    if (hold_) {
      asked_.push_back(query);
      return [this] { ++cancelled_; };
    }
    Answer(std::move(query), peer, std::move(done));
    return nullptr;
  }};

  void Answer(std::vector<uint8_t> query, const Endpoint& peer,
              std::function<void(std::vector<uint8_t>)> done) {
    asked_.push_back(query);
    peers_.push_back(peer);
    if (drop_) return done({});
    ldns_pkt* parsed = nullptr;
    ASSERT_EQ(ldns_wire2pkt(&parsed, query.data(), query.size()), LDNS_STATUS_OK);
    LdnsPktPtr q(parsed);
    const ldns_rr* question = ldns_rr_list_rr(ldns_pkt_question(q.get()), 0);
    LdnsRdfPtr www = Name("www.example.");
    if (ldns_dname_compare(ldns_rr_owner(question), www.get()) != 0) {
      return done(Respond(query, LDNS_RCODE_NXDOMAIN, {}));
    }
    if (ldns_rr_get_type(question) == LDNS_RR_TYPE_A) {
      return done(Respond(query, LDNS_RCODE_NOERROR,
                          {"www.example. 120 IN A 192.0.2.1", "www.example. 60 IN A 192.0.2.2"}));
    }
    done(Respond(query, LDNS_RCODE_NOERROR, {"www.example. 90 IN AAAA 2001:db8::1"}));
  }

  HttpsReply Request(std::string method, std::string path, std::string content_type = "",
                     std::string body = "") {
    std::optional<HttpsReply> reply;
    service_.Handle(HttpsRequest{std::move(method), std::move(path), std::move(content_type),
                                 std::move(body), *Endpoint::Parse("192.0.2.200", 0)},
                    HttpsResponder([&](HttpsReply r) { reply = std::move(r); }));
    EXPECT_TRUE(reply.has_value()) << "no reply";
    return reply.value_or(HttpsReply{.status = -1, .content_type = "", .body = ""});
  }

  // Sends `path` to a resolver that holds every query; returns the cancel the service
  // registered with the responder (empty if none), and whether a reply came.
  HttpsCancel RequestHeld(std::string path, bool* replied) {
    hold_ = true;
    HttpsCancel registered;
    *replied = false;
    service_.Handle(
        HttpsRequest{"GET", std::move(path), "", "", *Endpoint::Parse("192.0.2.200", 0)},
        HttpsResponder([replied](HttpsReply) { *replied = true; },
                       [&registered](HttpsCancel cancel) { registered = std::move(cancel); }));
    return registered;
  }

  std::vector<std::vector<uint8_t>> asked_;
  std::vector<Endpoint> peers_;
  bool drop_ = false;
  bool hold_ = false;
  int cancelled_ = 0;
};

// A client that resets its stream before the answer stops the lookups it started (issue 15
// item 5): the service hands the resolver's cancel to the HTTPS server, for both forms.
TEST_F(RelayServiceTest, EveryPendingLookupCanBeCancelledByTheServer) {
  LdnsRdfPtr name = Name("www.example.");
  const std::vector<uint8_t> query = RelayQueryWire(name.get(), LDNS_RR_TYPE_A);
  bool replied = false;
  HttpsCancel doh = RequestHeld(
      "/dns-query?dns=" + absl::WebSafeBase64Escape(std::string(query.begin(), query.end())),
      &replied);
  ASSERT_TRUE(doh) << "no cancel registered for a DoH query";
  EXPECT_FALSE(replied);
  doh();
  EXPECT_EQ(cancelled_, 1);
  HttpsCancel json = RequestHeld("/bootstrap-dns?q=www.example", &replied);
  ASSERT_TRUE(json) << "no cancel registered for the JSON form";
  EXPECT_EQ(asked_.size(), 3u);
  json();
  EXPECT_EQ(cancelled_, 3) << "both the A and the AAAA lookup stop";
  EXPECT_FALSE(replied);
}

TEST_F(RelayServiceTest, DohGetIsAnsweredWithTheResolversMessage) {
  LdnsRdfPtr name = Name("www.example.");
  const std::vector<uint8_t> query = RelayQueryWire(name.get(), LDNS_RR_TYPE_A);
  const std::string encoded = absl::WebSafeBase64Escape(std::string(query.begin(), query.end()));
  HttpsReply reply = Request("GET", "/dns-query?dns=" + encoded);
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.content_type, "application/dns-message");
  EXPECT_EQ(reply.max_age, 60u) << "RFC 8484 5.1: no longer than the smallest TTL";
  ASSERT_EQ(asked_.size(), 1u);
  EXPECT_EQ(asked_[0], query);
  EXPECT_EQ(peers_[0].AddressString(), "192.0.2.200") << "access-control needs the real peer";
  const std::vector<uint8_t> body(reply.body.begin(), reply.body.end());
  absl::StatusOr<LdnsPktPtr> accepted = AcceptDohResponse(body, name.get(), LDNS_RR_TYPE_A, 300);
  ASSERT_TRUE(accepted.ok()) << accepted.status();
  EXPECT_EQ(ldns_rr_list_rr_count(ldns_pkt_answer(accepted->get())), 2u);
}

TEST_F(RelayServiceTest, DohPostNeedsTheDnsMessageType) {
  LdnsRdfPtr name = Name("www.example.");
  const std::vector<uint8_t> query = RelayQueryWire(name.get(), LDNS_RR_TYPE_AAAA);
  const std::string body(query.begin(), query.end());
  EXPECT_EQ(Request("POST", "/dns-query", "application/dns-message", body).status, 200);
  EXPECT_EQ(Request("POST", "/dns-query", "text/plain", body).status, 415);
  EXPECT_EQ(asked_.size(), 1u);
}

TEST_F(RelayServiceTest, MalformedRequestsNeverReachTheResolver) {
  EXPECT_EQ(Request("GET", "/dns-query").status, 400);
  EXPECT_EQ(Request("GET", "/dns-query?dns=***").status, 400);
  EXPECT_EQ(Request("GET", "/dns-query?dns=AAAA").status, 400) << "shorter than a header";
  EXPECT_EQ(Request("PUT", "/dns-query?dns=AAAA").status, 405);
  EXPECT_EQ(Request("GET", "/other").status, 404);
  EXPECT_EQ(Request("GET", "/bootstrap-dns").status, 400);
  EXPECT_EQ(Request("GET", "/bootstrap-dns?q=%zz").status, 400);
  EXPECT_EQ(Request("GET", "/bootstrap-dns?q=a..b").status, 400);
  EXPECT_TRUE(asked_.empty());
}

TEST_F(RelayServiceTest, JsonFormListsBothFamiliesUnderTheNameAsked) {
  HttpsReply reply = Request("GET", "/bootstrap-dns?q=www.example");
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.content_type, "application/json");
  EXPECT_EQ(reply.max_age, 60u);
  nlohmann::json body = nlohmann::json::parse(reply.body);
  EXPECT_EQ(body,
            nlohmann::json::parse(R"({"www.example": ["192.0.2.1", "192.0.2.2", "2001:db8::1"]})"));
  EXPECT_EQ(asked_.size(), 2u);
  // What rebound's own client makes of it.
  LdnsRdfPtr name = Name("www.example.");
  absl::StatusOr<LdnsPktPtr> aaaa =
      AcceptJsonResponse(reply.body, name.get(), LDNS_RR_TYPE_AAAA, 300);
  ASSERT_TRUE(aaaa.ok()) << aaaa.status();
  EXPECT_EQ(ldns_rr_list_rr_count(ldns_pkt_answer(aaaa->get())), 1u);
}

// A name that is not valid UTF-8 made json::dump() throw inside a libuv callback, which ended
// the process (issue 15 item 1). It is refused before the resolver is asked.
TEST_F(RelayServiceTest, JsonFormRefusesANameThatIsNotPrintableAscii) {
  EXPECT_EQ(Request("GET", "/bootstrap-dns?q=%FF.some.name").status, 400);
  EXPECT_EQ(Request("GET", "/bootstrap-dns?q=caf%C3%A9.example").status, 400);
  EXPECT_EQ(Request("GET", "/bootstrap-dns?q=a%00b.example").status, 400);
  EXPECT_TRUE(asked_.empty());
  // The same byte in the master-file escape is asked, and answered under the name as asked.
  HttpsReply escaped = Request("GET", "/bootstrap-dns?q=%5C255.some.name");
  EXPECT_EQ(escaped.status, 200);
  EXPECT_EQ(nlohmann::json::parse(escaped.body),
            nlohmann::json::parse(R"({"\\255.some.name": []})"));
}

TEST_F(RelayServiceTest, JsonFormOfANameThatDoesNotExistIsAnEmptyList) {
  HttpsReply reply = Request("GET", "/bootstrap-dns?q=nowhere.example.");
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(nlohmann::json::parse(reply.body),
            nlohmann::json::parse(R"({"nowhere.example.": []})"));
}

TEST_F(RelayServiceTest, ADroppedQueryIsForbidden) {
  drop_ = true;
  LdnsRdfPtr name = Name("www.example.");
  const std::vector<uint8_t> query = RelayQueryWire(name.get(), LDNS_RR_TYPE_A);
  EXPECT_EQ(Request("GET", "/dns-query?dns=" +
                               absl::WebSafeBase64Escape(std::string(query.begin(), query.end())))
                .status,
            403);
  EXPECT_EQ(Request("GET", "/bootstrap-dns?q=www.example").status, 403);
}

}  // namespace
}  // namespace rebound
