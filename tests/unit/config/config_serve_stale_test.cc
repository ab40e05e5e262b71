// serve-expired (RFC 8767) and prefetch: their values, defaults, and bad values named by
// file:line.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/unit/config/parse_text.h"

namespace rebound {
namespace {

using ::testing::IsEmpty;
using ::testing::StartsWith;

TEST(ConfigServeStaleTest, Defaults) {
  const Config c = MustParse("server:\n");
  EXPECT_FALSE(c.serve_expired);
  EXPECT_EQ(c.serve_expired_ttl, 86400u);  // RFC 8767 5: one to three days; unbound: no limit
  EXPECT_EQ(c.serve_expired_reply_ttl, 30u);
  EXPECT_EQ(c.serve_expired_client_timeout, absl::Milliseconds(1800));  // RFC 8767 5
  EXPECT_FALSE(c.serve_expired_ttl_reset);
  EXPECT_FALSE(c.prefetch);
}

TEST(ConfigServeStaleTest, Values) {
  std::vector<std::string> warnings;
  const Config c = MustParse(
      "server:\n serve-expired: yes\n serve-expired-ttl: 0\n serve-expired-reply-ttl: 10\n"
      " serve-expired-client-timeout: 0\n serve-expired-ttl-reset: yes\n prefetch: yes\n",
      &warnings);
  EXPECT_THAT(warnings, IsEmpty());
  EXPECT_TRUE(c.serve_expired);
  EXPECT_EQ(c.serve_expired_ttl, 0u);  // unbound's "no limit"
  EXPECT_EQ(c.serve_expired_reply_ttl, 10u);
  EXPECT_EQ(c.serve_expired_client_timeout, absl::ZeroDuration());
  EXPECT_TRUE(c.serve_expired_ttl_reset);
  EXPECT_TRUE(c.prefetch);
}

TEST(ConfigServeStaleTest, BadValuesNameTheirLine) {
  EXPECT_THAT(ErrorOf("server:\n port: 5353\n serve-expired: maybe\n"),
              StartsWith("test.conf:3: serve-expired: "));
  EXPECT_THAT(ErrorOf("server:\n serve-expired-ttl: -1\n"),
              StartsWith("test.conf:2: serve-expired-ttl: "));
  EXPECT_THAT(ErrorOf("server:\n serve-expired-ttl: 1d\n"),
              StartsWith("test.conf:2: serve-expired-ttl: "));
  EXPECT_THAT(ErrorOf("server:\n serve-expired-reply-ttl: 4294967296\n"),
              StartsWith("test.conf:2: serve-expired-reply-ttl: "));
  EXPECT_THAT(ErrorOf("server:\n serve-expired-client-timeout: 1.8s\n"),
              StartsWith("test.conf:2: serve-expired-client-timeout: "));
  EXPECT_THAT(ErrorOf("server:\n prefetch: 2\n"), StartsWith("test.conf:2: prefetch: "));
  EXPECT_THAT(ErrorOf("server:\n serve-expired-ttl-reset: 1\n"),
              StartsWith("test.conf:2: serve-expired-ttl-reset: "));
}

// Still waiting for the validator: warned.
TEST(ConfigServeStaleTest, PrefetchKeyStillWarns) {
  EXPECT_THAT(WarningsOf("server:\n prefetch-key: yes\n"),
              ::testing::ElementsAre("test.conf:2: not supported: prefetch-key"));
}

}  // namespace
}  // namespace rebound
