// Builders for the records, names and messages the cache tests feed in.
#ifndef REBOUND_TESTS_UNIT_CACHE_TEST_RECORDS_H_
#define REBOUND_TESTS_UNIT_CACHE_TEST_RECORDS_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "resolver/core/request.h"
#include "resolver/wire/ldns_ptr.h"

namespace rebound::testing {

inline LdnsRrPtr Rr(const std::string& text) {
  ldns_rr* rr = nullptr;
  EXPECT_EQ(ldns_rr_new_frm_str(&rr, text.c_str(), 0, nullptr, nullptr), LDNS_STATUS_OK) << text;
  return LdnsRrPtr(rr);
}

inline LdnsRrListPtr RrList(const std::vector<std::string>& texts) {
  LdnsRrListPtr list(ldns_rr_list_new());
  for (const std::string& text : texts) ldns_rr_list_push_rr(list.get(), Rr(text).release());
  return list;
}

inline LdnsRdfPtr Name(const std::string& text) {
  return LdnsRdfPtr(ldns_dname_new_frm_str(text.c_str()));
}

// The record in presentation form, as ldns prints it (tab-separated, no trailing newline).
inline std::string Text(const ldns_rr* rr) {
  char* s = ldns_rr2str(rr);
  std::string text(s);
  free(s);
  while (!text.empty() && text.back() == '\n') text.pop_back();
  return text;
}

inline std::vector<std::string> Texts(const ldns_rr_list* list) {
  std::vector<std::string> texts;
  for (size_t i = 0; i < ldns_rr_list_rr_count(list); ++i) {
    texts.push_back(Text(ldns_rr_list_rr(list, i)));
  }
  return texts;
}

inline std::unique_ptr<Request> MakeRequest(const std::string& qname, ldns_rr_type qtype,
                                            absl::Time now, bool dnssec_ok = false) {
  LdnsPktPtr query(
      ldns_pkt_query_new(ldns_dname_new_frm_str(qname.c_str()), qtype, LDNS_RR_CLASS_IN, LDNS_RD));
  if (dnssec_ok) ldns_pkt_set_edns_do(query.get(), true);
  return std::make_unique<Request>(std::move(query), ClientInfo{}, now);
}

inline LdnsPktPtr MakeAnswer(ldns_pkt_rcode rcode, const std::vector<std::string>& answer,
                             const std::vector<std::string>& authority = {},
                             const std::vector<std::string>& additional = {}) {
  LdnsPktPtr pkt(ldns_pkt_new());
  ldns_pkt_set_qr(pkt.get(), true);
  ldns_pkt_set_rcode(pkt.get(), rcode);
  for (const std::string& t : answer)
    ldns_pkt_push_rr(pkt.get(), LDNS_SECTION_ANSWER, Rr(t).release());
  for (const std::string& t : authority) {
    ldns_pkt_push_rr(pkt.get(), LDNS_SECTION_AUTHORITY, Rr(t).release());
  }
  for (const std::string& t : additional) {
    ldns_pkt_push_rr(pkt.get(), LDNS_SECTION_ADDITIONAL, Rr(t).release());
  }
  return pkt;
}

}  // namespace rebound::testing

#endif  // REBOUND_TESTS_UNIT_CACHE_TEST_RECORDS_H_
