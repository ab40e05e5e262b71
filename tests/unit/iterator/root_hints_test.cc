#include "resolver/iterator/root_hints.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <set>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace rebound {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

std::string Owner(const ldns_rr* rr) {
  char* s = ldns_rdf2str(ldns_rr_owner(rr));
  std::string out = absl::AsciiStrToLower(s);
  std::free(s);
  return out;
}

std::string Rdata(const ldns_rr* rr) {
  char* s = ldns_rdf2str(ldns_rr_rdf(rr, 0));
  std::string out = absl::AsciiStrToLower(s);
  std::free(s);
  return out;
}

struct Counts {
  int ns = 0, a = 0, aaaa = 0;
};

Counts CountTypes(const ldns_rr_list* list) {
  Counts c;
  for (size_t i = 0; i < ldns_rr_list_rr_count(list); ++i) {
    switch (ldns_rr_get_type(ldns_rr_list_rr(list, i))) {
      case LDNS_RR_TYPE_NS:
        ++c.ns;
        break;
      case LDNS_RR_TYPE_A:
        ++c.a;
        break;
      case LDNS_RR_TYPE_AAAA:
        ++c.aaaa;
        break;
      default:
        ADD_FAILURE() << "unexpected type";
    }
  }
  return c;
}

// An excerpt of IANA's named.root, layout and letter case as published.
constexpr char kNamedRoot[] =
    R"(;       This file holds the information on root name servers needed to
;       initialize cache of Internet domain name servers
;
; FORMERLY NS.INTERNIC.NET
;
.                        3600000      NS    A.ROOT-SERVERS.NET.
A.ROOT-SERVERS.NET.      3600000      A     198.41.0.4
A.ROOT-SERVERS.NET.      3600000      AAAA  2001:503:ba3e::2:30
;
; FORMERLY NS1.ISI.EDU
;
.                        3600000      NS    B.ROOT-SERVERS.NET.
B.ROOT-SERVERS.NET.      3600000      A     170.247.170.2
B.ROOT-SERVERS.NET.      3600000      AAAA  2801:1b8:10::b
; End of file)";

TEST(RootHintsTest, BuiltInsNameThirteenServersWithBothAddresses) {
  LdnsRrListPtr hints = BuiltInRootHints();
  ASSERT_NE(hints, nullptr);
  const Counts c = CountTypes(hints.get());
  EXPECT_EQ(c.ns, 13);
  EXPECT_EQ(c.a, 13);
  EXPECT_EQ(c.aaaa, 13);
  std::set<std::string> ns_names, with_a, with_aaaa;
  for (size_t i = 0; i < ldns_rr_list_rr_count(hints.get()); ++i) {
    const ldns_rr* rr = ldns_rr_list_rr(hints.get(), i);
    EXPECT_EQ(ldns_rr_ttl(rr), 3600000u);
    EXPECT_EQ(ldns_rr_get_class(rr), LDNS_RR_CLASS_IN);
    if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_NS) {
      EXPECT_EQ(Owner(rr), ".");
      ns_names.insert(Rdata(rr));
    } else {
      (ldns_rr_get_type(rr) == LDNS_RR_TYPE_A ? with_a : with_aaaa).insert(Owner(rr));
    }
  }
  EXPECT_EQ(ns_names.size(), 13u);
  for (char letter = 'a'; letter <= 'm'; ++letter) {
    EXPECT_TRUE(ns_names.contains(absl::StrCat(std::string(1, letter), ".root-servers.net.")))
        << letter;
  }
  EXPECT_EQ(with_a, ns_names);
  EXPECT_EQ(with_aaaa, ns_names);
}

TEST(RootHintsTest, BuiltInsCarryBRootsRenumberedAddresses) {
  LdnsRrListPtr hints = BuiltInRootHints();
  std::set<std::string> b_addresses;
  for (size_t i = 0; i < ldns_rr_list_rr_count(hints.get()); ++i) {
    const ldns_rr* rr = ldns_rr_list_rr(hints.get(), i);
    if (Owner(rr) == "b.root-servers.net.") b_addresses.insert(Rdata(rr));
  }
  EXPECT_EQ(b_addresses, (std::set<std::string>{"170.247.170.2", "2801:1b8:10::b"}));
}

TEST(RootHintsTest, BuiltInsRoundTripThroughTheParser) {
  LdnsRrListPtr hints = BuiltInRootHints();
  char* text = ldns_rr_list2str(hints.get());
  absl::StatusOr<LdnsRrListPtr> parsed = ParseRootHints(text, "built-in");
  std::free(text);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  ASSERT_EQ(ldns_rr_list_rr_count(parsed->get()), ldns_rr_list_rr_count(hints.get()));
  for (size_t i = 0; i < ldns_rr_list_rr_count(hints.get()); ++i) {
    EXPECT_EQ(ldns_rr_compare(ldns_rr_list_rr(parsed->get(), i), ldns_rr_list_rr(hints.get(), i)),
              0);
  }
}

TEST(RootHintsTest, ParsesNamedRootLayout) {
  absl::StatusOr<LdnsRrListPtr> hints = ParseRootHints(kNamedRoot, "named.root");
  ASSERT_TRUE(hints.ok()) << hints.status();
  const Counts c = CountTypes(hints->get());
  EXPECT_EQ(c.ns, 2);
  EXPECT_EQ(c.a, 2);
  EXPECT_EQ(c.aaaa, 2);
  // NS records first, then the addresses, each in file order.
  EXPECT_EQ(Rdata(ldns_rr_list_rr(hints->get(), 0)), "a.root-servers.net.");
  EXPECT_EQ(Rdata(ldns_rr_list_rr(hints->get(), 1)), "b.root-servers.net.");
  EXPECT_EQ(Rdata(ldns_rr_list_rr(hints->get(), 2)), "198.41.0.4");
  EXPECT_EQ(Rdata(ldns_rr_list_rr(hints->get(), 5)), "2801:1b8:10::b");
}

TEST(RootHintsTest, HandlesDirectivesParenthesesAndAddressesFirst) {
  constexpr char kText[] =
      "$TTL 1d\n"
      "$ORIGIN root.test.\n"
      "ns1 A 192.0.2.1 ; before its NS record\n"
      ". ( 600\n"
      "    NS ns1 )\n"
      "ns1.root.test. 300 AAAA 2001:db8::1\n"
      "$ORIGIN other.test.\n"
      ".  NS ns2\n"
      "ns2 IN A 192.0.2.2";  // no final newline
  absl::StatusOr<LdnsRrListPtr> hints = ParseRootHints(kText, "hints");
  ASSERT_TRUE(hints.ok()) << hints.status();
  ASSERT_EQ(ldns_rr_list_rr_count(hints->get()), 5u);
  const ldns_rr* ns1 = ldns_rr_list_rr(hints->get(), 0);
  EXPECT_EQ(Rdata(ns1), "ns1.root.test.");
  EXPECT_EQ(ldns_rr_ttl(ns1), 600u);
  EXPECT_EQ(Rdata(ldns_rr_list_rr(hints->get(), 1)), "ns2.other.test.");
  const ldns_rr* first_address = ldns_rr_list_rr(hints->get(), 2);
  EXPECT_EQ(Owner(first_address), "ns1.root.test.");
  EXPECT_EQ(ldns_rr_ttl(first_address), 86400u);
  EXPECT_EQ(ldns_rr_ttl(ldns_rr_list_rr(hints->get(), 3)), 300u);
  EXPECT_EQ(Owner(ldns_rr_list_rr(hints->get(), 4)), "ns2.other.test.");
}

TEST(RootHintsTest, DefaultTtlAndOriginAreTheRootsOwn) {
  absl::StatusOr<LdnsRrListPtr> hints =
      ParseRootHints(". NS a.root-servers.net\na.root-servers.net A 192.0.2.1\n", "hints");
  ASSERT_TRUE(hints.ok()) << hints.status();
  EXPECT_EQ(Owner(ldns_rr_list_rr(hints->get(), 1)), "a.root-servers.net.");
  EXPECT_EQ(ldns_rr_ttl(ldns_rr_list_rr(hints->get(), 1)), 3600000u);
}

TEST(RootHintsTest, NamesMatchCaseInsensitively) {
  absl::StatusOr<LdnsRrListPtr> hints =
      ParseRootHints(". NS A.Root.Test.\na.ROOT.test. A 192.0.2.1\n", "hints");
  EXPECT_TRUE(hints.ok()) << hints.status();
}

struct BadFile {
  const char* name;
  const char* text;
  const char* error;  // the whole message after "bad.hints"
};

class RootHintsErrorTest : public ::testing::TestWithParam<BadFile> {};

TEST_P(RootHintsErrorTest, NamesFileLineAndReason) {
  absl::StatusOr<LdnsRrListPtr> hints = ParseRootHints(GetParam().text, "bad.hints");
  ASSERT_FALSE(hints.ok());
  EXPECT_EQ(hints.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(hints.status().message()),
              StartsWith(absl::StrCat("bad.hints", GetParam().error)));
}

constexpr char kGood[] = ". NS a.root.test.\na.root.test. A 192.0.2.1\n";

INSTANTIATE_TEST_SUITE_P(
    BadLines, RootHintsErrorTest,
    ::testing::Values(
        BadFile{"Unparseable", "; hints\n\n. NS a.root.test.\na.root.test. A 192.0.2.300\n",
                ":4: cannot parse record"},
        BadFile{"UnknownType", ". NS a.root.test.\na.root.test. FOO 1\n",
                ":2: cannot parse record"},
        BadFile{"OtherType", ". NS a.root.test.\na.root.test. A 192.0.2.1\n; mail\n. MX 10 a.\n",
                ":4: unexpected MX record"},
        BadFile{"Soa", ". SOA a. b. 1 2 3 4 5\n. NS a.\na. A 192.0.2.1\n",
                ":1: unexpected SOA record"},
        BadFile{"OtherClass", ". NS a.root.test.\na.root.test. CH A 192.0.2.1\n",
                ":2: record of class CH"},
        BadFile{"NsNotForRoot",
                ". NS a.root.test.\ntest. NS a.root.test.\na.root.test. A 192.0.2.1\n",
                ":2: NS record owned by test."},
        BadFile{"AddressForNoServer",
                ". NS a.root.test.\na.root.test. A 192.0.2.1\n\n"
                "b.root.test. AAAA 2001:db8::1\n",
                ":4: address record for b.root.test., which no NS record names"},
        BadFile{"MultiLineRecordReportsItsFirstLine",
                ". NS a.root.test.\n; c\nb.root.test. (\n  A\n  192.0.2.1 )\n",
                ":3: address record for b.root.test."},
        BadFile{"AddressWithoutRdata", ". NS a.root.test.\na.root.test. 60 IN A\n", ":2: "},
        BadFile{"Include", "$INCLUDE other.hints\n. NS a.\n", ":1: $INCLUDE is not supported"},
        BadFile{"BadTtlDirective", "\n$TTL soon\n. NS a.\na. A 192.0.2.1\n", ":2: $TTL needs"},
        BadFile{"TtlTooLarge", "$TTL 4294967295\n. NS a.\na. A 192.0.2.1\n", ":1: $TTL needs"},
        BadFile{"BadOrigin", "$ORIGIN a..b.\n. NS a.\na. A 192.0.2.1\n", ":1: cannot parse record"},
        BadFile{"NoNs", "a.root.test. A 192.0.2.1\n", ": no NS record for \".\""},
        BadFile{"NoAddress", ". NS a.root.test.\n. NS b.root.test.\n",
                ": no A or AAAA record for any root server"},
        BadFile{"Empty", "", ": no NS record"},
        BadFile{"CommentsOnly", "; nothing\n\n   \n", ": no NS record"}),
    [](const ::testing::TestParamInfo<BadFile>& info) { return std::string(info.param.name); });

TEST(RootHintsTest, GoodFixtureParses) {
  // The error cases above are this file plus one fault each.
  EXPECT_TRUE(ParseRootHints(kGood, "good.hints").ok());
}

TEST(RootHintsTest, LoadsAFile) {
  const std::string path = testing::TempDir() + "/root_hints_test.hints";
  FILE* f = std::fopen(path.c_str(), "w");
  ASSERT_NE(f, nullptr);
  std::fputs(kNamedRoot, f);
  std::fclose(f);
  absl::StatusOr<LdnsRrListPtr> hints = LoadRootHintsFile(path);
  ASSERT_TRUE(hints.ok()) << hints.status();
  EXPECT_EQ(ldns_rr_list_rr_count(hints->get()), 6u);
  std::remove(path.c_str());
}

TEST(RootHintsTest, FileErrorsNameThePath) {
  const std::string path = testing::TempDir() + "/root_hints_test_bad.hints";
  FILE* f = std::fopen(path.c_str(), "w");
  ASSERT_NE(f, nullptr);
  std::fputs(". NS a.\na. TXT \"x\"\n", f);
  std::fclose(f);
  absl::StatusOr<LdnsRrListPtr> hints = LoadRootHintsFile(path);
  std::remove(path.c_str());
  ASSERT_FALSE(hints.ok());
  EXPECT_THAT(std::string(hints.status().message()), StartsWith(path + ":2: unexpected TXT"));
}

TEST(RootHintsTest, MissingFileIsNotFound) {
  absl::StatusOr<LdnsRrListPtr> hints = LoadRootHintsFile("/nonexistent/root.hints");
  ASSERT_FALSE(hints.ok());
  EXPECT_EQ(hints.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(hints.status().message()), HasSubstr("/nonexistent/root.hints"));
}

}  // namespace
}  // namespace rebound
