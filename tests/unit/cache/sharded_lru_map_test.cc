#include "resolver/cache/sharded_lru_map.h"

#include <string>

#include "absl/time/time.h"
#include "gtest/gtest.h"

namespace rebound {
namespace {

const absl::Time kNow = absl::FromUnixSeconds(1'000'000);
const absl::Time kLater = kNow + absl::Seconds(60);

bool Always(const int&) { return true; }

// The bytes one entry with a one-byte key and no payload costs.
size_t OneEntryCharge() {
  ShardedLruMap<int> map(1 << 20, 1);
  map.Insert("a", 1, kLater, kNow, 0, Always);
  return map.bytes();
}

TEST(ShardedLruMapTest, InsertLookupAndExpiry) {
  ShardedLruMap<int> map(1 << 20, 4);
  EXPECT_TRUE(map.Insert("a", 1, kLater, kNow, 0, Always));
  auto hit = map.Lookup("a", kNow);
  ASSERT_TRUE(hit.has_value());
  EXPECT_EQ(hit->value, 1);
  EXPECT_EQ(hit->expiry, kLater);
  EXPECT_FALSE(map.Lookup("b", kNow).has_value());
  EXPECT_EQ(map.entries(), 1u);
  // Expired at exactly its expiry time, and removed by the lookup that finds it so.
  EXPECT_FALSE(map.Lookup("a", kLater).has_value());
  EXPECT_EQ(map.entries(), 0u);
  EXPECT_EQ(map.bytes(), 0u);
}

TEST(ShardedLruMapTest, ReplacePredicateGuardsOnlyUnexpiredEntries) {
  ShardedLruMap<int> map(1 << 20, 1);
  auto never = [](const int&) { return false; };
  map.Insert("a", 1, kLater, kNow, 0, Always);
  EXPECT_FALSE(map.Insert("a", 2, kLater, kNow, 0, never));
  EXPECT_EQ(map.Lookup("a", kNow)->value, 1);
  // Once the old entry has expired it gives way whatever the predicate says.
  EXPECT_TRUE(map.Insert("a", 3, kLater + absl::Seconds(60), kLater, 0, never));
  EXPECT_EQ(map.Lookup("a", kLater)->value, 3);
  EXPECT_EQ(map.entries(), 1u);
}

TEST(ShardedLruMapTest, ChargesPayloadAndKey) {
  const size_t base = OneEntryCharge();
  ShardedLruMap<int> map(1 << 20, 1);
  map.Insert("abcd", 1, kLater, kNow, 100, Always);
  EXPECT_EQ(map.bytes(), base + 3 + 100);
}

TEST(ShardedLruMapTest, EvictsLeastRecentlyUsed) {
  const size_t charge = OneEntryCharge();
  // Room for three entries, not four.
  ShardedLruMap<int> map(3 * charge + charge / 2, 1);
  map.Insert("a", 1, kLater, kNow, 0, Always);
  map.Insert("b", 2, kLater, kNow, 0, Always);
  map.Insert("c", 3, kLater, kNow, 0, Always);
  ASSERT_TRUE(map.Lookup("a", kNow).has_value());  // now "b" is the least recently used
  map.Insert("d", 4, kLater, kNow, 0, Always);
  EXPECT_EQ(map.entries(), 3u);
  EXPECT_LE(map.bytes(), 3 * charge + charge / 2);
  EXPECT_FALSE(map.Lookup("b", kNow).has_value());
  EXPECT_TRUE(map.Lookup("a", kNow).has_value());
  EXPECT_TRUE(map.Lookup("c", kNow).has_value());
  EXPECT_TRUE(map.Lookup("d", kNow).has_value());
}

TEST(ShardedLruMapTest, RefusesEntryBiggerThanItsShard) {
  ShardedLruMap<int> map(1000, 1);
  map.Insert("a", 1, kLater, kNow, 0, Always);
  EXPECT_FALSE(map.Insert("b", 2, kLater, kNow, 5000, Always));
  EXPECT_TRUE(map.Lookup("a", kNow).has_value());
}

TEST(ShardedLruMapTest, ShardCountRoundedUpToPowerOfTwo) {
  ShardedLruMap<int> map(1 << 20, 3);
  for (int i = 0; i < 100; ++i) map.Insert(std::to_string(i), i, kLater, kNow, 0, Always);
  EXPECT_EQ(map.entries(), 100u);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(map.Lookup(std::to_string(i), kNow)->value, i);
}

// For the cache dump: every unexpired entry is visited, most recently used first, and neither
// visiting nor peeking changes which entry is evicted next.
TEST(ShardedLruMapTest, ForEachAndPeekReadWithoutReordering) {
  const size_t charge = OneEntryCharge();
  ShardedLruMap<int> map(3 * charge, 1);
  map.Insert("a", 1, kLater, kNow, 0, Always);
  map.Insert("b", 2, kLater, kNow, 0, Always);
  map.Insert("c", 3, kNow + absl::Seconds(1), kNow, 0, Always);
  ASSERT_EQ(map.shard_count(), 1u);
  std::string seen;
  map.ForEachInShard(0, kNow + absl::Seconds(1),
                     [&](std::string_view key, const int& value, absl::Time expiry) {
                       seen += std::string(key) + std::to_string(value);
                       EXPECT_EQ(expiry, kLater);
                     });
  EXPECT_EQ(seen, "b2a1");  // c has expired: skipped, not removed
  EXPECT_EQ(map.entries(), 3u);
  ASSERT_TRUE(map.Peek("a", kNow).has_value());
  EXPECT_EQ(map.Peek("a", kNow)->value, 1);
  EXPECT_FALSE(map.Peek("c", kNow + absl::Seconds(1)).has_value());
  EXPECT_FALSE(map.Peek("x", kNow).has_value());
  // "a" is still the least recently used of the unexpired: one more entry evicts it.
  map.Insert("d", 4, kLater, kNow, 0, Always);
  EXPECT_FALSE(map.Lookup("a", kNow).has_value());
  EXPECT_TRUE(map.Lookup("b", kNow).has_value());
}

}  // namespace
}  // namespace rebound
