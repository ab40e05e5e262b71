// Issue 18, item 7: RRSIG, NSEC and NSEC3 records only for a client that set DO (RFC 4035
// 3.2.1), whichever stage answers: the iterator, the caches or the bootstrap relays. The
// scripted zones hold no signatures, so example.test.'s server is scripted to answer as a signed
// zone's server does, with the RRSIGs beside the data. Each iterator case runs with
// qname-minimisation on and off.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/replay/replay_harness.h"
#include "tests/replay/replay_zones.h"

namespace rebound::replay {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr char kWww1[] = "www.example.test. 300 IN A 203.0.113.10";
constexpr char kWww2[] = "www.example.test. 300 IN A 203.0.113.11";
constexpr char kRrsigOverWww[] =
    "www.example.test. 300 IN RRSIG A 13 3 300 20300101000000 20200101000000 12345 "
    "example.test. dGVzdA==";
constexpr char kRrsigOverSoa[] =
    "example.test. 300 IN RRSIG SOA 13 2 300 20300101000000 20200101000000 12345 "
    "example.test. dGVzdA==";
// RFC 4035 3.1.3.2: the NSEC that covers nx.example.test., proving it does not exist.
constexpr char kNsecOverNx[] = "ns1.example.test. 300 IN NSEC www.example.test. A RRSIG NSEC";
// RecordText of it: ldns prints a space after the type bitmap.
constexpr char kNsecOverNxText[] = "ns1.example.test. 300 IN NSEC www.example.test. A RRSIG NSEC ";
constexpr char kRrsigOverNsec[] =
    "ns1.example.test. 300 IN RRSIG NSEC 13 3 300 20300101000000 20200101000000 12345 "
    "example.test. dGVzdA==";

// example.test.'s server answers www.example.test. A with the RRset and its signature.
void ServeSignedWww(ReplayHarness& replay) {
  replay.Misbehave({.server = kExampleServer,
                    .name = "www.example.test.",
                    .type = LDNS_RR_TYPE_A,
                    .fault = Fault::kReply,
                    .reply = {.answer = {kWww1, kWww2, kRrsigOverWww}}});
}

class DnssecRecordsReplay : public ::testing::TestWithParam<bool /*minimise*/> {
 protected:
  ReplayOptions Options() const { return {.qname_minimisation = GetParam()}; }
};

TEST_P(DnssecRecordsReplay, ClientWithoutDoGetsNoSignaturesFromTheIteratorOrTheCache) {
  ReplayHarness replay(StandardInternet(), Options());
  ServeSignedWww(replay);
  const ClientAnswer first = replay.Ask({.name = "www.example.test."});
  EXPECT_EQ(first.rcode, "NOERROR");
  EXPECT_EQ(first.answered_by, "iterator");
  EXPECT_THAT(first.answer, ElementsAre(kWww1, kWww2));
  EXPECT_THAT(replay.Upstream(), Contains("192.0.2.20 www.example.test. A"));

  replay.ForgetUpstream();
  const ClientAnswer second = replay.Ask({.name = "www.example.test."});
  EXPECT_EQ(second.answered_by, "cache");
  EXPECT_THAT(second.answer, ElementsAre(kWww1, kWww2));
  EXPECT_THAT(replay.Upstream(), IsEmpty());
}

TEST_P(DnssecRecordsReplay, ClientWithDoGetsTheSignaturesFromTheIteratorAndTheCache) {
  ReplayHarness replay(StandardInternet(), Options());
  ServeSignedWww(replay);
  const ClientAnswer first = replay.Ask({.name = "www.example.test.", .do_bit = true});
  EXPECT_EQ(first.answered_by, "iterator");
  EXPECT_THAT(first.answer, ElementsAre(kWww1, kWww2, kRrsigOverWww));

  const ClientAnswer second = replay.Ask({.name = "www.example.test.", .do_bit = true});
  EXPECT_EQ(second.answered_by, "cache");
  EXPECT_THAT(second.answer, ElementsAre(kWww1, kWww2, kRrsigOverWww));
}

// What a client without DO is not sent still reaches the cache: a DNSSEC client after it gets
// the signatures, and one without DO after that again does not.
TEST_P(DnssecRecordsReplay, SignaturesLeftOutForOneClientStayCachedForTheNext) {
  ReplayHarness replay(StandardInternet(), Options());
  ServeSignedWww(replay);
  ASSERT_THAT(replay.Ask({.name = "www.example.test."}).answer, ElementsAre(kWww1, kWww2));

  const ClientAnswer dnssec = replay.Ask({.name = "www.example.test.", .do_bit = true});
  EXPECT_EQ(dnssec.answered_by, "cache");
  EXPECT_THAT(dnssec.answer, ElementsAre(kWww1, kWww2, kRrsigOverWww));

  const ClientAnswer plain = replay.Ask({.name = "www.example.test."});
  EXPECT_EQ(plain.answered_by, "cache");
  EXPECT_THAT(plain.answer, ElementsAre(kWww1, kWww2));
}

// RFC 2308 3: the SOA of a negative answer stays; RFC 4035 3.1.3: its NSEC proof and the
// signatures are for DNSSEC clients only.
TEST_P(DnssecRecordsReplay, NegativeAnswerWithoutDoKeepsTheSoaButNotTheProof) {
  ReplayHarness replay(StandardInternet(), Options());
  replay.Misbehave(
      {.server = kExampleServer,
       .name = "nx.example.test.",
       .type = LDNS_RR_TYPE_A,
       .fault = Fault::kReply,
       .reply = {.rcode = LDNS_RCODE_NXDOMAIN,
                 .authority = {kExampleSoa, kRrsigOverSoa, kNsecOverNx, kRrsigOverNsec}}});
  const ClientAnswer plain = replay.Ask({.name = "nx.example.test."});
  EXPECT_EQ(plain.rcode, "NXDOMAIN");
  EXPECT_EQ(plain.answered_by, "iterator");
  EXPECT_THAT(plain.authority, ElementsAre(kExampleSoa));

  const ClientAnswer dnssec = replay.Ask({.name = "nx.example.test.", .do_bit = true});
  EXPECT_EQ(dnssec.rcode, "NXDOMAIN");
  EXPECT_THAT(dnssec.authority,
              ElementsAre(kExampleSoa, kRrsigOverSoa, kNsecOverNxText, kRrsigOverNsec));
}

// RFC 4035 3.2.1: the DNSSEC type a client asks for by name is data, DO or not.
TEST_P(DnssecRecordsReplay, RrsigQueryWithoutDoGetsTheRrsigs) {
  ReplayHarness replay(StandardInternet(), Options());
  replay.Misbehave({.server = kExampleServer,
                    .name = "www.example.test.",
                    .type = LDNS_RR_TYPE_RRSIG,
                    .fault = Fault::kReply,
                    .reply = {.answer = {kRrsigOverWww}}});
  const ClientAnswer answer = replay.Ask({.name = "www.example.test.", .type = LDNS_RR_TYPE_RRSIG});
  EXPECT_EQ(answer.rcode, "NOERROR");
  EXPECT_THAT(answer.answer, ElementsAre(kRrsigOverWww));
}

INSTANTIATE_TEST_SUITE_P(QnameMinimisation, DnssecRecordsReplay, ::testing::Bool(),
                         MinimisationName);

// `bootstrap: only`: a relay's answer with its signature reaches a client without DO without
// the signature. BootstrapStage itself keeps only records of the type asked for (and CNAMEs),
// so this holds without the Pipeline's rule too; it guards the path should that change.
TEST(DnssecRecordsRelayReplay, RelayAnswerReachesAClientWithoutDoWithoutItsSignature) {
  ReplayHarness replay(StandardInternet(), {.bootstrap = BootstrapMode::kOnly});
  replay.ScriptRelay("www.example.test.", LDNS_RR_TYPE_A,
                     {.answer = {kWww1, kWww2, kRrsigOverWww}});
  const ClientAnswer answer = replay.Ask({.name = "www.example.test."});
  EXPECT_EQ(answer.answered_by, "bootstrap");
  EXPECT_THAT(answer.answer, ElementsAre(kWww1, kWww2));
}

}  // namespace
}  // namespace rebound::replay
