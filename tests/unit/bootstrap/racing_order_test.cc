// The order relays are started in: last known good first, then the families interleaved.
#include "bootstrap/racing_order.h"

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace rebound {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

Relay R(const char* line) { return *ParseRelayLine(line); }

// Four IPv6 relays (indexes 0, 2, 4, 5) and two IPv4 relays (1, 3), mixed in the list.
std::vector<Relay> Mixed() {
  return {
      R("2001:db8::1 443 a.test doh /q"),  // 0
      R("192.0.2.1 443 a.test doh /q"),    // 1
      R("2001:db8::2 443 b.test doh /q"),  // 2
      R("192.0.2.2 443 b.test doh /q"),    // 3
      R("2001:db8::3 443 c.test doh /q"),  // 4
      R("2001:db8::4 443 d.test doh /q"),  // 5
  };
}

TEST(RacingOrderTest, InterleavesIpv6First) {
  EXPECT_THAT(RacingOrder(Mixed(), std::nullopt, LDNS_RR_TYPE_A), ElementsAre(0, 1, 2, 3, 4, 5));
  const std::vector<Relay> v4_listed_first = {
      R("192.0.2.1 443 a.test doh /q"), R("192.0.2.2 443 b.test doh /q"),
      R("192.0.2.3 443 c.test doh /q"), R("2001:db8::1 443 a.test doh /q"),
      R("2001:db8::2 443 b.test doh /q")};
  EXPECT_THAT(RacingOrder(v4_listed_first, std::nullopt, LDNS_RR_TYPE_A),
              ElementsAre(3, 0, 4, 1, 2));
}

TEST(RacingOrderTest, LastGoodComesFirstThenTheOtherFamily) {
  // IPv4 relay 3 was last good: after it IPv6 leads, as without one.
  EXPECT_THAT(RacingOrder(Mixed(), Mixed()[3], LDNS_RR_TYPE_A), ElementsAre(3, 0, 1, 2, 4, 5));
  // IPv6 relay 4 was last good: the next attempt is IPv4 (RFC 8305 4).
  EXPECT_THAT(RacingOrder(Mixed(), Mixed()[4], LDNS_RR_TYPE_A), ElementsAre(4, 1, 0, 3, 2, 5));
}

TEST(RacingOrderTest, LastGoodNotInTheListIsIgnored) {
  EXPECT_THAT(RacingOrder(Mixed(), R("2001:db8::99 443 z.test doh /q"), LDNS_RR_TYPE_A),
              ElementsAre(0, 1, 2, 3, 4, 5));
  // Same address, other name: another relay.
  EXPECT_THAT(RacingOrder(Mixed(), R("192.0.2.2 443 other.test doh /q"), LDNS_RR_TYPE_A),
              ElementsAre(0, 1, 2, 3, 4, 5));
}

TEST(RacingOrderTest, OneFamilyOnly) {
  const std::vector<Relay> v4 = {R("192.0.2.1 443 a.test doh /q"), R("192.0.2.2 443 b.test doh /q"),
                                 R("192.0.2.3 443 c.test doh /q")};
  EXPECT_THAT(RacingOrder(v4, std::nullopt, LDNS_RR_TYPE_AAAA), ElementsAre(0, 1, 2));
  EXPECT_THAT(RacingOrder(v4, v4[2], LDNS_RR_TYPE_AAAA), ElementsAre(2, 0, 1));
  EXPECT_THAT(RacingOrder({}, std::nullopt, LDNS_RR_TYPE_A), IsEmpty());
}

TEST(RacingOrderTest, JsonRelaysOnlyForAddressQuestions) {
  const std::vector<Relay> relays = {
      R("2001:db8::1 443 a.test json /bootstrap-dns"),  // 0
      R("192.0.2.1 443 a.test doh /q"),                 // 1
      R("2001:db8::2 443 b.test doh /q"),               // 2
      R("192.0.2.2 443 b.test json /bootstrap-dns"),    // 3
  };
  EXPECT_THAT(RacingOrder(relays, std::nullopt, LDNS_RR_TYPE_A), ElementsAre(0, 1, 2, 3));
  EXPECT_THAT(RacingOrder(relays, std::nullopt, LDNS_RR_TYPE_AAAA), ElementsAre(0, 1, 2, 3));
  EXPECT_THAT(RacingOrder(relays, std::nullopt, LDNS_RR_TYPE_MX), ElementsAre(2, 1));
  // A last good JSON relay cannot answer MX either, so it is not put first.
  EXPECT_THAT(RacingOrder(relays, relays[0], LDNS_RR_TYPE_TXT), ElementsAre(2, 1));
  EXPECT_THAT(RacingOrder(relays, relays[0], LDNS_RR_TYPE_A), ElementsAre(0, 1, 2, 3));
  EXPECT_TRUE(RelayCanAnswer(relays[0], LDNS_RR_TYPE_AAAA));
  EXPECT_FALSE(RelayCanAnswer(relays[0], LDNS_RR_TYPE_HTTPS));
  EXPECT_TRUE(RelayCanAnswer(relays[1], LDNS_RR_TYPE_HTTPS));
}

TEST(RacingOrderTest, EveryUsableRelayExactlyOnce) {
  const std::vector<Relay>& relays = BuiltInRelays();
  for (const std::optional<Relay>& last_good :
       {std::optional<Relay>(), std::optional<Relay>(relays.back())}) {
    std::vector<size_t> order = RacingOrder(relays, last_good, LDNS_RR_TYPE_A);
    ASSERT_EQ(order.size(), relays.size());
    std::vector<size_t> sorted = order;
    std::sort(sorted.begin(), sorted.end());
    for (size_t i = 0; i < sorted.size(); ++i) EXPECT_EQ(sorted[i], i);
    // No two neighbours share a family while both families still have relays left.
    for (size_t i = 1; i < order.size() && i < 2 * 6; ++i) {
      EXPECT_NE(relays[order[i]].address.is_v6(), relays[order[i - 1]].address.is_v6()) << i;
    }
  }
}

}  // namespace
}  // namespace rebound
