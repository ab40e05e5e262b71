// Replays of whole lookups through the IterativeResolver with a scripted transport and a fake
// clock: each test plays the authoritative servers, query by query.
#include "resolver/iterator/iterative_resolver.h"

#include <gtest/gtest.h>

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "tests/unit/iterator/iterative_resolver_fixture.h"

namespace rebound {
namespace {

TEST_F(IterativeResolverTest, PrimesThenWalksDownWithMinimisedQueries) {
  Resolve("www.example.test.", LDNS_RR_TYPE_A);
  // RFC 8109: the root's NS RRset is fetched from the hints first.
  Expect("192.0.2.1", ".", LDNS_RR_TYPE_NS,
         Reply{.answer = {". NS a.root.test."}, .additional = {"a.root.test. A 192.0.2.1"}});
  // RFC 9156: each server hears only the next label, as an A query.
  Expect("192.0.2.1", "test.", LDNS_RR_TYPE_A,
         Referral({"test. NS ns.nic.test."}, {"ns.nic.test. A 192.0.2.2"}));
  Expect("192.0.2.2", "example.test.", LDNS_RR_TYPE_A,
         Referral({"example.test. NS ns.example.test."}, {"ns.example.test. A 192.0.2.3"}));
  Expect("192.0.2.3", "www.example.test.", LDNS_RR_TYPE_A,
         Answer({"www.example.test. 300 IN A 203.0.113.1"}));
  ASSERT_TRUE(result_);
  EXPECT_EQ(result_->rcode, LDNS_RCODE_NOERROR);
  EXPECT_EQ(AnswerStrings(),
            std::vector<std::string>{"www.example.test.\t300\tIN\tA\t203.0.113.1"});
  EXPECT_EQ(transport_.outstanding(), 0u);

  // A sibling goes straight to the cached zone's server.
  Resolve("mail.example.test.", LDNS_RR_TYPE_A);
  Expect("192.0.2.3", "mail.example.test.", LDNS_RR_TYPE_A,
         Answer({"mail.example.test. A 203.0.113.2"}));
  ASSERT_TRUE(result_);
  EXPECT_EQ(result_->rcode, LDNS_RCODE_NOERROR);
}

TEST_F(IterativeResolverTest, WithoutMinimisationTheRootHearsTheWholeName) {
  options_.qname_minimisation = false;
  PrimeCache();
  Resolve("www.example.test.", LDNS_RR_TYPE_AAAA);
  Expect("192.0.2.1", "www.example.test.", LDNS_RR_TYPE_AAAA, Nxdomain(kRootSoa));
  ASSERT_TRUE(result_);
  EXPECT_EQ(result_->rcode, LDNS_RCODE_NXDOMAIN);
  EXPECT_EQ(ldns_rr_list_rr_count(result_->authority.get()), 1u);
}

TEST_F(IterativeResolverTest, EmptyNonTerminalTakesOneMoreLabel) {
  PrimeCache({"a.root.test. A 192.0.2.1"});
  Resolve("a.b.test.", LDNS_RR_TYPE_TXT);
  Expect("192.0.2.1", "test.", LDNS_RR_TYPE_A,
         Referral({"test. NS ns.nic.test."}, {"ns.nic.test. A 192.0.2.2"}));
  // b.test. exists only as a parent of a.b.test.: NODATA, no zone cut.
  Expect("192.0.2.2", "b.test.", LDNS_RR_TYPE_A,
         Reply{.authority = {"test. SOA ns.nic.test. h. 1 2 3 4 5"}});
  Expect("192.0.2.2", "a.b.test.", LDNS_RR_TYPE_TXT, Answer({"a.b.test. TXT \"hi\""}));
  ASSERT_TRUE(result_);
  EXPECT_EQ(result_->rcode, LDNS_RCODE_NOERROR);
}

TEST_F(IterativeResolverTest, LongNameUnderAOneServerZoneGetsEveryMinimisedStep) {
  // 8.7.6.5.in-addr.arpa under 5.in-addr.arpa: three empty non-terminals, then the name itself,
  // all asked of the zone's only server.
  PrimeCache();
  rrsets_.Insert(*Records({"5.in-addr.arpa. NS ns.rev.test."}), Trust::kAuthority);
  rrsets_.Insert(*Records({"ns.rev.test. A 192.0.2.5"}), Trust::kAdditional);
  Resolve("x.8.7.6.5.in-addr.arpa.", LDNS_RR_TYPE_A);
  const Reply nodata{.authority = {"5.in-addr.arpa. SOA ns.rev.test. h. 1 2 3 4 5"}};
  Expect("192.0.2.5", "6.5.in-addr.arpa.", LDNS_RR_TYPE_A, nodata);
  Expect("192.0.2.5", "7.6.5.in-addr.arpa.", LDNS_RR_TYPE_A, nodata);
  Expect("192.0.2.5", "8.7.6.5.in-addr.arpa.", LDNS_RR_TYPE_A, nodata);
  Expect("192.0.2.5", "x.8.7.6.5.in-addr.arpa.", LDNS_RR_TYPE_A,
         Reply{.rcode = LDNS_RCODE_NXDOMAIN,
               .authority = {"5.in-addr.arpa. SOA ns.rev.test. h. 1 2 3 4 5"}});
  ASSERT_TRUE(result_);
  EXPECT_EQ(result_->rcode, LDNS_RCODE_NXDOMAIN);
}

TEST_F(IterativeResolverTest, NxdomainForAMinimisedNameEndsTheLookup) {
  PrimeCache();
  Resolve("a.b.nowhere.", LDNS_RR_TYPE_A);
  // RFC 8020: nothing exists below nowhere.
  Expect("192.0.2.1", "nowhere.", LDNS_RR_TYPE_A, Nxdomain(kRootSoa));
  ASSERT_TRUE(result_);
  EXPECT_EQ(result_->rcode, LDNS_RCODE_NXDOMAIN);
}

TEST_F(IterativeResolverTest, ManyGluelessNameServersAreLookedUpOnlyUpToTheCap) {
  // NXNSAttack (CVE-2020-12662): a referral to 20 names that do not exist.
  PrimeCache();
  options_.max_ns_lookups_per_delegation = 4;
  std::vector<std::string> ns;
  for (int i = 0; i < 20; ++i) ns.push_back("victim.test. NS ns" + std::to_string(i) + ".nowhere.");
  Resolve("www.victim.test.", LDNS_RR_TYPE_A);
  const int queries = Play([&](const FakeTransport::Sent& q) {
    if (q.name == "test." || q.name == "victim.test." || q.name == "www.victim.test.") {
      return Referral(ns);
    }
    return Nxdomain(kRootSoa);
  });
  ASSERT_TRUE(result_);
  EXPECT_EQ(result_->rcode, LDNS_RCODE_SERVFAIL);
  // One query for the referral, then A and AAAA for at most four names.
  EXPECT_LE(queries, 1 + 4 * 2) << queries;
}

TEST_F(IterativeResolverTest, DelegationLoopEndsInServfail) {
  PrimeCache();
  options_.qname_minimisation = false;
  Resolve("www.a.loop.", LDNS_RR_TYPE_A);
  const int queries = Play([](const FakeTransport::Sent& q) {
    const bool under_a = q.name.find("a.loop.") != std::string::npos;
    return Referral({under_a ? "a.loop. NS ns.b.loop." : "b.loop. NS ns.a.loop."});
  });
  ASSERT_TRUE(result_);
  EXPECT_EQ(result_->rcode, LDNS_RCODE_SERVFAIL);
  EXPECT_LT(queries, 20);
  EXPECT_EQ(resolver_->lookups_in_progress(), 0u);
}

TEST_F(IterativeResolverTest, CnameLoopAcrossZonesEndsInServfail) {
  PrimeCache();
  options_.qname_minimisation = false;
  Resolve("a.test.", LDNS_RR_TYPE_A);
  Expect("192.0.2.1", "a.test.", LDNS_RR_TYPE_A, Answer({"a.test. CNAME b.example."}));
  Expect("192.0.2.1", "b.example.", LDNS_RR_TYPE_A, Answer({"b.example. CNAME a.test."}));
  ASSERT_TRUE(result_);
  EXPECT_EQ(result_->rcode, LDNS_RCODE_SERVFAIL);
  EXPECT_EQ(transport_.outstanding(), 0u);
}

TEST_F(IterativeResolverTest, CrossZoneCnameChainIsFollowedAndReturnedWhole) {
  PrimeCache();
  options_.qname_minimisation = false;
  Resolve("www.test.", LDNS_RR_TYPE_A);
  Expect("192.0.2.1", "www.test.", LDNS_RR_TYPE_A,
         Referral({"test. NS ns.test."}, {"ns.test. A 192.0.2.2"}));
  Expect("192.0.2.2", "www.test.", LDNS_RR_TYPE_A, Answer({"www.test. CNAME www.example."}));
  Expect("192.0.2.1", "www.example.", LDNS_RR_TYPE_A, Answer({"www.example. A 203.0.113.5"}));
  ASSERT_TRUE(result_);
  EXPECT_EQ(result_->rcode, LDNS_RCODE_NOERROR);
  ASSERT_EQ(AnswerStrings().size(), 2u);
}

TEST_F(IterativeResolverTest, OutOfBailiwickRecordsAreNeitherReturnedNorCached) {
  PrimeCache();
  options_.qname_minimisation = false;
  rrsets_.Insert(*Records({"test. NS ns.test."}), Trust::kAuthority);
  rrsets_.Insert(*Records({"ns.test. A 192.0.2.2"}), Trust::kAdditional);
  Resolve("www.test.", LDNS_RR_TYPE_A);
  Expect("192.0.2.2", "www.test.", LDNS_RR_TYPE_A,
         Reply{.answer = {"www.test. A 203.0.113.1", "www.example. A 6.6.6.6"},
               .authority = {"example. NS ns.evil.test."},
               .additional = {"ns.example. A 6.6.6.6"}});
  ASSERT_TRUE(result_);
  EXPECT_EQ(AnswerStrings().size(), 1u);
  EXPECT_EQ(rrsets_.Lookup(Name("www.example.").get(), LDNS_RR_TYPE_A, LDNS_RR_CLASS_IN), nullptr);
  EXPECT_EQ(rrsets_.Lookup(Name("example.").get(), LDNS_RR_TYPE_NS, LDNS_RR_CLASS_IN), nullptr);
  EXPECT_EQ(rrsets_.Lookup(Name("ns.example.").get(), LDNS_RR_TYPE_A, LDNS_RR_CLASS_IN), nullptr);
}

TEST_F(IterativeResolverTest, TimeoutMovesOnToTheNextServerThenRetries) {
  PrimeCache({"a.root.test. A 192.0.2.1", "a.root.test. A 192.0.2.9"});
  options_.qname_minimisation = false;
  options_.max_sends_per_server = 2;
  Resolve("www.test.", LDNS_RR_TYPE_A);
  ASSERT_EQ(transport_.outstanding(), 1u);
  const std::string first = transport_.front().server.AddressString();
  transport_.Reply(absl::DeadlineExceededError("no answer"));
  ASSERT_EQ(transport_.outstanding(), 1u);
  EXPECT_NE(transport_.front().server.AddressString(), first);
  const absl::Duration first_timeout = transport_.front().timeout;
  transport_.Reply(absl::DeadlineExceededError("no answer"));
  // Both had their first try: each is asked once more, with a longer timeout (backoff).
  for (int retry = 0; retry < 2; ++retry) {
    ASSERT_EQ(transport_.outstanding(), 1u) << retry;
    EXPECT_GT(transport_.front().timeout, first_timeout);
    transport_.Reply(absl::DeadlineExceededError("no answer"));
  }
  ASSERT_TRUE(result_);
  EXPECT_EQ(result_->rcode, LDNS_RCODE_SERVFAIL);
}

TEST_F(IterativeResolverTest, UnreachableServerIsNotRetried) {
  PrimeCache();
  options_.qname_minimisation = false;
  Resolve("www.test.", LDNS_RR_TYPE_A);
  ExpectAndFail("192.0.2.1", absl::UnavailableError("port unreachable"));
  ASSERT_TRUE(result_);
  EXPECT_EQ(result_->rcode, LDNS_RCODE_SERVFAIL);
}

TEST_F(IterativeResolverTest, TheTimeBudgetEndsTheLookup) {
  PrimeCache({"a.root.test. A 192.0.2.1", "a.root.test. A 192.0.2.9"});
  options_.budget = absl::Seconds(5);
  Resolve("www.test.", LDNS_RR_TYPE_A);
  ASSERT_EQ(transport_.outstanding(), 1u);
  EXPECT_LE(transport_.front().timeout, absl::Seconds(5));
  clock_.Advance(absl::Seconds(6));
  transport_.Reply(absl::DeadlineExceededError("no answer"));
  ASSERT_TRUE(result_);
  EXPECT_EQ(result_->rcode, LDNS_RCODE_SERVFAIL);
  EXPECT_EQ(transport_.outstanding(), 0u);
}

TEST_F(IterativeResolverTest, FormerrToEdnsIsAskedAgainWithoutEdns) {
  PrimeCache();
  options_.qname_minimisation = false;
  Resolve("www.test.", LDNS_RR_TYPE_A);
  ASSERT_EQ(transport_.outstanding(), 1u);
  EXPECT_TRUE(transport_.front().edns);
  Expect("192.0.2.1", "www.test.", LDNS_RR_TYPE_A, Rcode(LDNS_RCODE_FORMERR));
  ASSERT_EQ(transport_.outstanding(), 1u);
  EXPECT_FALSE(transport_.front().edns);  // RFC 6891 7
  Expect("192.0.2.1", "www.test.", LDNS_RR_TYPE_A, Answer({"www.test. A 203.0.113.1"}));
  ASSERT_TRUE(result_);
  EXPECT_EQ(result_->rcode, LDNS_RCODE_NOERROR);
}

TEST_F(IterativeResolverTest, ServerThatDoesNotEchoCaseIsAskedAgainWithout0x20) {
  PrimeCache();
  options_.use_0x20 = true;
  options_.qname_minimisation = false;
  Resolve("www.test.", LDNS_RR_TYPE_A);
  ASSERT_EQ(transport_.outstanding(), 1u);
  EXPECT_TRUE(transport_.front().randomize_case);
  transport_.Reply(absl::FailedPreconditionError("case not echoed"));
  ASSERT_EQ(transport_.outstanding(), 1u);
  EXPECT_FALSE(transport_.front().randomize_case);
  EXPECT_EQ(transport_.front().server.AddressString(), "192.0.2.1");
  Expect("192.0.2.1", "www.test.", LDNS_RR_TYPE_A, Answer({"www.test. A 203.0.113.1"}));
  ASSERT_TRUE(result_);
  EXPECT_EQ(result_->rcode, LDNS_RCODE_NOERROR);
  // One mismatch is this lookup's reason to ask plainly, not yet the server's verdict.
  EXPECT_FALSE(infra_.CaseNotEchoed(*Endpoint::Parse("192.0.2.1", 53)));
}

TEST_F(IterativeResolverTest, RefusingServerIsSkipped) {
  PrimeCache();
  options_.qname_minimisation = false;
  rrsets_.Insert(*Records({"test. NS ns1.test.", "test. NS ns2.test."}), Trust::kAuthority);
  rrsets_.Insert(*Records({"ns1.test. A 192.0.2.2"}), Trust::kAdditional);
  rrsets_.Insert(*Records({"ns2.test. A 192.0.2.3"}), Trust::kAdditional);
  Resolve("www.test.", LDNS_RR_TYPE_A);
  ASSERT_EQ(transport_.outstanding(), 1u);
  transport_.Reply(BuildReply(transport_.front(), Rcode(LDNS_RCODE_REFUSED)));
  ASSERT_EQ(transport_.outstanding(), 1u);
  transport_.Reply(BuildReply(transport_.front(), Answer({"www.test. A 203.0.113.1"})));
  ASSERT_TRUE(result_);
  EXPECT_EQ(result_->rcode, LDNS_RCODE_NOERROR);
}

TEST_F(IterativeResolverTest, WithoutIpv4NoIpv4ServerIsAsked) {
  options_.do_ip4 = false;
  Resolve("www.test.", LDNS_RR_TYPE_A);
  EXPECT_EQ(transport_.outstanding(), 0u);
  ASSERT_TRUE(result_);
  EXPECT_EQ(result_->rcode, LDNS_RCODE_SERVFAIL);
}

TEST_F(IterativeResolverTest, WithoutIpv4Nat64ReachesIpv4Servers) {
  // do-nat64: an IPv6-only resolver sends to the IPv4 server's address under the NAT64 prefix.
  options_.do_ip4 = false;
  options_.qname_minimisation = false;
  options_.nat64 = [](const Endpoint& v4) {
    EXPECT_EQ(v4.AddressString(), "192.0.2.1");
    return *Endpoint::Parse("64:ff9b::c000:201", v4.port());
  };
  PrimeCache();
  Resolve("www.test.", LDNS_RR_TYPE_A);
  Expect("64:ff9b::c000:201", "www.test.", LDNS_RR_TYPE_A, Answer({"www.test. A 203.0.113.1"}));
  ASSERT_TRUE(result_);
  EXPECT_EQ(result_->rcode, LDNS_RCODE_NOERROR);
}

TEST_F(IterativeResolverTest, Nat64DoesNotCarryQueriesToLocalhost) {
  options_.do_ip4 = false;
  options_.do_not_query_localhost = true;
  options_.nat64 = [](const Endpoint& v4) {
    return *Endpoint::Parse("64:ff9b::7f00:1", v4.port());
  };
  PrimeCache({"a.root.test. A 127.0.0.1"});
  Resolve("www.test.", LDNS_RR_TYPE_A);
  EXPECT_EQ(transport_.outstanding(), 0u);
  ASSERT_TRUE(result_);
  EXPECT_EQ(result_->rcode, LDNS_RCODE_SERVFAIL);
}

// Issue 15 item 7: glue "A 0.0.0.0" or "AAAA ::" reaches this host (the kernel takes the
// unspecified address as the local one), past do-not-query-localhost.
TEST_F(IterativeResolverTest, UnspecifiedGlueIsNeverAsked) {
  PrimeCache();
  options_.qname_minimisation = false;
  options_.do_not_query_localhost = true;
  options_.do_ip6 = true;
  Resolve("www.evil.test.", LDNS_RR_TYPE_A);
  Expect("192.0.2.1", "www.evil.test.", LDNS_RR_TYPE_A,
         Referral(
             {"evil.test. NS ns.evil.test."},
             {"ns.evil.test. A 0.0.0.0", "ns.evil.test. AAAA ::", "ns.evil.test. A 224.0.0.251"}));
  for (int i = 0; i < 10 && transport_.outstanding() > 0; ++i) {
    const std::string to = transport_.front().server.AddressString();
    EXPECT_NE(to, "0.0.0.0");
    EXPECT_NE(to, "::");
    EXPECT_NE(to, "224.0.0.251");
    transport_.Reply(absl::DeadlineExceededError("no answer"));
  }
  ASSERT_TRUE(result_);
  EXPECT_EQ(result_->rcode, LDNS_RCODE_SERVFAIL);
}

TEST_F(IterativeResolverTest, GluelessNameServerIsResolvedFirst) {
  PrimeCache();
  options_.qname_minimisation = false;
  Resolve("www.glueless.test.", LDNS_RR_TYPE_A);
  Expect("192.0.2.1", "www.glueless.test.", LDNS_RR_TYPE_A,
         Referral({"glueless.test. NS ns.other.example."}));
  Expect("192.0.2.1", "ns.other.example.", LDNS_RR_TYPE_A,
         Answer({"ns.other.example. A 192.0.2.7"}));
  Expect("192.0.2.1", "ns.other.example.", LDNS_RR_TYPE_AAAA, Reply{.authority = {kRootSoa}});
  Expect("192.0.2.7", "www.glueless.test.", LDNS_RR_TYPE_A,
         Answer({"www.glueless.test. A 203.0.113.9"}));
  ASSERT_TRUE(result_);
  EXPECT_EQ(result_->rcode, LDNS_RCODE_NOERROR);
}

// A request dropped to make room (jostled) cancels its lookup: the sub-lookups go with it, and
// so do the queries they have out, which would otherwise hold their sockets to the timeout.
TEST_F(IterativeResolverTest, CancelStopsTheLookupItsSubLookupsAndTheirQueries) {
  PrimeCache();
  options_.qname_minimisation = false;
  Resolve("www.glueless.test.", LDNS_RR_TYPE_A);
  ASSERT_NE(lookup_, 0u);
  Expect("192.0.2.1", "www.glueless.test.", LDNS_RR_TYPE_A,
         Referral({"glueless.test. NS ns.other.example."}));
  ASSERT_GT(transport_.outstanding(), 0u);
  EXPECT_EQ(transport_.front().name, "ns.other.example.");
  const size_t out = transport_.outstanding();
  ASSERT_GT(resolver_->lookups_in_progress(), 1u);
  resolver_->Cancel(lookup_);
  EXPECT_EQ(transport_.outstanding(), 0u);
  EXPECT_EQ(transport_.cancelled(), out);
  EXPECT_EQ(resolver_->lookups_in_progress(), 0u);
  EXPECT_FALSE(result_);
  resolver_->Cancel(lookup_);  // finished: nothing
  // The resolver goes on as before.
  Resolve("www.glueless.test.", LDNS_RR_TYPE_A);
  EXPECT_GT(transport_.outstanding(), 0u);
}

// Coalescing: callers of the same question (in any letter case) while it is being resolved
// share one lookup and its upstream queries, and each gets the whole answer.
TEST_F(IterativeResolverTest, SameQuestionAtOnceIsOneLookupAndEveryCallerIsAnswered) {
  PrimeCache();
  options_.qname_minimisation = false;
  Resolve("www.example.test.", LDNS_RR_TYPE_A);
  std::vector<LookupResult> joined;
  for (const char* name : {"WWW.example.test.", "www.EXAMPLE.test."}) {
    EXPECT_NE(resolver_->Resolve(Name(name).get(), LDNS_RR_TYPE_A, LDNS_RR_CLASS_IN,
                                 [&](LookupResult r) { joined.push_back(std::move(r)); }),
              0u);
  }
  EXPECT_EQ(resolver_->coalesced(), 2u);
  EXPECT_EQ(transport_.outstanding(), 1u);
  Expect("192.0.2.1", "www.example.test.", LDNS_RR_TYPE_A,
         Answer({"www.example.test. 300 IN A 203.0.113.1"}));
  ASSERT_TRUE(result_);
  EXPECT_EQ(AnswerStrings(),
            std::vector<std::string>{"www.example.test.\t300\tIN\tA\t203.0.113.1"});
  ASSERT_EQ(joined.size(), 2u);
  for (const LookupResult& r : joined) {
    EXPECT_EQ(r.rcode, LDNS_RCODE_NOERROR);
    ASSERT_NE(r.answer, nullptr);
    EXPECT_EQ(ldns_rr_list_rr_count(r.answer.get()), 1u);
  }
  EXPECT_EQ(transport_.outstanding(), 0u);
}

// A caller that withdraws leaves the others their lookup; the last one to go stops it.
TEST_F(IterativeResolverTest, CancellingOneCallerOfASharedLookupLeavesTheOthers) {
  PrimeCache();
  options_.qname_minimisation = false;
  Resolve("www.example.test.", LDNS_RR_TYPE_A);
  const uint64_t first = lookup_;
  bool second_answered = false;
  const uint64_t second =
      resolver_->Resolve(Name("www.example.test.").get(), LDNS_RR_TYPE_A, LDNS_RR_CLASS_IN,
                         [&](LookupResult) { second_answered = true; });
  resolver_->Cancel(first);
  EXPECT_EQ(transport_.outstanding(), 1u) << "the other caller still waits for it";
  Expect("192.0.2.1", "www.example.test.", LDNS_RR_TYPE_A,
         Answer({"www.example.test. 300 IN A 203.0.113.1"}));
  EXPECT_FALSE(result_) << "the withdrawn caller heard of it";
  EXPECT_TRUE(second_answered);
  resolver_->Cancel(second);  // finished: nothing

  Resolve("mail.example.test.", LDNS_RR_TYPE_A);
  const uint64_t third = resolver_->Resolve(Name("mail.example.test.").get(), LDNS_RR_TYPE_A,
                                            LDNS_RR_CLASS_IN, [](LookupResult) {});
  resolver_->Cancel(lookup_);
  resolver_->Cancel(third);
  EXPECT_EQ(transport_.outstanding(), 0u);
  EXPECT_EQ(transport_.cancelled(), 1u);
  EXPECT_EQ(resolver_->lookups_in_progress(), 0u);
}

// The same rules as CacheStage's (issue 14), so that the two cache readers agree: glue alone
// does not answer a client, and a DNSSEC client is not answered from the negative cache, which
// keeps no denial proofs.
TEST_F(IterativeResolverTest, AClientsQuestionIsNotAnsweredFromGlue) {
  PrimeCache();
  options_.qname_minimisation = false;
  rrsets_.Insert(*Records({"ns1.child.test. A 192.0.2.99"}), Trust::kAdditional);
  Resolve("ns1.child.test.", LDNS_RR_TYPE_A);
  EXPECT_FALSE(result_);
  Expect("192.0.2.1", "ns1.child.test.", LDNS_RR_TYPE_A,
         Answer({"ns1.child.test. 300 IN A 192.0.2.10"}));
  ASSERT_TRUE(result_);
  EXPECT_EQ(AnswerStrings(), std::vector<std::string>{"ns1.child.test.\t300\tIN\tA\t192.0.2.10"});
}

TEST_F(IterativeResolverTest, ADnssecClientIsNotAnsweredFromTheNegativeCache) {
  PrimeCache();
  options_.qname_minimisation = false;
  negatives_.InsertNxdomain(Name("gone.test.").get(), LDNS_RR_CLASS_IN,
                            ldns_rr_list_rr(Records({kRootSoa}).get(), 0));
  Resolve("gone.test.", LDNS_RR_TYPE_A);
  ASSERT_TRUE(result_) << "without DO the negative cache answers";
  EXPECT_EQ(result_->rcode, LDNS_RCODE_NXDOMAIN);
  EXPECT_EQ(transport_.outstanding(), 0u);
  result_.reset();
  lookup_ = resolver_->Resolve(
      Name("gone.test.").get(), LDNS_RR_TYPE_A, LDNS_RR_CLASS_IN,
      [this](LookupResult r) { result_ = std::move(r); },
      /*dnssec_ok=*/true);
  EXPECT_FALSE(result_);
  Expect("192.0.2.1", "gone.test.", LDNS_RR_TYPE_A, Nxdomain(kRootSoa));
  ASSERT_TRUE(result_);
  EXPECT_EQ(result_->rcode, LDNS_RCODE_NXDOMAIN);
}

TEST_F(IterativeResolverTest, ReferralsPastTheCapEndInServfail) {
  // Each answer refers one label further down, forever (a hostile or broken server).
  PrimeCache();
  options_.qname_minimisation = false;
  options_.max_referrals = 5;
  std::string zone = "test.";
  Resolve("x.x.x.x.x.x.x.x.x.x.test.", LDNS_RR_TYPE_A);
  const int queries = Play([&](const FakeTransport::Sent&) {
    zone = "x." + zone;
    return Referral({zone + " NS ns." + zone}, {"ns." + zone + " A 192.0.2.1"});
  });
  ASSERT_TRUE(result_);
  EXPECT_EQ(result_->rcode, LDNS_RCODE_SERVFAIL);
  EXPECT_EQ(queries, 6);
}

TEST_F(IterativeResolverTest, QueriesPastTheBudgetEndInServfail) {
  // Every server refuses: each NS address is asked once, but only max_queries in all.
  PrimeCache();
  options_.qname_minimisation = false;
  options_.max_queries = 7;
  std::vector<std::string> ns, glue;
  for (int i = 0; i < 20; ++i) {
    const std::string name = "ns" + std::to_string(i) + ".wide.test.";
    ns.push_back("wide.test. NS " + name);
    glue.push_back(name + " A 192.0.2." + std::to_string(10 + i));
  }
  Resolve("www.wide.test.", LDNS_RR_TYPE_A);
  const int queries = Play([&](const FakeTransport::Sent& q) {
    return q.server.AddressString() == "192.0.2.1" ? Referral(ns, glue) : Rcode(LDNS_RCODE_REFUSED);
  });
  ASSERT_TRUE(result_);
  EXPECT_EQ(result_->rcode, LDNS_RCODE_SERVFAIL);
  EXPECT_EQ(queries, 7);
}

TEST_F(IterativeResolverTest, NestedGluelessLookupsStopAtTheDepthCap) {
  // z0's server is named in z1, whose server is named in z2, ...: each needs a lookup inside
  // the last one.
  PrimeCache();
  options_.qname_minimisation = false;
  options_.max_depth = 2;
  Resolve("www.z0.test.", LDNS_RR_TYPE_A);
  const int queries = Play([](const FakeTransport::Sent& q) {
    for (int i = 0; i < 10; ++i) {
      const std::string zone = "z" + std::to_string(i) + ".test.";
      if (q.name.size() >= zone.size() &&
          q.name.compare(q.name.size() - zone.size(), zone.size(), zone) == 0) {
        return Referral({zone + " NS ns.z" + std::to_string(i + 1) + ".test."});
      }
    }
    return Nxdomain(kRootSoa);
  });
  ASSERT_TRUE(result_);
  EXPECT_EQ(result_->rcode, LDNS_RCODE_SERVFAIL);
  EXPECT_LE(queries, 8) << queries;
  EXPECT_EQ(resolver_->lookups_in_progress(), 0u);
}

TEST_F(IterativeResolverTest, FailedPrimingIsNotRepeatedByEveryLookup) {
  hints_ = {". NS a.root.test.", "a.root.test. A 192.0.2.1"};
  Resolve("www.test.", LDNS_RR_TYPE_A);
  ExpectAndFail("192.0.2.1", absl::UnavailableError("unreachable"));  // priming
  // The hints' only server cannot be reached (InfraCache has it down): the lookup ends at once
  // rather than asking it again (issue 18 item 8).
  ASSERT_TRUE(result_);
  EXPECT_EQ(result_->rcode, LDNS_RCODE_SERVFAIL);
  EXPECT_EQ(transport_.outstanding(), 0u);
  Resolve("www.example.", LDNS_RR_TYPE_A);
  ASSERT_TRUE(result_);
  EXPECT_EQ(result_->rcode, LDNS_RCODE_SERVFAIL);
  EXPECT_EQ(transport_.outstanding(), 0u) << "primed again within the hold-down";
  // After the hold-down the next lookup primes again: priming asks even a server known down.
  clock_.Advance(IterativeResolver::kPrimingHoldDown);
  Resolve("www.example.", LDNS_RR_TYPE_A);
  ASSERT_EQ(transport_.outstanding(), 1u);
  EXPECT_EQ(transport_.front().name, ".");
}

// ---- forward-zone ------------------------------------------------------------------------------

Endpoint At(const char* address) { return *Endpoint::Parse(address, 53); }

Reply RecursiveAnswer(std::vector<std::string> answer) {
  return Reply{.aa = false, .ra = true, .answer = std::move(answer)};
}

TEST_F(IterativeResolverTest, ForwardZoneAsksItsResolversWithRecursionDesired) {
  forward_zones_ = {{"corp.test.", {At("192.0.2.53")}}, {".", {At("192.0.2.99")}}};
  Resolve("www.dept.corp.test.", LDNS_RR_TYPE_A);
  ASSERT_EQ(transport_.outstanding(), 1u);
  EXPECT_TRUE(transport_.front().recursion_desired);
  // The longest matching zone wins, and a forwarder hears the whole name.
  Expect("192.0.2.53", "www.dept.corp.test.", LDNS_RR_TYPE_A,
         RecursiveAnswer({"www.dept.corp.test. A 10.0.0.1"}));
  ASSERT_TRUE(result_);
  EXPECT_EQ(result_->rcode, LDNS_RCODE_NOERROR);
  EXPECT_EQ(AnswerStrings().size(), 1u);
}

// forward-host alone (issue 16): the forwarder's name is resolved from the root, not through the
// forward-zone for "." that needs it, and the question then goes to that address with RD=1.
TEST_F(IterativeResolverTest, AForwardHostIsResolvedFromTheRootThenAsked) {
  PrimeCache();
  options_.qname_minimisation = false;
  options_.do_ip6 = false;  // one address lookup, A
  forward_zones_ = {{".", {}, false, {"dns.resolver.example."}}};
  Resolve("www.test.", LDNS_RR_TYPE_A);
  Expect("192.0.2.1", "dns.resolver.example.", LDNS_RR_TYPE_A,
         Answer({"dns.resolver.example. A 192.0.2.53"}));
  ASSERT_EQ(transport_.outstanding(), 1u);
  EXPECT_TRUE(transport_.front().recursion_desired);
  Expect("192.0.2.53", "www.test.", LDNS_RR_TYPE_A, RecursiveAnswer({"www.test. A 203.0.113.7"}));
  ASSERT_TRUE(result_);
  EXPECT_EQ(result_->rcode, LDNS_RCODE_NOERROR);
  ASSERT_EQ(AnswerStrings().size(), 1u);
  EXPECT_NE(AnswerStrings()[0].find("203.0.113.7"), std::string::npos);
  // The address is cached: the next question goes straight to the forwarder.
  Resolve("mail.test.", LDNS_RR_TYPE_A);
  Expect("192.0.2.53", "mail.test.", LDNS_RR_TYPE_A, RecursiveAnswer({"mail.test. A 203.0.113.8"}));
  ASSERT_TRUE(result_);
  EXPECT_EQ(result_->rcode, LDNS_RCODE_NOERROR);
}

TEST_F(IterativeResolverTest, ForwarderNxdomainAndNodataAreAnswers) {
  forward_zones_ = {{".", {At("192.0.2.53")}}};
  Resolve("nowhere.test.", LDNS_RR_TYPE_A);
  Expect("192.0.2.53", "nowhere.test.", LDNS_RR_TYPE_A,
         Reply{.aa = false, .ra = true, .rcode = LDNS_RCODE_NXDOMAIN, .authority = {kRootSoa}});
  ASSERT_TRUE(result_);
  EXPECT_EQ(result_->rcode, LDNS_RCODE_NXDOMAIN);
  Resolve("www.test.", LDNS_RR_TYPE_AAAA);
  Expect("192.0.2.53", "www.test.", LDNS_RR_TYPE_AAAA, Reply{.aa = false, .ra = true});
  ASSERT_TRUE(result_);
  EXPECT_EQ(result_->rcode, LDNS_RCODE_NOERROR);
  EXPECT_TRUE(AnswerStrings().empty());
}

TEST_F(IterativeResolverTest, FailingForwarderMovesOnThenServfail) {
  forward_zones_ = {{".", {At("192.0.2.53"), At("192.0.2.54")}}};
  Resolve("www.test.", LDNS_RR_TYPE_A);
  ASSERT_EQ(transport_.outstanding(), 1u);
  transport_.Reply(BuildReply(transport_.front(), Rcode(LDNS_RCODE_SERVFAIL)));
  ASSERT_EQ(transport_.outstanding(), 1u);
  transport_.Reply(BuildReply(transport_.front(), Rcode(LDNS_RCODE_REFUSED)));
  ASSERT_TRUE(result_);
  EXPECT_EQ(result_->rcode, LDNS_RCODE_SERVFAIL);
  EXPECT_EQ(transport_.outstanding(), 0u);
}

TEST_F(IterativeResolverTest, ForwardFirstFallsBackToRecursion) {
  PrimeCache();
  options_.qname_minimisation = false;
  forward_zones_ = {{"test.", {At("192.0.2.53")}, /*first=*/true}};
  Resolve("www.test.", LDNS_RR_TYPE_A);
  ExpectAndFail("192.0.2.53", absl::UnavailableError("port unreachable"));
  Expect("192.0.2.1", "www.test.", LDNS_RR_TYPE_A, Answer({"www.test. A 203.0.113.1"}));
  ASSERT_TRUE(result_);
  EXPECT_EQ(result_->rcode, LDNS_RCODE_NOERROR);
}

TEST_F(IterativeResolverTest, CnameIntoAForwardZoneIsForwarded) {
  // Split horizon: the public name points into a zone only the inside resolver knows.
  PrimeCache();
  options_.qname_minimisation = false;
  forward_zones_ = {{"corp.test.", {At("192.0.2.53")}}};
  Resolve("www.example.", LDNS_RR_TYPE_A);
  Expect("192.0.2.1", "www.example.", LDNS_RR_TYPE_A,
         Answer({"www.example. CNAME intranet.corp.test."}));
  Expect("192.0.2.53", "intranet.corp.test.", LDNS_RR_TYPE_A,
         RecursiveAnswer({"intranet.corp.test. A 10.0.0.7"}));
  ASSERT_TRUE(result_);
  EXPECT_EQ(result_->rcode, LDNS_RCODE_NOERROR);
  EXPECT_EQ(AnswerStrings().size(), 2u);
}

}  // namespace
}  // namespace rebound
