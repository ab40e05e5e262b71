#include "resolver/config/access_control_list.h"

#include "absl/status/status.h"
#include "gtest/gtest.h"

namespace rebound {
namespace {

Endpoint Client(const char* text) { return *Endpoint::Parse(text, 12345); }

TEST(AccessControlListTest, DefaultsAllowOnlyLocalhost) {
  AccessControlList acl;
  EXPECT_EQ(acl.Lookup(Client("127.0.0.1")), AccessAction::kAllow);
  EXPECT_EQ(acl.Lookup(Client("127.255.3.4")), AccessAction::kAllow);
  EXPECT_EQ(acl.Lookup(Client("::1")), AccessAction::kAllow);
  EXPECT_EQ(acl.Lookup(Client("::ffff:127.0.0.1")), AccessAction::kAllow);
  EXPECT_EQ(acl.Lookup(Client("192.0.2.1")), AccessAction::kRefuse);
  EXPECT_EQ(acl.Lookup(Client("2001:db8::1")), AccessAction::kRefuse);
  EXPECT_EQ(acl.Lookup(Client("::2")), AccessAction::kRefuse);
  EXPECT_EQ(acl.Lookup(Client("::ffff:192.0.2.1")), AccessAction::kRefuse);
  EXPECT_EQ(acl.Lookup(Endpoint()), AccessAction::kRefuse);  // no address family at all
}

TEST(AccessControlListTest, LongestPrefixWinsV4) {
  AccessControlList acl;
  ASSERT_TRUE(acl.Add("10.0.0.0/8", AccessAction::kAllow).ok());
  ASSERT_TRUE(acl.Add("10.1.0.0/16", AccessAction::kDeny).ok());
  ASSERT_TRUE(acl.Add("10.1.2.0/24", AccessAction::kRefuse).ok());
  ASSERT_TRUE(acl.Add("10.1.2.3", AccessAction::kAllow).ok());
  EXPECT_EQ(acl.Lookup(Client("10.9.9.9")), AccessAction::kAllow);
  EXPECT_EQ(acl.Lookup(Client("10.1.9.9")), AccessAction::kDeny);
  EXPECT_EQ(acl.Lookup(Client("10.1.2.9")), AccessAction::kRefuse);
  EXPECT_EQ(acl.Lookup(Client("10.1.2.3")), AccessAction::kAllow);
  EXPECT_EQ(acl.Lookup(Client("11.0.0.1")), AccessAction::kRefuse);
}

TEST(AccessControlListTest, LongestPrefixWinsV6) {
  AccessControlList acl;
  ASSERT_TRUE(acl.Add("2001:db8::/32", AccessAction::kAllow).ok());
  ASSERT_TRUE(acl.Add("2001:db8:1::/48", AccessAction::kDeny).ok());
  ASSERT_TRUE(acl.Add("2001:db8:1:2:3::/80", AccessAction::kAllow).ok());
  ASSERT_TRUE(acl.Add("2001:db8:1:2:3::7/127", AccessAction::kRefuse).ok());
  EXPECT_EQ(acl.Lookup(Client("2001:db8:ffff::1")), AccessAction::kAllow);
  EXPECT_EQ(acl.Lookup(Client("2001:db8:1:ffff::1")), AccessAction::kDeny);
  EXPECT_EQ(acl.Lookup(Client("2001:db8:1:2:3::1")), AccessAction::kAllow);
  EXPECT_EQ(acl.Lookup(Client("2001:db8:1:2:3::6")), AccessAction::kRefuse);
  EXPECT_EQ(acl.Lookup(Client("2001:db8:1:2:3::7")), AccessAction::kRefuse);
  EXPECT_EQ(acl.Lookup(Client("2001:db9::1")), AccessAction::kRefuse);
}

TEST(AccessControlListTest, V4MappedClientsMatchV4Rules) {
  AccessControlList acl;
  ASSERT_TRUE(acl.Add("192.0.2.0/24", AccessAction::kAllow).ok());
  EXPECT_EQ(acl.Lookup(Client("::ffff:192.0.2.77")), AccessAction::kAllow);
  EXPECT_EQ(acl.Lookup(Client("::ffff:198.51.100.1")), AccessAction::kRefuse);
}

TEST(AccessControlListTest, V4MappedRulesBecomeV4Rules) {
  AccessControlList acl;
  ASSERT_TRUE(acl.Add("::ffff:198.51.100.0/120", AccessAction::kDeny).ok());
  EXPECT_EQ(acl.Lookup(Client("198.51.100.9")), AccessAction::kDeny);
  EXPECT_EQ(acl.Lookup(Client("::ffff:198.51.100.9")), AccessAction::kDeny);
  EXPECT_EQ(acl.Lookup(Client("198.51.101.9")), AccessAction::kRefuse);
}

TEST(AccessControlListTest, UserRulesOverrideDefaults) {
  AccessControlList acl;
  ASSERT_TRUE(acl.Add("0.0.0.0/0", AccessAction::kAllow).ok());
  ASSERT_TRUE(acl.Add("127.0.0.0/8", AccessAction::kDeny).ok());
  ASSERT_TRUE(acl.Add("::/0", AccessAction::kDeny).ok());
  EXPECT_EQ(acl.Lookup(Client("192.0.2.1")), AccessAction::kAllow);
  EXPECT_EQ(acl.Lookup(Client("127.0.0.1")), AccessAction::kDeny);
  EXPECT_EQ(acl.Lookup(Client("2001:db8::1")), AccessAction::kDeny);
  EXPECT_EQ(acl.Lookup(Client("::1")), AccessAction::kAllow);  // /128 default still longer
}

TEST(AccessControlListTest, DuplicateUserRuleKeepsTheFirst) {
  AccessControlList acl;
  ASSERT_TRUE(acl.Add("10.0.0.0/8", AccessAction::kAllow).ok());
  absl::Status again = acl.Add("10.0.0.0/8", AccessAction::kDeny);
  EXPECT_TRUE(absl::IsAlreadyExists(again)) << again;
  EXPECT_EQ(acl.Lookup(Client("10.0.0.1")), AccessAction::kAllow);
  // Host bits are masked away, so this is the same netblock.
  EXPECT_TRUE(absl::IsAlreadyExists(acl.Add("10.1.2.3/8", AccessAction::kDeny)));
}

TEST(AccessControlListTest, HostBitsAreIgnored) {
  AccessControlList acl;
  ASSERT_TRUE(acl.Add("192.0.2.77/24", AccessAction::kAllow).ok());
  ASSERT_TRUE(acl.Add("2001:db8::99/64", AccessAction::kAllow).ok());
  EXPECT_EQ(acl.Lookup(Client("192.0.2.1")), AccessAction::kAllow);
  EXPECT_EQ(acl.Lookup(Client("2001:db8::1")), AccessAction::kAllow);
}

TEST(AccessControlListTest, RejectsBadNetblocks) {
  AccessControlList acl;
  EXPECT_FALSE(acl.Add("10.0.0.0/33", AccessAction::kAllow).ok());
  EXPECT_FALSE(acl.Add("2001:db8::/129", AccessAction::kAllow).ok());
  EXPECT_FALSE(acl.Add("10.0.0.0/", AccessAction::kAllow).ok());
  EXPECT_FALSE(acl.Add("10.0.0.0/-1", AccessAction::kAllow).ok());
  EXPECT_FALSE(acl.Add("10.0.0.0/x", AccessAction::kAllow).ok());
  EXPECT_FALSE(acl.Add("example.com/8", AccessAction::kAllow).ok());
  EXPECT_FALSE(acl.Add("", AccessAction::kAllow).ok());
  EXPECT_EQ(acl, AccessControlList());  // failures leave the list untouched
}

TEST(AccessControlListTest, ZeroLengthPrefixes) {
  AccessControlList acl;
  ASSERT_TRUE(acl.Add("0.0.0.0/0", AccessAction::kDeny).ok());
  ASSERT_TRUE(acl.Add("::/0", AccessAction::kAllow).ok());
  EXPECT_EQ(acl.Lookup(Client("203.0.113.1")), AccessAction::kDeny);
  EXPECT_EQ(acl.Lookup(Client("2001:db8::1")), AccessAction::kAllow);
}

TEST(AccessControlListTest, ParsesUnboundActionNames) {
  EXPECT_EQ(*ParseAccessAction("allow"), AccessAction::kAllow);
  EXPECT_EQ(*ParseAccessAction("allow_snoop"), AccessAction::kAllowSnoop);
  EXPECT_EQ(*ParseAccessAction("allow_setrd"), AccessAction::kAllowSetRd);
  EXPECT_EQ(*ParseAccessAction("refuse"), AccessAction::kRefuse);
  EXPECT_EQ(*ParseAccessAction("refuse_non_local"), AccessAction::kRefuse);
  EXPECT_EQ(*ParseAccessAction("deny"), AccessAction::kDeny);
  EXPECT_EQ(*ParseAccessAction("deny_non_local"), AccessAction::kDeny);
  EXPECT_FALSE(ParseAccessAction("allow_cookie").ok());
  EXPECT_FALSE(ParseAccessAction("Allow").ok());
  EXPECT_FALSE(ParseAccessAction("").ok());
}

TEST(AccessControlListTest, RulesListsEveryRule) {
  AccessControlList acl;
  ASSERT_TRUE(acl.Add("::ffff:10.0.0.0/104", AccessAction::kDeny).ok());
  ASSERT_TRUE(acl.Add("2001:db8::/32", AccessAction::kAllow).ok());
  std::vector<std::pair<std::string, AccessAction>> want = {
      {"0.0.0.0/0", AccessAction::kRefuse},  {"10.0.0.0/8", AccessAction::kDeny},
      {"127.0.0.0/8", AccessAction::kAllow}, {"2001:db8::/32", AccessAction::kAllow},
      {"::/0", AccessAction::kRefuse},       {"::1/128", AccessAction::kAllow},
  };
  EXPECT_EQ(acl.Rules(), want);
}

TEST(AccessControlListTest, EqualityIgnoresWhetherARuleWasADefault) {
  AccessControlList a;
  AccessControlList b;
  ASSERT_TRUE(b.Add("127.0.0.0/8", AccessAction::kAllow).ok());
  EXPECT_EQ(a, b);
  ASSERT_TRUE(b.Add("10.0.0.0/8", AccessAction::kAllow).ok());
  EXPECT_FALSE(a == b);
}

}  // namespace
}  // namespace rebound
