#include "resolver/wire/query_reader.h"

#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "resolver/wire/message_check.h"
#include "tests/unit/wire/test_queries.h"

namespace rebound {
namespace {

using testing::Append;
using testing::BuildQuery;
using testing::EncodeName;
using testing::EncodeOpt;
using testing::QuerySpec;
using testing::SetCount;
using wire::Append16;
using wire::Append32;

constexpr size_t kArcount = 10;
constexpr size_t kAncount = 6;

QueryCheck Read(const std::vector<uint8_t>& packet, QueryView* view) {
  return ReadQuery(std::span<const uint8_t>(packet), view);
}

// A record of a private type (65280) with the given owner bytes and RDATA.
std::vector<uint8_t> Record(const std::vector<uint8_t>& owner, const std::vector<uint8_t>& rdata) {
  std::vector<uint8_t> out = owner;
  Append16(out, 65280);
  Append16(out, 1);
  Append32(out, 300);
  Append16(out, static_cast<uint16_t>(rdata.size()));
  Append(out, rdata);
  return out;
}

std::vector<uint8_t> Pointer(size_t offset) {
  return {static_cast<uint8_t>(0xc0 | (offset >> 8)), static_cast<uint8_t>(offset)};
}

TEST(QueryReaderTest, ReadsPlainQuery) {
  QuerySpec spec;
  spec.id = 0xbeef;
  spec.cd = true;
  spec.qtype = 28;
  const std::vector<uint8_t> packet = BuildQuery(spec);
  QueryView view;
  ASSERT_EQ(Read(packet, &view), QueryCheck::kOk);
  EXPECT_EQ(view.id, 0xbeef);
  EXPECT_EQ(view.opcode, 0);
  EXPECT_FALSE(view.qr);
  EXPECT_TRUE(view.rd);
  EXPECT_TRUE(view.cd);
  EXPECT_FALSE(view.ad);
  EXPECT_EQ(view.qdcount, 1);
  EXPECT_EQ(view.arcount, 0);
  EXPECT_TRUE(view.question_read);
  EXPECT_EQ(view.qname_offset, 12u);
  EXPECT_EQ(view.qtype, 28);
  EXPECT_EQ(view.qclass, 1);
  EXPECT_EQ(view.question_end, packet.size());
  EXPECT_FALSE(view.has_edns);
}

TEST(QueryReaderTest, KeepsQnameCaseForZeroX20) {
  QuerySpec spec;
  spec.qname = "wWw.ExAmPlE.CoM";
  const std::vector<uint8_t> packet = BuildQuery(spec);
  QueryView view;
  ASSERT_EQ(Read(packet, &view), QueryCheck::kOk);
  const std::vector<uint8_t> expected = EncodeName("wWw.ExAmPlE.CoM");
  const std::span<const uint8_t> qname = view.Qname(packet);
  EXPECT_EQ(std::vector<uint8_t>(qname.begin(), qname.end()), expected);
  EXPECT_EQ(view.qname_length, expected.size());
}

TEST(QueryReaderTest, ReadsRootQuestion) {
  QuerySpec spec;
  spec.qname = ".";
  spec.qtype = 2;
  const std::vector<uint8_t> packet = BuildQuery(spec);
  QueryView view;
  ASSERT_EQ(Read(packet, &view), QueryCheck::kOk);
  EXPECT_EQ(view.qname_length, 1u);
}

TEST(QueryReaderTest, ReadsEdnsAndDoBit) {
  QuerySpec spec;
  spec.edns = true;
  spec.udp_size = 1232;
  spec.dnssec_ok = true;
  const std::vector<uint8_t> packet = BuildQuery(spec);
  QueryView view;
  ASSERT_EQ(Read(packet, &view), QueryCheck::kOk);
  EXPECT_TRUE(view.has_edns);
  EXPECT_EQ(view.edns_udp_size, 1232);
  EXPECT_EQ(view.edns_version, 0);
  EXPECT_TRUE(view.edns_do);
  EXPECT_EQ(view.arcount, 1);

  spec.dnssec_ok = false;
  ASSERT_EQ(Read(BuildQuery(spec), &view), QueryCheck::kOk);
  EXPECT_TRUE(view.has_edns);
  EXPECT_FALSE(view.edns_do);
}

TEST(QueryReaderTest, SmallUdpSizeIsReadAs512) {
  QuerySpec spec;
  spec.edns = true;
  spec.udp_size = 100;
  QueryView view;
  ASSERT_EQ(Read(BuildQuery(spec), &view), QueryCheck::kOk);
  EXPECT_EQ(view.edns_udp_size, 512);
}

TEST(QueryReaderTest, AcceptsWellFormedEdnsOptions) {
  std::vector<uint8_t> packet = BuildQuery(QuerySpec{});
  SetCount(packet, kArcount, 1);
  // A client cookie (RFC 7873 4): option 10, 8 octets.
  Append(packet, EncodeOpt(4096, 0, false, {0, 10, 0, 8, 1, 2, 3, 4, 5, 6, 7, 8}));
  QueryView view;
  EXPECT_EQ(Read(packet, &view), QueryCheck::kOk);
  EXPECT_TRUE(view.has_edns);
}

TEST(QueryReaderTest, RejectsMalformedEdnsOptions) {
  std::vector<uint8_t> packet = BuildQuery(QuerySpec{});
  SetCount(packet, kArcount, 1);
  // The option claims 9 octets but the RDATA holds 8.
  Append(packet, EncodeOpt(4096, 0, false, {0, 10, 0, 9, 1, 2, 3, 4, 5, 6, 7, 8}));
  QueryView view;
  EXPECT_EQ(Read(packet, &view), QueryCheck::kFormErr);
}

TEST(QueryReaderTest, EveryPrefixOfAValidQueryIsRefused) {
  for (bool edns : {false, true}) {
    QuerySpec spec;
    spec.edns = edns;
    const std::vector<uint8_t> packet = BuildQuery(spec);
    for (size_t n = 0; n < packet.size(); ++n) {
      const std::vector<uint8_t> prefix(packet.begin(), packet.begin() + n);
      QueryView view;
      const QueryCheck check = Read(prefix, &view);
      SCOPED_TRACE(n);
      if (n < 12) {
        EXPECT_EQ(check, QueryCheck::kDrop);
      } else {
        EXPECT_EQ(check, QueryCheck::kFormErr);
        EXPECT_EQ(view.id, spec.id);  // the header is always filled
        EXPECT_TRUE(view.rd);
      }
      if (view.question_read) {
        EXPECT_LE(view.question_end, n);
      }
    }
  }
}

TEST(QueryReaderTest, RandomBytesNeverCrash) {
  std::mt19937 rng(20240601);
  std::uniform_int_distribution<int> byte(0, 255);
  std::uniform_int_distribution<size_t> length(0, 600);
  for (int i = 0; i < 20000; ++i) {
    std::vector<uint8_t> packet(length(rng));
    for (uint8_t& b : packet) b = static_cast<uint8_t>(byte(rng));
    QueryView view;
    const QueryCheck check = Read(packet, &view);
    if (packet.size() < 12) {
      EXPECT_EQ(check, QueryCheck::kDrop);
    }
    if (view.question_read) {
      EXPECT_LE(view.question_end, packet.size());
      EXPECT_EQ(view.qname_offset + view.qname_length + 4, view.question_end);
    }
  }
}

TEST(QueryReaderTest, MutatedQueriesNeverCrash) {
  QuerySpec spec;
  spec.edns = true;
  const std::vector<uint8_t> valid = BuildQuery(spec);
  std::mt19937 rng(7);
  std::uniform_int_distribution<size_t> where(0, valid.size() - 1);
  std::uniform_int_distribution<int> byte(0, 255);
  for (int i = 0; i < 20000; ++i) {
    std::vector<uint8_t> packet = valid;
    for (int k = 0; k < 3; ++k) packet[where(rng)] = static_cast<uint8_t>(byte(rng));
    QueryView view;
    (void)Read(packet, &view);
    if (view.question_read) {
      EXPECT_LE(view.question_end, packet.size());
    }
  }
}

TEST(QueryReaderTest, DropsResponses) {
  QuerySpec spec;
  spec.qr = true;
  QueryView view;
  EXPECT_EQ(Read(BuildQuery(spec), &view), QueryCheck::kDrop);
}

TEST(QueryReaderTest, DropsShortPackets) {
  QueryView view;
  EXPECT_EQ(Read({}, &view), QueryCheck::kDrop);
  EXPECT_EQ(Read(std::vector<uint8_t>(11, 0), &view), QueryCheck::kDrop);
}

TEST(QueryReaderTest, OtherOpcodesAreNotImplemented) {
  for (uint8_t opcode : {1, 2, 4, 5, 15}) {
    QuerySpec spec;
    spec.opcode = opcode;
    QueryView view;
    EXPECT_EQ(Read(BuildQuery(spec), &view), QueryCheck::kNotImp) << int{opcode};
    EXPECT_EQ(view.opcode, opcode);
  }
}

TEST(QueryReaderTest, NeedsExactlyOneQuestion) {
  for (uint16_t qdcount : {0, 2}) {
    QuerySpec spec;
    spec.qdcount = qdcount;
    QueryView view;
    EXPECT_EQ(Read(BuildQuery(spec), &view), QueryCheck::kFormErr) << qdcount;
    EXPECT_FALSE(view.question_read);
  }
}

TEST(QueryReaderTest, RejectsAnswerOrAuthorityRecordsButReadsEdns) {
  QuerySpec spec;
  spec.edns = true;
  std::vector<uint8_t> packet = BuildQuery(spec);
  // Insert an answer record between the question and the OPT.
  const size_t question_end = packet.size() - 11;
  const std::vector<uint8_t> record = Record(Pointer(12), {1, 2, 3, 4});
  packet.insert(packet.begin() + static_cast<std::ptrdiff_t>(question_end), record.begin(),
                record.end());
  SetCount(packet, kAncount, 1);
  QueryView view;
  EXPECT_EQ(Read(packet, &view), QueryCheck::kFormErr);
  EXPECT_TRUE(view.question_read);
  EXPECT_TRUE(view.has_edns);
}

TEST(QueryReaderTest, RejectsOptOutsideAdditional) {
  std::vector<uint8_t> packet = BuildQuery(QuerySpec{});
  SetCount(packet, kAncount, 1);
  Append(packet, EncodeOpt(4096, 0, false));
  QueryView view;
  EXPECT_EQ(Read(packet, &view), QueryCheck::kFormErr);
}

TEST(QueryReaderTest, RejectsCompressedQname) {
  std::vector<uint8_t> packet = BuildQuery(QuerySpec{});
  packet.resize(12);
  Append(packet, Pointer(12));
  Append16(packet, 1);
  Append16(packet, 1);
  QueryView view;
  EXPECT_EQ(Read(packet, &view), QueryCheck::kFormErr);
  EXPECT_FALSE(view.question_read);
}

TEST(QueryReaderTest, RejectsBadLabelTypesAndLengths) {
  for (uint8_t first : {0x40, 0x80, 0x7f}) {
    std::vector<uint8_t> packet = BuildQuery(QuerySpec{});
    packet[12] = first;  // 0x40/0x80: unused label types; 0x7f: label over 63
    QueryView view;
    EXPECT_EQ(Read(packet, &view), QueryCheck::kFormErr) << int{first};
  }
}

TEST(QueryReaderTest, NameLengthLimitIs255) {
  // Four 62-octet labels: 4 * 63 + 1 = 253 octets; a 255-octet name adds one 1-octet label.
  const std::string label62(62, 'a');
  const std::string name253 = label62 + "." + label62 + "." + label62 + "." + label62;
  QuerySpec spec;
  spec.qname = "b." + name253;  // 255 octets
  QueryView view;
  EXPECT_EQ(Read(BuildQuery(spec), &view), QueryCheck::kOk);
  EXPECT_EQ(view.qname_length, 255u);
  spec.qname = "bc." + name253;  // 256 octets
  EXPECT_EQ(Read(BuildQuery(spec), &view), QueryCheck::kFormErr);
}

TEST(QueryReaderTest, RejectsTwoOpts) {
  QuerySpec spec;
  spec.edns = true;
  std::vector<uint8_t> packet = BuildQuery(spec);
  Append(packet, EncodeOpt(4096, 0, false));
  SetCount(packet, kArcount, 2);
  QueryView view;
  EXPECT_EQ(Read(packet, &view), QueryCheck::kFormErr);
  EXPECT_FALSE(view.has_edns);
  EXPECT_TRUE(view.question_read);
}

TEST(QueryReaderTest, RejectsOptWithNonRootOwner) {
  std::vector<uint8_t> packet = BuildQuery(QuerySpec{});
  std::vector<uint8_t> opt = EncodeOpt(4096, 0, false);
  opt.erase(opt.begin());
  const std::vector<uint8_t> owner = EncodeName("example");
  opt.insert(opt.begin(), owner.begin(), owner.end());
  Append(packet, opt);
  SetCount(packet, kArcount, 1);
  QueryView view;
  EXPECT_EQ(Read(packet, &view), QueryCheck::kFormErr);
  EXPECT_FALSE(view.has_edns);
}

TEST(QueryReaderTest, EdnsVersionOneIsBadVers) {
  QuerySpec spec;
  spec.edns = true;
  spec.edns_version = 1;
  spec.dnssec_ok = true;
  QueryView view;
  EXPECT_EQ(Read(BuildQuery(spec), &view), QueryCheck::kBadVers);
  EXPECT_TRUE(view.has_edns);
  EXPECT_EQ(view.edns_version, 1);
  EXPECT_TRUE(view.edns_do);
  EXPECT_TRUE(view.question_read);
}

TEST(QueryReaderTest, RejectsTrailingBytes) {
  for (bool edns : {false, true}) {
    QuerySpec spec;
    spec.edns = edns;
    std::vector<uint8_t> packet = BuildQuery(spec);
    packet.push_back(0);
    QueryView view;
    EXPECT_EQ(Read(packet, &view), QueryCheck::kFormErr);
  }
}

// A query's additional section may hold one OPT and nothing else: two TSIGs and an A made ldns
// 1.8.3 leak the first TSIG, about 127 bytes per query (issue 15 item 2).
TEST(QueryReaderTest, RejectsEveryAdditionalRecordButOneOpt) {
  std::vector<uint8_t> packet = BuildQuery(QuerySpec{});
  Append(packet, Record({0}, {}));
  SetCount(packet, kArcount, 1);
  QueryView view;
  EXPECT_EQ(Read(packet, &view), QueryCheck::kFormErr);

  QuerySpec spec;
  spec.edns = true;
  packet = BuildQuery(spec);
  std::vector<uint8_t> tsig = Record({0}, {0});
  tsig[2] = 250;  // TYPE TSIG (RFC 8945 4.2), in place of the private type's low byte
  tsig[1] = 0;
  Append(packet, tsig);
  Append(packet, tsig);
  SetCount(packet, kArcount, 3);
  EXPECT_EQ(Read(packet, &view), QueryCheck::kFormErr);
  EXPECT_FALSE(SafeForLdns(packet));
}

// Pointers in the records after the question are followed by the walk that SafeForLdns and
// ReadQuery share (record_walk.h); here they are in records of a private type, which a query
// may not carry but a response may.
TEST(QueryReaderTest, FollowsBackwardPointersInAdditional) {
  std::vector<uint8_t> packet = BuildQuery(QuerySpec{});
  Append(packet, Record(Pointer(12), {}));
  // "mail" + pointer to "ExAmPlE.com" inside the question (offset 12 + 4).
  std::vector<uint8_t> owner = {4, 'm', 'a', 'i', 'l'};
  Append(owner, Pointer(16));
  Append(packet, Record(owner, {9, 9}));
  SetCount(packet, kArcount, 2);
  EXPECT_TRUE(SafeForLdns(packet));
}

TEST(QueryReaderTest, RejectsPointerLoopsInAdditional) {
  std::vector<uint8_t> packet = BuildQuery(QuerySpec{});
  // A name that points at itself.
  Append(packet, Record(Pointer(packet.size()), {}));
  SetCount(packet, kArcount, 1);
  QueryView view;
  EXPECT_EQ(Read(packet, &view), QueryCheck::kFormErr);

  // Two names pointing at each other: the first one's pointer is forward.
  packet = BuildQuery(QuerySpec{});
  const size_t first = packet.size();
  const size_t second = first + Record(Pointer(0), {}).size();
  Append(packet, Record(Pointer(second), {}));
  Append(packet, Record(Pointer(first), {}));
  SetCount(packet, kArcount, 2);
  EXPECT_EQ(Read(packet, &view), QueryCheck::kFormErr);
}

TEST(QueryReaderTest, CapsPointerHops) {
  // One record whose RDATA is a chain of pointers, each to the one before it, the first to the
  // qname; a second record's owner points at the end of the chain.
  for (size_t hops : {10u, 200u}) {
    std::vector<uint8_t> packet = BuildQuery(QuerySpec{});
    const size_t rdata_start = packet.size() + 1 + 10;  // root owner + fixed fields
    std::vector<uint8_t> chain = Pointer(12);
    for (size_t i = 1; i < hops; ++i) Append(chain, Pointer(rdata_start + 2 * (i - 1)));
    Append(packet, Record({0}, chain));
    Append(packet, Record(Pointer(rdata_start + 2 * (hops - 1)), {}));
    SetCount(packet, kArcount, 2);
    EXPECT_EQ(SafeForLdns(packet), hops < 127) << hops;
  }
}

TEST(QueryReaderTest, RejectsTruncatedAdditionalRecord) {
  std::vector<uint8_t> packet = BuildQuery(QuerySpec{});
  Append(packet, Record({0}, {1, 2, 3, 4}));
  packet.pop_back();
  SetCount(packet, kArcount, 1);
  QueryView view;
  EXPECT_EQ(Read(packet, &view), QueryCheck::kFormErr);
  // More records announced than present.
  packet = BuildQuery(QuerySpec{});
  SetCount(packet, kArcount, 0xffff);
  EXPECT_EQ(Read(packet, &view), QueryCheck::kFormErr);
}

TEST(QueryReaderTest, ErrorRcodes) {
  EXPECT_EQ(ErrorRcode(QueryCheck::kOk), std::nullopt);
  EXPECT_EQ(ErrorRcode(QueryCheck::kDrop), std::nullopt);
  EXPECT_EQ(ErrorRcode(QueryCheck::kFormErr), 1);
  EXPECT_EQ(ErrorRcode(QueryCheck::kNotImp), 4);
  EXPECT_EQ(ErrorRcode(QueryCheck::kBadVers), 16);
}

}  // namespace
}  // namespace rebound
