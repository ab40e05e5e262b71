#include "dns64/dns64_synthesizer.h"

#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <initializer_list>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace rebound {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

LdnsRrListPtr Rrs(std::initializer_list<const char*> texts) {
  LdnsRrListPtr list(ldns_rr_list_new());
  for (const char* text : texts) {
    ldns_rr* rr = nullptr;
    EXPECT_EQ(ldns_rr_new_frm_str(&rr, text, 0, nullptr, nullptr), LDNS_STATUS_OK) << text;
    if (rr != nullptr) ldns_rr_list_push_rr(list.get(), rr);
  }
  return list;
}

LdnsRdfPtr Name(const char* text) { return LdnsRdfPtr(ldns_dname_new_frm_str(text)); }

Nat64Prefix P(const char* text) {
  absl::StatusOr<Nat64Prefix> p = Nat64Prefix::Parse(text);
  EXPECT_TRUE(p.ok()) << text << ": " << p.status();
  return p.ok() ? *p : Nat64Prefix::WellKnown();
}

AddressRange R(const char* text) {
  absl::StatusOr<AddressRange> r = AddressRange::Parse(text);
  EXPECT_TRUE(r.ok()) << text << ": " << r.status();
  return r.ok() ? *r : *AddressRange::Parse("::/0");
}

Dns64Policy Policy(std::initializer_list<const char*> prefixes) {
  Dns64Policy policy;
  for (const char* p : prefixes) policy.prefixes.push_back(P(p));
  return policy;
}

std::string Str(const ldns_rdf* rdf) {
  char* s = ldns_rdf2str(rdf);
  std::string out = s != nullptr ? s : "";
  free(s);  // NOLINT(cppcoreguidelines-no-malloc): ldns allocates with malloc
  return out;
}

// "owner TTL CLASS TYPE rdata" per record, ldns's presentation without the tabs.
std::vector<std::string> Lines(const ldns_rr_list* list) {
  std::vector<std::string> out;
  for (size_t i = 0; i < ldns_rr_list_rr_count(list); ++i) {
    const ldns_rr* rr = ldns_rr_list_rr(list, i);
    char* type = ldns_rr_type2str(ldns_rr_get_type(rr));
    char* klass = ldns_rr_class2str(ldns_rr_get_class(rr));
    std::string line = Str(ldns_rr_owner(rr)) + " " + std::to_string(ldns_rr_ttl(rr)) + " " +
                       klass + " " + type + " " + Str(ldns_rr_rdf(rr, 0));
    free(type);   // NOLINT(cppcoreguidelines-no-malloc)
    free(klass);  // NOLINT(cppcoreguidelines-no-malloc)
    out.push_back(line);
  }
  return out;
}

// The Well-Known Prefix alone, the default exclusions.
Dns64Policy Wkp() { return Policy({"64:ff9b::/96"}); }

TEST(NeedsSynthesisTest, NodataSynthesizes) {
  LdnsRrListPtr empty(ldns_rr_list_new());
  EXPECT_TRUE(NeedsSynthesis(LDNS_RCODE_NOERROR, empty.get(), Name("a.example.").get(), Wkp()));
  EXPECT_TRUE(NeedsSynthesis(LDNS_RCODE_NOERROR, nullptr, Name("a.example.").get(), Wkp()));
}

TEST(NeedsSynthesisTest, RealAaaaDoesNot) {
  LdnsRrListPtr answer = Rrs({"a.example. 300 IN AAAA 2001:db8::1"});
  EXPECT_FALSE(NeedsSynthesis(LDNS_RCODE_NOERROR, answer.get(), Name("A.Example.").get(), Wkp()));
}

TEST(NeedsSynthesisTest, AllExcludedAaaaSynthesizes) {
  LdnsRrListPtr answer =
      Rrs({"a.example. 300 IN AAAA ::ffff:192.0.2.1", "a.example. 300 IN AAAA ::ffff:192.0.2.2"});
  EXPECT_TRUE(NeedsSynthesis(LDNS_RCODE_NOERROR, answer.get(), Name("a.example.").get(), Wkp()));
}

TEST(NeedsSynthesisTest, MixedExcludedAndRealDoesNot) {
  LdnsRrListPtr answer =
      Rrs({"a.example. 300 IN AAAA ::ffff:192.0.2.1", "a.example. 300 IN AAAA 2001:db8::1"});
  EXPECT_FALSE(NeedsSynthesis(LDNS_RCODE_NOERROR, answer.get(), Name("a.example.").get(), Wkp()));
}

TEST(NeedsSynthesisTest, ConfiguredExclusions) {
  Dns64Policy policy = Wkp();
  policy.exclude = {R("2001:db8::/32")};
  LdnsRrListPtr answer = Rrs({"a.example. 300 IN AAAA 2001:db8::1"});
  EXPECT_TRUE(NeedsSynthesis(LDNS_RCODE_NOERROR, answer.get(), Name("a.example.").get(), policy));
  // ::ffff:0:0/96 is only the default; a configured list replaces it.
  LdnsRrListPtr mapped = Rrs({"a.example. 300 IN AAAA ::ffff:192.0.2.1"});
  EXPECT_FALSE(NeedsSynthesis(LDNS_RCODE_NOERROR, mapped.get(), Name("a.example.").get(), policy));
}

TEST(NeedsSynthesisTest, NxdomainDoesNotEvenWithSynthall) {
  LdnsRrListPtr empty(ldns_rr_list_new());
  EXPECT_FALSE(NeedsSynthesis(LDNS_RCODE_NXDOMAIN, empty.get(), Name("a.example.").get(), Wkp()));
  Dns64Policy all = Wkp();
  all.synthall = true;
  EXPECT_FALSE(NeedsSynthesis(LDNS_RCODE_NXDOMAIN, empty.get(), Name("a.example.").get(), all));
}

TEST(NeedsSynthesisTest, OtherRcodesCountAsEmpty) {
  LdnsRrListPtr empty(ldns_rr_list_new());
  for (ldns_pkt_rcode rcode :
       {LDNS_RCODE_SERVFAIL, LDNS_RCODE_REFUSED, LDNS_RCODE_FORMERR, LDNS_RCODE_NOTIMPL}) {
    EXPECT_TRUE(NeedsSynthesis(rcode, empty.get(), Name("a.example.").get(), Wkp())) << rcode;
  }
}

TEST(NeedsSynthesisTest, SynthallIgnoresRealAaaa) {
  Dns64Policy all = Wkp();
  all.synthall = true;
  LdnsRrListPtr answer = Rrs({"a.example. 300 IN AAAA 2001:db8::1"});
  EXPECT_TRUE(NeedsSynthesis(LDNS_RCODE_NOERROR, answer.get(), Name("a.example.").get(), all));
}

TEST(NeedsSynthesisTest, OnlyAaaaAtTheFinalNameCount) {
  // The chain's AAAA at another owner (should a server include one) is not the answer.
  LdnsRrListPtr answer =
      Rrs({"a.example. 300 IN CNAME b.example.", "a.example. 300 IN AAAA 2001:db8::1"});
  EXPECT_TRUE(NeedsSynthesis(LDNS_RCODE_NOERROR, answer.get(), Name("b.example.").get(), Wkp()));
  LdnsRrListPtr real =
      Rrs({"a.example. 300 IN CNAME b.example.", "b.example. 300 IN AAAA 2001:db8::1"});
  EXPECT_FALSE(NeedsSynthesis(LDNS_RCODE_NOERROR, real.get(), Name("b.example.").get(), Wkp()));
}

TEST(SynthesizeAaaaTest, OneAaaaPerARecord) {
  LdnsRrListPtr a = Rrs({"Www.Example. 300 IN A 192.0.2.33", "Www.Example. 300 IN A 8.8.8.8"});
  const Dns64Policy policy = Policy({"2001:db8:122:344::/96"});
  LdnsRrListPtr out = SynthesizeAaaa(a.get(), Name("www.example.").get(), 600, policy);
  EXPECT_THAT(Lines(out.get()), ElementsAre("Www.Example. 300 IN AAAA 2001:db8:122:344::c000:221",
                                            "Www.Example. 300 IN AAAA 2001:db8:122:344::808:808"));
}

TEST(SynthesizeAaaaTest, OnePerPrefixForTwoPrefixes) {
  LdnsRrListPtr a = Rrs({"a.example. 300 IN A 8.8.8.8", "a.example. 300 IN A 1.1.1.1"});
  const Dns64Policy policy = Policy({"64:ff9b::/96", "2001:db8::/32"});
  LdnsRrListPtr out = SynthesizeAaaa(a.get(), Name("a.example.").get(), 600, policy);
  EXPECT_THAT(Lines(out.get()), ElementsAre("a.example. 300 IN AAAA 64:ff9b::808:808",
                                            "a.example. 300 IN AAAA 2001:db8:808:808::",
                                            "a.example. 300 IN AAAA 64:ff9b::101:101",
                                            "a.example. 300 IN AAAA 2001:db8:101:101::"));
}

TEST(SynthesizeAaaaTest, ClassIsTheARecords) {
  LdnsRrListPtr a = Rrs({"a.example. 300 CH A 8.8.8.8"});
  LdnsRrListPtr out = SynthesizeAaaa(a.get(), Name("a.example.").get(), 600, Wkp());
  EXPECT_THAT(Lines(out.get()), ElementsAre("a.example. 300 CH AAAA 64:ff9b::808:808"));
}

TEST(SynthesizeAaaaTest, NonGlobalNotUnderTheWellKnownPrefix) {
  LdnsRrListPtr a = Rrs({"a.example. 300 IN A 10.1.2.3", "a.example. 300 IN A 192.168.0.1",
                         "a.example. 300 IN A 192.0.2.1"});
  EXPECT_THAT(Lines(SynthesizeAaaa(a.get(), Name("a.example.").get(), 600, Wkp()).get()),
              IsEmpty());
  // The same addresses under a network-specific prefix are fine (RFC 6052 3.1 limits only the
  // Well-Known Prefix).
  const Dns64Policy nsp = Policy({"2001:db8::/96"});
  EXPECT_THAT(Lines(SynthesizeAaaa(a.get(), Name("a.example.").get(), 600, nsp).get()),
              ElementsAre("a.example. 300 IN AAAA 2001:db8::a01:203",
                          "a.example. 300 IN AAAA 2001:db8::c0a8:1",
                          "a.example. 300 IN AAAA 2001:db8::c000:201"));
  // Both: only the network-specific one.
  const Dns64Policy both = Policy({"64:ff9b::/96", "2001:db8::/96"});
  LdnsRrListPtr one = Rrs({"a.example. 300 IN A 10.1.2.3", "a.example. 300 IN A 9.9.9.9"});
  EXPECT_THAT(Lines(SynthesizeAaaa(one.get(), Name("a.example.").get(), 600, both).get()),
              ElementsAre("a.example. 300 IN AAAA 2001:db8::a01:203",
                          "a.example. 300 IN AAAA 64:ff9b::909:909",
                          "a.example. 300 IN AAAA 2001:db8::909:909"));
}

TEST(SynthesizeAaaaTest, LocalUsePrefixIsNotTheWellKnownOne) {
  // RFC 8215's 64:ff9b:1::/48 is for local use: non-global addresses may go there.
  LdnsRrListPtr a = Rrs({"a.example. 300 IN A 10.1.2.3"});
  const Dns64Policy policy = Policy({"64:ff9b:1::/48"});
  EXPECT_THAT(Lines(SynthesizeAaaa(a.get(), Name("a.example.").get(), 600, policy).get()),
              ElementsAre("a.example. 300 IN AAAA 64:ff9b:1:a01:2:300::"));
}

TEST(SynthesizeAaaaTest, MappedRangesRestrict) {
  Dns64Policy policy = Wkp();
  policy.mapped = {R("8.8.0.0/16"), R("1.1.1.1")};
  LdnsRrListPtr a = Rrs({"a.example. 300 IN A 8.8.4.4", "a.example. 300 IN A 9.9.9.9",
                         "a.example. 300 IN A 1.1.1.1", "a.example. 300 IN A 1.1.1.2"});
  EXPECT_THAT(Lines(SynthesizeAaaa(a.get(), Name("a.example.").get(), 600, policy).get()),
              ElementsAre("a.example. 300 IN AAAA 64:ff9b::808:404",
                          "a.example. 300 IN AAAA 64:ff9b::101:101"));
}

TEST(SynthesizeAaaaTest, TtlIsTheSmallerOfAAndCap) {
  LdnsRrListPtr a = Rrs({"a.example. 30 IN A 8.8.8.8", "a.example. 3600 IN A 1.1.1.1"});
  EXPECT_THAT(Lines(SynthesizeAaaa(a.get(), Name("a.example.").get(), 120, Wkp()).get()),
              ElementsAre("a.example. 30 IN AAAA 64:ff9b::808:808",
                          "a.example. 120 IN AAAA 64:ff9b::101:101"));
}

TEST(SynthesizeAaaaTest, OnlyRecordsAtTheFinalName) {
  LdnsRrListPtr a =
      Rrs({"www.example. 300 IN CNAME cdn.example.", "cdn.example. 300 IN CNAME edge.example.",
           "edge.example. 60 IN A 8.8.8.8", "other.example. 60 IN A 1.1.1.1"});
  EXPECT_THAT(Lines(SynthesizeAaaa(a.get(), Name("EDGE.example.").get(), 600, Wkp()).get()),
              ElementsAre("edge.example. 60 IN AAAA 64:ff9b::808:808"));
}

TEST(SynthesizeAaaaTest, EmptyInputGivesEmptyList) {
  LdnsRrListPtr out = SynthesizeAaaa(nullptr, Name("a.example.").get(), 600, Wkp());
  ASSERT_NE(out, nullptr);
  EXPECT_EQ(ldns_rr_list_rr_count(out.get()), 0u);
}

TEST(NegativeTtlCapTest, SoaTtlSmaller) {
  LdnsRrListPtr auth =
      Rrs({"example. 60 IN SOA ns.example. host.example. 1 7200 3600 1209600 300"});
  EXPECT_EQ(NegativeTtlCap(auth.get()), 60u);
}

TEST(NegativeTtlCapTest, SoaMinimumSmaller) {
  LdnsRrListPtr auth =
      Rrs({"example. 3600 IN SOA ns.example. host.example. 1 7200 3600 1209600 45"});
  EXPECT_EQ(NegativeTtlCap(auth.get()), 45u);
}

TEST(NegativeTtlCapTest, NoSoaIs600) {
  LdnsRrListPtr auth = Rrs({"example. 3600 IN NS ns.example."});
  EXPECT_EQ(NegativeTtlCap(auth.get()), 600u);
  EXPECT_EQ(NegativeTtlCap(nullptr), 600u);
}

TEST(NegativeTtlCapTest, SoaCanRaiseTheCapAbove600) {
  // RFC 6147 5.1.7 uses the SOA's value when there is one; 600 is only the fallback.
  LdnsRrListPtr auth =
      Rrs({"example. 3600 IN SOA ns.example. host.example. 1 7200 3600 1209600 900"});
  EXPECT_EQ(NegativeTtlCap(auth.get()), 900u);
}

TEST(NegativeTtlCapTest, CapAppliesToSynthesis) {
  LdnsRrListPtr auth =
      Rrs({"example. 3600 IN SOA ns.example. host.example. 1 7200 3600 1209600 45"});
  LdnsRrListPtr a = Rrs({"a.example. 300 IN A 8.8.8.8"});
  EXPECT_THAT(
      Lines(SynthesizeAaaa(a.get(), Name("a.example.").get(), NegativeTtlCap(auth.get()), Wkp())
                .get()),
      ElementsAre("a.example. 45 IN AAAA 64:ff9b::808:808"));
}

TEST(Ipv4OnlyArpaTest, RecognizesTheName) {
  EXPECT_TRUE(IsIpv4OnlyArpa(Name("ipv4only.arpa.").get()));
  EXPECT_TRUE(IsIpv4OnlyArpa(Name("IPv4Only.ARPA.").get()));
  EXPECT_FALSE(IsIpv4OnlyArpa(Name("www.ipv4only.arpa.").get()));
  EXPECT_FALSE(IsIpv4OnlyArpa(Name("arpa.").get()));
  EXPECT_FALSE(IsIpv4OnlyArpa(nullptr));
}

TEST(Ipv4OnlyArpaTest, AaaaUnderEveryPrefixEvenTheWellKnownOne) {
  const Dns64Policy policy = Policy({"64:ff9b::/96", "2001:db8::/32"});
  LdnsRrListPtr out = Ipv4OnlyArpaAaaa(policy, Name("IPv4only.arpa.").get());
  EXPECT_THAT(Lines(out.get()), ElementsAre("IPv4only.arpa. 600 IN AAAA 64:ff9b::c000:aa",
                                            "IPv4only.arpa. 600 IN AAAA 64:ff9b::c000:ab",
                                            "IPv4only.arpa. 600 IN AAAA 2001:db8:c000:aa::",
                                            "IPv4only.arpa. 600 IN AAAA 2001:db8:c000:ab::"));
}

TEST(Ipv4OnlyArpaTest, ARecords) {
  LdnsRrListPtr out = Ipv4OnlyArpaA(Name("ipv4only.ARPA.").get());
  EXPECT_THAT(Lines(out.get()), ElementsAre("ipv4only.ARPA. 86400 IN A 192.0.0.170",
                                            "ipv4only.ARPA. 86400 IN A 192.0.0.171"));
}

}  // namespace
}  // namespace rebound
