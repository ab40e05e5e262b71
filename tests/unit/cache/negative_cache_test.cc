#include "resolver/cache/negative_cache.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/unit/cache/test_records.h"

namespace rebound {
namespace {

using ::rebound::testing::Name;
using ::rebound::testing::Rr;
using ::rebound::testing::Text;

// SOA with TTL 3600 and MINIMUM 300.
constexpr char kSoa[] =
    "example.com. 3600 IN SOA ns1.example.com. host.example.com. 7 3600 600 86400 300";

class NegativeCacheTest : public ::testing::Test {
 protected:
  std::optional<NegativeAnswer> Lookup(const std::string& name, ldns_rr_type type) {
    return cache_.Lookup(Name(name).get(), type, LDNS_RR_CLASS_IN);
  }

  FakeClock clock_;
  NegativeCache cache_{NegativeCacheOptions{}, &clock_};
};

TEST_F(NegativeCacheTest, NxdomainCoversEveryType) {
  EXPECT_TRUE(
      cache_.InsertNxdomain(Name("nx.example.com.").get(), LDNS_RR_CLASS_IN, Rr(kSoa).get()));
  for (ldns_rr_type type : {LDNS_RR_TYPE_A, LDNS_RR_TYPE_AAAA, LDNS_RR_TYPE_MX}) {
    std::optional<NegativeAnswer> answer = Lookup("nx.example.com.", type);
    ASSERT_TRUE(answer.has_value());
    EXPECT_EQ(answer->rcode, LDNS_RCODE_NXDOMAIN);
    EXPECT_EQ(Text(answer->soa.get()),
              "example.com.\t300\tIN\tSOA\tns1.example.com. host.example.com. 7 3600 600 86400 "
              "300");
  }
  EXPECT_FALSE(Lookup("other.example.com.", LDNS_RR_TYPE_A).has_value());
  EXPECT_FALSE(Lookup("sub.nx.example.com.", LDNS_RR_TYPE_A).has_value());
}

TEST_F(NegativeCacheTest, NodataIsPerType) {
  EXPECT_TRUE(cache_.InsertNodata(Name("www.example.com.").get(), LDNS_RR_TYPE_AAAA,
                                  LDNS_RR_CLASS_IN, Rr(kSoa).get()));
  std::optional<NegativeAnswer> answer = Lookup("www.example.com.", LDNS_RR_TYPE_AAAA);
  ASSERT_TRUE(answer.has_value());
  EXPECT_EQ(answer->rcode, LDNS_RCODE_NOERROR);
  EXPECT_EQ(ldns_rr_get_type(answer->soa.get()), LDNS_RR_TYPE_SOA);
  EXPECT_FALSE(Lookup("www.example.com.", LDNS_RR_TYPE_A).has_value());
}

TEST_F(NegativeCacheTest, NameIsCaseInsensitive) {
  cache_.InsertNxdomain(Name("NX.Example.com.").get(), LDNS_RR_CLASS_IN, Rr(kSoa).get());
  EXPECT_TRUE(Lookup("nx.example.COM.", LDNS_RR_TYPE_A).has_value());
}

TEST_F(NegativeCacheTest, TtlIsSoaMinimumAndCountsDown) {
  cache_.InsertNodata(Name("www.example.com.").get(), LDNS_RR_TYPE_AAAA, LDNS_RR_CLASS_IN,
                      Rr(kSoa).get());
  EXPECT_EQ(ldns_rr_ttl(Lookup("www.example.com.", LDNS_RR_TYPE_AAAA)->soa.get()), 300u);
  clock_.Advance(absl::Seconds(120));
  EXPECT_EQ(ldns_rr_ttl(Lookup("www.example.com.", LDNS_RR_TYPE_AAAA)->soa.get()), 180u);
  clock_.Advance(absl::Seconds(180));
  EXPECT_FALSE(Lookup("www.example.com.", LDNS_RR_TYPE_AAAA).has_value());
  EXPECT_EQ(cache_.entries(), 0u);
}

TEST_F(NegativeCacheTest, TtlIsSoaTtlWhenThatIsSmaller) {
  cache_.InsertNxdomain(
      Name("nx.example.com.").get(), LDNS_RR_CLASS_IN,
      Rr("example.com. 60 IN SOA ns1.example.com. host.example.com. 7 3600 600 86400 300").get());
  EXPECT_EQ(ldns_rr_ttl(Lookup("nx.example.com.", LDNS_RR_TYPE_A)->soa.get()), 60u);
}

TEST(NegativeCacheCapTest, TtlCappedByMaxNegativeTtl) {
  FakeClock clock;
  NegativeCache cache(NegativeCacheOptions{.max_negative_ttl = 100}, &clock);
  cache.InsertNxdomain(Name("nx.example.com.").get(), LDNS_RR_CLASS_IN, Rr(kSoa).get());
  std::optional<NegativeAnswer> answer =
      cache.Lookup(Name("nx.example.com.").get(), LDNS_RR_TYPE_A, LDNS_RR_CLASS_IN);
  ASSERT_TRUE(answer.has_value());
  EXPECT_EQ(ldns_rr_ttl(answer->soa.get()), 100u);
}

TEST_F(NegativeCacheTest, WithoutSoaNothingIsCached) {
  EXPECT_FALSE(cache_.InsertNxdomain(Name("nx.example.com.").get(), LDNS_RR_CLASS_IN, nullptr));
  EXPECT_FALSE(cache_.InsertNodata(Name("www.example.com.").get(), LDNS_RR_TYPE_A, LDNS_RR_CLASS_IN,
                                   Rr("example.com. 300 IN NS ns1.example.com.").get()));
  EXPECT_EQ(cache_.entries(), 0u);
  EXPECT_FALSE(Lookup("nx.example.com.", LDNS_RR_TYPE_A).has_value());
}

TEST_F(NegativeCacheTest, ZeroNegativeTtlIsNotCached) {
  EXPECT_FALSE(cache_.InsertNxdomain(
      Name("nx.example.com.").get(), LDNS_RR_CLASS_IN,
      Rr("example.com. 300 IN SOA ns1.example.com. host.example.com. 7 3600 600 86400 0").get()));
}

TEST_F(NegativeCacheTest, NewerAnswerReplacesOlder) {
  cache_.InsertNodata(Name("www.example.com.").get(), LDNS_RR_TYPE_AAAA, LDNS_RR_CLASS_IN,
                      Rr(kSoa).get());
  cache_.InsertNodata(
      Name("www.example.com.").get(), LDNS_RR_TYPE_AAAA, LDNS_RR_CLASS_IN,
      Rr("example.com. 3600 IN SOA ns1.example.com. host.example.com. 8 3600 600 86400 30").get());
  EXPECT_EQ(ldns_rr_ttl(Lookup("www.example.com.", LDNS_RR_TYPE_AAAA)->soa.get()), 30u);
  EXPECT_EQ(cache_.entries(), 1u);
}

TEST(NegativeCacheCapTest, StaysUnderByteCap) {
  FakeClock clock;
  const size_t cap = 16 * 1024;
  NegativeCache cache(NegativeCacheOptions{.max_bytes = cap, .shards = 4}, &clock);
  for (int i = 0; i < 2000; ++i) {
    cache.InsertNxdomain(Name(absl::StrCat("nx", i, ".example.com.")).get(), LDNS_RR_CLASS_IN,
                         Rr(kSoa).get());
    ASSERT_LE(cache.bytes(), cap);
  }
  EXPECT_GT(cache.entries(), 10u);
  EXPECT_LT(cache.entries(), 2000u);
  // The most recent entry is still there.
  EXPECT_TRUE(cache.Lookup(Name("nx1999.example.com.").get(), LDNS_RR_TYPE_A, LDNS_RR_CLASS_IN)
                  .has_value());
}

}  // namespace
}  // namespace rebound
