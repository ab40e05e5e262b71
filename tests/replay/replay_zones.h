// The small internet most replay scenarios resolve in: a root, the TLDs test. and example.,
// and a handful of zones below them, each with the records its scenarios need.
//
//   .               192.0.2.1   (a.root.test.)  delegates test., example., arpa.
//   test.           192.0.2.10  (ns1.test.)     delegates example.test., other.test.,
//                                               failover.test., child.test., glueless.test.
//   example.        192.0.2.12  (ns1.example.)  delegates hoster.example.
//   arpa.           192.0.2.60  (ns1.arpa.)     holds 8.7.6.5.in-addr.arpa. PTR
//   example.test.   192.0.2.20
//   other.test.     192.0.2.30
//   failover.test.  192.0.2.70 and 192.0.2.71 (two servers of one zone)
//   child.test.     192.0.2.40; the parent's glue for ns1.child.test. also lists 192.0.2.99
//   hoster.example. 192.0.2.50, which also serves glueless.test. (delegated without glue)
#ifndef REBOUND_TESTS_REPLAY_REPLAY_ZONES_H_
#define REBOUND_TESTS_REPLAY_REPLAY_ZONES_H_

#include "tests/replay/fake_internet.h"

namespace rebound::replay {

inline constexpr char kRootServer[] = "192.0.2.1";
inline constexpr char kTestServer[] = "192.0.2.10";
inline constexpr char kExampleTldServer[] = "192.0.2.12";
inline constexpr char kExampleServer[] = "192.0.2.20";
inline constexpr char kOtherServer[] = "192.0.2.30";
inline constexpr char kChildServer[] = "192.0.2.40";
// An address the test. zone's glue gives ns1.child.test. that child.test. itself does not list
// (a renumbered server whose old glue was never removed); nothing answers there.
inline constexpr char kStaleGlueAddress[] = "192.0.2.99";
inline constexpr char kHosterServer[] = "192.0.2.50";
// lost.test.'s server; the child says so too, with a TTL of 60 s against the parent's 86400.
inline constexpr char kLostServer[] = "192.0.2.43";
// moved.test.'s server by the parent's glue; the child zone names kMovedChildAddress instead,
// where nothing answers.
inline constexpr char kMovedServer[] = "192.0.2.44";
inline constexpr char kMovedChildAddress[] = "192.0.2.98";
// cyclic.test. and cyclic.example.: each zone's server is named in the other (a glue cycle).
inline constexpr char kCyclicServer[] = "192.0.2.45";
inline constexpr char kArpaServer[] = "192.0.2.60";
inline constexpr char kFailoverServer1[] = "192.0.2.70";
inline constexpr char kFailoverServer2[] = "192.0.2.71";

// example.test.'s SOA in a negative answer: its MINIMUM, 300, is the negative TTL (RFC 2308 5).
inline constexpr char kExampleSoa[] =
    "example.test. 300 IN SOA ns1.example.test. hostmaster.example.test. 1 7200 900 1209600 300";

FakeInternet StandardInternet();

}  // namespace rebound::replay

#endif  // REBOUND_TESTS_REPLAY_REPLAY_ZONES_H_
