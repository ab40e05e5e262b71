// rebound-control's flush commands over the RRset and negative caches.
#include <gtest/gtest.h>

#include "resolver/cache/negative_cache.h"
#include "resolver/cache/rrset_cache.h"
#include "tests/unit/cache/test_records.h"

namespace rebound {
namespace {

using ::rebound::testing::Name;
using ::rebound::testing::Rr;
using ::rebound::testing::RrList;

class CacheFlushTest : public ::testing::Test {
 protected:
  void Store(const std::string& record) { rrsets_.Insert(*RrList({record}), Trust::kAnswer); }
  bool Has(const std::string& owner, ldns_rr_type type) {
    return rrsets_.Lookup(Name(owner).get(), type, LDNS_RR_CLASS_IN) != nullptr;
  }

  FakeClock clock_;
  RrsetCache rrsets_{RrsetCacheOptions{}, &clock_};
  NegativeCache negatives_{NegativeCacheOptions{}, &clock_};
};

TEST_F(CacheFlushTest, FlushRemovesEveryTypeAtTheNameOnly) {
  Store("www.example.com. 300 IN A 192.0.2.1");
  Store("www.example.com. 300 IN AAAA 2001:db8::1");
  Store("a.www.example.com. 300 IN A 192.0.2.2");
  Store("example.com. 300 IN A 192.0.2.3");
  EXPECT_EQ(rrsets_.Flush(CacheKeyFilter::For(Name("WWW.example.com.").get(), false, {})), 2u);
  EXPECT_FALSE(Has("www.example.com.", LDNS_RR_TYPE_A));
  EXPECT_FALSE(Has("www.example.com.", LDNS_RR_TYPE_AAAA));
  EXPECT_TRUE(Has("a.www.example.com.", LDNS_RR_TYPE_A));
  EXPECT_TRUE(Has("example.com.", LDNS_RR_TYPE_A));
}

TEST_F(CacheFlushTest, FlushTypeRemovesThatTypeAndItsSignatures) {
  Store("example.com. 300 IN A 192.0.2.3");
  Store("example.com. 300 IN AAAA 2001:db8::3");
  Store(
      "example.com. 300 IN RRSIG AAAA 8 2 300 20300101000000 20200101000000 1 example.com. "
      "AAAA");
  Store("example.com. 300 IN RRSIG A 8 2 300 20300101000000 20200101000000 1 example.com. AAAA");
  EXPECT_EQ(
      rrsets_.Flush(CacheKeyFilter::For(Name("example.com.").get(), false, LDNS_RR_TYPE_AAAA)), 2u);
  EXPECT_TRUE(Has("example.com.", LDNS_RR_TYPE_A));
  EXPECT_FALSE(Has("example.com.", LDNS_RR_TYPE_AAAA));
  EXPECT_EQ(
      rrsets_.LookupSignatures(Name("example.com.").get(), LDNS_RR_TYPE_AAAA, LDNS_RR_CLASS_IN),
      nullptr);
  EXPECT_NE(rrsets_.LookupSignatures(Name("example.com.").get(), LDNS_RR_TYPE_A, LDNS_RR_CLASS_IN),
            nullptr);
}

TEST_F(CacheFlushTest, FlushZoneRemovesTheSubtreeButNotLookalikes) {
  Store("example.com. 300 IN A 192.0.2.3");
  Store("deep.www.example.com. 300 IN A 192.0.2.4");
  Store("notexample.com. 300 IN A 192.0.2.5");
  Store("com. 300 IN A 192.0.2.6");
  EXPECT_EQ(rrsets_.Flush(CacheKeyFilter::For(Name("example.com.").get(), true, {})), 2u);
  EXPECT_TRUE(Has("notexample.com.", LDNS_RR_TYPE_A));
  EXPECT_TRUE(Has("com.", LDNS_RR_TYPE_A));
  EXPECT_FALSE(Has("deep.www.example.com.", LDNS_RR_TYPE_A));
}

TEST_F(CacheFlushTest, NegativeEntriesAreFlushedByNameOrAll) {
  LdnsRrPtr soa = Rr("example.com. 300 IN SOA ns. host. 1 2 3 4 300");
  ASSERT_TRUE(
      negatives_.InsertNxdomain(Name("gone.example.com.").get(), LDNS_RR_CLASS_IN, soa.get()));
  ASSERT_TRUE(negatives_.InsertNodata(Name("www.example.com.").get(), LDNS_RR_TYPE_AAAA,
                                      LDNS_RR_CLASS_IN, soa.get()));
  EXPECT_EQ(negatives_.Flush(CacheKeyFilter::For(Name("gone.example.com.").get(), false, {})), 1u);
  EXPECT_EQ(negatives_.entries(), 1u);
  EXPECT_EQ(negatives_.Clear(), 1u);
  EXPECT_EQ(negatives_.entries(), 0u);
}

}  // namespace
}  // namespace rebound
