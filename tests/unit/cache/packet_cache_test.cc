#include "resolver/cache/packet_cache.h"

#include <cstring>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/unit/cache/test_records.h"

namespace rebound {
namespace {

using ::rebound::testing::Rr;
using ::rebound::testing::Texts;
using ::testing::ElementsAre;

constexpr uint8_t kRd = PacketCacheKey::kRd;
constexpr char kSoa[] =
    "example.com. 3600 IN SOA ns1.example.com. host.example.com. 7 3600 600 86400 300";

struct ResponseSpec {
  std::string qname = "www.example.com.";
  ldns_rr_type qtype = LDNS_RR_TYPE_A;
  std::vector<std::string> answer = {};
  std::vector<std::string> authority = {};
  ldns_pkt_rcode rcode = LDNS_RCODE_NOERROR;
  bool tc = false;
  uint16_t edns_size = 0;  // 0: no OPT
  bool edns_do = false;
};

// A response as a server renders it (ldns compresses names against the question).
std::vector<uint8_t> Response(const ResponseSpec& spec) {
  LdnsPktPtr pkt(ldns_pkt_query_new(ldns_dname_new_frm_str(spec.qname.c_str()), spec.qtype,
                                    LDNS_RR_CLASS_IN, LDNS_RD));
  ldns_pkt_set_id(pkt.get(), 0x1111);
  ldns_pkt_set_qr(pkt.get(), true);
  ldns_pkt_set_ra(pkt.get(), true);
  ldns_pkt_set_tc(pkt.get(), spec.tc);
  ldns_pkt_set_rcode(pkt.get(), spec.rcode);
  for (const std::string& text : spec.answer) {
    ldns_pkt_push_rr(pkt.get(), LDNS_SECTION_ANSWER, Rr(text).release());
  }
  for (const std::string& text : spec.authority) {
    ldns_pkt_push_rr(pkt.get(), LDNS_SECTION_AUTHORITY, Rr(text).release());
  }
  if (spec.edns_size != 0) {
    ldns_pkt_set_edns_udp_size(pkt.get(), spec.edns_size);
    ldns_pkt_set_edns_do(pkt.get(), spec.edns_do);
  }
  uint8_t* wire = nullptr;
  size_t size = 0;
  EXPECT_EQ(ldns_pkt2wire(&wire, pkt.get(), &size), LDNS_STATUS_OK);
  std::vector<uint8_t> out(wire, wire + size);
  free(wire);
  return out;
}

std::vector<uint8_t> NameWire(const std::string& text) {
  LdnsRdfPtr name(ldns_dname_new_frm_str(text.c_str()));
  return std::vector<uint8_t>(ldns_rdf_data(name.get()),
                              ldns_rdf_data(name.get()) + ldns_rdf_size(name.get()));
}

PacketCacheKey Key(const std::string& qname, uint16_t qtype = LDNS_RR_TYPE_A, uint8_t flags = kRd,
                   uint16_t qclass = LDNS_RR_CLASS_IN) {
  return PacketCacheKey(NameWire(qname), qtype, qclass, flags);
}

LdnsPktPtr Parse(const std::vector<uint8_t>& wire) {
  ldns_pkt* pkt = nullptr;
  EXPECT_EQ(ldns_wire2pkt(&pkt, wire.data(), wire.size()), LDNS_STATUS_OK);
  return LdnsPktPtr(pkt);
}

class PacketCacheTest : public ::testing::Test {
 protected:
  // The cached response for `qname` (as the client wrote it) under `key`, or empty on a miss.
  std::vector<uint8_t> Get(const PacketCacheKey& key, const std::string& qname, uint16_t id = 7,
                           size_t max_size = 65535) {
    std::vector<uint8_t> out(65535);
    const size_t size = cache_.Lookup(key, id, NameWire(qname), max_size, out);
    out.resize(size);
    return out;
  }
  bool Has(const PacketCacheKey& key, const std::string& qname = "www.example.com.") {
    return !Get(key, qname).empty();
  }

  FakeClock clock_;
  PacketCache cache_{PacketCacheOptions{}, &clock_};
};

TEST_F(PacketCacheTest, HitIsTheStoredResponse) {
  const std::vector<uint8_t> response =
      Response({.answer = {"www.example.com. 300 IN A 192.0.2.1"}});
  ASSERT_TRUE(cache_.Insert(Key("www.example.com."), response));
  std::vector<uint8_t> hit = Get(Key("www.example.com."), "www.example.com.", 0x1111);
  EXPECT_EQ(hit, response);
  EXPECT_EQ(cache_.entries(), 1u);
}

TEST_F(PacketCacheTest, EveryPartOfTheKeyKeepsResponsesApart) {
  const std::vector<uint8_t> response =
      Response({.answer = {"www.example.com. 300 IN A 192.0.2.1"}});
  const PacketCacheKey stored = Key("www.example.com.", LDNS_RR_TYPE_A, kRd);
  ASSERT_TRUE(cache_.Insert(stored, response));
  EXPECT_TRUE(Has(stored));
  EXPECT_FALSE(Has(Key("ftp.example.com."), "ftp.example.com."));
  EXPECT_FALSE(Has(Key("www.example.com.", LDNS_RR_TYPE_AAAA)));
  EXPECT_FALSE(Has(Key("www.example.com.", LDNS_RR_TYPE_A, kRd, LDNS_RR_CLASS_CH)));
  for (uint8_t flag :
       {PacketCacheKey::kCd, PacketCacheKey::kDo, PacketCacheKey::kEdns, PacketCacheKey::kDns64}) {
    SCOPED_TRACE(static_cast<int>(flag));
    EXPECT_FALSE(Has(Key("www.example.com.", LDNS_RR_TYPE_A, kRd | flag)));
  }
  EXPECT_FALSE(Has(Key("www.example.com.", LDNS_RR_TYPE_A, 0)));  // RD clear
  // A response stored under each flag is found under that flag alone.
  for (uint8_t flags : {uint8_t{0}, uint8_t{kRd | PacketCacheKey::kDns64}}) {
    ASSERT_TRUE(cache_.Insert(Key("www.example.com.", LDNS_RR_TYPE_A, flags), response));
    EXPECT_TRUE(Has(Key("www.example.com.", LDNS_RR_TYPE_A, flags)));
  }
  EXPECT_EQ(cache_.entries(), 3u);
}

TEST_F(PacketCacheTest, NameIsMatchedWithoutCaseAndTheQueryCaseAndIdAreSentBack) {
  ASSERT_TRUE(cache_.Insert(Key("www.example.com."),
                            Response({.answer = {"www.example.com. 300 IN A 192.0.2.1"}})));
  // The key lowercases, so a 0x20 query finds the entry.
  const std::string mixed = "wWw.ExaMPle.COM.";
  std::vector<uint8_t> hit = Get(Key(mixed), mixed, 0xbeef);
  ASSERT_FALSE(hit.empty());
  LdnsPktPtr pkt = Parse(hit);
  EXPECT_EQ(ldns_pkt_id(pkt.get()), 0xbeef);
  char* question = ldns_rdf2str(ldns_rr_owner(ldns_rr_list_rr(ldns_pkt_question(pkt.get()), 0)));
  EXPECT_STREQ(question, mixed.c_str());
  free(question);
  // The answer's owner is a pointer to the question, so it follows the question's case, as it
  // does in a freshly rendered response.
  char* owner = ldns_rdf2str(ldns_rr_owner(ldns_rr_list_rr(ldns_pkt_answer(pkt.get()), 0)));
  EXPECT_STREQ(owner, mixed.c_str());
  free(owner);
}

TEST_F(PacketCacheTest, TtlsCountDownWithAgeRoundedUp) {
  ASSERT_TRUE(cache_.Insert(Key("www.example.com."),
                            Response({.answer = {"www.example.com. 600 IN CNAME web.example.com.",
                                                 "web.example.com. 300 IN A 192.0.2.1"},
                                      .authority = {"example.com. 900 IN NS ns1.example.com."},
                                      .edns_size = 1232,
                                      .edns_do = true})));
  clock_.Advance(absl::Milliseconds(10'500));
  std::vector<uint8_t> hit = Get(Key("www.example.com."), "www.example.com.");
  ASSERT_FALSE(hit.empty());
  LdnsPktPtr pkt = Parse(hit);
  EXPECT_THAT(Texts(ldns_pkt_answer(pkt.get())),
              ElementsAre("www.example.com.\t589\tIN\tCNAME\tweb.example.com.",
                          "web.example.com.\t289\tIN\tA\t192.0.2.1"));
  EXPECT_THAT(Texts(ldns_pkt_authority(pkt.get())),
              ElementsAre("example.com.\t889\tIN\tNS\tns1.example.com."));
  // The OPT's TTL field is flags, not a time: untouched.
  EXPECT_EQ(ldns_pkt_edns_udp_size(pkt.get()), 1232);
  EXPECT_TRUE(ldns_pkt_edns_do(pkt.get()));
  EXPECT_EQ(ldns_pkt_edns_extended_rcode(pkt.get()), 0);
  EXPECT_EQ(ldns_pkt_edns_version(pkt.get()), 0);
}

TEST_F(PacketCacheTest, EntryExpiresWhenItsSmallestTtlReachesZero) {
  ASSERT_TRUE(cache_.Insert(Key("www.example.com."),
                            Response({.answer = {"www.example.com. 600 IN CNAME web.example.com.",
                                                 "web.example.com. 300 IN A 192.0.2.1"}})));
  clock_.Advance(absl::Seconds(299));
  std::vector<uint8_t> last = Get(Key("www.example.com."), "www.example.com.");
  ASSERT_FALSE(last.empty());
  EXPECT_THAT(Texts(ldns_pkt_answer(Parse(last).get())),
              ElementsAre("www.example.com.\t301\tIN\tCNAME\tweb.example.com.",
                          "web.example.com.\t1\tIN\tA\t192.0.2.1"));
  // Any fraction of the last second would make the A record's TTL 0: a miss.
  clock_.Advance(absl::Milliseconds(1));
  EXPECT_FALSE(Has(Key("www.example.com.")));
  clock_.Advance(absl::Seconds(1));
  EXPECT_FALSE(Has(Key("www.example.com.")));
  EXPECT_EQ(cache_.entries(), 0u);  // removed by the lookup that found it expired
}

TEST_F(PacketCacheTest, LifetimeIsCappedByMaxTtl) {
  PacketCache cache(PacketCacheOptions{.max_ttl = 60}, &clock_);
  ASSERT_TRUE(cache.Insert(Key("www.example.com."),
                           Response({.answer = {"www.example.com. 3000 IN A 192.0.2.1"}})));
  std::vector<uint8_t> out(512);
  clock_.Advance(absl::Seconds(59));
  EXPECT_GT(cache.Lookup(Key("www.example.com."), 1, NameWire("www.example.com."), 512, out), 0u);
  clock_.Advance(absl::Seconds(1));
  EXPECT_EQ(cache.Lookup(Key("www.example.com."), 1, NameWire("www.example.com."), 512, out), 0u);
}

TEST_F(PacketCacheTest, NegativeAnswerLivesAsLongAsTheSoaMinimum) {
  // RFC 2308 5: min(SOA TTL 3600, MINIMUM 300).
  ASSERT_TRUE(cache_.Insert(
      Key("nx.example.com."),
      Response({.qname = "nx.example.com.", .authority = {kSoa}, .rcode = LDNS_RCODE_NXDOMAIN})));
  clock_.Advance(absl::Seconds(299));
  std::vector<uint8_t> hit = Get(Key("nx.example.com."), "nx.example.com.");
  ASSERT_FALSE(hit.empty());
  LdnsPktPtr pkt = Parse(hit);
  EXPECT_EQ(ldns_pkt_get_rcode(pkt.get()), LDNS_RCODE_NXDOMAIN);
  EXPECT_EQ(ldns_rr_ttl(ldns_rr_list_rr(ldns_pkt_authority(pkt.get()), 0)), 3600u - 299u);
  clock_.Advance(absl::Seconds(1));
  EXPECT_FALSE(Has(Key("nx.example.com."), "nx.example.com."));

  // And cache-max-negative-ttl caps it further.
  PacketCache short_negative(PacketCacheOptions{.max_negative_ttl = 30}, &clock_);
  ASSERT_TRUE(short_negative.Insert(
      Key("nx.example.com."),
      Response({.qname = "nx.example.com.", .authority = {kSoa}, .rcode = LDNS_RCODE_NXDOMAIN})));
  std::vector<uint8_t> out(512);
  clock_.Advance(absl::Seconds(30));
  EXPECT_EQ(short_negative.Lookup(Key("nx.example.com."), 1, NameWire("nx.example.com."), 512, out),
            0u);
}

TEST_F(PacketCacheTest, ResponsesThatMustNotBeReusedAreNotStored) {
  const PacketCacheKey key = Key("www.example.com.");
  const std::vector<std::string> a = {"www.example.com. 300 IN A 192.0.2.1"};
  EXPECT_FALSE(cache_.Insert(key, Response({.answer = a, .rcode = LDNS_RCODE_SERVFAIL})));
  EXPECT_FALSE(cache_.Insert(key, Response({.rcode = LDNS_RCODE_SERVFAIL})));
  EXPECT_FALSE(cache_.Insert(key, Response({.answer = a, .rcode = LDNS_RCODE_REFUSED})));
  EXPECT_FALSE(cache_.Insert(key, Response({.answer = a, .tc = true})));
  // Nothing with a TTL to count down, or a TTL of 0.
  EXPECT_FALSE(cache_.Insert(key, Response({})));
  EXPECT_FALSE(cache_.Insert(key, Response({.answer = {"www.example.com. 0 IN A 192.0.2.1"}})));
  EXPECT_FALSE(cache_.Insert(key, Response({.answer = {"www.example.com. 300 IN A 192.0.2.1",
                                                       "www.example.com. 0 IN A 192.0.2.2"}})));
  // A question other than the key's.
  EXPECT_FALSE(cache_.Insert(key, Response({.qname = "ftp.example.com.", .answer = a})));
  EXPECT_FALSE(cache_.Insert(key, Response({.qtype = LDNS_RR_TYPE_AAAA, .answer = a})));
  // Cut short, or with bytes after the last record.
  std::vector<uint8_t> whole = Response({.answer = a});
  EXPECT_FALSE(cache_.Insert(key, std::vector<uint8_t>(whole.begin(), whole.end() - 1)));
  whole.push_back(0);
  EXPECT_FALSE(cache_.Insert(key, whole));
  EXPECT_EQ(cache_.entries(), 0u);
  EXPECT_FALSE(Has(key));
}

TEST_F(PacketCacheTest, ResponseLargerThanTheClientTakesIsAMiss) {
  std::vector<std::string> many;
  for (int i = 0; i < 40; ++i)
    many.push_back("www.example.com. 300 IN A 192.0.2." + std::to_string(i));
  const std::vector<uint8_t> response = Response({.answer = many});
  ASSERT_GT(response.size(), 512u);
  ASSERT_TRUE(cache_.Insert(Key("www.example.com."), response));
  EXPECT_TRUE(Get(Key("www.example.com."), "www.example.com.", 1, 512).empty());
  EXPECT_EQ(Get(Key("www.example.com."), "www.example.com.", 1, response.size()).size(),
            response.size());
  // Nor does it overrun a buffer smaller than the limit.
  std::vector<uint8_t> small(512);
  EXPECT_EQ(cache_.Lookup(Key("www.example.com."), 1, NameWire("www.example.com."), 65535, small),
            0u);
}

TEST_F(PacketCacheTest, MemoryStaysWithinItsBound) {
  constexpr size_t kMax = 64 * 1024;
  PacketCache cache(PacketCacheOptions{.max_bytes = kMax, .shards = 4}, &clock_);
  for (int i = 0; i < 2000; ++i) {
    const std::string name = "n" + std::to_string(i) + ".example.com.";
    ASSERT_TRUE(cache.Insert(Key(name),
                             Response({.qname = name, .answer = {name + " 300 IN A 192.0.2.1"}})));
    ASSERT_LE(cache.bytes(), kMax);
  }
  EXPECT_LT(cache.entries(), 2000u);
  EXPECT_GT(cache.entries(), 100u);
  // The newest are still there, the oldest are gone.
  std::vector<uint8_t> out(512);
  EXPECT_GT(cache.Lookup(Key("n1999.example.com."), 1, NameWire("n1999.example.com."), 512, out),
            0u);
  EXPECT_EQ(cache.Lookup(Key("n0.example.com."), 1, NameWire("n0.example.com."), 512, out), 0u);
}

TEST_F(PacketCacheTest, NewerResponseReplacesTheOlder) {
  ASSERT_TRUE(cache_.Insert(Key("www.example.com."),
                            Response({.answer = {"www.example.com. 300 IN A 192.0.2.1"}})));
  ASSERT_TRUE(cache_.Insert(Key("www.example.com."),
                            Response({.answer = {"www.example.com. 300 IN A 192.0.2.2"}})));
  EXPECT_THAT(Texts(ldns_pkt_answer(Parse(Get(Key("www.example.com."), "www.example.com.")).get())),
              ElementsAre("www.example.com.\t300\tIN\tA\t192.0.2.2"));
  EXPECT_EQ(cache_.entries(), 1u);
}

TEST(PacketCacheKeyTest, OverlongNameMakesAKeyThatIsNeverUsed) {
  std::vector<uint8_t> name(256, 1);
  PacketCacheKey key(name, LDNS_RR_TYPE_A, LDNS_RR_CLASS_IN, kRd);
  EXPECT_FALSE(key.valid());
  FakeClock clock;
  PacketCache cache(PacketCacheOptions{}, &clock);
  EXPECT_FALSE(cache.Insert(key, Response({.answer = {"www.example.com. 300 IN A 192.0.2.1"}})));
}

}  // namespace
}  // namespace rebound
