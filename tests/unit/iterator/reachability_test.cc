// What the iterator tells the bootstrap fallback: whether a failed lookup heard from any server
// at all, how soon it gives up when none answers, and the probe that finds ordinary DNS again.
#include <gtest/gtest.h>

#include <optional>

#include "tests/unit/iterator/iterative_resolver_fixture.h"

namespace rebound {
namespace {

TEST_F(IterativeResolverTest, EveryServerSilentMeansNoReachableAuthority) {
  PrimeCache({"a.root.test. A 192.0.2.1", "a.root.test. A 192.0.2.9"});
  options_.max_sends_per_server = 1;
  Resolve("www.test.", LDNS_RR_TYPE_A);
  // Either order: one server times out, the other cannot be reached.
  ASSERT_EQ(transport_.outstanding(), 1u);
  transport_.Reply(absl::DeadlineExceededError("no answer"));
  ASSERT_EQ(transport_.outstanding(), 1u);
  transport_.Reply(absl::UnavailableError("network unreachable"));
  ASSERT_TRUE(result_);
  EXPECT_EQ(result_->rcode, LDNS_RCODE_SERVFAIL);
  EXPECT_TRUE(result_->no_reachable_authority);
}

TEST_F(IterativeResolverTest, AServersOwnServfailIsNotUnreachable) {
  PrimeCache();
  options_.qname_minimisation = false;
  Resolve("www.test.", LDNS_RR_TYPE_A);
  Expect("192.0.2.1", "www.test.", LDNS_RR_TYPE_A, Rcode(LDNS_RCODE_SERVFAIL));
  ASSERT_TRUE(result_);
  EXPECT_EQ(result_->rcode, LDNS_RCODE_SERVFAIL);
  EXPECT_FALSE(result_->no_reachable_authority);
}

TEST_F(IterativeResolverTest, AnNxdomainIsAnAnswerNotAFailure) {
  PrimeCache();
  options_.qname_minimisation = false;
  Resolve("www.test.", LDNS_RR_TYPE_A);
  Expect("192.0.2.1", "www.test.", LDNS_RR_TYPE_A, Nxdomain(kRootSoa));
  ASSERT_TRUE(result_);
  EXPECT_EQ(result_->rcode, LDNS_RCODE_NXDOMAIN);
  EXPECT_FALSE(result_->no_reachable_authority);
}

TEST_F(IterativeResolverTest, SilenceEndsTheLookupAtTheShorterBudget) {
  PrimeCache();
  options_.budget_without_reply = absl::Seconds(3);
  Resolve("www.test.", LDNS_RR_TYPE_A);
  ASSERT_EQ(transport_.outstanding(), 1u);
  EXPECT_LE(transport_.front().timeout, absl::Seconds(3));
  clock_.Advance(absl::Seconds(3));
  transport_.Reply(absl::DeadlineExceededError("no answer"));
  ASSERT_TRUE(result_) << "still waiting after the budget without reply";
  EXPECT_EQ(result_->rcode, LDNS_RCODE_SERVFAIL);
  EXPECT_TRUE(result_->no_reachable_authority);
}

TEST_F(IterativeResolverTest, OneReplyRestoresTheWholeBudget) {
  PrimeCache({"a.root.test. A 192.0.2.1"});
  options_.qname_minimisation = false;
  options_.budget_without_reply = absl::Seconds(3);
  Resolve("www.example.test.", LDNS_RR_TYPE_A);
  Expect("192.0.2.1", "www.example.test.", LDNS_RR_TYPE_A,
         Referral({"example.test. NS ns.example.test."}, {"ns.example.test. A 192.0.2.53"}));
  clock_.Advance(absl::Seconds(4));  // past the budget without reply, inside the whole budget
  ASSERT_EQ(transport_.outstanding(), 1u);
  transport_.Reply(absl::DeadlineExceededError("no answer"));
  ASSERT_FALSE(result_) << "gave up although a server had answered";
  Expect("192.0.2.53", "www.example.test.", LDNS_RR_TYPE_A,
         Answer({"www.example.test. A 198.51.100.7"}));
  ASSERT_TRUE(result_);
  EXPECT_EQ(result_->rcode, LDNS_RCODE_NOERROR);
}

TEST_F(IterativeResolverTest, ProbeAsksTheRootPastTheCache) {
  PrimeCache();
  Resolve("www.test.", LDNS_RR_TYPE_A);  // builds the resolver
  transport_.Reply(absl::UnavailableError("network unreachable"));
  std::optional<bool> reached;
  resolver_->Probe([&](IterativeResolver::ProbeReport r) { reached = r.reached; });
  ASSERT_EQ(transport_.outstanding(), 1u) << "the cached root NS RRset must not answer a probe";
  Expect("192.0.2.1", ".", LDNS_RR_TYPE_NS, Answer({". NS a.root.test."}));
  ASSERT_TRUE(reached);
  EXPECT_TRUE(*reached);
}

TEST_F(IterativeResolverTest, ProbeWithNoServerReachableSaysSo) {
  Resolve("www.test.", LDNS_RR_TYPE_A);
  while (transport_.outstanding() > 0) transport_.Reply(absl::UnavailableError("unreachable"));
  std::optional<bool> reached;
  resolver_->Probe([&](IterativeResolver::ProbeReport r) { reached = r.reached; });
  while (transport_.outstanding() > 0) {
    EXPECT_EQ(transport_.front().name, ".");
    transport_.Reply(absl::DeadlineExceededError("no answer"));
  }
  ASSERT_TRUE(reached);
  EXPECT_FALSE(*reached);
}

TEST_F(IterativeResolverTest, ProbeAsksTheRootForwardersWithRecursionDesired) {
  forward_zones_.push_back({".", {*Endpoint::Parse("192.0.2.77", 53)}});
  Resolve("www.test.", LDNS_RR_TYPE_A);
  Expect("192.0.2.77", "www.test.", LDNS_RR_TYPE_A, Answer({"www.test. A 198.51.100.1"}));
  std::optional<bool> reached;
  resolver_->Probe([&](IterativeResolver::ProbeReport r) { reached = r.reached; });
  ASSERT_EQ(transport_.outstanding(), 1u);
  EXPECT_TRUE(transport_.front().recursion_desired);
  Expect("192.0.2.77", ".", LDNS_RR_TYPE_NS, Rcode(LDNS_RCODE_REFUSED));
  ASSERT_TRUE(reached);
  EXPECT_TRUE(*reached) << "any reply, whatever its RCODE, shows the path works";
}

// A probe that could not send for a local reason (descriptors used up, perhaps by a client's
// flood) must not read as an outage of the root servers.
TEST_F(IterativeResolverTest, AProbeThatFailedLocallySaysSo) {
  PrimeCache({"a.root.test. A 192.0.2.1", "a.root.test. A 192.0.2.9"});
  Resolve("www.test.", LDNS_RR_TYPE_A);  // builds the resolver
  while (transport_.outstanding() > 0) transport_.Reply(absl::UnavailableError("unreachable"));
  std::optional<IterativeResolver::ProbeReport> report;
  resolver_->Probe([&](IterativeResolver::ProbeReport r) { report = r; });
  bool first = true;
  while (transport_.outstanding() > 0) {
    transport_.Reply(first ? absl::InternalError("udp socket: too many open files")
                           : absl::DeadlineExceededError("no answer"));
    first = false;
  }
  ASSERT_TRUE(report);
  EXPECT_FALSE(report->reached);
  EXPECT_TRUE(report->failed_locally);
  // The same for a cap on upstream sockets; only timeouts and unreachability are an outage.
  report.reset();
  resolver_->Probe([&](IterativeResolver::ProbeReport r) { report = r; });
  while (transport_.outstanding() > 0) {
    transport_.Reply(absl::ResourceExhaustedError("outgoing-range reached"));
  }
  ASSERT_TRUE(report);
  EXPECT_TRUE(report->failed_locally);
  report.reset();
  resolver_->Probe([&](IterativeResolver::ProbeReport r) { report = r; });
  while (transport_.outstanding() > 0) {
    transport_.Reply(absl::DeadlineExceededError("no answer"));
  }
  ASSERT_TRUE(report);
  EXPECT_FALSE(report->reached);
  EXPECT_FALSE(report->failed_locally);
}

}  // namespace
}  // namespace rebound
