// The hierarchy's own tests share this fixture: direct queries to each NSD
// (hierarchy_test.cc) and resolution through the reference unbound
// (hierarchy_resolution_test.cc), so that tests of rebound built on it can trust what it serves.
#ifndef REBOUND_TESTS_INTEGRATION_HIERARCHY_TEST_H_
#define REBOUND_TESTS_INTEGRATION_HIERARCHY_TEST_H_

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <ldns/ldns.h>

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "tests/integration/fixture/dns_client.h"
#include "tests/integration/fixture/hierarchy_test_base.h"

namespace rebound::integration {

class HierarchyTest : public HierarchyTestBase {
 protected:
  // Through the reference unbound (recursion desired).
  static absl::StatusOr<LdnsPktPtr> Resolve(absl::string_view name, ldns_rr_type type,
                                            QueryOptions options = {}) {
    return Query(ReferenceResolverEndpoint(), name, type, options);
  }
  // Straight to one NSD, no recursion.
  static absl::StatusOr<LdnsPktPtr> Ask(absl::string_view server, absl::string_view name,
                                        ldns_rr_type type, QueryOptions options = {}) {
    options.rd = false;
    return Query(EndpointAt(server), name, type, options);
  }
};

inline std::string S(absl::string_view v) { return std::string(v); }

// TTLs of the records of `type` in `section`.
inline std::vector<uint32_t> Ttls(const ldns_pkt* pkt, ldns_pkt_section section,
                                  ldns_rr_type type) {
  std::vector<uint32_t> out;
  const ldns_rr_list* list = section == LDNS_SECTION_ANSWER      ? ldns_pkt_answer(pkt)
                             : section == LDNS_SECTION_AUTHORITY ? ldns_pkt_authority(pkt)
                                                                 : ldns_pkt_additional(pkt);
  for (size_t i = 0; i < ldns_rr_list_rr_count(list); ++i) {
    const ldns_rr* rr = ldns_rr_list_rr(list, i);
    if (ldns_rr_get_type(rr) == type) out.push_back(ldns_rr_ttl(rr));
  }
  return out;
}

// A negative answer: `rcode`, empty answer section, the zone's SOA in the authority section.
inline void ExpectNegative(const ldns_pkt* p, ldns_pkt_rcode rcode, absl::string_view zone) {
  EXPECT_EQ(ldns_pkt_get_rcode(p), rcode) << PacketToString(p);
  EXPECT_EQ(ldns_pkt_ancount(p), 0) << PacketToString(p);
  EXPECT_THAT(RdataStrings(p, LDNS_SECTION_AUTHORITY, LDNS_RR_TYPE_SOA, zone), ::testing::SizeIs(1))
      << PacketToString(p);
}

}  // namespace rebound::integration

#endif  // REBOUND_TESTS_INTEGRATION_HIERARCHY_TEST_H_
