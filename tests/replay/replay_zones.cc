#include "tests/replay/replay_zones.h"

namespace rebound::replay {
namespace {

void AddRootAndTlds(FakeInternet& internet) {
  internet.AddZone(".", {kRootServer},
                   {
                       ". 86400 IN SOA a.root.test. nstld.root.test. 1 1800 900 604800 86400",
                       ". 518400 IN NS a.root.test.",
                       "a.root.test. 518400 IN A 192.0.2.1",
                       "test. 172800 IN NS ns1.test.",
                       "ns1.test. 172800 IN A 192.0.2.10",
                       "example. 172800 IN NS ns1.example.",
                       "ns1.example. 172800 IN A 192.0.2.12",
                       "arpa. 172800 IN NS ns1.arpa.",
                       "ns1.arpa. 172800 IN A 192.0.2.60",
                   });
  internet.AddZone("test.", {kTestServer},
                   {
                       "test. 86400 IN SOA ns1.test. hostmaster.test. 1 7200 900 1209600 3600",
                       "test. 86400 IN NS ns1.test.",
                       "ns1.test. 86400 IN A 192.0.2.10",
                       "a.root.test. 86400 IN A 192.0.2.1",
                       "example.test. 86400 IN NS ns1.example.test.",
                       "ns1.example.test. 86400 IN A 192.0.2.20",
                       "other.test. 86400 IN NS ns1.other.test.",
                       "ns1.other.test. 86400 IN A 192.0.2.30",
                       "failover.test. 86400 IN NS ns1.failover.test.",
                       "failover.test. 86400 IN NS ns2.failover.test.",
                       "ns1.failover.test. 86400 IN A 192.0.2.70",
                       "ns2.failover.test. 86400 IN A 192.0.2.71",
                       "child.test. 86400 IN NS ns1.child.test.",
                       "ns1.child.test. 86400 IN A 192.0.2.40",
                       "ns1.child.test. 86400 IN A 192.0.2.99",
                       // Its server's name is in another TLD: the referral comes without glue.
                       "glueless.test. 86400 IN NS ns1.hoster.example.",
                       // The child's own address for its server lives shorter than the NS RRset.
                       "lost.test. 86400 IN NS ns1.lost.test.",
                       "ns1.lost.test. 86400 IN A 192.0.2.43",
                       // The child's own address for its server is not the glue's, and wrong.
                       "moved.test. 86400 IN NS ns1.moved.test.",
                       "ns1.moved.test. 86400 IN A 192.0.2.44",
                       // A glue cycle with cyclic.example.: each names the other's server, whose
                       // address only the other zone has (harden_glue_replay_test.cc).
                       "cyclic.test. 86400 IN NS ns1.cyclic.example.",
                   });
  internet.AddZone("example.", {kExampleTldServer},
                   {
                       "example. 86400 IN SOA ns1.example. hostmaster.example. 1 7200 900 "
                       "1209600 3600",
                       "example. 86400 IN NS ns1.example.",
                       "ns1.example. 86400 IN A 192.0.2.12",
                       "hoster.example. 86400 IN NS ns1.hoster.example.",
                       "ns1.hoster.example. 86400 IN A 192.0.2.50",
                       "cyclic.example. 86400 IN NS ns1.cyclic.test.",
                   });
  internet.AddZone("arpa.", {kArpaServer},
                   {
                       "arpa. 86400 IN SOA ns1.arpa. hostmaster.arpa. 1 7200 900 1209600 3600",
                       "arpa. 86400 IN NS ns1.arpa.",
                       "ns1.arpa. 86400 IN A 192.0.2.60",
                       "8.7.6.5.in-addr.arpa. 3600 IN PTR v4.example.test.",
                   });
}

void AddExampleTest(FakeInternet& internet) {
  internet.AddZone(
      "example.test.", {kExampleServer},
      {
          "example.test. 3600 IN SOA ns1.example.test. hostmaster.example.test. 1 7200 900 "
          "1209600 300",
          "example.test. 3600 IN NS ns1.example.test.",
          "ns1.example.test. 3600 IN A 192.0.2.20",
          "www.example.test. 300 IN A 203.0.113.10",
          "www.example.test. 300 IN A 203.0.113.11",
          // A CNAME within the zone, and one to another zone.
          "alias.example.test. 600 IN CNAME www.example.test.",
          "away.example.test. 600 IN CNAME www.other.test.",
          // Several RRsets at one name, for ANY (RFC 8482).
          "multi.example.test. 300 IN A 203.0.113.20",
          "multi.example.test. 300 IN AAAA 2001:db8::20",
          "multi.example.test. 300 IN MX 10 mail.example.test.",
          "multi.example.test. 300 IN TXT \"several rrsets\"",
          // c.example.test. and b.c.example.test. are empty non-terminals.
          "a.b.c.example.test. 300 IN TXT \"deep\"",
          // For DNS64: global IPv4 only, and dual-stack.
          "v4.example.test. 300 IN A 5.6.7.8",
          "dual.example.test. 300 IN A 5.6.7.9",
          "dual.example.test. 300 IN AAAA 2001:db8::9",
      });
  internet.AddZone("other.test.", {kOtherServer},
                   {
                       "other.test. 3600 IN SOA ns1.other.test. hostmaster.other.test. 1 7200 900 "
                       "1209600 300",
                       "other.test. 3600 IN NS ns1.other.test.",
                       "ns1.other.test. 3600 IN A 192.0.2.30",
                       "www.other.test. 300 IN A 203.0.113.30",
                   });
}

void AddDelegationCases(FakeInternet& internet) {
  internet.AddZone("failover.test.", {kFailoverServer1, kFailoverServer2},
                   {
                       "failover.test. 3600 IN SOA ns1.failover.test. hostmaster.failover.test. "
                       "1 7200 900 1209600 300",
                       "failover.test. 3600 IN NS ns1.failover.test.",
                       "failover.test. 3600 IN NS ns2.failover.test.",
                       "ns1.failover.test. 3600 IN A 192.0.2.70",
                       "ns2.failover.test. 3600 IN A 192.0.2.71",
                       "www.failover.test. 300 IN A 203.0.113.70",
                   });
  // The child's own word on ns1.child.test.: one address, not the two of the parent's glue.
  internet.AddZone("child.test.", {kChildServer},
                   {
                       "child.test. 3600 IN SOA ns1.child.test. hostmaster.child.test. 1 7200 900 "
                       "1209600 300",
                       "child.test. 3600 IN NS ns1.child.test.",
                       "ns1.child.test. 3600 IN A 192.0.2.40",
                       "www.child.test. 300 IN A 203.0.113.40",
                   });
  internet.AddZone("hoster.example.", {kHosterServer},
                   {
                       "hoster.example. 3600 IN SOA ns1.hoster.example. hostmaster.hoster.example. "
                       "1 7200 900 1209600 300",
                       "hoster.example. 3600 IN NS ns1.hoster.example.",
                       "ns1.hoster.example. 3600 IN A 192.0.2.50",
                   });
  internet.AddZone("lost.test.", {kLostServer},
                   {
                       "lost.test. 3600 IN SOA ns1.lost.test. hostmaster.lost.test. 1 7200 900 "
                       "1209600 300",
                       "lost.test. 3600 IN NS ns1.lost.test.",
                       "ns1.lost.test. 60 IN A 192.0.2.43",
                       "www.lost.test. 300 IN A 203.0.113.43",
                   });
  internet.AddZone("moved.test.", {kMovedServer},
                   {
                       "moved.test. 3600 IN SOA ns1.moved.test. hostmaster.moved.test. 1 7200 "
                       "900 1209600 300",
                       "moved.test. 3600 IN NS ns1.moved.test.",
                       "ns1.moved.test. 3600 IN A 192.0.2.98",
                       "www.moved.test. 300 IN A 203.0.113.44",
                   });
  internet.AddZone("cyclic.test.", {kCyclicServer},
                   {
                       "cyclic.test. 3600 IN SOA ns1.cyclic.example. hostmaster.cyclic.test. 1 "
                       "7200 900 1209600 300",
                       "cyclic.test. 3600 IN NS ns1.cyclic.example.",
                       "www.cyclic.test. 300 IN A 203.0.113.45",
                   });
  internet.AddZone("cyclic.example.", {kCyclicServer},
                   {
                       "cyclic.example. 3600 IN SOA ns1.cyclic.test. hostmaster.cyclic.example. "
                       "1 7200 900 1209600 300",
                       "cyclic.example. 3600 IN NS ns1.cyclic.test.",
                       "ns1.cyclic.example. 3600 IN A 192.0.2.45",
                   });
  internet.AddZone("glueless.test.", {kHosterServer},
                   {
                       "glueless.test. 3600 IN SOA ns1.hoster.example. hostmaster.hoster.example. "
                       "1 7200 900 1209600 300",
                       "glueless.test. 3600 IN NS ns1.hoster.example.",
                       "www.glueless.test. 300 IN A 203.0.113.50",
                   });
}

}  // namespace

FakeInternet StandardInternet() {
  FakeInternet internet;
  AddRootAndTlds(internet);
  AddExampleTest(internet);
  AddDelegationCases(internet);
  return internet;
}

}  // namespace rebound::replay
