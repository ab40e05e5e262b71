#include "resolver/config/unbound_options.h"

#include <algorithm>

#include "gtest/gtest.h"
#include "resolver/config/server_clause.h"
#include "resolver/config/zone_clause.h"

namespace rebound::config_internal {
namespace {

TEST(UnboundOptionsTest, TableIsSortedAndLarge) {
  absl::Span<const absl::string_view> table = UnsupportedUnboundOptions();
  EXPECT_GE(table.size(), 80u);
  EXPECT_TRUE(std::is_sorted(table.begin(), table.end()));
  EXPECT_EQ(std::adjacent_find(table.begin(), table.end()), table.end());
}

TEST(UnboundOptionsTest, KnowsCommonOptions) {
  for (absl::string_view name :
       {"outgoing-num-tcp", "ip-freebind", "harden-referral-path", "prefetch-key",
        "ede-serve-expired", "qname-minimisation-strict", "auto-trust-anchor-file", "do-daemonize",
        "hide-identity", "rrset-roundrobin", "tls-session-ticket-keys"}) {
    EXPECT_TRUE(IsUnsupportedUnboundOption(name)) << name;
  }
  // Implemented, so no longer in the table.
  for (absl::string_view name : {"module-config",
                                 "harden-glue",
                                 "prefetch",
                                 "serve-expired",
                                 "serve-expired-ttl",
                                 "serve-expired-reply-ttl",
                                 "serve-expired-client-timeout",
                                 "serve-expired-ttl-reset",
                                 "username",
                                 "chroot",
                                 "directory",
                                 "dns64-prefix",
                                 "dns64-synthall",
                                 "dns64-ignore-aaaa",
                                 "do-nat64",
                                 "nat64-prefix",
                                 "so-rcvbuf",
                                 "so-sndbuf",
                                 "outgoing-range",
                                 "num-queries-per-thread",
                                 "jostle-timeout",
                                 "use-syslog",
                                 "local-zone",
                                 "local-data",
                                 "local-data-ptr",
                                 "unblock-lan-zones",
                                 "private-address",
                                 "private-domain",
                                 "log-queries",
                                 "log-replies",
                                 "log-servfail"}) {
    EXPECT_FALSE(IsUnsupportedUnboundOption(name)) << name;
    EXPECT_TRUE(ServerClause::Handles(name)) << name;
  }
  for (absl::string_view name : {"tls-upstream", "ssl-upstream", "tls-cert-bundle",
                                 "ssl-cert-bundle", "tls-system-cert", "tls-win-cert"}) {
    EXPECT_FALSE(IsUnsupportedUnboundOption(name)) << name;
    EXPECT_TRUE(ServerClause::Handles(name)) << name;
  }
  for (absl::string_view name : {"forward-tls-upstream", "forward-ssl-upstream"}) {
    EXPECT_FALSE(IsUnsupportedUnboundOption(name)) << name;
    EXPECT_TRUE(ZoneClause::Handles(ZoneKind::kForward, name)) << name;
  }
  EXPECT_FALSE(IsUnsupportedUnboundOption("no-such-option"));
  EXPECT_FALSE(IsUnsupportedUnboundOption(""));
}

TEST(UnboundOptionsTest, KnowsClauses) {
  for (absl::string_view name : {"auth-zone", "view", "python", "cachedb", "rpz"}) {
    EXPECT_TRUE(IsUnsupportedUnboundClause(name)) << name;
  }
  EXPECT_FALSE(IsUnsupportedUnboundClause("server"));
  EXPECT_FALSE(IsUnsupportedUnboundClause("forward-zone"));
}

TEST(UnboundOptionsTest, ImplementedOptionsAreNotInTheTable) {
  for (absl::string_view name : UnsupportedUnboundOptions()) {
    EXPECT_FALSE(ServerClause::Handles(name)) << name;
    EXPECT_FALSE(ZoneClause::Handles(ZoneKind::kForward, name)) << name;
    EXPECT_FALSE(ZoneClause::Handles(ZoneKind::kStub, name)) << name;
    EXPECT_FALSE(IsUnsupportedUnboundClause(name)) << name;
  }
}

}  // namespace
}  // namespace rebound::config_internal
