// metrics-interface: where the Prometheus /metrics page is served (rebound's own option).
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "resolver/config/config.h"
#include "tests/unit/config/parse_text.h"

namespace rebound {
namespace {

using ::testing::IsEmpty;

TEST(ConfigMetricsTest, NoneByDefault) {
  EXPECT_THAT(MustParse("server:\n").metrics_interfaces, IsEmpty());
}

TEST(ConfigMetricsTest, AnyNumberOfIpv4AndIpv6AddressesWithTheirPorts) {
  const Config config = MustParse(
      "server:\n metrics-interface: 127.0.0.1@9167\n metrics-interface: ::1@9167\n"
      " metrics-interface: 192.0.2.1@8080\n");
  ASSERT_EQ(config.metrics_interfaces.size(), 3u);
  EXPECT_EQ(config.metrics_interfaces[0].ToString(), "127.0.0.1@9167");
  EXPECT_EQ(config.metrics_interfaces[1].ToString(), "::1@9167");
  EXPECT_EQ(config.metrics_interfaces[2].ToString(), "192.0.2.1@8080");
}

TEST(ConfigMetricsTest, BadValuesNameTheLine) {
  EXPECT_EQ(ErrorOf("server:\n\n metrics-interface: 127.0.0.1\n"),
            "test.conf:3: metrics-interface: '127.0.0.1' has no port: write ADDRESS@PORT");
  EXPECT_THAT(ErrorOf("server:\n metrics-interface: eth0@9167\n"),
              ::testing::StartsWith("test.conf:2: metrics-interface: "));
  EXPECT_THAT(ErrorOf("server:\n metrics-interface: 127.0.0.1@70000\n"),
              ::testing::StartsWith("test.conf:2: metrics-interface: "));
  EXPECT_EQ(ErrorOf("server:\n metrics-interface: ::1@9167\n metrics-interface: ::1@9167\n"),
            "test.conf:3: metrics-interface: duplicate metrics-interface ::1@9167 (first at "
            "test.conf:2)");
}

TEST(ConfigMetricsTest, TheAddressAndPortOfADnsInterfaceIsRefused) {
  EXPECT_EQ(ErrorOf("server:\n interface: 127.0.0.1@5353\n metrics-interface: 127.0.0.1@5353\n"),
            "test.conf:3: metrics-interface 127.0.0.1@5353 is also an interface: for DNS; give it "
            "a port of its own");
  // The same address on another port is fine.
  EXPECT_EQ(MustParse("server:\n interface: 127.0.0.1\n metrics-interface: 127.0.0.1@9167\n")
                .metrics_interfaces.size(),
            1u);
}

}  // namespace
}  // namespace rebound
