// What the caches keep for serve-expired (RFC 8767) and when they hand out a prefetch claim
// (unbound's last tenth of the TTL): the RRset cache, the negative cache and the packet cache.
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "resolver/cache/negative_cache.h"
#include "resolver/cache/packet_cache.h"
#include "resolver/cache/rrset_cache.h"
#include "tests/unit/cache/test_records.h"

namespace rebound {
namespace {

using ::rebound::testing::Name;
using ::rebound::testing::Rr;
using ::rebound::testing::RrList;
using ::rebound::testing::Texts;
using ::testing::ElementsAre;

constexpr char kSoa[] =
    "example.com. 3600 IN SOA ns1.example.com. host.example.com. 7 3600 600 86400 300";

class CacheFreshnessTest : public ::testing::Test {
 protected:
  LdnsRrListPtr Lookup(CacheRead read = {}, CacheFreshness* found = nullptr) {
    return rrsets_.Lookup(Name("www.example.com.").get(), LDNS_RR_TYPE_A, LDNS_RR_CLASS_IN,
                          Trust::kAdditional, read, found);
  }
  void InsertWww() {
    ASSERT_TRUE(rrsets_.Insert(*RrList({"www.example.com. 100 IN A 192.0.2.1"}), Trust::kAnswer));
  }

  FakeClock clock_;
  RrsetCache rrsets_{RrsetCacheOptions{.keep_expired = absl::Seconds(3600)}, &clock_};
  NegativeCache negatives_{NegativeCacheOptions{.keep_expired = absl::Seconds(3600)}, &clock_};
};

TEST_F(CacheFreshnessTest, ExpiredRrsetOnlyForALookupThatAsksForIt) {
  InsertWww();
  clock_.Advance(absl::Seconds(101));
  EXPECT_EQ(Lookup(), nullptr);  // never a normal answer
  CacheFreshness found;
  LdnsRrListPtr stale = Lookup({.expired_ok = true}, &found);
  ASSERT_NE(stale, nullptr);
  EXPECT_THAT(Texts(stale.get()), ElementsAre("www.example.com.\t0\tIN\tA\t192.0.2.1"));
  EXPECT_TRUE(found.stale);
  // Past keep_expired (serve-expired-ttl) it is gone.
  clock_.Advance(absl::Seconds(3600));
  EXPECT_EQ(Lookup({.expired_ok = true}), nullptr);
}

TEST_F(CacheFreshnessTest, FreshRrsetIsNotStale) {
  InsertWww();
  CacheFreshness found;
  ASSERT_NE(Lookup({.expired_ok = true}, &found), nullptr);
  EXPECT_FALSE(found.stale);
}

TEST_F(CacheFreshnessTest, WithoutKeepExpiredNothingIsKept) {
  RrsetCache plain(RrsetCacheOptions{}, &clock_);
  ASSERT_TRUE(plain.Insert(*RrList({"www.example.com. 100 IN A 192.0.2.1"}), Trust::kAnswer));
  clock_.Advance(absl::Seconds(101));
  EXPECT_EQ(plain.Lookup(Name("www.example.com.").get(), LDNS_RR_TYPE_A, LDNS_RR_CLASS_IN,
                         Trust::kAdditional, {.expired_ok = true}),
            nullptr);
}

TEST_F(CacheFreshnessTest, ExpiredEntryIsReplacedByAnyNewOne) {
  InsertWww();
  clock_.Advance(absl::Seconds(101));
  // Lower trust than the stale entry, which no longer counts (RFC 2181 5.4.1 is about live data).
  ASSERT_TRUE(rrsets_.Insert(*RrList({"www.example.com. 100 IN A 192.0.2.9"}), Trust::kAuthority));
  EXPECT_THAT(Texts(Lookup().get()), ElementsAre("www.example.com.\t100\tIN\tA\t192.0.2.9"));
}

TEST_F(CacheFreshnessTest, RefreshIsClaimedOnceInTheLastTenth) {
  InsertWww();
  CacheFreshness early;
  clock_.Advance(absl::Seconds(89));
  Lookup({.claim_refresh = true}, &early);
  EXPECT_FALSE(early.refresh_claimed);
  clock_.Advance(absl::Seconds(1));  // 10 s of 100 left
  CacheFreshness first, second, unasked;
  Lookup({}, &unasked);  // a lookup that does not claim takes nothing
  Lookup({.claim_refresh = true}, &first);
  Lookup({.claim_refresh = true}, &second);
  EXPECT_FALSE(unasked.refresh_claimed);
  EXPECT_TRUE(first.refresh_claimed);
  EXPECT_FALSE(second.refresh_claimed);
  // The refreshed entry has a claim of its own.
  InsertWww();
  clock_.Advance(absl::Seconds(95));
  CacheFreshness again;
  Lookup({.claim_refresh = true}, &again);
  EXPECT_TRUE(again.refresh_claimed);
}

TEST_F(CacheFreshnessTest, ExpiredNegativeAnswerOnlyWhenAskedFor) {
  ASSERT_TRUE(
      negatives_.InsertNxdomain(Name("nx.example.com.").get(), LDNS_RR_CLASS_IN, Rr(kSoa).get()));
  clock_.Advance(absl::Seconds(301));
  EXPECT_FALSE(negatives_.Lookup(Name("nx.example.com.").get(), LDNS_RR_TYPE_A, LDNS_RR_CLASS_IN));
  CacheFreshness found;
  std::optional<NegativeAnswer> stale =
      negatives_.Lookup(Name("nx.example.com.").get(), LDNS_RR_TYPE_A, LDNS_RR_CLASS_IN,
                        {.expired_ok = true}, &found);
  ASSERT_TRUE(stale.has_value());
  EXPECT_EQ(stale->rcode, LDNS_RCODE_NXDOMAIN);
  EXPECT_EQ(ldns_rr_ttl(stale->soa.get()), 0u);
  EXPECT_TRUE(found.stale);
}

std::vector<uint8_t> WireOf(const std::string& qname, const std::string& answer) {
  LdnsPktPtr pkt(ldns_pkt_query_new(ldns_dname_new_frm_str(qname.c_str()), LDNS_RR_TYPE_A,
                                    LDNS_RR_CLASS_IN, LDNS_RD));
  ldns_pkt_set_qr(pkt.get(), true);
  ldns_pkt_push_rr(pkt.get(), LDNS_SECTION_ANSWER, Rr(answer).release());
  uint8_t* wire = nullptr;
  size_t size = 0;
  EXPECT_EQ(ldns_pkt2wire(&wire, pkt.get(), &size), LDNS_STATUS_OK);
  std::vector<uint8_t> out(wire, wire + size);
  free(wire);
  return out;
}

TEST(PacketCacheRefreshTest, FirstHitInTheLastTenthIsDueOnceAndExpiredIsAMiss) {
  FakeClock clock;
  PacketCache cache(PacketCacheOptions{}, &clock);
  LdnsRdfPtr name(ldns_dname_new_frm_str("www.example.com."));
  const std::span<const uint8_t> qname(ldns_rdf_data(name.get()), ldns_rdf_size(name.get()));
  const PacketCacheKey key(qname, LDNS_RR_TYPE_A, LDNS_RR_CLASS_IN, PacketCacheKey::kRd);
  ASSERT_TRUE(cache.Insert(key, WireOf("www.example.com.", "www.example.com. 100 IN A 192.0.2.1")));
  std::vector<uint8_t> out(512);
  auto hit = [&](bool* due) { return cache.Lookup(key, 1, qname, 512, out, due) > 0; };

  bool due = false;
  clock.Advance(absl::Seconds(89));
  EXPECT_TRUE(hit(&due));
  EXPECT_FALSE(due);
  clock.Advance(absl::Seconds(1));
  EXPECT_TRUE(hit(nullptr));  // prefetch off: no claim taken
  EXPECT_TRUE(hit(&due));
  EXPECT_TRUE(due);
  due = false;
  EXPECT_TRUE(hit(&due));
  EXPECT_FALSE(due);
  clock.Advance(absl::Seconds(10));
  EXPECT_FALSE(hit(&due));  // expired: a miss, whatever serve-expired says
}

}  // namespace
}  // namespace rebound
