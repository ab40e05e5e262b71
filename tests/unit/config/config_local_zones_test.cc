// local-zone:, local-data:, local-data-ptr: and unblock-lan-zones: as read from a file.
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "resolver/config/config.h"
#include "tests/unit/config/parse_text.h"

namespace rebound {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

using Zone = LocalZonesConfig::Zone;
using Data = LocalZonesConfig::Data;

TEST(ConfigLocalZonesTest, ReadsZonesDataAndPtrShorthand) {
  std::vector<std::string> warnings;
  Config c = MustParse(
      "server:\n"
      "  local-zone: \"Home.Lan\" static\n"
      "  local-data: \"router.home.lan. A 192.168.1.1\"\n"
      "  local-data: 'txt.home.lan. TXT \"a b\"'\n"
      "  local-data-ptr: \"192.168.1.1 router.home.lan.\"\n"
      "  local-data-ptr: \"2001:db8::4 7200 www.example.com\"\n"
      "  local-zone: \"test.\" nodefault\n"
      "  unblock-lan-zones: yes\n",
      &warnings);
  EXPECT_THAT(warnings, IsEmpty());
  EXPECT_THAT(c.local_zones.zones,
              ElementsAre(Zone{"home.lan.", LocalZoneType::kStatic, "test.conf:2"},
                          Zone{"test.", LocalZoneType::kNoDefault, "test.conf:7"}));
  EXPECT_THAT(
      c.local_zones.data,
      ElementsAre(Data{"router.home.lan. A 192.168.1.1", "test.conf:3"},
                  Data{"txt.home.lan. TXT \"a b\"", "test.conf:4"},
                  Data{"1.1.168.192.in-addr.arpa. IN PTR router.home.lan.", "test.conf:5"},
                  Data{"4.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa. "
                       "7200 IN PTR www.example.com",
                       "test.conf:6"}));
  EXPECT_TRUE(c.local_zones.unblock_lan_zones);
  EXPECT_THAT(c.local_zones.dns64_reverse_zones, IsEmpty());
}

TEST(ConfigLocalZonesTest, Dns64PrefixesReverseZonesAreNotBlockedByDefaultZones) {
  Config c =
      MustParse("server:\n  module-config: \"dns64 iterator\"\n  dns64-prefix: 2001:db8:64::/48\n");
  EXPECT_THAT(c.local_zones.dns64_reverse_zones, ElementsAre("4.6.0.0.8.b.d.0.1.0.0.2.ip6.arpa."));
  absl::StatusOr<LocalZones> zones = LocalZones::Build(c.local_zones);
  ASSERT_TRUE(zones.ok()) << zones.status();
  LdnsRdfPtr under_prefix(ldns_dname_new_frm_str(
      "8.0.7.0.6.0.5.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.4.6.0.0.8.b.d.0.1.0.0.2.ip6.arpa."));
  LdnsRdfPtr beside_it(ldns_dname_new_frm_str(
      "8.0.7.0.6.0.5.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.5.6.0.0.8.b.d.0.1.0.0.2.ip6.arpa."));
  auto kind = [&](const LdnsRdfPtr& name) {
    return zones
        ->Answer({ldns_rdf_data(name.get()), ldns_rdf_size(name.get())}, LDNS_RR_TYPE_PTR,
                 LDNS_RR_CLASS_IN)
        .kind;
  };
  EXPECT_EQ(kind(under_prefix), LocalAnswer::Kind::kResolve);  // for Dns64Stage to answer
  EXPECT_EQ(kind(beside_it), LocalAnswer::Kind::kAnswer);      // the documentation default zone
}

TEST(ConfigLocalZonesTest, BadLinesNameFileAndLine) {
  EXPECT_EQ(ErrorOf("server:\n  local-zone: example.com\n"),
            "test.conf:2: local-zone: expected a zone name and a type: local-zone: NAME TYPE");
  EXPECT_EQ(ErrorOf("server:\n  local-zone: example.com. nonsense\n"),
            "test.conf:2: local-zone: unknown local-zone type 'nonsense' (static, transparent, "
            "typetransparent, redirect, refuse, deny, inform, always_*...)");
  EXPECT_EQ(ErrorOf("server:\n  local-zone: example.com. noview\n"),
            "test.conf:2: local-zone: not supported: type noview (rebound has no views)");
  EXPECT_EQ(ErrorOf("server:\n  local-zone: a..b static\n").substr(0, 25),
            "test.conf:2: local-zone: ");
  EXPECT_EQ(ErrorOf("server:\n  local-data-ptr: \"300.1.1.1 x.\"\n"),
            "test.conf:2: local-data-ptr: '300.1.1.1' is not an IP address");
  EXPECT_EQ(ErrorOf("server:\n  local-data-ptr: \"192.0.2.1\"\n"),
            "test.conf:2: local-data-ptr: expected 'address [ttl] name'");
  // A record is checked once the whole file is read, and still named by its line.
  EXPECT_EQ(ErrorOf("server:\n  port: 5353\n  local-data: \"x. A 1.2.3\"\n"),
            "test.conf:3: local-data 'x. A 1.2.3': not a resource record");
  EXPECT_EQ(ErrorOf("server:\n  local-zone: r. redirect\n  local-data: \"www.r. A 192.0.2.1\"\n"),
            "test.conf:3: local-data 'www.r. A 192.0.2.1': a redirect zone's data must be at its "
            "name, r.");
  EXPECT_EQ(ErrorOf("server:\n  unblock-lan-zones: maybe\n").substr(0, 32),
            "test.conf:2: unblock-lan-zones: ");
}

}  // namespace
}  // namespace rebound
