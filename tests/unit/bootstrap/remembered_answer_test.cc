// Remembered relay answers at a warm start (issue 15 item 7): the TTL they have left, never
// more than bootstrap-max-ttl as configured now, even if it was higher when they were saved.
#include "bootstrap/remembered_answer.h"

#include <gtest/gtest.h>

#include <vector>

namespace rebound {
namespace {

PersistedAnswer Remembered(absl::Time expires, uint32_t ttl) {
  LdnsPktPtr pkt(ldns_pkt_query_new(ldns_dname_new_frm_str("www.example."), LDNS_RR_TYPE_A,
                                    LDNS_RR_CLASS_IN, LDNS_RD));
  ldns_pkt_set_qr(pkt.get(), true);
  ldns_rr* rr = nullptr;
  EXPECT_EQ(ldns_rr_new_frm_str(&rr, "www.example. 300 IN A 192.0.2.1", 0, nullptr, nullptr),
            LDNS_STATUS_OK);
  ldns_rr_set_ttl(rr, ttl);
  ldns_pkt_push_rr(pkt.get(), LDNS_SECTION_ANSWER, rr);
  uint8_t* wire = nullptr;
  size_t size = 0;
  EXPECT_EQ(ldns_pkt2wire(&wire, pkt.get(), &size), LDNS_STATUS_OK);
  PersistedAnswer answer{.qname = "www.example.",
                         .qtype = LDNS_RR_TYPE_A,
                         .expires = expires,
                         .wire = std::vector<uint8_t>(wire, wire + size)};
  LDNS_FREE(wire);
  return answer;
}

uint32_t OnlyTtl(const LdnsRrListPtr& records) {
  EXPECT_EQ(ldns_rr_list_rr_count(records.get()), 1u);
  return ldns_rr_list_rr_count(records.get()) == 1 ? ldns_rr_ttl(ldns_rr_list_rr(records.get(), 0))
                                                   : 0;
}

TEST(RememberedAnswerTest, KeepsTheTimeItHasLeft) {
  const absl::Time now = absl::FromUnixSeconds(1'000'000);
  EXPECT_EQ(OnlyTtl(RememberedAnswerRecords(Remembered(now + absl::Seconds(250), 300), now, 300)),
            250u);
  EXPECT_EQ(OnlyTtl(RememberedAnswerRecords(Remembered(now + absl::Seconds(250), 100), now, 300)),
            100u);
}

TEST(RememberedAnswerTest, ABootstrapMaxTtlLoweredSinceApplies) {
  const absl::Time now = absl::FromUnixSeconds(1'000'000);
  // Saved by a run with bootstrap-max-ttl: 3600; this run has 60.
  EXPECT_EQ(OnlyTtl(RememberedAnswerRecords(Remembered(now + absl::Seconds(3000), 3600), now, 60)),
            60u);
}

TEST(RememberedAnswerTest, AnExpiredOrUnreadableAnswerGivesNothing) {
  const absl::Time now = absl::FromUnixSeconds(1'000'000);
  EXPECT_EQ(ldns_rr_list_rr_count(RememberedAnswerRecords(Remembered(now, 300), now, 300).get()),
            0u);
  EXPECT_EQ(ldns_rr_list_rr_count(
                RememberedAnswerRecords(Remembered(now - absl::Hours(1), 300), now, 300).get()),
            0u);
  PersistedAnswer garbage = Remembered(now + absl::Seconds(100), 300);
  garbage.wire.resize(5);
  EXPECT_EQ(ldns_rr_list_rr_count(RememberedAnswerRecords(garbage, now, 300).get()), 0u);
}

}  // namespace
}  // namespace rebound
