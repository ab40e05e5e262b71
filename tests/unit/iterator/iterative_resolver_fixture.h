// The replay fixture for IterativeResolver tests: a scripted transport and a fake clock, with
// which each test plays the authoritative servers, query by query.
#ifndef REBOUND_TESTS_UNIT_ITERATOR_ITERATIVE_RESOLVER_FIXTURE_H_
#define REBOUND_TESTS_UNIT_ITERATOR_ITERATIVE_RESOLVER_FIXTURE_H_

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "resolver/iterator/iterative_resolver.h"
#include "tests/support/fake_transport.h"

namespace rebound {

using testing::FakeTransport;

inline LdnsRdfPtr Name(const char* s) { return LdnsRdfPtr(ldns_dname_new_frm_str(s)); }

inline LdnsRrListPtr Records(const std::vector<std::string>& lines) {
  LdnsRrListPtr list(ldns_rr_list_new());
  for (const std::string& line : lines) {
    ldns_rr* rr = nullptr;
    EXPECT_EQ(ldns_rr_new_frm_str(&rr, line.c_str(), 3600, nullptr, nullptr), LDNS_STATUS_OK)
        << line;
    if (rr != nullptr) ldns_rr_list_push_rr(list.get(), rr);
  }
  return list;
}

struct Reply {
  bool aa = true;
  bool ra = false;
  ldns_pkt_rcode rcode = LDNS_RCODE_NOERROR;
  std::vector<std::string> answer = {};
  std::vector<std::string> authority = {};
  std::vector<std::string> additional = {};
};

inline Reply Referral(std::vector<std::string> ns, std::vector<std::string> glue = {}) {
  return Reply{.aa = false, .authority = std::move(ns), .additional = std::move(glue)};
}
inline Reply Answer(std::vector<std::string> answer) { return Reply{.answer = std::move(answer)}; }
inline Reply Nxdomain(const char* soa) {
  return Reply{.rcode = LDNS_RCODE_NXDOMAIN, .authority = {soa}};
}
inline Reply Rcode(ldns_pkt_rcode rcode) { return Reply{.aa = false, .rcode = rcode}; }

inline LdnsPktPtr BuildReply(const FakeTransport::Sent& q, const Reply& r) {
  LdnsPktPtr pkt(
      ldns_pkt_query_new(ldns_dname_new_frm_str(q.name.c_str()), q.type, LDNS_RR_CLASS_IN, 0));
  ldns_pkt_set_qr(pkt.get(), true);
  ldns_pkt_set_aa(pkt.get(), r.aa);
  ldns_pkt_set_ra(pkt.get(), r.ra);
  ldns_pkt_set_rcode(pkt.get(), r.rcode);
  const std::pair<const std::vector<std::string>*, ldns_pkt_section> sections[] = {
      {&r.answer, LDNS_SECTION_ANSWER},
      {&r.authority, LDNS_SECTION_AUTHORITY},
      {&r.additional, LDNS_SECTION_ADDITIONAL}};
  for (const auto& [lines, section] : sections) {
    LdnsRrListPtr records = Records(*lines);
    for (size_t i = 0; i < ldns_rr_list_rr_count(records.get()); ++i) {
      ldns_pkt_push_rr(pkt.get(), section, ldns_rr_clone(ldns_rr_list_rr(records.get(), i)));
    }
  }
  return pkt;
}

inline constexpr char kRootSoa[] = ". SOA a.root.test. hostmaster. 1 3600 900 604800 900";

class IterativeResolverTest : public ::testing::Test {
 protected:
  IterativeResolverTest() {
    options_.do_not_query_localhost = false;
    options_.use_0x20 = false;
  }

  // The hints name one root server, 192.0.2.1, unless a test set others.
  void Resolve(const char* name, ldns_rr_type type) {
    if (resolver_ == nullptr) {
      finder_ = std::make_unique<DelegationFinder>(&rrsets_, *Records(hints_));
      for (const auto& [zone, addrs, first, hosts] : forward_zones_) {
        EXPECT_TRUE(finder_->AddForwardZone(zone, addrs, first, hosts).ok());
      }
      resolver_ = std::make_unique<IterativeResolver>(IteratorContext{
          &transport_, &rrsets_, &negatives_, &writer_, &infra_, finder_.get(), &clock_, options_});
    }
    result_.reset();
    lookup_ = resolver_->Resolve(Name(name).get(), type, LDNS_RR_CLASS_IN,
                                 [this](LookupResult r) { result_ = std::move(r); });
  }

  // Puts the root's NS RRset and server address in the cache, as priming would.
  void PrimeCache(std::vector<std::string> addresses = {"a.root.test. A 192.0.2.1"}) {
    rrsets_.Insert(*Records({". NS a.root.test."}), Trust::kAnswer);
    rrsets_.Insert(*Records(addresses), Trust::kAdditional);
  }

  // Checks the oldest outstanding query and answers it.
  void Expect(const char* server, const char* name, ldns_rr_type type, const Reply& reply) {
    ASSERT_GT(transport_.outstanding(), 0u) << "no query for " << name;
    const FakeTransport::Sent& q = transport_.front();
    EXPECT_EQ(q.server.AddressString(), server) << q.name;
    EXPECT_EQ(q.name, name);
    EXPECT_EQ(q.type, type) << q.name;
    transport_.Reply(BuildReply(q, reply));
  }
  void ExpectAndFail(const char* server, absl::Status error) {
    ASSERT_GT(transport_.outstanding(), 0u);
    EXPECT_EQ(transport_.front().server.AddressString(), server);
    transport_.Reply(error);
  }

  // Answers every query with `play` until none is left; returns how many there were.
  int Play(const std::function<Reply(const FakeTransport::Sent&)>& play) {
    int queries = 0;
    while (transport_.outstanding() > 0 && queries < 1000) {
      ++queries;
      const FakeTransport::Sent& q = transport_.front();
      transport_.Reply(BuildReply(q, play(q)));
    }
    return queries;
  }

  std::vector<std::string> AnswerStrings() const {
    std::vector<std::string> out;
    for (size_t i = 0; i < ldns_rr_list_rr_count(result_->answer.get()); ++i) {
      char* text = ldns_rr2str(ldns_rr_list_rr(result_->answer.get(), i));
      std::string line = text;
      free(text);
      line.erase(line.find_last_not_of('\n') + 1);
      out.push_back(line);
    }
    return out;
  }

  FakeClock clock_;
  RrsetCache rrsets_{RrsetCacheOptions{.shards = 1}, &clock_};
  NegativeCache negatives_{NegativeCacheOptions{.shards = 1}, &clock_};
  CacheWriter writer_{&rrsets_, &negatives_};
  InfraCache infra_{InfraCacheOptions{}, &clock_};
  FakeTransport transport_;
  std::vector<std::string> hints_ = {". NS a.root.test.", "a.root.test. A 192.0.2.1"};
  IteratorOptions options_;
  struct ForwardZone {
    std::string zone;
    std::vector<Endpoint> addrs;
    bool first = false;
    std::vector<std::string> hosts = {};  // forward-host
  };
  std::vector<ForwardZone> forward_zones_;
  std::unique_ptr<DelegationFinder> finder_;
  std::unique_ptr<IterativeResolver> resolver_;
  std::optional<LookupResult> result_;
  uint64_t lookup_ = 0;  // the id the last Resolve returned
};

}  // namespace rebound

#endif  // REBOUND_TESTS_UNIT_ITERATOR_ITERATIVE_RESOLVER_FIXTURE_H_
