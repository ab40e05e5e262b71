#include "resolver/cache/rrset_cache.h"

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/unit/cache/test_records.h"

namespace rebound {
namespace {

using ::rebound::testing::Name;
using ::rebound::testing::Rr;
using ::rebound::testing::RrList;
using ::rebound::testing::Texts;
using ::testing::ElementsAre;

class RrsetCacheTest : public ::testing::Test {
 protected:
  LdnsRrListPtr Lookup(const std::string& name, ldns_rr_type type = LDNS_RR_TYPE_A,
                       ldns_rr_class rr_class = LDNS_RR_CLASS_IN) {
    return cache_.Lookup(Name(name).get(), type, rr_class);
  }

  FakeClock clock_;
  RrsetCache cache_{RrsetCacheOptions{}, &clock_};
};

TEST_F(RrsetCacheTest, InsertThenLookup) {
  EXPECT_TRUE(cache_.Insert(
      *RrList({"www.example.com. 300 IN A 192.0.2.1", "www.example.com. 300 IN A 192.0.2.2"}),
      Trust::kAnswer));
  LdnsRrListPtr found = Lookup("www.example.com.");
  ASSERT_NE(found, nullptr);
  EXPECT_THAT(Texts(found.get()), ElementsAre("www.example.com.\t300\tIN\tA\t192.0.2.1",
                                              "www.example.com.\t300\tIN\tA\t192.0.2.2"));
  EXPECT_EQ(cache_.entries(), 1u);
  EXPECT_GT(cache_.bytes(), 0u);
}

TEST_F(RrsetCacheTest, KeyIsOwnerTypeAndClass) {
  cache_.Insert(*RrList({"www.example.com. 300 IN A 192.0.2.1"}), Trust::kAnswer);
  EXPECT_EQ(Lookup("example.com."), nullptr);
  EXPECT_EQ(Lookup("www.example.com.", LDNS_RR_TYPE_AAAA), nullptr);
  EXPECT_EQ(Lookup("www.example.com.", LDNS_RR_TYPE_A, LDNS_RR_CLASS_CH), nullptr);
}

TEST_F(RrsetCacheTest, OwnerIsCaseInsensitive) {
  cache_.Insert(*RrList({"WWW.Example.COM. 300 IN A 192.0.2.1"}), Trust::kAnswer);
  LdnsRrListPtr found = Lookup("www.EXAMPLE.com.");
  ASSERT_NE(found, nullptr);
  EXPECT_THAT(Texts(found.get()), ElementsAre("www.example.com.\t300\tIN\tA\t192.0.2.1"));
  // One entry, not two: the second insert replaces the first.
  cache_.Insert(*RrList({"www.example.com. 300 IN A 192.0.2.9"}), Trust::kAnswer);
  EXPECT_EQ(cache_.entries(), 1u);
}

TEST_F(RrsetCacheTest, RdataWithNamesRoundTrips) {
  cache_.Insert(*RrList({"example.com. 300 IN MX 10 Mail.Example.com."}), Trust::kAnswer);
  cache_.Insert(*RrList({"example.com. 300 IN SOA ns1.example.com. host.example.com. 7 3600 600 "
                         "86400 300"}),
                Trust::kAuthority);
  cache_.Insert(*RrList({"example.com. 300 IN TXT \"hello world\" \"two\""}), Trust::kAnswer);
  EXPECT_THAT(Texts(Lookup("example.com.", LDNS_RR_TYPE_MX).get()),
              ElementsAre("example.com.\t300\tIN\tMX\t10 Mail.Example.com."));
  EXPECT_THAT(Texts(Lookup("example.com.", LDNS_RR_TYPE_SOA).get()),
              ElementsAre("example.com.\t300\tIN\tSOA\tns1.example.com. host.example.com. 7 3600 "
                          "600 86400 300"));
  EXPECT_THAT(Texts(Lookup("example.com.", LDNS_RR_TYPE_TXT).get()),
              ElementsAre("example.com.\t300\tIN\tTXT\t\"hello world\" \"two\""));
}

TEST_F(RrsetCacheTest, TtlCountsDownThenExpires) {
  cache_.Insert(*RrList({"www.example.com. 300 IN A 192.0.2.1"}), Trust::kAnswer);
  clock_.Advance(absl::Seconds(100));
  LdnsRrListPtr found = Lookup("www.example.com.");
  ASSERT_NE(found, nullptr);
  EXPECT_EQ(ldns_rr_ttl(ldns_rr_list_rr(found.get(), 0)), 200u);
  clock_.Advance(absl::Seconds(199));
  found = Lookup("www.example.com.");
  ASSERT_NE(found, nullptr);
  EXPECT_EQ(ldns_rr_ttl(ldns_rr_list_rr(found.get(), 0)), 1u);
  clock_.Advance(absl::Seconds(1));
  EXPECT_EQ(Lookup("www.example.com."), nullptr);
  // The expired entry went with the lookup that found it expired.
  EXPECT_EQ(cache_.entries(), 0u);
  EXPECT_EQ(cache_.bytes(), 0u);
}

TEST_F(RrsetCacheTest, TtlIsTheSmallestOfTheRrset) {
  cache_.Insert(
      *RrList({"www.example.com. 300 IN A 192.0.2.1", "www.example.com. 100 IN A 192.0.2.2"}),
      Trust::kAnswer);
  LdnsRrListPtr found = Lookup("www.example.com.");
  ASSERT_NE(found, nullptr);
  for (size_t i = 0; i < ldns_rr_list_rr_count(found.get()); ++i) {
    EXPECT_EQ(ldns_rr_ttl(ldns_rr_list_rr(found.get(), i)), 100u);
  }
}

TEST(RrsetCacheTtlTest, ClampedToMinAndMax) {
  FakeClock clock;
  RrsetCache cache(RrsetCacheOptions{.max_bytes = 1 << 20, .min_ttl = 60, .max_ttl = 3600}, &clock);
  cache.Insert(*RrList({"short.example. 5 IN A 192.0.2.1"}), Trust::kAnswer);
  cache.Insert(*RrList({"long.example. 86400 IN A 192.0.2.2"}), Trust::kAnswer);
  cache.Insert(*RrList({"zero.example. 0 IN A 192.0.2.3"}), Trust::kAnswer);
  LdnsRrListPtr s = cache.Lookup(Name("short.example.").get(), LDNS_RR_TYPE_A, LDNS_RR_CLASS_IN);
  LdnsRrListPtr l = cache.Lookup(Name("long.example.").get(), LDNS_RR_TYPE_A, LDNS_RR_CLASS_IN);
  LdnsRrListPtr z = cache.Lookup(Name("zero.example.").get(), LDNS_RR_TYPE_A, LDNS_RR_CLASS_IN);
  ASSERT_NE(s, nullptr);
  ASSERT_NE(l, nullptr);
  EXPECT_EQ(ldns_rr_ttl(ldns_rr_list_rr(s.get(), 0)), 60u);
  EXPECT_EQ(ldns_rr_ttl(ldns_rr_list_rr(l.get(), 0)), 3600u);
  // cache-min-ttl raises a zero TTL as well (as in unbound).
  ASSERT_NE(z, nullptr);
  EXPECT_EQ(ldns_rr_ttl(ldns_rr_list_rr(z.get(), 0)), 60u);
}

TEST_F(RrsetCacheTest, ZeroTtlIsNotCached) {
  EXPECT_FALSE(cache_.Insert(*RrList({"www.example.com. 0 IN A 192.0.2.1"}), Trust::kAnswer));
  EXPECT_EQ(Lookup("www.example.com."), nullptr);
  // RFC 2181 8: a TTL with the top bit set counts as zero.
  EXPECT_FALSE(
      cache_.Insert(*RrList({"www.example.com. 2147483648 IN A 192.0.2.1"}), Trust::kAnswer));
}

TEST_F(RrsetCacheTest, LowerTrustDoesNotReplaceHigher) {
  cache_.Insert(*RrList({"ns1.example.com. 300 IN A 192.0.2.1"}), Trust::kAnswer);
  EXPECT_FALSE(
      cache_.Insert(*RrList({"ns1.example.com. 300 IN A 192.0.2.66"}), Trust::kAdditional));
  EXPECT_FALSE(cache_.Insert(*RrList({"ns1.example.com. 300 IN A 192.0.2.66"}), Trust::kAuthority));
  EXPECT_THAT(Texts(Lookup("ns1.example.com.").get()),
              ElementsAre("ns1.example.com.\t300\tIN\tA\t192.0.2.1"));
  // Equal trust replaces: the newer answer wins.
  EXPECT_TRUE(cache_.Insert(*RrList({"ns1.example.com. 300 IN A 192.0.2.2"}), Trust::kAnswer));
  EXPECT_THAT(Texts(Lookup("ns1.example.com.").get()),
              ElementsAre("ns1.example.com.\t300\tIN\tA\t192.0.2.2"));
}

TEST_F(RrsetCacheTest, HigherTrustReplacesLower) {
  cache_.Insert(*RrList({"ns1.example.com. 300 IN A 192.0.2.66"}), Trust::kAdditional);
  EXPECT_TRUE(cache_.Insert(*RrList({"ns1.example.com. 300 IN A 192.0.2.1"}), Trust::kAnswer));
  EXPECT_THAT(Texts(Lookup("ns1.example.com.").get()),
              ElementsAre("ns1.example.com.\t300\tIN\tA\t192.0.2.1"));
}

TEST_F(RrsetCacheTest, LowerTrustReplacesExpiredEntry) {
  cache_.Insert(*RrList({"ns1.example.com. 60 IN A 192.0.2.1"}), Trust::kAnswer);
  clock_.Advance(absl::Seconds(60));
  EXPECT_TRUE(cache_.Insert(*RrList({"ns1.example.com. 300 IN A 192.0.2.2"}), Trust::kAdditional));
  EXPECT_THAT(Texts(Lookup("ns1.example.com.").get()),
              ElementsAre("ns1.example.com.\t300\tIN\tA\t192.0.2.2"));
}

TEST_F(RrsetCacheTest, RejectsMixedRrsets) {
  EXPECT_FALSE(cache_.Insert(
      *RrList({"a.example. 300 IN A 192.0.2.1", "b.example. 300 IN A 192.0.2.2"}), Trust::kAnswer));
  EXPECT_FALSE(cache_.Insert(
      *RrList({"a.example. 300 IN A 192.0.2.1", "a.example. 300 IN AAAA 2001:db8::1"}),
      Trust::kAnswer));
  EXPECT_FALSE(cache_.Insert(*RrList({}), Trust::kAnswer));
  EXPECT_EQ(cache_.entries(), 0u);
}

TEST_F(RrsetCacheTest, DuplicateRecordsAreStoredOnce) {
  cache_.Insert(*RrList({"a.example. 300 IN A 192.0.2.1", "A.example. 300 IN A 192.0.2.1"}),
                Trust::kAnswer);
  EXPECT_EQ(ldns_rr_list_rr_count(Lookup("a.example.").get()), 1u);
}

TEST_F(RrsetCacheTest, SignaturesAreKeptPerCoveredType) {
  cache_.Insert(*RrList({"a.example. 300 IN RRSIG A 13 2 300 20300101000000 20200101000000 "
                         "1234 example. AAAA"}),
                Trust::kAnswer);
  cache_.Insert(*RrList({"a.example. 300 IN RRSIG AAAA 13 2 300 20300101000000 20200101000000 "
                         "1234 example. BBBB"}),
                Trust::kAnswer);
  LdnsRrListPtr a =
      cache_.LookupSignatures(Name("a.example.").get(), LDNS_RR_TYPE_A, LDNS_RR_CLASS_IN);
  LdnsRrListPtr aaaa =
      cache_.LookupSignatures(Name("a.example.").get(), LDNS_RR_TYPE_AAAA, LDNS_RR_CLASS_IN);
  ASSERT_NE(a, nullptr);
  ASSERT_NE(aaaa, nullptr);
  EXPECT_EQ(ldns_rdf2rr_type(ldns_rr_rrsig_typecovered(ldns_rr_list_rr(a.get(), 0))),
            LDNS_RR_TYPE_A);
  EXPECT_EQ(ldns_rdf2rr_type(ldns_rr_rrsig_typecovered(ldns_rr_list_rr(aaaa.get(), 0))),
            LDNS_RR_TYPE_AAAA);
  EXPECT_EQ(cache_.LookupSignatures(Name("a.example.").get(), LDNS_RR_TYPE_MX, LDNS_RR_CLASS_IN),
            nullptr);
  // Signatures over different types never make one RRset.
  EXPECT_FALSE(cache_.Insert(
      *RrList(
          {"b.example. 300 IN RRSIG A 13 2 300 20300101000000 20200101000000 1 example. AAAA",
           "b.example. 300 IN RRSIG MX 13 2 300 20300101000000 20200101000000 1 example. AAAA"}),
      Trust::kAnswer));
}

TEST(RrsetCacheEvictionTest, StaysUnderCapAndKeepsRecentlyUsed) {
  FakeClock clock;
  // Measure what one entry costs, then allow four of them in a single shard.
  size_t charge;
  {
    RrsetCache probe(RrsetCacheOptions{.max_bytes = 1 << 20, .shards = 1}, &clock);
    probe.Insert(*RrList({"host0.example. 300 IN A 192.0.2.1"}), Trust::kAnswer);
    charge = probe.bytes();
  }
  const size_t cap = 4 * charge + charge / 2;
  RrsetCache cache(RrsetCacheOptions{.max_bytes = cap, .shards = 1}, &clock);
  auto lookup = [&](int i) {
    return cache.Lookup(Name(absl::StrCat("host", i, ".example.")).get(), LDNS_RR_TYPE_A,
                        LDNS_RR_CLASS_IN);
  };
  for (int i = 0; i < 4; ++i) {
    cache.Insert(*RrList({absl::StrCat("host", i, ".example. 300 IN A 192.0.2.1")}),
                 Trust::kAnswer);
  }
  ASSERT_NE(lookup(0), nullptr);  // host1 is now the least recently used
  for (int i = 4; i < 6; ++i) {
    cache.Insert(*RrList({absl::StrCat("host", i, ".example. 300 IN A 192.0.2.1")}),
                 Trust::kAnswer);
    EXPECT_LE(cache.bytes(), cap);
  }
  EXPECT_EQ(cache.entries(), 4u);
  EXPECT_NE(lookup(0), nullptr);
  EXPECT_EQ(lookup(1), nullptr);
  EXPECT_EQ(lookup(2), nullptr);
  EXPECT_NE(lookup(3), nullptr);
  EXPECT_NE(lookup(5), nullptr);
}

TEST(RrsetCacheEvictionTest, ShardedCacheStaysUnderCap) {
  FakeClock clock;
  const size_t cap = 64 * 1024;
  RrsetCache cache(RrsetCacheOptions{.max_bytes = cap}, &clock);
  for (int i = 0; i < 5000; ++i) {
    cache.Insert(*RrList({absl::StrCat("host", i, ".example. 300 IN A 192.0.2.1")}),
                 Trust::kAnswer);
  }
  EXPECT_LE(cache.bytes(), cap);
  EXPECT_GT(cache.entries(), 100u);
  EXPECT_LT(cache.entries(), 5000u);
}

TEST(RrsetCacheConcurrencyTest, ParallelInsertsAndLookups) {
  FakeClock clock;
  const size_t cap = 32 * 1024;  // small enough that eviction runs alongside
  RrsetCache cache(RrsetCacheOptions{.max_bytes = cap, .shards = 4}, &clock);
  constexpr int kThreads = 4;
  constexpr int kNames = 500;
  std::atomic<int> bad{0};
  std::atomic<int> hits{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 3000; ++round) {
        const int i = (round * 7 + t * 131) % kNames;
        const std::string owner = absl::StrCat("host", i, ".example.");
        const std::string address = absl::StrCat("10.0.", i / 256, ".", i % 256);
        if (round % 3 == 0) {
          cache.Insert(*RrList({owner + " 300 IN A " + address}), Trust::kAnswer);
          continue;
        }
        LdnsRrListPtr found = cache.Lookup(Name(owner).get(), LDNS_RR_TYPE_A, LDNS_RR_CLASS_IN);
        if (found == nullptr) continue;
        ++hits;
        // Each name only ever holds its own address: anything else is a torn entry.
        if (Texts(found.get()) != std::vector<std::string>{owner + "\t300\tIN\tA\t" + address}) {
          ++bad;
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(bad.load(), 0);
  EXPECT_GT(hits.load(), 0);
  EXPECT_LE(cache.bytes(), cap);
}

}  // namespace
}  // namespace rebound
