// interface-action and tcp-connection-limit: how the ACL decides with interface rules (unbound
// 1.16+'s order), and how the two options are read, errors naming file:line.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "resolver/config/access_control_list.h"
#include "resolver/config/config.h"

namespace rebound {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;

Endpoint Client(const char* text) { return *Endpoint::Parse(text, 40000); }
Endpoint Interface(const char* text) { return *Endpoint::Parse(text, 53); }

TEST(InterfaceActionTest, AppliesToClientsNoAccessControlRuleCovers) {
  AccessControlList acl;
  ASSERT_TRUE(acl.AddInterfaceAction(Interface("192.0.2.53"), AccessAction::kAllow).ok());
  // A public client: the interface's action on that interface, refuse on any other.
  EXPECT_EQ(acl.Lookup(Client("198.51.100.7"), Interface("192.0.2.53")), AccessAction::kAllow);
  EXPECT_EQ(acl.Lookup(Client("198.51.100.7"), Interface("192.0.2.54")), AccessAction::kRefuse);
  // The port is part of the interface.
  EXPECT_EQ(acl.Lookup(Client("198.51.100.7"), Interface("192.0.2.53@443")), AccessAction::kRefuse);
  // Without the interface (the one-argument lookup), the default refuse.
  EXPECT_EQ(acl.Lookup(Client("198.51.100.7")), AccessAction::kRefuse);
  // The localhost defaults are access-control rules: they win over any interface rule.
  EXPECT_EQ(acl.Lookup(Client("127.0.0.1"), Interface("192.0.2.54")), AccessAction::kAllow);
  EXPECT_EQ(acl.Lookup(Client("::ffff:198.51.100.7"), Interface("192.0.2.53")),
            AccessAction::kAllow);
}

TEST(InterfaceActionTest, AnAccessControlRuleOverridesIt) {
  AccessControlList acl;
  ASSERT_TRUE(acl.Add("198.51.100.0/24", AccessAction::kDeny).ok());
  ASSERT_TRUE(acl.AddInterfaceAction(Interface("192.0.2.53"), AccessAction::kAllow).ok());
  ASSERT_TRUE(acl.AddInterfaceAction(Interface("2001:db8::53"), AccessAction::kDeny).ok());
  EXPECT_EQ(acl.Lookup(Client("198.51.100.7"), Interface("192.0.2.53")), AccessAction::kDeny);
  EXPECT_EQ(acl.Lookup(Client("203.0.113.1"), Interface("192.0.2.53")), AccessAction::kAllow);
  EXPECT_EQ(acl.Lookup(Client("2001:db8:1::1"), Interface("2001:db8::53")), AccessAction::kDeny);
  // A configured /0 rule is an access-control rule like any other (unbound.conf(5)).
  ASSERT_TRUE(acl.Add("0.0.0.0/0", AccessAction::kRefuse).ok());
  EXPECT_EQ(acl.Lookup(Client("203.0.113.1"), Interface("192.0.2.53")), AccessAction::kRefuse);
}

TEST(InterfaceActionTest, DuplicateKeepsTheFirst) {
  AccessControlList acl;
  ASSERT_TRUE(acl.AddInterfaceAction(Interface("192.0.2.53"), AccessAction::kAllow).ok());
  EXPECT_TRUE(
      absl::IsAlreadyExists(acl.AddInterfaceAction(Interface("192.0.2.53"), AccessAction::kDeny)));
  EXPECT_EQ(acl.InterfaceAction(Interface("192.0.2.53")), AccessAction::kAllow);
}

absl::StatusOr<Config> Parse(const std::string& text, std::vector<std::string>* warnings) {
  return ParseConfigText(text, "test.conf", warnings);
}

TEST(InterfaceActionConfigTest, ReadsAddressPortAndAction) {
  std::vector<std::string> warnings;
  absl::StatusOr<Config> c = Parse(
      "server:\n"
      "  interface-action: 192.0.2.53@8443 allow\n"  // before its interface: line, as unbound
      "  interface: 192.0.2.53\n"
      "  interface: 192.0.2.53@8443\n"
      "  interface-action: 192.0.2.53 deny\n"
      "  port: 5353\n",  // applies to an interface-action without @port too
      &warnings);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_THAT(warnings, IsEmpty());
  EXPECT_EQ(c->acl.InterfaceAction(Interface("192.0.2.53@8443")), AccessAction::kAllow);
  EXPECT_EQ(c->acl.InterfaceAction(Interface("192.0.2.53@5353")), AccessAction::kDeny);
  EXPECT_EQ(c->acl.InterfaceAction(Interface("192.0.2.53@53")), AccessAction::kRefuse);
}

TEST(InterfaceActionConfigTest, ErrorsNameFileAndLine) {
  absl::StatusOr<Config> c = Parse(
      "server:\n  interface: 192.0.2.53\n"
      "  interface-action: 192.0.2.99 allow\n",
      nullptr);
  ASSERT_FALSE(c.ok());
  EXPECT_THAT(c.status().message(), HasSubstr("test.conf:3: interface-action for 192.0.2.99"));
  c = Parse("server:\n  interface-action: 127.0.0.1 open\n", nullptr);
  ASSERT_FALSE(c.ok());
  EXPECT_THAT(c.status().message(), HasSubstr("test.conf:2:"));
  c = Parse("server:\n  interface-action: eth0 allow\n", nullptr);
  ASSERT_FALSE(c.ok());
  EXPECT_THAT(c.status().message(), HasSubstr("test.conf:2:"));
  c = Parse("server:\n  interface-action: 127.0.0.1\n", nullptr);
  ASSERT_FALSE(c.ok());
  EXPECT_THAT(c.status().message(), HasSubstr("test.conf:2:"));
}

TEST(TcpConnectionLimitConfigTest, ReadsNetblocksAndLimits) {
  std::vector<std::string> warnings;
  absl::StatusOr<Config> c = Parse(
      "server:\n"
      "  tcp-connection-limit: 192.0.2.0/24 10\n"
      "  tcp-connection-limit: \"2001:db8::/32 0\"\n"
      "  tcp-connection-limit: 192.0.2.0/24 99\n",
      &warnings);
  ASSERT_TRUE(c.ok()) << c.status();
  ASSERT_EQ(c->tcp_connection_limits.size(), 2u);
  EXPECT_EQ(c->tcp_connection_limits[0].netblock.ToString(), "192.0.2.0/24");
  EXPECT_EQ(c->tcp_connection_limits[0].limit, 10);
  EXPECT_EQ(c->tcp_connection_limits[1].netblock.ToString(), "2001:db8::/32");
  EXPECT_EQ(c->tcp_connection_limits[1].limit, 0);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_THAT(warnings[0], HasSubstr("test.conf:4:"));
  EXPECT_TRUE(Parse("server:\n", nullptr)->tcp_connection_limits.empty());
}

TEST(TcpConnectionLimitConfigTest, ErrorsNameFileAndLine) {
  for (const char* bad : {"192.0.2.0/24", "192.0.2.0/24 -1", "192.0.2.0/24 many", "192.0.2.0/33 1",
                          "example.com 1", "192.0.2.0/24 1 2"}) {
    absl::StatusOr<Config> c =
        Parse(absl::StrCat("server:\n  tcp-connection-limit: ", bad, "\n"), nullptr);
    ASSERT_FALSE(c.ok()) << bad;
    EXPECT_THAT(c.status().message(), HasSubstr("test.conf:2:")) << bad;
  }
}

}  // namespace
}  // namespace rebound
