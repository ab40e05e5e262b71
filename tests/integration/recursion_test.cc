// rebound recursing from the root hints over the loopback hierarchy (no forward-zone): answers,
// CNAME chains, negative answers, delegation shapes; the limits it must hold (CNAME chains, NXNS,
// delegation loops, dead servers and black holes, the per-client time budget); authorities the
// test itself plays badly (poison, letter case, EDNS, REFUSED/SERVFAIL); QNAME minimisation;
// cache reuse; and the options that steer recursion (do-ip4, stub-zone, forward-zone beside it).
//
// One shared rebound answers most tests, so its cache carries over from test to test: each test
// asks names no earlier test asked where that matters, and tests that need a cold cache or another
// config start a rebound of their own. gtest runs the tests in the order they are written here;
// the first one relies on that (it sees the priming), and so do the letter-case ones (see there).
#include "tests/integration/recursion_test_fixture.h"

namespace rebound::integration::recursion_test {

// ---- Basics -------------------------------------------------------------------------------------

// First in the file: nothing has asked the shared rebound anything yet (its readiness probe is a
// CH-class question, which is never iterated). Issue 18 item 3: priming waits for the first
// query that needs the root, so a start in a network with no route is silent (RFC 8109 3 leaves
// the moment to the resolver; unbound primes on first need too).
TEST_F(RecursionTest, NothingIsSentUpstreamBeforeAClientAsks) {
  absl::SleepFor(absl::Milliseconds(500));  // time for a priming at start to reach the root
  EXPECT_EQ(Stats("root").queries, servers().root_before_start.queries)
      << "rebound asked the root before any client asked it anything";
}

// By the end of the shared rebound's first question it must have primed.
// (StartRebound's readiness probe is a CH-class question; the next test checks that it does not
// reach the root, which would count here too.)
TEST_F(RecursionTest, PrimingAsksTheRootForItsNsSet) {
  ExpectSingleA(Ask(Rebound(), n::kV4Only, LDNS_RR_TYPE_A), n::kV4Only, n::kV4OnlyA);
  NsdQueryStats root = Stats("root");
  // RFC 8109 3: the resolver asks a root server for ". NS" before relying on the hints.
  EXPECT_GT(Count(root, "NS"), Count(servers().root_before_start, "NS"))
      << "the root NSD saw no NS query: rebound did not prime";
}

TEST_F(RecursionTest, ChaosClassQuestionsAreNotIteratedFromTheRoot) {
  // The root hints and every zone here are class IN: a CH question has no delegation to follow.
  QueryOptions chaos;
  chaos.qclass = LDNS_RR_CLASS_CH;
  const uint64_t before = AllNsdQueries();
  LdnsPktPtr version = Ask(Rebound(), "version.bind.", LDNS_RR_TYPE_TXT, chaos);
  ASSERT_NE(version, nullptr);
  EXPECT_EQ(AllNsdQueries(), before)
      << "rebound sent a CH-class question to the hierarchy; it answered:\n"
      << PacketToString(version.get());
  // Whatever rebound says about itself, it must not pass off a root server's identity as its own.
  LdnsPktPtr id = Ask(Rebound(), "id.server.", LDNS_RR_TYPE_TXT, chaos);
  ASSERT_NE(id, nullptr);
  EXPECT_THAT(RdataStrings(id.get(), LDNS_SECTION_ANSWER, LDNS_RR_TYPE_TXT),
              Not(Contains("\"root\"")))
      << PacketToString(id.get());
}

TEST_F(RecursionTest, AnswersWithResolverFlagsAndEchoesTheQuestion) {
  const std::string mixed_case = "V4oNLY.alpha.TEST.";
  LdnsPktPtr r = Ask(Rebound(), mixed_case, LDNS_RR_TYPE_A);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(Rcode(r), LDNS_RCODE_NOERROR);
  EXPECT_TRUE(ldns_pkt_qr(r.get()));
  EXPECT_TRUE(ldns_pkt_ra(r.get()));
  EXPECT_TRUE(ldns_pkt_rd(r.get()));
  EXPECT_FALSE(ldns_pkt_aa(r.get())) << "a recursive answer is not authoritative";
  EXPECT_EQ(QuestionName(*r), mixed_case);  // the question comes back as asked, case included
  EXPECT_EQ(QuestionType(*r), LDNS_RR_TYPE_A);
  ASSERT_EQ(ldns_pkt_qdcount(r.get()), 1);
  EXPECT_EQ(ldns_rr_get_class(ldns_rr_list_rr(ldns_pkt_question(r.get()), 0)), LDNS_RR_CLASS_IN);
  EXPECT_THAT(RdataStrings(r.get(), LDNS_SECTION_ANSWER, LDNS_RR_TYPE_A),
              ElementsAre(S(n::kV4OnlyA)));
  EXPECT_LE(FirstTtl(r.get(), LDNS_SECTION_ANSWER), n::kAlphaTtl);
}

TEST_F(RecursionTest, AnswersAaaaMxAndTxt) {
  LdnsPktPtr aaaa = Ask(Rebound(), n::kDualStack, LDNS_RR_TYPE_AAAA);
  ASSERT_NE(aaaa, nullptr);
  EXPECT_THAT(RdataStrings(aaaa.get(), LDNS_SECTION_ANSWER, LDNS_RR_TYPE_AAAA),
              ElementsAre(S(n::kDualStackAaaa)));
  LdnsPktPtr v6 = Ask(Rebound(), n::kV6Only, LDNS_RR_TYPE_AAAA);
  ASSERT_NE(v6, nullptr);
  EXPECT_THAT(RdataStrings(v6.get(), LDNS_SECTION_ANSWER, LDNS_RR_TYPE_AAAA),
              ElementsAre(S(n::kV6OnlyAaaa)));
  LdnsPktPtr mx = Ask(Rebound(), n::kMxOwner, LDNS_RR_TYPE_MX);
  ASSERT_NE(mx, nullptr);
  EXPECT_THAT(RdataStrings(mx.get(), LDNS_SECTION_ANSWER, LDNS_RR_TYPE_MX),
              ElementsAre(absl::StrCat(n::kMxPreference, " ", n::kMxExchange)));
  LdnsPktPtr txt = Ask(Rebound(), n::kTxt, LDNS_RR_TYPE_TXT);
  ASSERT_NE(txt, nullptr);
  EXPECT_THAT(RdataStrings(txt.get(), LDNS_SECTION_ANSWER, LDNS_RR_TYPE_TXT),
              ElementsAre(absl::StrCat("\"", n::kTxtString1, "\" \"", n::kTxtString2, "\"")));
  LdnsPktPtr beta = Ask(Rebound(), n::kBetaWww, LDNS_RR_TYPE_A);  // the other TLD
  ExpectSingleA(beta, n::kBetaWww, n::kBetaWwwA);
}

TEST_F(RecursionTest, InZoneCnameChainIsAnsweredWholeAndInOrder) {
  for (int round = 0; round < 2; ++round) {  // the second round comes from the cache
    SCOPED_TRACE(round == 0 ? "resolved" : "cached");
    LdnsPktPtr r = Ask(Rebound(), n::kChain1, LDNS_RR_TYPE_A);
    ASSERT_NE(r, nullptr);
    EXPECT_EQ(Rcode(r), LDNS_RCODE_NOERROR);
    EXPECT_THAT(SectionLines(r.get(), LDNS_SECTION_ANSWER),
                ElementsAre(absl::StrCat(n::kChain1, " CNAME ", n::kChain2),
                            absl::StrCat(n::kChain2, " CNAME ", n::kChain3),
                            absl::StrCat(n::kChain3, " CNAME ", n::kV4Only),
                            absl::StrCat(n::kV4Only, " A ", n::kV4OnlyA)))
        << PacketToString(r.get());
  }
}

TEST_F(RecursionTest, CrossZoneCnameChainIsAnsweredWholeAndInOrder) {
  for (int round = 0; round < 2; ++round) {
    SCOPED_TRACE(round == 0 ? "resolved" : "cached");
    LdnsPktPtr r = Ask(Rebound(), n::kCross, LDNS_RR_TYPE_A);
    ASSERT_NE(r, nullptr);
    EXPECT_EQ(Rcode(r), LDNS_RCODE_NOERROR);
    EXPECT_THAT(SectionLines(r.get(), LDNS_SECTION_ANSWER),
                ElementsAre(absl::StrCat(n::kCross, " CNAME ", n::kCrossMid),
                            absl::StrCat(n::kCrossMid, " CNAME ", n::kCrossEnd),
                            absl::StrCat(n::kCrossEnd, " A ", n::kCrossEndA)))
        << PacketToString(r.get());
  }
}

TEST_F(RecursionTest, NegativeAnswersCarryTheSoaOfTheZoneThatGaveThem) {
  struct Case {
    absl::string_view name;
    ldns_rr_type type;
    ldns_pkt_rcode rcode;
    absl::string_view zone;
    uint32_t negative_ttl;
  };
  const Case cases[] = {
      {n::kNxdomain, LDNS_RR_TYPE_A, LDNS_RCODE_NXDOMAIN, n::kAlphaZone, n::kAlphaNegativeTtl},
      {n::kNodata, LDNS_RR_TYPE_A, LDNS_RCODE_NOERROR, n::kAlphaZone, n::kAlphaNegativeTtl},
      // An empty non-terminal is NODATA, not NXDOMAIN (RFC 8020), also when minimising.
      {n::kEmptyNonTerminal, LDNS_RR_TYPE_A, LDNS_RCODE_NOERROR, n::kAlphaZone,
       n::kAlphaNegativeTtl},
      {n::kCrossEnd, LDNS_RR_TYPE_AAAA, LDNS_RCODE_NOERROR, n::kGammaZone, n::kGammaNegativeTtl},
      {n::kBetaWww, LDNS_RR_TYPE_AAAA, LDNS_RCODE_NOERROR, n::kBetaZone, n::kBetaNegativeTtl},
      {n::kV4nsWww, LDNS_RR_TYPE_AAAA, LDNS_RCODE_NOERROR, n::kV4nsZone, n::kV4nsNegativeTtl},
      {n::kNoSuchTld, LDNS_RR_TYPE_A, LDNS_RCODE_NXDOMAIN, ".", n::kRootNegativeTtl},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(absl::StrCat(c.name, " type ", c.type));
    LdnsPktPtr r = Ask(Rebound(), c.name, c.type);
    ASSERT_NE(r, nullptr);
    EXPECT_EQ(Rcode(r), c.rcode) << PacketToString(r.get());
    EXPECT_EQ(ldns_pkt_ancount(r.get()), 0) << PacketToString(r.get());
    EXPECT_THAT(RdataStrings(r.get(), LDNS_SECTION_AUTHORITY, LDNS_RR_TYPE_SOA, c.zone), SizeIs(1))
        << PacketToString(r.get());
    // RFC 2308 5: the SOA of a negative answer lives for the zone's MINIMUM, not its own TTL.
    const uint32_t ttl = FirstTtl(r.get(), LDNS_SECTION_AUTHORITY);
    EXPECT_LE(ttl, c.negative_ttl) << PacketToString(r.get());
    EXPECT_GE(ttl + 10, c.negative_ttl) << PacketToString(r.get());
  }
}

TEST_F(RecursionTest, ResolvesBelowAnEmptyNonTerminal) {
  // With QNAME minimisation the ENT's NODATA must not end the descent (RFC 9156 2.3).
  ExpectSingleA(Ask(Rebound(), n::kBelowEmptyNonTerminal, LDNS_RR_TYPE_A),
                n::kBelowEmptyNonTerminal, "5.6.7.12");
}

TEST_F(RecursionTest, ResolvesThroughAGluelessDelegation) {
  const NsdQueryStats beta_before = Stats("beta.example");
  ExpectSingleA(Ask(Rebound(), n::kGluelessWww, LDNS_RR_TYPE_A), n::kGluelessWww, n::kGluelessWwwA);
  // The server's address came from its own zone: rebound had to ask beta.example for it.
  EXPECT_GT(Stats("beta.example").queries, beta_before.queries);
}

TEST_F(RecursionTest, LargeRrsetIsWholeOverTcpAndTruncatedOverUdp) {
  const NsdQueryStats alpha_before = Stats("alpha.test");
  QueryOptions tcp;
  tcp.tcp = true;
  LdnsPktPtr full = Ask(Rebound(), n::kBigA, LDNS_RR_TYPE_A, tcp);
  ASSERT_NE(full, nullptr);
  EXPECT_FALSE(ldns_pkt_tc(full.get()));
  EXPECT_THAT(RdataStrings(full.get(), LDNS_SECTION_ANSWER, LDNS_RR_TYPE_A, n::kBigA),
              SizeIs(n::kBigACount));
  // NSD truncates 1.6 KB at rebound's edns-buffer-size of 1232: rebound must retry over TCP.
  EXPECT_GT(Stats("alpha.test").tcp_queries, alpha_before.tcp_queries)
      << "rebound did not fall back to TCP after NSD's TC=1";

  LdnsPktPtr udp = Ask(Rebound(), n::kBigA, LDNS_RR_TYPE_A);
  ASSERT_NE(udp, nullptr);
  EXPECT_TRUE(ldns_pkt_tc(udp.get())) << PacketToString(udp.get());
  QueryOptions plain;
  plain.edns = false;
  LdnsPktPtr old_style = Ask(Rebound(), n::kBigA, LDNS_RR_TYPE_A, plain);
  ASSERT_NE(old_style, nullptr);
  EXPECT_TRUE(ldns_pkt_tc(old_style.get()));
  EXPECT_FALSE(ldns_pkt_edns(old_style.get())) << "no OPT in answer to a query without one";
}

// ---- Dead, slow and silent servers -------------------------------------------------------------

TEST_F(RecursionTest, ZoneWithOneRefusingServerAnswersFast) {
  TimedReply t = TimedAsk(Rebound(), n::kHalfdeadWww, LDNS_RR_TYPE_A);
  ExpectSingleA(t.reply, n::kHalfdeadWww, n::kHalfdeadWwwA);
  // The dead server refuses at once (ICMP port unreachable): no timeout needs to pass.
  EXPECT_LT(t.took, absl::Seconds(1)) << "took " << t.took;
}

TEST_F(RecursionTest, ZoneWithAllServersDeadIsServfailWithinTheBudget) {
  TimedReply t = TimedAsk(Rebound(), n::kAlldeadWww, LDNS_RR_TYPE_A);
  ASSERT_NE(t.reply, nullptr);
  EXPECT_EQ(Rcode(t.reply), LDNS_RCODE_SERVFAIL) << PacketToString(t.reply.get());
  EXPECT_LE(t.took, kClientBudget);
}

TEST_F(RecursionTest, BlackHoleOnlyZoneIsServfailWithinTheBudget) {
  TimedReply t = TimedAsk(Rebound(), n::kBlackholeWww, LDNS_RR_TYPE_A);
  ASSERT_NE(t.reply, nullptr) << "no answer within " << kPatience;
  EXPECT_EQ(Rcode(t.reply), LDNS_RCODE_SERVFAIL) << PacketToString(t.reply.get());
  EXPECT_LE(t.took, kClientBudget) << "took " << t.took;
  EXPECT_THAT(servers().blackhole->queries(), Not(IsEmpty())) << "the black hole was never asked";
  std::cout << "black hole: SERVFAIL after " << t.took << ", queries it received:\n"
            << Describe(servers().blackhole->queries());
}

TEST_F(RecursionTest, ZoneWithOneBlackHoleAnswersAndRemembersIt) {
  ScriptedAuthServer& hole = *servers().halfblack_hole;
  // Fresh names (the zone has a wildcard) until rebound has tried the black hole once. Each name
  // goes to either server at random (InfraCache::Order shuffles the servers within its band), so
  // 8 names missed the hole 1 time in 256 (seen once under ASan); 20 miss it 1 time in a million.
  int next = 0;
  absl::Duration slow;
  for (; next < 20 && hole.queries().empty(); ++next) {
    const std::string name = absl::StrCat("w", next, ".", n::kHalfblackZone);
    TimedReply t = TimedAsk(Rebound(), name, LDNS_RR_TYPE_A);
    ExpectSingleA(t.reply, name, n::kHalfblackWildcardA);
    EXPECT_LE(t.took, kClientBudget);
    slow = t.took;
  }
  ASSERT_THAT(hole.queries(), Not(IsEmpty()))
      << "rebound never asked the black hole in " << next << " fresh names";
  const size_t tried = hole.queries().size();
  // Remembered: the next names go straight to the live server, well under a timeout.
  const absl::Duration fast = std::clamp(slow / 2, absl::Milliseconds(50), absl::Milliseconds(300));
  for (int i = 0; i < 3; ++i, ++next) {
    const std::string name = absl::StrCat("w", next, ".", n::kHalfblackZone);
    TimedReply t = TimedAsk(Rebound(), name, LDNS_RR_TYPE_A);
    ExpectSingleA(t.reply, name, n::kHalfblackWildcardA);
    EXPECT_LT(t.took, fast) << name << " took " << t.took << "; the one that met the black hole "
                            << slow;
  }
  EXPECT_LE(hole.queries().size() - tried, 1u) << Describe(hole.queries());
  std::cout << "half black hole: the answer that met it took " << slow << "\n";
}

// ---- Limits
// --------------------------------------------------------------------------------------

TEST_F(RecursionTest, CnameLoopIsServfailQuickly) {
  TimedReply t = TimedAsk(Rebound(), n::kLoop1, LDNS_RR_TYPE_A);
  ASSERT_NE(t.reply, nullptr);
  EXPECT_EQ(Rcode(t.reply), LDNS_RCODE_SERVFAIL) << PacketToString(t.reply.get());
  EXPECT_LT(t.took, absl::Seconds(3));
}

TEST_F(RecursionTest, CnameChainPastTheCapIsServfail) {
  TimedReply t = TimedAsk(Rebound(), n::kLongChainStart, LDNS_RR_TYPE_A);
  ASSERT_NE(t.reply, nullptr);
  EXPECT_EQ(Rcode(t.reply), LDNS_RCODE_SERVFAIL) << n::kLongChainLinks << " links were followed:\n"
                                                 << PacketToString(t.reply.get());
  EXPECT_LE(t.took, kClientBudget);
  // Six links are within any cap: the whole tail comes back, in order.
  LdnsPktPtr tail = Ask(Rebound(), n::kLongChainShortTail, LDNS_RR_TYPE_A, Patient());
  ASSERT_NE(tail, nullptr);
  std::vector<std::string> expected;
  const int first = n::kLongChainLinks - n::kLongChainShortTailLinks + 1;
  for (int i = first; i < n::kLongChainLinks; ++i) {
    expected.push_back(absl::StrCat(n::LongChainLink(i), " CNAME ", n::LongChainLink(i + 1)));
  }
  expected.push_back(absl::StrCat(n::LongChainLink(n::kLongChainLinks), " CNAME ", n::kV4Only));
  expected.push_back(absl::StrCat(n::kV4Only, " A ", n::kV4OnlyA));
  EXPECT_THAT(SectionLines(tail.get(), LDNS_SECTION_ANSWER), ::testing::ElementsAreArray(expected))
      << PacketToString(tail.get());
}

TEST_F(RecursionTest, NxnsDelegationIsServfailWithBoundedWork) {
  const NsdQueryStats example_before = Stats("example");
  const uint64_t all_before = AllNsdQueries();
  TimedReply t = TimedAsk(Rebound(), n::kNxnsWww, LDNS_RR_TYPE_A);
  ASSERT_NE(t.reply, nullptr);
  EXPECT_EQ(Rcode(t.reply), LDNS_RCODE_SERVFAIL) << PacketToString(t.reply.get());
  EXPECT_LE(t.took, kClientBudget);
  absl::SleepFor(absl::Milliseconds(200));  // lookups rebound may still have in flight
  const NsdQueryStats example_after = Stats("example");
  const uint64_t at_example = example_after.queries - example_before.queries;
  const uint64_t a = Count(example_after, "A") - Count(example_before, "A");
  const uint64_t aaaa = Count(example_after, "AAAA") - Count(example_before, "AAAA");
  const uint64_t everywhere = AllNsdQueries() - all_before;
  std::cout << "NXNS: one client query cost " << at_example << " queries at example. (" << a
            << " A, " << aaaa << " AAAA), " << everywhere << " at all NSDs, took " << t.took
            << "\n";
  RecordProperty("nxns_queries_at_example", static_cast<int>(at_example));
  RecordProperty("nxns_queries_everywhere", static_cast<int>(everywhere));
  // The cap, not the delegation, bounds the work: not every one of the 20 names is looked up.
  EXPECT_LT(a, static_cast<uint64_t>(n::kNxnsNsCount));
  EXPECT_LT(aaaa, static_cast<uint64_t>(n::kNxnsNsCount));
  EXPECT_LE(at_example, 30u);
  EXPECT_LE(everywhere, 60u);
}

TEST_F(RecursionTest, DelegationLoopIsServfailQuickly) {
  const uint64_t all_before = AllNsdQueries();
  TimedReply t = TimedAsk(Rebound(), n::kDelegationLoopWww, LDNS_RR_TYPE_A);
  ASSERT_NE(t.reply, nullptr);
  EXPECT_EQ(Rcode(t.reply), LDNS_RCODE_SERVFAIL) << PacketToString(t.reply.get());
  EXPECT_LT(t.took, absl::Seconds(5));
  const uint64_t everywhere = AllNsdQueries() - all_before;
  std::cout << "delegation loop: " << everywhere << " queries at all NSDs, took " << t.took << "\n";
  EXPECT_LE(everywhere, 30u);
}

// ---- Authorities played by the test -----------------------------------------------------------

// Letter case first: the servers below that do not echo the case or reject EDNS may make rebound
// treat scripted.test's server differently from then on.
TEST_F(RecursionTest, QueryNamesHaveRandomizedLetterCase) {
  for (int i = 0; i < kCaseNames; ++i) {
    const std::string name = absl::StrCat("case", i, ".", n::kScriptedZone);
    ExpectSingleA(Ask(Rebound(), name, LDNS_RR_TYPE_A), name, kCaseA);
  }
  // draft-vixie-dnsext-dns0x20: random case in every query; all-lowercase in six names of 16
  // letters each would be chance 2^-96.
  const std::vector<ScriptedAuthServer::ReceivedQuery> seen = servers().scripted->queries();
  EXPECT_TRUE(
      std::any_of(seen.begin(), seen.end(), [](const auto& q) { return HasUpper(q.qname); }))
      << "scripted.test's server saw only lowercase names:\n"
      << Describe(seen);
}

TEST_F(RecursionTest, ServerThatDoesNotEchoTheCaseIsStillUsable) {
  StaticZone zone = ScriptedZone();
  servers().scripted->SetHandler([zone](const ldns_pkt& query) {
    LdnsPktPtr reply = zone.Answer(query);
    ldns_rr* question = ldns_rr_list_rr(ldns_pkt_question(reply.get()), 0);
    ldns_dname2canonical(ldns_rr_owner(question));  // lowercases in place
    return reply;
  });
  TimedReply t = TimedAsk(Rebound(), kNoCaseName, LDNS_RR_TYPE_A);
  ExpectSingleA(t.reply, kNoCaseName, kNoCaseA);
  const std::vector<ScriptedAuthServer::ReceivedQuery> seen = servers().scripted->queries();
  EXPECT_TRUE(
      std::any_of(seen.begin(), seen.end(), [](const auto& q) { return HasUpper(q.qname); }))
      << "no mixed-case query reached the server, so no fallback was needed:\n"
      << Describe(seen);
  std::cout << "no-echo server: answered after " << seen.size() << " queries, " << t.took << "\n";
}

TEST_F(RecursionTest, FallsBackToPlainDnsWhenEdnsGetsFormerr) {
  StaticZone zone = ScriptedZone();
  servers().scripted->SetHandler([zone](const ldns_pkt& query) {
    if (!ldns_pkt_edns(&query)) return zone.Answer(query);
    // A pre-EDNS server: FORMERR, and no OPT of its own (RFC 6891 7).
    LdnsPktPtr formerr = ReplyTo(query, LDNS_RCODE_FORMERR);
    ldns_pkt_set_edns_udp_size(formerr.get(), 0);
    return formerr;
  });
  TimedReply t = TimedAsk(Rebound(), kNoEdnsName, LDNS_RR_TYPE_A);
  ExpectSingleA(t.reply, kNoEdnsName, kNoEdnsA);
  const std::vector<ScriptedAuthServer::ReceivedQuery> seen = servers().scripted->queries();
  auto first_edns = std::find_if(seen.begin(), seen.end(), [](const auto& q) { return q.edns; });
  EXPECT_NE(first_edns, seen.end()) << "rebound never sent EDNS:\n" << Describe(seen);
  EXPECT_TRUE(std::any_of(first_edns, seen.end(), [](const auto& q) { return !q.edns; }))
      << Describe(seen);
}

TEST_F(RecursionTest, QnameMinimisationAsksForShorterNamesFirst) {
  ExpectSingleA(Ask(Rebound(), kDeepName, LDNS_RR_TYPE_A), kDeepName, kDeepA);
  const std::vector<ScriptedAuthServer::ReceivedQuery> seen = servers().scripted->queries();
  auto full = std::find_if(seen.begin(), seen.end(),
                           [](const auto& q) { return Lower(q.qname) == kDeepName; });
  ASSERT_NE(full, seen.end()) << Describe(seen);
  // RFC 9156 2: the authority of scripted.test. is first asked about c. or b.c.scripted.test.
  EXPECT_TRUE(std::any_of(seen.begin(), full,
                          [](const auto& q) {
                            const std::string name = Lower(q.qname);
                            return (name == "c.scripted.test." || name == "b.c.scripted.test.") &&
                                   (q.qtype == LDNS_RR_TYPE_A || q.qtype == LDNS_RR_TYPE_NS);
                          }))
      << "no minimised query before the full name:\n"
      << Describe(seen);
}

TEST_F(RecursionTest, WithoutQnameMinimisationTheFullNameIsSent) {
  std::unique_ptr<Subprocess> rebound =
      StartOwnRebound("rebound-noqmin", kNoQminRebound, "  qname-minimisation: no\n");
  ASSERT_NE(rebound, nullptr);
  SCOPED_TRACE(absl::StrCat("rebound log: ", rebound->log_path()));
  servers().scripted->ClearQueries();
  ExpectSingleA(Ask(At(kNoQminRebound), kDeepName, LDNS_RR_TYPE_A, Patient()), kDeepName, kDeepA);
  const std::vector<ScriptedAuthServer::ReceivedQuery> seen = servers().scripted->queries();
  std::vector<std::string> below_zone;
  for (const auto& q : seen) {
    const std::string name = Lower(q.qname);
    if (UnderZone(name, "c.scripted.test.")) below_zone.push_back(name);
  }
  EXPECT_THAT(below_zone, Contains(S(kDeepName)));
  EXPECT_THAT(below_zone, ::testing::Each(S(kDeepName))) << Describe(seen);
}

TEST_F(RecursionTest, KeepsOnlyInBailiwickRecordsFromAPoisoningServer) {
  StaticZone zone = ScriptedZone();
  const std::string victim = S(n::kPrivate192);  // asked by no other test
  servers().scripted->SetHandler([zone, victim](const ldns_pkt& query) {
    const std::string qname = Lower(QuestionName(query));
    if (UnderZone(qname, n::kAlphaZone)) {
      // Only a resolver that believed the poisoned delegation would ask us about alpha.test.
      LdnsPktPtr bogus = ReplyTo(query);
      AddRecord(bogus.get(), LDNS_SECTION_ANSWER,
                absl::StrCat(qname, " 3600 IN A ", kPoisonBogusA));
      return bogus;
    }
    LdnsPktPtr reply = zone.Answer(query);
    if (qname == kPoisonName) {
      const std::string bogus_a = absl::StrCat(victim, " 3600 IN A ", kPoisonBogusA);
      AddRecord(reply.get(), LDNS_SECTION_ANSWER, bogus_a);
      AddRecord(reply.get(), LDNS_SECTION_AUTHORITY,
                absl::StrCat(n::kAlphaZone, " 3600 IN NS ", n::kScriptedNs));
      AddRecord(reply.get(), LDNS_SECTION_ADDITIONAL, bogus_a);
      AddRecord(reply.get(), LDNS_SECTION_ADDITIONAL,
                absl::StrCat("ns1.", n::kAlphaZone, " 3600 IN A ", n::kScriptedServer));
    }
    return reply;
  });
  // A cold cache: nothing about alpha.test is known yet, so the poison has its best chance.
  std::unique_ptr<Subprocess> rebound = StartOwnRebound("rebound-poison", kPoisonRebound, "");
  ASSERT_NE(rebound, nullptr);
  SCOPED_TRACE(absl::StrCat("rebound log: ", rebound->log_path()));
  LdnsPktPtr r = Ask(At(kPoisonRebound), kPoisonName, LDNS_RR_TYPE_A, Patient());
  ExpectSingleA(r, kPoisonName, kPoisonLegitA);
  ASSERT_NE(r, nullptr);
  EXPECT_THAT(RecordsUnder(r.get(), n::kAlphaZone), IsEmpty()) << PacketToString(r.get());

  ExpectSingleA(Ask(At(kPoisonRebound), victim, LDNS_RR_TYPE_A, Patient()), victim,
                n::kPrivate192A);
  ExpectSingleA(
      Ask(At(kPoisonRebound), absl::StrCat("ns1.", n::kAlphaZone), LDNS_RR_TYPE_A, Patient()),
      absl::StrCat("ns1.", n::kAlphaZone), n::kAlphaServer);
  for (const auto& q : servers().scripted->queries()) {
    EXPECT_FALSE(UnderZone(q.qname, n::kAlphaZone))
        << "rebound asked the poisoning server about " << q.qname;
  }
}

// ns1 of the zone misbehaves, ns2 answers: every answer must be right, and the test must have
// made rebound meet ns1 at least once.
void ExpectBadServerIsSkipped(const Endpoint& rebound, ScriptedAuthServer& bad,
                              absl::string_view zone) {
  int asked = 0;
  for (; asked < kFlakyNames && (bad.queries().empty() || asked < 2); ++asked) {
    const std::string name = absl::StrCat("n", asked, ".", zone);
    TimedReply t = TimedAsk(rebound, name, LDNS_RR_TYPE_A);
    ExpectSingleA(t.reply, name, kFlakyA);
    EXPECT_LE(t.took, kClientBudget);
  }
  EXPECT_THAT(bad.queries(), Not(IsEmpty()))
      << "in " << asked << " names rebound never chose ns1, so nothing was tested";
}

TEST_F(RecursionTest, RefusingServerIsSkippedForTheOtherOne) {
  ExpectBadServerIsSkipped(Rebound(), *servers().refused_bad, n::kRefusedZone);
}

TEST_F(RecursionTest, ServfailingServerIsSkippedForTheOtherOne) {
  ExpectBadServerIsSkipped(Rebound(), *servers().servfail_bad, n::kServfailZone);
}

// Last of the scripted.test tests: the timeout may make rebound think less of that server.
TEST_F(RecursionTest, RetriesWhenTheOnlyServerDropsOneQuery) {
  // One lost datagram (or one slow reply) must not turn into SERVFAIL for a one-server zone: the
  // client's budget leaves room to ask again.
  StaticZone zone = ScriptedZone();
  auto dropped = std::make_shared<std::atomic<int>>(0);
  servers().scripted->SetHandler([zone, dropped](const ldns_pkt& query) -> LdnsPktPtr {
    if (Lower(QuestionName(query)) == kLossyName && dropped->fetch_add(1) == 0) return nullptr;
    return zone.Answer(query);
  });
  TimedReply t = TimedAsk(Rebound(), kLossyName, LDNS_RR_TYPE_A);
  ExpectSingleA(t.reply, kLossyName, kLossyA);
  EXPECT_LE(t.took, kClientBudget);
  std::cout << "one dropped query: answered after " << t.took << ", server saw:\n"
            << Describe(servers().scripted->queries());
}

// ---- Cache --------------------------------------------------------------------------------------

TEST_F(RecursionTest, SiblingUnderACachedDelegationSkipsRootAndTld) {
  ExpectSingleA(Ask(Rebound(), n::kMapped, LDNS_RR_TYPE_A), n::kMapped, n::kMappedA);
  const NsdQueryStats root_before = Stats("root");
  const NsdQueryStats tld_before = Stats("test");
  const NsdQueryStats alpha_before = Stats("alpha.test");
  // Asked by no other test, so it is not in the cache itself.
  ExpectSingleA(Ask(Rebound(), n::kPrivate10, LDNS_RR_TYPE_A), n::kPrivate10, n::kPrivate10A);
  EXPECT_EQ(Stats("root").queries, root_before.queries);
  EXPECT_EQ(Stats("test").queries, tld_before.queries);
  EXPECT_GT(Stats("alpha.test").queries, alpha_before.queries);
}

// Coalescing (issue 14): 40 clients asking the same cold question at once. They arrive in one
// burst, so rebound reads them all before any upstream reply can come back; without coalescing
// each starts a lookup of its own and alpha.test. hears the question 40 times.
TEST_F(RecursionTest, FortyIdenticalColdQuestionsAtOnceAreOneUpstreamQuery) {
  constexpr int kClients = 40;
  const std::string name = absl::StrCat("coalesced.", n::kAlphaZone);  // asked by no other test
  ExpectSingleA(Ask(Rebound(), n::kV4Only, LDNS_RR_TYPE_A), n::kV4Only, n::kV4OnlyA);
  const NsdQueryStats alpha_before = Stats("alpha.test");
  std::vector<int> sockets;
  for (int i = 0; i < kClients; ++i) {
    const int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(connect(fd, Rebound().sockaddr_ptr(), Rebound().sockaddr_len()), 0);
    sockets.push_back(fd);
  }
  for (int i = 0; i < kClients; ++i) {
    const std::vector<uint8_t> q = QueryMessage(name, LDNS_RR_TYPE_A, static_cast<uint16_t>(i));
    ASSERT_EQ(send(sockets[i], q.data(), q.size(), 0), static_cast<ssize_t>(q.size()));
  }
  int nxdomain = 0;
  for (int fd : sockets) {
    pollfd p{fd, POLLIN, 0};
    std::vector<uint8_t> reply(4096);
    if (poll(&p, 1, 5000) == 1 && recv(fd, reply.data(), reply.size(), 0) >= 12 &&
        (reply[3] & 0x0f) == LDNS_RCODE_NXDOMAIN) {
      ++nxdomain;
    }
    close(fd);
  }
  const uint64_t upstream = Stats("alpha.test").queries - alpha_before.queries;
  std::cout << "coalescing: " << kClients << " identical cold questions at once, " << nxdomain
            << " NXDOMAIN answers, " << upstream << " queries at alpha.test.'s server\n";
  EXPECT_EQ(nxdomain, kClients);
  EXPECT_LE(upstream, 2u);  // one, and a second only if a reply were lost
}

// ---- Options that steer recursion ---------------------------------------------------------------

TEST_F(RecursionTest, DoIp4NoSendsNothingToIpv4Servers) {
  std::unique_ptr<Subprocess> rebound =
      StartOwnRebound("rebound-noip4", kNoIp4Rebound, "  do-ip4: no\n  do-ip6: yes\n");
  ASSERT_NE(rebound, nullptr);
  SCOPED_TRACE(absl::StrCat("rebound log: ", rebound->log_path()));
  const uint64_t nsd_before = AllNsdQueries();
  size_t scripted_before = 0;
  for (ScriptedAuthServer* s : Scripted()) scripted_before += s->queries().size();
  // Every server in this hierarchy has an IPv4 address only: nothing is reachable.
  TimedReply t = TimedAsk(At(kNoIp4Rebound), n::kDualStack, LDNS_RR_TYPE_A);
  ASSERT_NE(t.reply, nullptr);
  EXPECT_EQ(Rcode(t.reply), LDNS_RCODE_SERVFAIL) << PacketToString(t.reply.get());
  EXPECT_LE(t.took, kClientBudget);
  EXPECT_EQ(AllNsdQueries(), nsd_before) << "an IPv4 server was queried despite do-ip4: no";
  size_t scripted_after = 0;
  for (ScriptedAuthServer* s : Scripted()) scripted_after += s->queries().size();
  EXPECT_EQ(scripted_after, scripted_before);
}

TEST_F(RecursionTest, StubZoneAnswersWhenTheRootIsDead) {
  const std::string hints = hierarchy().dir() + "/dead-root.hints";
  std::ofstream(hints) << absl::StrCat(".                3600000 IN NS a.dead-root.test.\n",
                                       "a.dead-root.test. 3600000 IN A  ", kDeadRoot, "\n");
  std::string config = absl::StrReplaceAll(RecursiveServerConfig(hierarchy(), kStubRebound),
                                           {{hierarchy().root_hints_path(), hints}});
  absl::StrAppend(&config, "stub-zone:\n  name: \"", n::kAlphaZone,
                  "\"\n  stub-addr: ", n::kAlphaServer, "\n");
  absl::StatusOr<std::unique_ptr<Subprocess>> rebound =
      StartRebound(REBOUND_BINARY, hierarchy(), "rebound-stub", config, At(kStubRebound));
  ASSERT_TRUE(rebound.ok()) << rebound.status();
  SCOPED_TRACE(absl::StrCat("rebound log: ", (*rebound)->log_path()));
  ExpectSingleA(Ask(At(kStubRebound), n::kV4Only, LDNS_RR_TYPE_A, Patient()), n::kV4Only,
                n::kV4OnlyA);
  // Everything else needs the root, which is dead: the answer above came from the stub alone.
  LdnsPktPtr elsewhere = Ask(At(kStubRebound), n::kBetaWww, LDNS_RR_TYPE_A, Patient());
  ASSERT_NE(elsewhere, nullptr);
  EXPECT_EQ(Rcode(elsewhere), LDNS_RCODE_SERVFAIL) << PacketToString(elsewhere.get());
}

TEST_F(RecursionTest, ForwardZoneAndRecursionSideBySide) {
  std::unique_ptr<Subprocess> rebound =
      StartOwnRebound("rebound-mixed", kMixedRebound,
                      absl::StrCat("forward-zone:\n  name: \"", n::kBetaZone,
                                   "\"\n  forward-addr: ", kFakeForwarder, "\n"));
  ASSERT_NE(rebound, nullptr);
  SCOPED_TRACE(absl::StrCat("rebound log: ", rebound->log_path()));
  const NsdQueryStats beta_before = Stats("beta.example");
  // Forwarded: the forwarder's (deliberately different) answer, asked with RD=1.
  ExpectSingleA(Ask(At(kMixedRebound), n::kBetaWww, LDNS_RR_TYPE_A, Patient()), n::kBetaWww,
                kForwardedA);
  const std::vector<ScriptedAuthServer::ReceivedQuery> forwarded = servers().forwarder->queries();
  ASSERT_THAT(forwarded, Not(IsEmpty()));
  EXPECT_EQ(Lower(forwarded[0].qname), n::kBetaWww);
  EXPECT_TRUE(forwarded[0].rd) << "a query to a forwarder asks for recursion";
  EXPECT_EQ(Stats("beta.example").queries, beta_before.queries);
  // Recursed: the real answer, and the forwarder was not asked.
  ExpectSingleA(Ask(At(kMixedRebound), n::kCrossEnd, LDNS_RR_TYPE_A, Patient()), n::kCrossEnd,
                n::kCrossEndA);
  EXPECT_THAT(servers().forwarder->queries(), SizeIs(forwarded.size()))
      << Describe(servers().forwarder->queries());
}

}  // namespace rebound::integration::recursion_test
