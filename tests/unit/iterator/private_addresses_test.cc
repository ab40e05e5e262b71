// private-address and private-domain (unbound's rebinding protection): which A and AAAA records
// are private, what RemoveFrom leaves of a list, and what RemovePrivateAddresses makes of a
// classified reply.
#include "resolver/iterator/private_addresses.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "resolver/iterator/response_classifier.h"

namespace rebound {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

LdnsRrPtr Rr(const char* line) {
  ldns_rr* rr = nullptr;
  EXPECT_EQ(ldns_rr_new_frm_str(&rr, line, 3600, nullptr, nullptr), LDNS_STATUS_OK) << line;
  return LdnsRrPtr(rr);
}

LdnsRrListPtr List(const std::vector<const char*>& lines) {
  LdnsRrListPtr list(ldns_rr_list_new());
  for (const char* line : lines) ldns_rr_list_push_rr(list.get(), Rr(line).release());
  return list;
}

// "owner TYPE rdata" of each record, TTL and class left out.
std::vector<std::string> Records(const ldns_rr_list* list) {
  std::vector<std::string> out;
  for (size_t i = 0; i < ldns_rr_list_rr_count(list); ++i) {
    const ldns_rr* rr = ldns_rr_list_rr(list, i);
    char* owner = ldns_rdf2str(ldns_rr_owner(rr));
    char* type = ldns_rr_type2str(ldns_rr_get_type(rr));
    std::string line = std::string(owner) + " " + type;
    std::free(owner);
    std::free(type);
    for (size_t j = 0; j < ldns_rr_rd_count(rr); ++j) {
      char* rdata = ldns_rdf2str(ldns_rr_rdf(rr, j));
      line += std::string(" ") + rdata;
      std::free(rdata);
    }
    out.push_back(line);
  }
  return out;
}

PrivateAddresses Make(const std::vector<const char*>& netblocks,
                      const std::vector<std::string>& domains = {}) {
  std::vector<AddressRange> ranges;
  for (const char* text : netblocks) {
    absl::StatusOr<AddressRange> range = AddressRange::Parse(text);
    EXPECT_TRUE(range.ok()) << text;
    if (range.ok()) ranges.push_back(*range);
  }
  absl::StatusOr<PrivateAddresses> made = PrivateAddresses::Create(ranges, domains);
  EXPECT_TRUE(made.ok()) << made.status();
  return made.ok() ? *std::move(made) : PrivateAddresses();
}

bool IsPrivate(const PrivateAddresses& p, const char* line) { return p.IsPrivate(Rr(line).get()); }

TEST(PrivateAddressesTest, NothingIsPrivateByDefault) {
  const PrivateAddresses none;
  EXPECT_TRUE(none.empty());
  EXPECT_FALSE(IsPrivate(none, "www.example. A 10.0.0.1"));
  LdnsRrListPtr list = List({"www.example. A 10.0.0.1", "www.example. AAAA fd00::1"});
  EXPECT_EQ(none.RemoveFrom(list.get()), 0u);
  EXPECT_EQ(none.RemoveFrom(nullptr), 0u);
  // The same list with the netblocks configured.
  const PrivateAddresses some = Make({"10.0.0.0/8", "fd00::/8"});
  EXPECT_EQ(some.RemoveFrom(list.get()), 2u);
  EXPECT_THAT(Records(list.get()), IsEmpty());
}

TEST(PrivateAddressesTest, NetblocksAndBareAddresses) {
  const PrivateAddresses p = Make({"10.0.0.0/8", "192.168.1.7", "fd00::/8", "2001:db8::5"});
  EXPECT_FALSE(p.empty());
  EXPECT_TRUE(IsPrivate(p, "a.example. A 10.255.0.1"));
  EXPECT_FALSE(IsPrivate(p, "a.example. A 11.0.0.1"));
  // A bare address is a /32 or a /128.
  EXPECT_TRUE(IsPrivate(p, "a.example. A 192.168.1.7"));
  EXPECT_FALSE(IsPrivate(p, "a.example. A 192.168.1.8"));
  EXPECT_TRUE(IsPrivate(p, "a.example. AAAA fdff::1"));
  EXPECT_FALSE(IsPrivate(p, "a.example. AAAA fe00::1"));
  EXPECT_TRUE(IsPrivate(p, "a.example. AAAA 2001:db8::5"));
  EXPECT_FALSE(IsPrivate(p, "a.example. AAAA 2001:db8::6"));
}

TEST(PrivateAddressesTest, OnlyAddressRecordsOfTheNetblocksFamily) {
  const PrivateAddresses p = Make({"10.0.0.0/8"});
  // unbound.conf(5): an IPv4-mapped AAAA gets past an IPv4 netblock; ::ffff:0:0/96 stops it.
  EXPECT_FALSE(IsPrivate(p, "a.example. AAAA ::ffff:10.0.0.1"));
  EXPECT_TRUE(IsPrivate(Make({"::ffff:0:0/96"}), "a.example. AAAA ::ffff:10.0.0.1"));
  EXPECT_FALSE(IsPrivate(Make({"::/0"}), "a.example. A 10.0.0.1"));
  // Other types are never touched, whatever their data says.
  EXPECT_FALSE(IsPrivate(p, "1.0.0.10.in-addr.arpa. PTR a.example."));
  EXPECT_FALSE(IsPrivate(p, "a.example. TXT \"10.0.0.1\""));
  EXPECT_FALSE(IsPrivate(p, "example. NS a.example."));
}

TEST(PrivateAddressesTest, PrivateDomainAllowsTheNameAndBelow) {
  const PrivateAddresses p = Make({"10.0.0.0/8", "fd00::/8"}, {"lan.example."});
  EXPECT_FALSE(IsPrivate(p, "lan.example. A 10.0.0.1"));
  EXPECT_FALSE(IsPrivate(p, "printer.lan.example. A 10.0.0.2"));
  EXPECT_FALSE(IsPrivate(p, "a.b.LAN.Example. AAAA fd00::1"));  // names compare without case
  // Not a label boundary, a sibling, or the parent: still private.
  EXPECT_TRUE(IsPrivate(p, "xlan.example. A 10.0.0.1"));
  EXPECT_TRUE(IsPrivate(p, "wan.example. A 10.0.0.1"));
  EXPECT_TRUE(IsPrivate(p, "example. A 10.0.0.1"));
  // The root as a private-domain allows every name.
  EXPECT_FALSE(IsPrivate(Make({"10.0.0.0/8"}, {"."}), "www.example. A 10.0.0.1"));
}

TEST(PrivateAddressesTest, PrivateDomainAloneFiltersNothing) {
  const PrivateAddresses p = Make({}, {"lan.example."});
  EXPECT_TRUE(p.empty());
  EXPECT_FALSE(IsPrivate(p, "www.example. A 10.0.0.1"));
  // unbound's filter needs a private-address; with one, the name outside the domain loses it.
  EXPECT_TRUE(IsPrivate(Make({"10.0.0.0/8"}, {"lan.example."}), "www.example. A 10.0.0.1"));
}

TEST(PrivateAddressesTest, BadDomainIsAnError) {
  absl::StatusOr<PrivateAddresses> made =
      PrivateAddresses::Create({}, {std::string(300, 'a') + "."});
  EXPECT_FALSE(made.ok());
}

TEST(PrivateAddressesTest, RemoveFromKeepsTheRestInOrder) {
  const PrivateAddresses p = Make({"10.0.0.0/8", "fd00::/8"});
  LdnsRrListPtr list = List({
      "www.example. A 192.0.2.1",
      "www.example. A 10.0.0.1",
      "www.example. AAAA fd00::1",
      "www.example. AAAA 2001:db8::1",
      "www.example. TXT \"x\"",
      "mail.example. A 10.1.1.1",
  });
  EXPECT_EQ(p.RemoveFrom(list.get()), 3u);
  EXPECT_THAT(Records(list.get()),
              ElementsAre("www.example. A 192.0.2.1", "www.example. AAAA 2001:db8::1",
                          "www.example. TXT \"x\""));
}

TEST(PrivateAddressesTest, AnEmptiedRrsetLosesItsSignaturesAPartialOneKeepsThem) {
  const PrivateAddresses p = Make({"10.0.0.0/8"});
  LdnsRrListPtr list = List({
      "gone.example. A 10.0.0.1",
      "gone.example. RRSIG A 8 2 3600 20300101000000 20200101000000 1 example. AAAA",
      "gone.example. RRSIG TXT 8 2 3600 20300101000000 20200101000000 1 example. AAAA",
      "part.example. A 10.0.0.2",
      "part.example. A 192.0.2.2",
      "part.example. RRSIG A 8 2 3600 20300101000000 20200101000000 1 example. AAAA",
  });
  EXPECT_EQ(p.RemoveFrom(list.get()), 2u);
  EXPECT_THAT(
      Records(list.get()),
      ElementsAre("gone.example. RRSIG TXT 8 2 3600 20300101000000 20200101000000 1 example. AAAA",
                  "part.example. A 192.0.2.2",
                  "part.example. RRSIG A 8 2 3600 20300101000000 20200101000000 1 example. AAAA"));
}

// ---- RemovePrivateAddresses on a classified reply ---------------------------------------------

ClassifiedResponse Response(ResponseKind kind, const std::vector<const char*>& answer,
                            const std::vector<const char*>& authority = {},
                            const std::vector<const char*>& additional = {},
                            const std::vector<const char*>& foreign_glue = {}) {
  ClassifiedResponse r;
  r.kind = kind;
  r.answer = List(answer);
  r.authority = List(authority);
  r.additional = List(additional);
  r.foreign_glue = List(foreign_glue);
  return r;
}

TEST(RemovePrivateAddressesTest, AnAnswerWithNothingLeftIsNodataWithItsChain) {
  const PrivateAddresses p = Make({"10.0.0.0/8"});
  ClassifiedResponse r = Response(ResponseKind::kAnswer,
                                  {"alias.example. CNAME www.example.", "www.example. A 10.0.0.1"});
  RemovePrivateAddresses(p, LDNS_RR_TYPE_A, r);
  EXPECT_EQ(r.kind, ResponseKind::kNodata);
  EXPECT_THAT(Records(r.answer.get()), ElementsAre("alias.example. CNAME www.example."));
  // No SOA: the caches keep no negative answer (RFC 2308 3).
  EXPECT_THAT(Records(r.authority.get()), IsEmpty());
}

TEST(RemovePrivateAddressesTest, AnAnswerWithPublicRecordsLeftStaysAnAnswer) {
  const PrivateAddresses p = Make({"fd00::/8"});
  ClassifiedResponse r = Response(ResponseKind::kAnswer,
                                  {"www.example. AAAA fd00::1", "www.example. AAAA 2001:db8::1"});
  RemovePrivateAddresses(p, LDNS_RR_TYPE_AAAA, r);
  EXPECT_EQ(r.kind, ResponseKind::kAnswer);
  EXPECT_THAT(Records(r.answer.get()), ElementsAre("www.example. AAAA 2001:db8::1"));
}

TEST(RemovePrivateAddressesTest, AnyKeepsItsOtherRrsets) {
  const PrivateAddresses p = Make({"10.0.0.0/8"});
  ClassifiedResponse r =
      Response(ResponseKind::kAnswer, {"www.example. A 10.0.0.1", "www.example. TXT \"t\""});
  RemovePrivateAddresses(p, LDNS_RR_TYPE_ANY, r);
  EXPECT_EQ(r.kind, ResponseKind::kAnswer);
  EXPECT_THAT(Records(r.answer.get()), ElementsAre("www.example. TXT \"t\""));
  ClassifiedResponse only_a = Response(ResponseKind::kAnswer, {"www.example. A 10.0.0.1"});
  RemovePrivateAddresses(p, LDNS_RR_TYPE_ANY, only_a);
  EXPECT_EQ(only_a.kind, ResponseKind::kNodata);
}

TEST(RemovePrivateAddressesTest, GlueIsFilteredInsideAndOutsideTheBailiwick) {
  const PrivateAddresses p = Make({"192.168.0.0/16"}, {"ok.example."});
  ClassifiedResponse r =
      Response(ResponseKind::kReferral, {},
               {"sub.example. NS ns1.sub.example.", "sub.example. NS ns.ok.example."},
               {"ns1.sub.example. A 192.168.0.53", "ns1.sub.example. A 192.0.2.53",
                "ns.ok.example. A 192.168.0.54"},
               {"ns.other. A 192.168.9.9"});
  RemovePrivateAddresses(p, LDNS_RR_TYPE_A, r);
  EXPECT_EQ(r.kind, ResponseKind::kReferral);
  EXPECT_THAT(Records(r.authority.get()),
              ElementsAre("sub.example. NS ns1.sub.example.", "sub.example. NS ns.ok.example."));
  EXPECT_THAT(Records(r.additional.get()),
              ElementsAre("ns1.sub.example. A 192.0.2.53", "ns.ok.example. A 192.168.0.54"));
  EXPECT_THAT(Records(r.foreign_glue.get()), IsEmpty());
}

TEST(RemovePrivateAddressesTest, NothingConfiguredChangesNothing) {
  ClassifiedResponse r = Response(ResponseKind::kAnswer, {"www.example. A 10.0.0.1"});
  const ldns_rr_list* before = r.answer.get();
  RemovePrivateAddresses(PrivateAddresses(), LDNS_RR_TYPE_A, r);
  EXPECT_EQ(r.kind, ResponseKind::kAnswer);
  EXPECT_EQ(r.answer.get(), before);
  EXPECT_THAT(Records(r.answer.get()), ElementsAre("www.example. A 10.0.0.1"));
  // The same reply with 10.0.0.0/8 configured.
  RemovePrivateAddresses(Make({"10.0.0.0/8"}), LDNS_RR_TYPE_A, r);
  EXPECT_EQ(r.kind, ResponseKind::kNodata);
}

}  // namespace
}  // namespace rebound
