// The Dns64Stage in a Pipeline, with a stage behind it that plays the cache and the iterator
// from a table of zone data, and the same table behind its A lookups.
#include "dns64/dns64_stage.h"

#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "resolver/core/pipeline.h"

namespace rebound {
namespace {

// (name, type) -> answer records; a missing entry is NODATA, the name "nx." and below NXDOMAIN.
using ZoneData = std::map<std::pair<std::string, ldns_rr_type>, std::vector<std::string>>;

LdnsRrListPtr Records(const std::vector<std::string>& lines) {
  LdnsRrListPtr list(ldns_rr_list_new());
  for (const std::string& line : lines) {
    ldns_rr* rr = nullptr;
    EXPECT_EQ(ldns_rr_new_frm_str(&rr, line.c_str(), 3600, nullptr, nullptr), LDNS_STATUS_OK);
    if (rr != nullptr) ldns_rr_list_push_rr(list.get(), rr);
  }
  return list;
}

std::string NameOf(const ldns_rdf* name) {
  char* text = ldns_rdf2str(name);
  std::string out = text;
  free(text);
  return out;
}

ldns_pkt_rcode Lookup(const ZoneData& data, const std::string& name, ldns_rr_type type,
                      LdnsRrListPtr* answer) {
  auto it = data.find({name, type});
  *answer = Records(it == data.end() ? std::vector<std::string>{} : it->second);
  return name.ends_with("nx.") ? LDNS_RCODE_NXDOMAIN : LDNS_RCODE_NOERROR;
}

// Plays the stages below DNS64 (cache, iterator) from the table. The questions DNS64 asks of
// its own (child requests) are recorded, and with `defer` set they are answered only when the
// test runs what was queued, as an iterator would answer later.
class ZoneStage : public Stage {
 public:
  ZoneStage(const ZoneData* data, std::vector<std::string>* lookups, const bool* defer,
            std::vector<std::function<void()>>* queued)
      : data_(data), lookups_(lookups), defer_(defer), queued_(queued) {}
  StageResult OnQuery(Request& req) override {
    if (!req.child()) {
      req.set_answer(AnswerFor(req));
      return StageResult::kDone;
    }
    lookups_->push_back(NameOf(req.qname()));
    if (!*defer_) {
      req.set_answer(AnswerFor(req));
      return StageResult::kDone;
    }
    queued_->push_back([this, handle = req.handle()] {
      if (Request* r = handle.get()) {
        r->set_answer(AnswerFor(*r));
        handle.Resume(StageResult::kDone);
      }
    });
    return StageResult::kPending;
  }

 private:
  LdnsPktPtr AnswerFor(const Request& req) const {
    LdnsRrListPtr answer;
    LdnsPktPtr pkt(ldns_pkt_new());
    ldns_pkt_set_rcode(pkt.get(), Lookup(*data_, NameOf(req.qname()), req.qtype(), &answer));
    // A negative answer, after a CNAME chain or not, carries the zone's SOA (RFC 2308 3); a
    // positive one nothing else.
    bool has_data = false;
    for (size_t i = 0; i < ldns_rr_list_rr_count(answer.get()); ++i) {
      has_data |= ldns_rr_get_type(ldns_rr_list_rr(answer.get(), i)) == req.qtype();
    }
    if (!has_data) {
      MoveToSection(Records({"test. 3600 IN SOA ns.test. h.test. 1 2 3 4 300"}),
                    LDNS_SECTION_AUTHORITY, pkt.get());
    }
    MoveToSection(std::move(answer), LDNS_SECTION_ANSWER, pkt.get());
    return pkt;
  }

  const ZoneData* data_;
  std::vector<std::string>* lookups_;
  const bool* defer_;
  std::vector<std::function<void()>>* queued_;
};

class Dns64StageTest : public ::testing::Test {
 protected:
  Dns64StageTest() { options_.policy.prefixes = {Nat64Prefix::WellKnown()}; }

  // Asks through [Dns64Stage, ZoneStage]; the stage's own questions are answered at once, or
  // queued until the end of Ask when `deferred_` is set.
  LdnsPktPtr Ask(const char* name, ldns_rr_type type, const char* client = "127.0.0.1",
                 uint16_t flags = LDNS_RD, bool do_bit = false) {
    Dns64Stage stage(options_);
    ZoneStage zone(&data_, &lookups_, &deferred_, &queued_);
    Pipeline pipeline({&stage, &zone});
    LdnsPktPtr q(ldns_pkt_query_new(ldns_dname_new_frm_str(name), type, LDNS_RR_CLASS_IN, flags));
    ldns_pkt_set_edns_do(q.get(), do_bit);
    if (do_bit) ldns_pkt_set_edns_udp_size(q.get(), 1232);
    LdnsPktPtr result;
    ClientInfo info{*Endpoint::Parse(client, 5353)};
    info.dns64_view = dns64_view_;
    pipeline.Submit(std::make_unique<Request>(std::move(q), info, absl::Now()),
                    [&](Request& req) { result = req.TakeAnswer(); });
    for (auto& run : queued_) run();
    queued_.clear();
    return result;
  }

  static std::vector<std::string> Answer(const LdnsPktPtr& pkt) {
    std::vector<std::string> out;
    for (size_t i = 0; i < ldns_pkt_ancount(pkt.get()); ++i) {
      char* text = ldns_rr2str(ldns_rr_list_rr(ldns_pkt_answer(pkt.get()), i));
      std::string line = text;
      free(text);
      line.erase(line.find_last_not_of('\n') + 1);
      out.push_back(line);
    }
    return out;
  }

  Dns64Options options_;
  bool dns64_view_ = true;  // the QueryHandler's decision for the client (ClientInfo)
  ZoneData data_ = {
      {{"v4.test.", LDNS_RR_TYPE_A}, {"v4.test. 3600 IN A 5.6.7.8"}},
      {{"dual.test.", LDNS_RR_TYPE_A}, {"dual.test. 3600 IN A 5.6.7.9"}},
      {{"dual.test.", LDNS_RR_TYPE_AAAA}, {"dual.test. 3600 IN AAAA 2001:db8::9"}},
      {{"alias.test.", LDNS_RR_TYPE_AAAA}, {"alias.test. 3600 IN CNAME v4.test."}},
      {{"8.7.6.5.in-addr.arpa.", LDNS_RR_TYPE_PTR}, {"8.7.6.5.in-addr.arpa. 60 IN PTR v4.test."}},
  };
  bool deferred_ = false;
  std::vector<std::string> lookups_;
  std::vector<std::function<void()>> queued_;
};

TEST_F(Dns64StageTest, NodataAaaaGetsSynthesizedRecordsWithTheSoaTtlCap) {
  EXPECT_EQ(Answer(Ask("v4.test.", LDNS_RR_TYPE_AAAA)),
            std::vector<std::string>{"v4.test.\t300\tIN\tAAAA\t64:ff9b::506:708"});
}

TEST_F(Dns64StageTest, TheLookupMayFinishLater) {
  deferred_ = true;
  EXPECT_EQ(Answer(Ask("v4.test.", LDNS_RR_TYPE_AAAA)),
            std::vector<std::string>{"v4.test.\t300\tIN\tAAAA\t64:ff9b::506:708"});
}

TEST_F(Dns64StageTest, ChainIsKeptAndTheFinalNameSynthesized) {
  EXPECT_EQ(Answer(Ask("alias.test.", LDNS_RR_TYPE_AAAA)),
            (std::vector<std::string>{"alias.test.\t3600\tIN\tCNAME\tv4.test.",
                                      "v4.test.\t300\tIN\tAAAA\t64:ff9b::506:708"}));
  EXPECT_EQ(lookups_, std::vector<std::string>{"v4.test."});
}

TEST_F(Dns64StageTest, RealAaaaAndOtherTypesAreLeftAlone) {
  EXPECT_EQ(Answer(Ask("dual.test.", LDNS_RR_TYPE_AAAA)),
            std::vector<std::string>{"dual.test.\t3600\tIN\tAAAA\t2001:db8::9"});
  EXPECT_EQ(Answer(Ask("v4.test.", LDNS_RR_TYPE_A)).size(), 1u);
  EXPECT_TRUE(lookups_.empty());
}

TEST_F(Dns64StageTest, IgnoredAaaaIsReplaced) {
  options_.ignore_aaaa = {"dual.test."};
  EXPECT_EQ(Answer(Ask("dual.test.", LDNS_RR_TYPE_AAAA)),
            std::vector<std::string>{"dual.test.\t600\tIN\tAAAA\t64:ff9b::506:709"});
}

// unbound.conf(5): dns64-ignore-aaaa "applies also to names underneath the name given" (issue 16:
// rebound matched the exact name only).
TEST_F(Dns64StageTest, IgnoredAaaaCoversTheNamesBelow) {
  options_.ignore_aaaa = {"test."};
  EXPECT_EQ(Answer(Ask("dual.test.", LDNS_RR_TYPE_AAAA)),
            std::vector<std::string>{"dual.test.\t600\tIN\tAAAA\t64:ff9b::506:709"});
}

TEST_F(Dns64StageTest, IgnoredAaaaDoesNotCoverANameThatOnlyEndsTheSame) {
  options_.ignore_aaaa = {"al.test."};
  EXPECT_EQ(Answer(Ask("dual.test.", LDNS_RR_TYPE_AAAA)),
            std::vector<std::string>{"dual.test.\t3600\tIN\tAAAA\t2001:db8::9"});
}

TEST_F(Dns64StageTest, NoARecordsLeavesTheNodata) {
  LdnsPktPtr r = Ask("nothing.test.", LDNS_RR_TYPE_AAAA);
  EXPECT_EQ(ldns_pkt_get_rcode(r.get()), LDNS_RCODE_NOERROR);
  EXPECT_TRUE(Answer(r).empty());
  EXPECT_EQ(ldns_pkt_nscount(r.get()), 1);
}

TEST_F(Dns64StageTest, NxdomainStaysNxdomain) {
  LdnsPktPtr r = Ask("a.nx.", LDNS_RR_TYPE_AAAA);
  EXPECT_EQ(ldns_pkt_get_rcode(r.get()), LDNS_RCODE_NXDOMAIN);
  EXPECT_TRUE(lookups_.empty());
}

// Who is in the view (dns64-clients) is the QueryHandler's to decide, once per query
// (query_handler_test); the stage follows what the request carries.
TEST_F(Dns64StageTest, OnlyClientsInTheDns64ViewGetDns64) {
  dns64_view_ = false;
  EXPECT_TRUE(Answer(Ask("v4.test.", LDNS_RR_TYPE_AAAA, "10.1.2.3")).empty());
  dns64_view_ = true;
  EXPECT_EQ(Answer(Ask("v4.test.", LDNS_RR_TYPE_AAAA, "10.1.2.3")).size(), 1u);
}

TEST_F(Dns64StageTest, DnssecCheckingClientGetsTheRealAnswer) {
  // RFC 6147 5.5: DO and CD together: no synthesis; DO alone: synthesis.
  EXPECT_TRUE(
      Answer(Ask("v4.test.", LDNS_RR_TYPE_AAAA, "127.0.0.1", LDNS_RD | LDNS_CD, true)).empty());
  EXPECT_EQ(Answer(Ask("v4.test.", LDNS_RR_TYPE_AAAA, "127.0.0.1", LDNS_RD, true)).size(), 1u);
}

TEST_F(Dns64StageTest, PtrOfASynthesizedAddressIsTheIpv4Name) {
  const char* ptr = "8.0.7.0.6.0.5.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.b.9.f.f.4.6.0.0.ip6.arpa.";
  EXPECT_EQ(Answer(Ask(ptr, LDNS_RR_TYPE_PTR)),
            (std::vector<std::string>{std::string(ptr) + "\t600\tIN\tCNAME\t8.7.6.5.in-addr.arpa.",
                                      "8.7.6.5.in-addr.arpa.\t60\tIN\tPTR\tv4.test."}));
  // Outside every prefix: resolved as it is.
  const char* other = "8.0.7.0.6.0.5.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa.";
  EXPECT_TRUE(Answer(Ask(other, LDNS_RR_TYPE_PTR)).empty());
  EXPECT_EQ(lookups_, std::vector<std::string>{"8.7.6.5.in-addr.arpa."});
}

TEST_F(Dns64StageTest, Ipv4OnlyArpaIsAnsweredLocally) {
  options_.policy.prefixes.push_back(*Nat64Prefix::Parse("2001:db8:64::/96"));
  EXPECT_EQ(Answer(Ask("ipv4only.arpa.", LDNS_RR_TYPE_AAAA)).size(), 4u);
  EXPECT_EQ(Answer(Ask("IPv4Only.Arpa.", LDNS_RR_TYPE_A)),
            (std::vector<std::string>{"IPv4Only.Arpa.\t86400\tIN\tA\t192.0.0.170",
                                      "IPv4Only.Arpa.\t86400\tIN\tA\t192.0.0.171"}));
  EXPECT_TRUE(lookups_.empty());
}

}  // namespace
}  // namespace rebound
