// What of a relay's answer reaches the client and the cache: the question's chain only.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "bootstrap/bootstrap_stage.h"

namespace rebound {
namespace {

LdnsRdfPtr Name(const char* s) { return LdnsRdfPtr(ldns_dname_new_frm_str(s)); }

LdnsPktPtr RelayAnswer(ldns_pkt_rcode rcode, const std::vector<std::string>& answer,
                       const std::vector<std::string>& authority = {},
                       const std::vector<std::string>& additional = {}) {
  LdnsPktPtr pkt(ldns_pkt_new());
  ldns_pkt_set_rcode(pkt.get(), rcode);
  ldns_pkt_set_aa(pkt.get(), true);
  const std::pair<const std::vector<std::string>*, ldns_pkt_section> sections[] = {
      {&answer, LDNS_SECTION_ANSWER},
      {&authority, LDNS_SECTION_AUTHORITY},
      {&additional, LDNS_SECTION_ADDITIONAL}};
  for (const auto& [lines, section] : sections) {
    for (const std::string& line : *lines) {
      ldns_rr* rr = nullptr;
      EXPECT_EQ(ldns_rr_new_frm_str(&rr, line.c_str(), 0, nullptr, nullptr), LDNS_STATUS_OK);
      ldns_pkt_push_rr(pkt.get(), section, rr);
    }
  }
  return pkt;
}

std::vector<std::string> Section(const ldns_pkt& pkt, ldns_pkt_section section) {
  std::vector<std::string> out;
  const ldns_rr_list* list = ldns_pkt_get_section_clone(&pkt, section);
  for (size_t i = 0; i < ldns_rr_list_rr_count(list); ++i) {
    char* text = ldns_rr2str(ldns_rr_list_rr(list, i));
    std::string line = text;
    free(text);
    line.erase(line.find_last_not_of('\n') + 1);
    out.push_back(line);
  }
  ldns_rr_list_deep_free(const_cast<ldns_rr_list*>(list));
  return out;
}

TEST(AnswerFromRelayTest, KeepsTheChainAndItsEndDropsTheRest) {
  LdnsRdfPtr qname = Name("www.example.");
  LdnsPktPtr relay = RelayAnswer(
      LDNS_RCODE_NOERROR,
      {"www.example.\t300\tIN\tCNAME\tedge.cdn.example.", "edge.cdn.example.\t60\tIN\tA\t192.0.2.7",
       // Not on the chain: a record for another name, and another type at the end.
       "bank.example.\t300\tIN\tA\t203.0.113.66", "edge.cdn.example.\t60\tIN\tTXT\t\"x\""},
      {"example.\t300\tIN\tNS\tns.attacker.example."},
      {"ns.attacker.example.\t300\tIN\tA\t203.0.113.67"});
  LdnsPktPtr answer = AnswerFromRelay(*relay, qname.get(), LDNS_RR_TYPE_A);
  EXPECT_EQ(ldns_pkt_get_rcode(answer.get()), LDNS_RCODE_NOERROR);
  EXPECT_FALSE(ldns_pkt_aa(answer.get()));
  EXPECT_EQ(Section(*answer, LDNS_SECTION_ANSWER),
            (std::vector<std::string>{"www.example.\t300\tIN\tCNAME\tedge.cdn.example.",
                                      "edge.cdn.example.\t60\tIN\tA\t192.0.2.7"}));
  EXPECT_TRUE(Section(*answer, LDNS_SECTION_AUTHORITY).empty());
  EXPECT_TRUE(Section(*answer, LDNS_SECTION_ADDITIONAL).empty());
}

TEST(AnswerFromRelayTest, NegativeAnswerKeepsTheSoaOfTheZoneAbove) {
  LdnsRdfPtr qname = Name("nowhere.example.");
  LdnsPktPtr relay = RelayAnswer(LDNS_RCODE_NXDOMAIN, {},
                                 {"other.\t300\tIN\tSOA\tns.other. h.other. 1 2 3 4 5",
                                  "example.\t300\tIN\tSOA\tns.example. h.example. 1 2 3 4 60"});
  LdnsPktPtr answer = AnswerFromRelay(*relay, qname.get(), LDNS_RR_TYPE_A);
  EXPECT_EQ(ldns_pkt_get_rcode(answer.get()), LDNS_RCODE_NXDOMAIN);
  EXPECT_EQ(
      Section(*answer, LDNS_SECTION_AUTHORITY),
      (std::vector<std::string>{"example.\t300\tIN\tSOA\tns.example. h.example. 1 2 3 4 60"}));
}

TEST(AnswerFromRelayTest, ACnameLoopEnds) {
  LdnsRdfPtr qname = Name("a.example.");
  LdnsPktPtr relay = RelayAnswer(LDNS_RCODE_NOERROR, {"a.example. 60 IN CNAME b.example.",
                                                      "b.example. 60 IN CNAME a.example."});
  LdnsPktPtr answer = AnswerFromRelay(*relay, qname.get(), LDNS_RR_TYPE_A);
  EXPECT_EQ(Section(*answer, LDNS_SECTION_ANSWER).size(), 2u);
}

}  // namespace
}  // namespace rebound
