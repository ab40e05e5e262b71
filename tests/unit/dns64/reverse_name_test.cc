#include "dns64/reverse_name.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>

namespace rebound {
namespace {

std::string Str(const in6_addr& a) {
  char buf[INET6_ADDRSTRLEN];
  inet_ntop(AF_INET6, &a, buf, sizeof buf);
  return buf;
}

LdnsRdfPtr Name(const char* text) {
  LdnsRdfPtr name(ldns_dname_new_frm_str(text));
  EXPECT_NE(name, nullptr) << text;
  return name;
}

std::string NameText(const ldns_rdf* name) {
  char* text = ldns_rdf2str(name);
  std::string out = text != nullptr ? text : "(null)";
  std::free(text);
  return out;
}

// The ip6.arpa name ldns builds for `a`: an implementation independent of ours.
LdnsRdfPtr LdnsReverse(const in6_addr& a) {
  LdnsRdfPtr aaaa(ldns_rdf_new_frm_data(LDNS_RDF_TYPE_AAAA, sizeof a.s6_addr, a.s6_addr));
  return LdnsRdfPtr(ldns_rdf_address_reverse(aaaa.get()));
}

// RFC 3596 2.5's example: 4321:0:1:2:3:4:567:89ab.
constexpr char kRfc3596Name[] =
    "b.a.9.8.7.6.5.0.4.0.0.0.3.0.0.0.2.0.0.0.1.0.0.0.0.0.0.0.1.2.3.4.ip6.arpa.";

TEST(Ip6ArpaToAddressTest, ReadsTheRfc3596Example) {
  const std::optional<in6_addr> a = Ip6ArpaToAddress(Name(kRfc3596Name).get());
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(Str(*a), "4321:0:1:2:3:4:567:89ab");
}

// RFC 4343: DNS names compare without regard to case, hex digits and suffix included.
TEST(Ip6ArpaToAddressTest, IgnoresCase) {
  const std::optional<in6_addr> a = Ip6ArpaToAddress(
      Name("B.A.9.8.7.6.5.0.4.0.0.0.3.0.0.0.2.0.0.0.1.0.0.0.0.0.0.0.1.2.3.4.IP6.Arpa.").get());
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(Str(*a), "4321:0:1:2:3:4:567:89ab");
}

TEST(Ip6ArpaToAddressTest, RoundTripsThroughLdnsReverseNames) {
  uint32_t x = 0x9e3779b9;
  for (int i = 0; i < 300; ++i) {
    in6_addr a{};
    for (uint8_t& byte : a.s6_addr) {
      x = x * 1664525u + 1013904223u;  // a fixed sequence: failures reproduce
      byte = static_cast<uint8_t>(x >> 24);
    }
    if (i == 0) std::memset(a.s6_addr, 0, sizeof a.s6_addr);
    if (i == 1) std::memset(a.s6_addr, 0xff, sizeof a.s6_addr);
    const LdnsRdfPtr name = LdnsReverse(a);
    ASSERT_NE(name, nullptr);
    const std::optional<in6_addr> back = Ip6ArpaToAddress(name.get());
    ASSERT_TRUE(back.has_value()) << NameText(name.get());
    EXPECT_EQ(Str(*back), Str(a)) << NameText(name.get());
  }
}

TEST(Ip6ArpaToAddressTest, RejectsOtherNames) {
  for (const char* text : {
           // Partial: the 31 and 1 lowest labels dropped (RFC 6147 5.3.1 maps addresses only).
           "a.9.8.7.6.5.0.4.0.0.0.3.0.0.0.2.0.0.0.1.0.0.0.0.0.0.0.1.2.3.4.ip6.arpa.",
           "4.ip6.arpa.",
           "ip6.arpa.",
           // One label too many.
           "0.b.a.9.8.7.6.5.0.4.0.0.0.3.0.0.0.2.0.0.0.1.0.0.0.0.0.0.0.1.2.3.4.ip6.arpa.",
           // The wire length of a full name, but a three-octet label and only 31 labels.
           "ba9.8.7.6.5.0.4.0.0.0.3.0.0.0.2.0.0.0.1.0.0.0.0.0.0.0.1.2.3.4.0.ip6.arpa.",
           // Not hex digits.
           "g.a.9.8.7.6.5.0.4.0.0.0.3.0.0.0.2.0.0.0.1.0.0.0.0.0.0.0.1.2.3.4.ip6.arpa.",
           "b.a.9.8.7.6.5.0.4.0.0.0.3.0.0.0.2.0.0.0.1.0.0.0.0.0.0.0.1.2.3.-.ip6.arpa.",
           "b.a.9.8.7.6.5.0.4.0.0.0.3.0.0.0.2.0.0.0.1.0.0.0.0.0.0.0.1.2.3.\\000.ip6.arpa.",
           // Another suffix.
           "b.a.9.8.7.6.5.0.4.0.0.0.3.0.0.0.2.0.0.0.1.0.0.0.0.0.0.0.1.2.3.4.ip6.int.",
           "b.a.9.8.7.6.5.0.4.0.0.0.3.0.0.0.2.0.0.0.1.0.0.0.0.0.0.0.1.2.3.4.ip6.arpb.",
           "b.a.9.8.7.6.5.0.4.0.0.0.3.0.0.0.2.0.0.0.1.0.0.0.0.0.0.0.1.2.3.4.ip7.arpa.",
           "b.a.9.8.7.6.5.0.4.0.0.0.3.0.0.0.2.0.0.0.1.0.0.0.0.0.0.0.1.2.3.4.ip6.arpa.x.",
           "33.2.0.192.in-addr.arpa.",
           ".",
       }) {
    EXPECT_FALSE(Ip6ArpaToAddress(Name(text).get()).has_value()) << text;
  }
}

TEST(Ip6ArpaToAddressTest, RejectsWhatIsNotAName) {
  EXPECT_FALSE(Ip6ArpaToAddress(nullptr).has_value());
  // The same 74 octets as a full name, typed as something else.
  const LdnsRdfPtr name = Name(kRfc3596Name);
  const LdnsRdfPtr other(ldns_rdf_new_frm_data(LDNS_RDF_TYPE_STR, ldns_rdf_size(name.get()),
                                               ldns_rdf_data(name.get())));
  ASSERT_NE(other, nullptr);
  EXPECT_FALSE(Ip6ArpaToAddress(other.get()).has_value());
}

TEST(InAddrArpaNameTest, ReversesTheOctets) {
  in_addr v4{};
  ASSERT_EQ(inet_pton(AF_INET, "192.0.2.33", &v4), 1);
  const LdnsRdfPtr name = InAddrArpaName(v4);
  ASSERT_NE(name, nullptr);
  EXPECT_EQ(ldns_rdf_get_type(name.get()), LDNS_RDF_TYPE_DNAME);
  EXPECT_EQ(NameText(name.get()), "33.2.0.192.in-addr.arpa.");
}

TEST(InAddrArpaNameTest, MatchesLdnsForManyAddresses) {
  uint32_t x = 1;
  for (int i = 0; i < 300; ++i) {
    x = x * 1664525u + 1013904223u;
    in_addr v4{};
    v4.s_addr = i == 0 ? 0 : i == 1 ? 0xffffffff : x;
    const LdnsRdfPtr ours = InAddrArpaName(v4);
    const LdnsRdfPtr a(ldns_rdf_new_frm_data(LDNS_RDF_TYPE_A, sizeof v4.s_addr, &v4.s_addr));
    const LdnsRdfPtr theirs(ldns_rdf_address_reverse(a.get()));
    ASSERT_NE(ours, nullptr);
    ASSERT_NE(theirs, nullptr);
    EXPECT_EQ(ldns_dname_compare(ours.get(), theirs.get()), 0)
        << NameText(ours.get()) << " vs " << NameText(theirs.get());
  }
}

}  // namespace
}  // namespace rebound
