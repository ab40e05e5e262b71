// Every option of the server:, forward-zone: and stub-zone: clauses, and the defaults.
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "resolver/config/config.h"
#include "tests/unit/config/parse_text.h"

namespace rebound {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

Endpoint Ep(const char* text) { return *Endpoint::Parse(text, 53); }

TEST(ConfigOptionsTest, EmptyFileGivesDefaults) {
  std::vector<std::string> warnings;
  Config config = MustParse("", &warnings);
  EXPECT_THAT(warnings, IsEmpty());
  EXPECT_EQ(config, DefaultConfig());
  EXPECT_EQ(config, Config{});
  EXPECT_EQ(MustParse("# only a comment\n\n   \nserver:\n"), DefaultConfig());
}

TEST(ConfigOptionsTest, DefaultValuesAreUnbounds) {
  Config c;
  EXPECT_THAT(c.interfaces, ElementsAre(Ep("127.0.0.1@53"), Ep("::1@53")));
  EXPECT_EQ(c.port, 53);
  EXPECT_EQ(c.num_threads, DefaultNumThreads());  // one per usable CPU, unlike unbound
  EXPECT_GE(c.num_threads, 1);
  EXPECT_TRUE(c.do_ip4);
  EXPECT_TRUE(c.do_ip6);
  EXPECT_FALSE(c.prefer_ip6);
  EXPECT_TRUE(c.do_udp);
  EXPECT_TRUE(c.do_tcp);
  EXPECT_EQ(c.root_hints, "");
  EXPECT_EQ(c.cache_max_ttl, 86400u);
  EXPECT_EQ(c.cache_min_ttl, 0u);
  EXPECT_EQ(c.cache_max_negative_ttl, 3600u);
  EXPECT_EQ(c.msg_cache_size, 4u << 20);
  EXPECT_EQ(c.rrset_cache_size, 4u << 20);
  EXPECT_EQ(c.edns_buffer_size, 1232);
  EXPECT_EQ(c.verbosity, 1);
  EXPECT_EQ(c.logfile, "");
  EXPECT_TRUE(c.do_not_query_localhost);
  EXPECT_EQ(c.tcp_idle_timeout, absl::Seconds(30));
  EXPECT_EQ(c.incoming_num_tcp, 100);
  EXPECT_EQ(c.num_queries_per_thread, 1024);
  EXPECT_EQ(c.jostle_timeout, absl::Milliseconds(200));
  EXPECT_EQ(c.outgoing_range, 4096);
  EXPECT_EQ(c.num_queries_per_client, 256);
  EXPECT_TRUE(c.so_reuseport);
  EXPECT_EQ(c.so_rcvbuf, 0u);  // the system's default
  EXPECT_EQ(c.so_sndbuf, 0u);
  EXPECT_EQ(c.pidfile, "");
  EXPECT_TRUE(c.qname_minimisation);
  EXPECT_TRUE(c.harden_glue);
  EXPECT_TRUE(c.use_caps_for_id);
  EXPECT_THAT(c.forward_zones, IsEmpty());
  EXPECT_THAT(c.stub_zones, IsEmpty());
  EXPECT_EQ(c.acl.Lookup(Ep("127.0.0.1")), AccessAction::kAllow);
  EXPECT_EQ(c.acl.Lookup(Ep("192.0.2.1")), AccessAction::kRefuse);
}

TEST(ConfigOptionsTest, EveryServerOption) {
  std::vector<std::string> warnings;
  Config c = MustParse(R"(server:
    interface: 192.0.2.1
    interface: 2001:db8::1@5300
    port: 5353
    access-control: 10.0.0.0/8 allow
    access-control: 10.1.0.0/16 deny
    num-threads: 4
    do-ip4: yes
    do-ip6: yes
    prefer-ip6: yes
    do-udp: yes
    do-tcp: no
    root-hints: "/etc/rebound/root.hints"
    cache-max-ttl: 3600
    cache-min-ttl: 60
    cache-max-negative-ttl: 300
    msg-cache-size: 16m
    rrset-cache-size: 1g
    edns-buffer-size: 1400
    verbosity: 3
    logfile: /var/log/rebound.log
    do-not-query-localhost: no
    qname-minimisation: no
    harden-glue: no
    use-caps-for-id: no
    tcp-idle-timeout: 1500
    incoming-num-tcp: 7
    num-queries-per-thread: 300
    jostle-timeout: 50
    outgoing-range: 512
    num-queries-per-client: 0
    so-reuseport: no
    so-rcvbuf: 4m
    so-sndbuf: 262144
    pidfile: "/run/rebound.pid"
)",
                       &warnings);
  EXPECT_THAT(warnings, IsEmpty());
  EXPECT_THAT(c.interfaces, ElementsAre(Ep("192.0.2.1@5353"), Ep("2001:db8::1@5300")));
  EXPECT_EQ(c.port, 5353);
  EXPECT_EQ(c.acl.Lookup(Ep("10.2.0.1")), AccessAction::kAllow);
  EXPECT_EQ(c.acl.Lookup(Ep("10.1.0.1")), AccessAction::kDeny);
  EXPECT_EQ(c.acl.Lookup(Ep("127.0.0.1")), AccessAction::kAllow);  // defaults stay
  EXPECT_EQ(c.num_threads, 4);
  EXPECT_TRUE(c.do_ip4);
  EXPECT_TRUE(c.do_ip6);
  EXPECT_TRUE(c.prefer_ip6);
  EXPECT_TRUE(c.do_udp);
  EXPECT_FALSE(c.do_tcp);
  EXPECT_EQ(c.root_hints, "/etc/rebound/root.hints");
  EXPECT_EQ(c.cache_max_ttl, 3600u);
  EXPECT_EQ(c.cache_min_ttl, 60u);
  EXPECT_EQ(c.cache_max_negative_ttl, 300u);
  EXPECT_EQ(c.msg_cache_size, 16u << 20);
  EXPECT_EQ(c.rrset_cache_size, size_t{1} << 30);
  EXPECT_EQ(c.so_rcvbuf, 4u << 20);
  EXPECT_EQ(c.so_sndbuf, 262144u);
  EXPECT_EQ(c.edns_buffer_size, 1400);
  EXPECT_EQ(c.verbosity, 3);
  EXPECT_EQ(c.logfile, "/var/log/rebound.log");
  EXPECT_FALSE(c.do_not_query_localhost);
  EXPECT_FALSE(c.qname_minimisation);
  EXPECT_FALSE(c.harden_glue);
  EXPECT_FALSE(c.use_caps_for_id);
  EXPECT_EQ(c.tcp_idle_timeout, absl::Milliseconds(1500));
  EXPECT_EQ(c.incoming_num_tcp, 7);
  EXPECT_EQ(c.num_queries_per_thread, 300);
  EXPECT_EQ(c.jostle_timeout, absl::Milliseconds(50));
  EXPECT_EQ(c.outgoing_range, 512);
  EXPECT_EQ(c.num_queries_per_client, 0);
  EXPECT_FALSE(c.so_reuseport);
  EXPECT_EQ(c.pidfile, "/run/rebound.pid");
}

TEST(ConfigOptionsTest, FlagsTheOtherWay) {
  Config c = MustParse(
      "server:\n do-ip4: no\n prefer-ip6: no\n do-udp: no\n do-tcp: yes\n"
      " do-not-query-localhost: yes\n so-reuseport: yes\n");
  EXPECT_FALSE(c.do_ip4);
  EXPECT_FALSE(c.do_udp);
  EXPECT_TRUE(c.do_tcp);
  EXPECT_THAT(c.interfaces, ElementsAre(Ep("::1@53")));  // the IPv4 default is dropped
  c = MustParse("server:\n do-ip6: no\n");
  EXPECT_THAT(c.interfaces, ElementsAre(Ep("127.0.0.1@53")));
}

TEST(ConfigOptionsTest, PortAppliesToInterfacesWithoutOne) {
  Config c = MustParse(
      "server:\n interface: 127.0.0.1\n interface: ::1@5301\n interface: 0.0.0.0\n"
      " port: 5300\n");
  EXPECT_THAT(c.interfaces, ElementsAre(Ep("127.0.0.1@5300"), Ep("::1@5301"), Ep("0.0.0.0@5300")));
  c = MustParse("server:\n port: 5300\n interface: 127.0.0.1\n");
  EXPECT_THAT(c.interfaces, ElementsAre(Ep("127.0.0.1@5300")));
}

// As unbound: an interface name stands for its addresses (issue 16). Every machine has lo.
TEST(ConfigOptionsTest, AnInterfaceNameStandsForItsAddresses) {
  Config c = MustParse("server:\n interface: lo\n port: 5300\n");
  EXPECT_THAT(c.interfaces, ::testing::Contains(Ep("127.0.0.1@5300")));
  for (const Endpoint& e : c.interfaces) EXPECT_TRUE(e.IsLoopback()) << e.ToString();
  c = MustParse("server:\n interface: lo@5301\n do-ip6: no\n");
  EXPECT_THAT(c.interfaces, ::testing::Contains(Ep("127.0.0.1@5301")));
  EXPECT_FALSE(ParseConfigText("server:\n interface: nosuchif0\n", "test.conf", nullptr).ok());
}

// Issue 16: username: and directory: are taken as unbound takes them; a chroot: rebound cannot
// honour stops the start at its line, and chroot: "" (unbound's way to turn it off) is fine.
TEST(ConfigOptionsTest, UsernameDirectoryAndChroot) {
  Config c =
      MustParse("server:\n username: \"unbound\"\n directory: \"/etc/unbound\"\n chroot: \"\"\n");
  EXPECT_EQ(c.username, "unbound");
  EXPECT_EQ(c.directory, "/etc/unbound");
  absl::StatusOr<Config> chrooted =
      ParseConfigText("server:\n chroot: /var/lib/unbound\n", "test.conf", nullptr);
  ASSERT_FALSE(chrooted.ok());
  EXPECT_THAT(std::string(chrooted.status().message()),
              ::testing::StartsWith("test.conf:2: chroot: not supported"));
}

TEST(ConfigOptionsTest, PortMovesTheDefaultInterfaces) {
  Config c = MustParse("server:\n port: 5353\n");
  EXPECT_THAT(c.interfaces, ElementsAre(Ep("127.0.0.1@5353"), Ep("::1@5353")));
}

TEST(ConfigOptionsTest, IpAddressIsAnAliasOfInterface) {
  Config c = MustParse("server:\n ip-address: 192.0.2.53\n");
  EXPECT_THAT(c.interfaces, ElementsAre(Ep("192.0.2.53@53")));
}

TEST(ConfigOptionsTest, LastValueWins) {
  Config c = MustParse("server:\n verbosity: 2\n verbosity: 4\n");
  EXPECT_EQ(c.verbosity, 4);
}

TEST(ConfigOptionsTest, SizesWithAndWithoutSuffix) {
  Config c = MustParse("server:\n msg-cache-size: 1048576\n rrset-cache-size: 512k\n");
  EXPECT_EQ(c.msg_cache_size, 1048576u);
  EXPECT_EQ(c.rrset_cache_size, 512u * 1024);
  c = MustParse("server:\n msg-cache-size: 8MB\n rrset-cache-size: 2G\n");
  EXPECT_EQ(c.msg_cache_size, 8u << 20);
  EXPECT_EQ(c.rrset_cache_size, size_t{2} << 30);
}

TEST(ConfigOptionsTest, RangeLimitsAreAccepted) {
  Config c = MustParse(
      "server:\n edns-buffer-size: 512\n port: 65535\n verbosity: 0\n num-threads: 1\n"
      " cache-max-ttl: 0\n tcp-idle-timeout: 0\n incoming-num-tcp: 0\n");
  EXPECT_EQ(c.edns_buffer_size, 512);
  EXPECT_EQ(c.port, 65535);
  c = MustParse("server:\n edns-buffer-size: 65535\n verbosity: 5\n");
  EXPECT_EQ(c.edns_buffer_size, 65535);
  EXPECT_EQ(c.verbosity, 5);
}

TEST(ConfigOptionsTest, EmptyQuotedStringsClearPaths) {
  Config c = MustParse("server:\n logfile: \"\"\n pidfile: ''\n root-hints: \"\"\n");
  EXPECT_EQ(c.logfile, "");
  EXPECT_EQ(c.pidfile, "");
  EXPECT_EQ(c.root_hints, "");
}

TEST(ConfigOptionsTest, AccessControlForms) {
  Config c = MustParse(
      "server:\n access-control: 192.0.2.0/24 allow_snoop\n"
      " access-control: \"198.51.100.0/24 deny_non_local\"\n"
      " access-control: 2001:db8::/32 refuse_non_local\n"
      " access-control: ::ffff:203.0.113.0/120 allow\n");
  EXPECT_EQ(c.acl.Lookup(Ep("192.0.2.1")), AccessAction::kAllowSnoop);
  EXPECT_EQ(c.acl.Lookup(Ep("198.51.100.1")), AccessAction::kDeny);
  EXPECT_EQ(c.acl.Lookup(Ep("2001:db8::1")), AccessAction::kRefuse);
  EXPECT_EQ(c.acl.Lookup(Ep("203.0.113.5")), AccessAction::kAllow);
  EXPECT_EQ(c.acl.Lookup(Ep("::ffff:203.0.113.5")), AccessAction::kAllow);
}

TEST(ConfigOptionsTest, ForwardZones) {
  std::vector<std::string> warnings;
  Config c = MustParse(R"(
forward-zone:
  name: "."
  forward-addr: 192.0.2.1
  forward-addr: 2001:db8::53@5353
  forward-first: yes
forward-zone:
  name: Corp.Example
  forward-addr: 198.51.100.7
  forward-bootstrap: yes
)",
                       &warnings);
  EXPECT_THAT(warnings, IsEmpty());
  ASSERT_EQ(c.forward_zones.size(), 2u);
  EXPECT_EQ(c.forward_zones[0].name, ".");
  EXPECT_THAT(c.forward_zones[0].addrs, ElementsAre(Ep("192.0.2.1@53"), Ep("2001:db8::53@5353")));
  EXPECT_TRUE(c.forward_zones[0].forward_first);
  EXPECT_EQ(c.forward_zones[1].name, "corp.example.");
  EXPECT_THAT(c.forward_zones[1].addrs, ElementsAre(Ep("198.51.100.7@53")));
  EXPECT_FALSE(c.forward_zones[1].forward_first);
  EXPECT_FALSE(c.forward_zones[0].forward_bootstrap);  // by default the relays never see them
  EXPECT_TRUE(c.forward_zones[1].forward_bootstrap);
}

TEST(ConfigOptionsTest, ForwardAddrPortIgnoresServerPort) {
  Config c = MustParse("server:\n port: 5353\nforward-zone:\n name: .\n forward-addr: 192.0.2.1\n");
  EXPECT_THAT(c.forward_zones[0].addrs, ElementsAre(Ep("192.0.2.1@53")));
}

TEST(ConfigOptionsTest, StubZones) {
  Config c = MustParse(R"(
stub-zone:
  name: example.org.
  stub-addr: 192.0.2.10
  stub-addr: 2001:db8::10@5300
  stub-host: NS1.Example.org
  stub-first: yes
  stub-prime: yes
  stub-bootstrap: yes
stub-zone:
  name: 10.in-addr.arpa
  stub-host: ns.internal
)");
  ASSERT_EQ(c.stub_zones.size(), 2u);
  const StubZone& a = c.stub_zones[0];
  EXPECT_EQ(a.name, "example.org.");
  EXPECT_THAT(a.addrs, ElementsAre(Ep("192.0.2.10@53"), Ep("2001:db8::10@5300")));
  EXPECT_THAT(a.hosts, ElementsAre("ns1.example.org."));
  EXPECT_TRUE(a.stub_first);
  EXPECT_TRUE(a.stub_prime);
  EXPECT_TRUE(a.stub_bootstrap);
  const StubZone& b = c.stub_zones[1];
  EXPECT_EQ(b.name, "10.in-addr.arpa.");
  EXPECT_THAT(b.addrs, IsEmpty());
  EXPECT_THAT(b.hosts, ElementsAre("ns.internal."));
  EXPECT_FALSE(b.stub_first);
  EXPECT_FALSE(b.stub_prime);
  EXPECT_FALSE(b.stub_bootstrap);
}

TEST(ConfigOptionsTest, ServerClauseCanResumeAfterZones) {
  Config c = MustParse(
      "server:\n verbosity: 2\nforward-zone:\n name: a\n forward-addr: 192.0.2.1\n"
      "server:\n num-threads: 2\n");
  EXPECT_EQ(c.verbosity, 2);
  EXPECT_EQ(c.num_threads, 2);
  EXPECT_EQ(c.forward_zones.size(), 1u);
}

TEST(ConfigOptionsTest, WindowsLineEndings) {
  Config c = MustParse("server:\r\n  port: 5353\r\n  logfile: \"x.log\"\r\n");
  EXPECT_EQ(c.port, 5353);
  EXPECT_EQ(c.logfile, "x.log");
}

TEST(ConfigOptionsTest, CommentsEverywhere) {
  Config c = MustParse(R"(# rebound config
server:   # main clause
	# tab-indented comment
	port: 5353 # trailing comment
	logfile: "/tmp/a#b.log"   # hash inside quotes is kept
)");
  EXPECT_EQ(c.port, 5353);
  EXPECT_EQ(c.logfile, "/tmp/a#b.log");
}

// Uncomments the commented-out clause that starts with `clause_line` in the example file, up to
// the next line that is a bare "#".
std::string Uncomment(const std::string& text, const std::string& clause_line) {
  std::string out;
  bool inside = false;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    if (line == clause_line) inside = true;
    if (line == "#") inside = false;
    if (inside && absl::StartsWith(line, "# ")) line.remove_prefix(2);
    absl::StrAppend(&out, line, "\n");
  }
  return out;
}

TEST(ConfigOptionsTest, ShippedExampleIsTheDefaults) {
  std::vector<std::string> warnings;
  absl::StatusOr<Config> config = LoadConfigFile(REBOUND_SOURCE_DIR "/etc/rebound.conf", &warnings);
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_THAT(warnings, IsEmpty());
  // Everything but the control channel, which the example turns on for rebound-control.
  EXPECT_TRUE(config->remote_control.enable);
  EXPECT_THAT(config->remote_control.Interfaces(), ElementsAre(kDefaultControlSocket));
  config->remote_control = RemoteControlConfig{};
  EXPECT_EQ(*config, DefaultConfig());
}

TEST(ConfigOptionsTest, ShippedExampleZonesWorkWhenUncommented) {
  std::ifstream in(REBOUND_SOURCE_DIR "/etc/rebound.conf");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ASSERT_FALSE(text.empty());
  std::string edited = Uncomment(Uncomment(text, "# forward-zone:"), "# stub-zone:");
  std::vector<std::string> warnings;
  Config c = MustParse(edited, &warnings);
  EXPECT_THAT(warnings, IsEmpty());
  ASSERT_EQ(c.forward_zones.size(), 1u);
  EXPECT_EQ(c.forward_zones[0].name, ".");
  EXPECT_EQ(c.forward_zones[0].addrs.size(), 2u);
  ASSERT_EQ(c.stub_zones.size(), 1u);
  EXPECT_EQ(c.stub_zones[0].name, "internal.example.");
}

TEST(ConfigOptionsTest, ShippedExampleDnstapWorksWhenUncommented) {
  std::ifstream in(REBOUND_SOURCE_DIR "/etc/rebound.conf");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<std::string> warnings;
  Config c = MustParse(Uncomment(text, "# dnstap:"), &warnings);
  EXPECT_THAT(warnings, IsEmpty());
  EXPECT_TRUE(c.dnstap.enable);
  EXPECT_EQ(c.dnstap.socket_path, "/run/rebound/dnstap.sock");
  EXPECT_TRUE(c.dnstap.log_client_query);
  EXPECT_TRUE(c.dnstap.log_client_response);
  EXPECT_FALSE(c.dnstap.log_resolver_query);
}

}  // namespace
}  // namespace rebound
