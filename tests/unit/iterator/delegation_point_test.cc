#include "resolver/iterator/delegation_point.h"

#include <gtest/gtest.h>

#include "resolver/core/clock.h"

namespace rebound {
namespace {

LdnsRdfPtr Name(const char* s) { return LdnsRdfPtr(ldns_dname_new_frm_str(s)); }

LdnsRrListPtr Records(std::initializer_list<const char*> lines) {
  LdnsRrListPtr list(ldns_rr_list_new());
  for (const char* line : lines) {
    ldns_rr* rr = nullptr;
    EXPECT_EQ(ldns_rr_new_frm_str(&rr, line, 3600, nullptr, nullptr), LDNS_STATUS_OK) << line;
    ldns_rr_list_push_rr(list.get(), rr);
  }
  return list;
}

TEST(DelegationPointTest, FromRecordsKeepsOnlyAddressesOfItsNameServers) {
  LdnsRrListPtr ns = Records({"zone.test. NS ns1.zone.test.", "zone.test. NS NS2.other.test."});
  LdnsRrListPtr glue = Records({"ns1.zone.test. A 192.0.2.1", "ns1.zone.test. AAAA 2001:db8::1",
                                "unrelated.test. A 192.0.2.9", "ns1.zone.test. TXT \"x\""});
  DelegationPoint dp = DelegationPoint::FromRecords(Name("Zone.Test.").get(), ns.get(), glue.get());
  EXPECT_EQ(ldns_dname_compare(dp.zone(), Name("zone.test.").get()), 0);
  ASSERT_EQ(dp.servers().size(), 2u);
  ASSERT_EQ(dp.servers()[0].addresses.size(), 2u);
  EXPECT_EQ(dp.servers()[0].addresses[0].ToString(), "192.0.2.1@53");
  EXPECT_EQ(dp.servers()[0].addresses[1].ToString(), "2001:db8::1@53");
  EXPECT_TRUE(dp.servers()[1].addresses.empty());  // glueless, the name is lowercased
  EXPECT_NE(dp.Find(Name("ns2.other.test.").get()), nullptr);
}

TEST(DelegationPointTest, DuplicatesAreIgnored) {
  LdnsRrListPtr ns = Records({"z.test. NS ns.z.test.", "z.test. NS ns.z.test."});
  LdnsRrListPtr glue = Records({"ns.z.test. A 192.0.2.1", "ns.z.test. A 192.0.2.1"});
  DelegationPoint dp = DelegationPoint::FromRecords(Name("z.test.").get(), ns.get(), glue.get());
  ASSERT_EQ(dp.servers().size(), 1u);
  EXPECT_EQ(dp.servers()[0].addresses.size(), 1u);
}

TEST(DelegationPointTest, ClosestFromCacheWalksUpToTheNearestCachedZone) {
  FakeClock clock;
  RrsetCache cache(RrsetCacheOptions{.shards = 1}, &clock);
  EXPECT_FALSE(
      DelegationPoint::ClosestFromCache(cache, Name("www.a.test.").get(), LDNS_RR_CLASS_IN));
  cache.Insert(*Records({". NS a.root.test."}), Trust::kAnswer);
  cache.Insert(*Records({"a.root.test. A 127.0.1.1"}), Trust::kAdditional);
  cache.Insert(*Records({"test. NS ns.nic.test."}), Trust::kAuthority);
  std::optional<DelegationPoint> dp =
      DelegationPoint::ClosestFromCache(cache, Name("www.a.test.").get(), LDNS_RR_CLASS_IN);
  ASSERT_TRUE(dp);
  EXPECT_EQ(ldns_dname_compare(dp->zone(), Name("test.").get()), 0);
  ASSERT_EQ(dp->servers().size(), 1u);
  EXPECT_TRUE(dp->servers()[0].addresses.empty());
  dp = DelegationPoint::ClosestFromCache(cache, Name("www.a.example.").get(), LDNS_RR_CLASS_IN);
  ASSERT_TRUE(dp);
  EXPECT_EQ(ldns_dname_label_count(dp->zone()), 0u);
  ASSERT_EQ(dp->servers()[0].addresses.size(), 1u);
  EXPECT_EQ(dp->servers()[0].addresses[0].ToString(), "127.0.1.1@53");
}

// Issue 15 item 7: addresses no server can have, which glue can still claim.
TEST(DelegationPointTest, AddressesNoServerCanHave) {
  for (const char* text :
       {"0.0.0.0", "0.1.2.3", "224.0.0.1", "239.255.255.250", "240.0.0.1", "255.255.255.255",
        "::", "ff02::1", "::ffff:0.0.0.0", "::ffff:224.0.0.1"}) {
    EXPECT_FALSE(MayBeServerAddress(*Endpoint::Parse(text, 53))) << text;
  }
  // Loopback is do-not-query-localhost's to decide; the rest are ordinary unicast.
  for (const char* text : {"127.0.0.1", "::1", "192.0.2.1", "1.0.0.1", "223.255.255.255",
                           "2001:db8::1", "::ffff:192.0.2.1", "64:ff9b::1"}) {
    EXPECT_TRUE(MayBeServerAddress(*Endpoint::Parse(text, 53))) << text;
  }
}

}  // namespace
}  // namespace rebound
