#include "resolver/local/local_zones.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "resolver/wire/presentation.h"

namespace rebound {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

using Kind = LocalAnswer::Kind;

LocalZonesConfig::Zone Zone(std::string name, LocalZoneType type) {
  return {std::move(name), type, "test.conf:1"};
}
LocalZonesConfig::Data Data(std::string record) { return {std::move(record), "test.conf:2"}; }

LocalZones Build(const LocalZonesConfig& config) {
  absl::StatusOr<LocalZones> zones = LocalZones::Build(config);
  EXPECT_TRUE(zones.ok()) << zones.status();
  return *std::move(zones);
}

// The answer to (name, type) in class IN, with the sections as "owner ttl class type rdata".
struct Asked {
  Kind kind;
  ldns_pkt_rcode rcode;
  std::vector<std::string> answer;
  std::vector<std::string> authority;
  bool inform;
};

std::vector<std::string> Lines(const ldns_rr_list* list) {
  std::vector<std::string> lines;
  for (size_t i = 0; list != nullptr && i < ldns_rr_list_rr_count(list); ++i) {
    std::string line = TakeLdnsString(ldns_rr2str(ldns_rr_list_rr(list, i)));
    while (!line.empty() && line.back() == '\n') line.pop_back();
    for (char& c : line) c = c == '\t' ? ' ' : c;
    lines.push_back(line);
  }
  return lines;
}

Asked Ask(const LocalZones& zones, const char* name, ldns_rr_type type,
          ldns_rr_class rr_class = LDNS_RR_CLASS_IN) {
  LdnsRdfPtr rdf(ldns_dname_new_frm_str(name));
  LocalAnswer a =
      zones.Answer({ldns_rdf_data(rdf.get()), ldns_rdf_size(rdf.get())}, type, rr_class);
  return {a.kind, a.rcode, Lines(a.answer.get()), Lines(a.authority.get()), a.inform};
}

TEST(LocalZonesTest, DefaultZonesAnswerWhatMustNeverLeaveTheHost) {
  LocalZones zones = Build({});
  // RFC 6761 6.3: localhost and everything below it is loopback.
  Asked a = Ask(zones, "LocalHost.", LDNS_RR_TYPE_A);
  EXPECT_EQ(a.kind, Kind::kAnswer);
  EXPECT_THAT(a.answer, ElementsAre("LocalHost. 10800 IN A 127.0.0.1"));
  EXPECT_THAT(Ask(zones, "www.localhost.", LDNS_RR_TYPE_AAAA).answer,
              ElementsAre("www.localhost. 10800 IN AAAA ::1"));
  EXPECT_THAT(Ask(zones, "1.0.0.127.in-addr.arpa.", LDNS_RR_TYPE_PTR).answer,
              ElementsAre("1.0.0.127.in-addr.arpa. 10800 IN PTR localhost."));
  EXPECT_THAT(
      Ask(zones, "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.ip6.arpa.",
          LDNS_RR_TYPE_PTR)
          .answer,
      ElementsAre(HasSubstr("IN PTR localhost.")));
  // RFC 7686 (onion), RFC 6761 (test, invalid), RFC 8375 (home.arpa), RFC 6303 (private
  // reverse zones): NXDOMAIN with the zone's SOA, never a query upstream.
  for (const char* name :
       {"hidden.onion.", "x.test.", "x.invalid.", "printer.home.arpa.", "5.1.168.192.in-addr.arpa.",
        "1.0.0.10.in-addr.arpa.", "4.3.20.172.in-addr.arpa.", "1.1.254.169.in-addr.arpa.",
        "1.2.d.f.ip6.arpa.", "1.0.8.e.f.ip6.arpa."}) {
    Asked negative = Ask(zones, name, LDNS_RR_TYPE_PTR);
    EXPECT_EQ(negative.kind, Kind::kAnswer) << name;
    EXPECT_EQ(negative.rcode, LDNS_RCODE_NXDOMAIN) << name;
    EXPECT_THAT(negative.authority,
                ElementsAre(HasSubstr("10800 IN SOA localhost. nobody.invalid. 1 3600 1200")))
        << name;
  }
  // Public names and public reverse zones are not local; nor is any class but IN.
  EXPECT_EQ(Ask(zones, "www.example.com.", LDNS_RR_TYPE_A).kind, Kind::kResolve);
  EXPECT_EQ(Ask(zones, "8.8.8.8.in-addr.arpa.", LDNS_RR_TYPE_PTR).kind, Kind::kResolve);
  EXPECT_EQ(Ask(zones, "1.0.15.172.in-addr.arpa.", LDNS_RR_TYPE_PTR).kind, Kind::kResolve);
  EXPECT_EQ(Ask(zones, "localhost.", LDNS_RR_TYPE_A, LDNS_RR_CLASS_CH).kind, Kind::kResolve);
  EXPECT_EQ(Ask(zones, ".", LDNS_RR_TYPE_NS).kind, Kind::kResolve);
}

TEST(LocalZonesTest, NodefaultAndUnblockLanZonesLetDefaultZonesResolve) {
  LocalZonesConfig config;
  config.zones = {Zone("test.", LocalZoneType::kNoDefault)};
  config.unblock_lan_zones = true;
  LocalZones zones = Build(config);
  EXPECT_EQ(Ask(zones, "x.test.", LDNS_RR_TYPE_A).kind, Kind::kResolve);
  EXPECT_EQ(Ask(zones, "5.1.168.192.in-addr.arpa.", LDNS_RR_TYPE_PTR).kind, Kind::kResolve);
  // unblock-lan-zones keeps localhost, the loopback reverse zones and the special names.
  EXPECT_EQ(Ask(zones, "2.0.0.127.in-addr.arpa.", LDNS_RR_TYPE_PTR).rcode, LDNS_RCODE_NXDOMAIN);
  EXPECT_EQ(Ask(zones, "x.onion.", LDNS_RR_TYPE_A).rcode, LDNS_RCODE_NXDOMAIN);
  // A zone of the user's own replaces the default of that name.
  config.zones = {Zone("onion.", LocalZoneType::kRefuse)};
  EXPECT_EQ(Ask(Build(config), "x.onion.", LDNS_RR_TYPE_A).rcode, LDNS_RCODE_REFUSED);
}

TEST(LocalZonesTest, StaticZoneAnswersDataNodataAndNxdomainWithTheApexSoa) {
  LocalZonesConfig config;
  config.zones = {Zone("example.com.", LocalZoneType::kStatic)};
  config.data = {Data("example.com. 600 SOA ns. host. 1 2 3 4 300"),
                 Data("a.b.example.com. A 192.0.2.1"), Data("c.example.com. CNAME d.example.com.")};
  LocalZones zones = Build(config);
  Asked data = Ask(zones, "a.b.example.com.", LDNS_RR_TYPE_A);
  EXPECT_EQ(data.rcode, LDNS_RCODE_NOERROR);
  EXPECT_THAT(data.answer, ElementsAre("a.b.example.com. 3600 IN A 192.0.2.1"));  // unbound's TTL
  EXPECT_THAT(data.authority, IsEmpty());
  // The SOA's TTL in a negative answer is capped by its minimum field (RFC 2308 3).
  const std::string soa = "example.com. 300 IN SOA ns. host. 1 2 3 4 300";
  Asked nodata = Ask(zones, "a.b.example.com.", LDNS_RR_TYPE_TXT);
  EXPECT_EQ(nodata.rcode, LDNS_RCODE_NOERROR);
  EXPECT_THAT(nodata.answer, IsEmpty());
  EXPECT_THAT(nodata.authority, ElementsAre(soa));
  // b.example.com has no records but a name below it: it exists (RFC 8020 2).
  EXPECT_EQ(Ask(zones, "b.example.com.", LDNS_RR_TYPE_A).rcode, LDNS_RCODE_NOERROR);
  Asked nxdomain = Ask(zones, "nx.example.com.", LDNS_RR_TYPE_A);
  EXPECT_EQ(nxdomain.rcode, LDNS_RCODE_NXDOMAIN);
  EXPECT_THAT(nxdomain.authority, ElementsAre(soa));
  // A CNAME answers other types at its name, and is not followed.
  EXPECT_THAT(Ask(zones, "c.example.com.", LDNS_RR_TYPE_A).answer,
              ElementsAre("c.example.com. 3600 IN CNAME d.example.com."));
}

TEST(LocalZonesTest, TransparentAndTypetransparentResolveWhatTheyDoNotHold) {
  LocalZonesConfig config;
  config.zones = {Zone("tt.org.", LocalZoneType::kTypeTransparent)};
  // Data outside every zone makes a transparent zone of its own name.
  config.data = {Data("x.tt.org. A 192.0.2.8"), Data("tr.net. A 192.0.2.9")};
  LocalZones zones = Build(config);
  EXPECT_THAT(Ask(zones, "x.tt.org.", LDNS_RR_TYPE_A).answer, ElementsAre(HasSubstr("192.0.2.8")));
  EXPECT_EQ(Ask(zones, "x.tt.org.", LDNS_RR_TYPE_AAAA).kind, Kind::kResolve);
  EXPECT_EQ(Ask(zones, "y.tt.org.", LDNS_RR_TYPE_A).kind, Kind::kResolve);
  EXPECT_THAT(Ask(zones, "tr.net.", LDNS_RR_TYPE_A).answer, ElementsAre(HasSubstr("192.0.2.9")));
  Asked nodata = Ask(zones, "tr.net.", LDNS_RR_TYPE_AAAA);
  EXPECT_EQ(nodata.kind, Kind::kAnswer);
  EXPECT_EQ(nodata.rcode, LDNS_RCODE_NOERROR);
  EXPECT_THAT(nodata.answer, IsEmpty());
  EXPECT_EQ(Ask(zones, "www.tr.net.", LDNS_RR_TYPE_A).kind, Kind::kResolve);
}

TEST(LocalZonesTest, RedirectAnswersEveryNameBelowWithTheApexData) {
  LocalZonesConfig config;
  config.zones = {Zone("redir.org.", LocalZoneType::kRedirect),
                  Zone("logged.org.", LocalZoneType::kInformRedirect)};
  config.data = {Data("redir.org. A 192.0.2.7"), Data("logged.org. A 192.0.2.6")};
  LocalZones zones = Build(config);
  EXPECT_THAT(Ask(zones, "www.foo.redir.org.", LDNS_RR_TYPE_A).answer,
              ElementsAre("www.foo.redir.org. 3600 IN A 192.0.2.7"));
  Asked nodata = Ask(zones, "www.redir.org.", LDNS_RR_TYPE_AAAA);
  EXPECT_EQ(nodata.rcode, LDNS_RCODE_NOERROR);
  EXPECT_THAT(nodata.answer, IsEmpty());
  EXPECT_FALSE(nodata.inform);
  Asked logged = Ask(zones, "x.logged.org.", LDNS_RR_TYPE_A);
  EXPECT_THAT(logged.answer, ElementsAre(HasSubstr("192.0.2.6")));
  EXPECT_TRUE(logged.inform);
}

TEST(LocalZonesTest, RefuseDenyAndTheAlwaysTypes) {
  LocalZonesConfig config;
  config.zones = {Zone("ref.org.", LocalZoneType::kRefuse),
                  Zone("deny.org.", LocalZoneType::kDeny),
                  Zone("aref.org.", LocalZoneType::kAlwaysRefuse),
                  Zone("anx.org.", LocalZoneType::kAlwaysNxdomain),
                  Zone("anodata.org.", LocalZoneType::kAlwaysNodata),
                  Zone("adeny.org.", LocalZoneType::kAlwaysDeny),
                  Zone("null.org.", LocalZoneType::kAlwaysNull),
                  Zone("atr.org.", LocalZoneType::kAlwaysTransparent)};
  config.data = {Data("a.ref.org. A 192.0.2.10"),   Data("a.deny.org. A 192.0.2.11"),
                 Data("a.aref.org. A 192.0.2.12"),  Data("a.anx.org. A 192.0.2.13"),
                 Data("a.adeny.org. A 192.0.2.14"), Data("a.atr.org. A 192.0.2.15")};
  LocalZones zones = Build(config);
  // refuse and deny still answer from their data; the always_ types ignore it.
  EXPECT_THAT(Ask(zones, "a.ref.org.", LDNS_RR_TYPE_A).answer,
              ElementsAre(HasSubstr("192.0.2.10")));
  EXPECT_EQ(Ask(zones, "b.ref.org.", LDNS_RR_TYPE_A).rcode, LDNS_RCODE_REFUSED);
  EXPECT_THAT(Ask(zones, "a.deny.org.", LDNS_RR_TYPE_A).answer,
              ElementsAre(HasSubstr("192.0.2.11")));
  EXPECT_EQ(Ask(zones, "b.deny.org.", LDNS_RR_TYPE_A).kind, Kind::kDrop);
  EXPECT_EQ(Ask(zones, "a.aref.org.", LDNS_RR_TYPE_A).rcode, LDNS_RCODE_REFUSED);
  EXPECT_EQ(Ask(zones, "a.anx.org.", LDNS_RR_TYPE_A).rcode, LDNS_RCODE_NXDOMAIN);
  Asked nodata = Ask(zones, "x.anodata.org.", LDNS_RR_TYPE_A);
  EXPECT_EQ(nodata.rcode, LDNS_RCODE_NOERROR);
  EXPECT_THAT(nodata.answer, IsEmpty());
  EXPECT_EQ(Ask(zones, "a.adeny.org.", LDNS_RR_TYPE_A).kind, Kind::kDrop);
  EXPECT_EQ(Ask(zones, "a.atr.org.", LDNS_RR_TYPE_A).kind, Kind::kResolve);
  EXPECT_THAT(Ask(zones, "ads.null.org.", LDNS_RR_TYPE_A).answer,
              ElementsAre("ads.null.org. 3600 IN A 0.0.0.0"));
  EXPECT_THAT(Ask(zones, "ads.null.org.", LDNS_RR_TYPE_AAAA).answer,
              ElementsAre("ads.null.org. 3600 IN AAAA ::"));
  Asked mx = Ask(zones, "ads.null.org.", LDNS_RR_TYPE_MX);
  EXPECT_EQ(mx.rcode, LDNS_RCODE_NOERROR);
  EXPECT_THAT(mx.answer, IsEmpty());
}

TEST(LocalZonesTest, DataGoesToTheMostSpecificZoneIncludingDefaults) {
  LocalZonesConfig config;
  // local-data-ptr's usual home: the RFC 1918 default zone, which stays static.
  config.data = {Data("5.1.168.192.in-addr.arpa. PTR router.lan.")};
  LocalZones zones = Build(config);
  EXPECT_THAT(Ask(zones, "5.1.168.192.in-addr.arpa.", LDNS_RR_TYPE_PTR).answer,
              ElementsAre("5.1.168.192.in-addr.arpa. 3600 IN PTR router.lan."));
  EXPECT_EQ(Ask(zones, "6.1.168.192.in-addr.arpa.", LDNS_RR_TYPE_PTR).rcode, LDNS_RCODE_NXDOMAIN);
}

TEST(LocalZonesTest, ConfigurationErrorsNameTheLine) {
  auto error_of = [](const LocalZonesConfig& config) {
    absl::StatusOr<LocalZones> zones = LocalZones::Build(config);
    return zones.ok() ? std::string("ok") : std::string(zones.status().message());
  };
  LocalZonesConfig redirect;
  redirect.zones = {Zone("redir.org.", LocalZoneType::kRedirect)};
  redirect.data = {Data("www.redir.org. A 192.0.2.1")};
  EXPECT_EQ(error_of(redirect),
            "test.conf:2: local-data 'www.redir.org. A 192.0.2.1': a redirect zone's data must be "
            "at its name, redir.org.");
  LocalZonesConfig cname;
  cname.data = {Data("x.org. A 192.0.2.1"), Data("x.org. CNAME y.org.")};
  EXPECT_THAT(error_of(cname), HasSubstr("a CNAME cannot share its name with other data"));
  LocalZonesConfig garbage;
  garbage.data = {Data("x.org. A not-an-address")};
  EXPECT_EQ(error_of(garbage),
            "test.conf:2: local-data 'x.org. A not-an-address': not a resource record");
  LocalZonesConfig chaos;
  chaos.data = {Data("version.bind. CH TXT \"1\"")};
  EXPECT_THAT(error_of(chaos), HasSubstr("only class IN is served"));
  LocalZonesConfig duplicate;
  duplicate.zones = {Zone("a.org.", LocalZoneType::kStatic), Zone("a.org.", LocalZoneType::kDeny)};
  EXPECT_EQ(error_of(duplicate), "test.conf:1: duplicate local-zone a.org.");
}

}  // namespace
}  // namespace rebound
