// cache-file: the caches written at a stop and read back at the next start.
#include "resolver/cache/cache_file.h"

#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "resolver/core/clock.h"
#include "tests/unit/cache/test_records.h"

namespace rebound {
namespace {

using ::rebound::testing::Name;
using ::rebound::testing::RrList;
using ::rebound::testing::Texts;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr char kSoa[] =
    "example.com. 3600 IN SOA ns1.example.com. host.example.com. 7 3600 600 86400 300";

struct Caches {
  explicit Caches(const Clock* clock) : rrsets({}, clock), negatives({}, clock) {}
  RrsetCache rrsets;
  NegativeCache negatives;
  CacheWriter writer{&rrsets, &negatives};
};

class CacheFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char dir[] = "/tmp/cache_file_test.XXXXXX";
    ASSERT_NE(mkdtemp(dir), nullptr);
    dir_ = dir;
    path_ = dir_ + "/cache";
    Caches& c = written_;
    c.writer.StoreRecords(RrList({"www.example.com. 3600 IN A 192.0.2.1"}).get(), Trust::kAnswer);
    c.writer.StoreNegative(Name("nx.example.com.").get(), LDNS_RR_TYPE_A, LDNS_RR_CLASS_IN,
                           LDNS_RCODE_NXDOMAIN, RrList({kSoa}).get());
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string ReadText() const {
    std::ifstream in(path_);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }
  void WriteText(const std::string& text) const { std::ofstream(path_) << text; }

  std::string dir_;
  std::string path_;
  FakeClock clock_;
  Caches written_{&clock_};
};

TEST_F(CacheFileTest, ReadBackWithEveryTtlLessTheTimeSinceItWasWritten) {
  absl::StatusOr<DumpedCache> dumped =
      WriteCacheFile(path_, written_.rrsets, written_.negatives, clock_.Now());
  ASSERT_TRUE(dumped.ok()) << dumped.status();
  EXPECT_EQ(dumped->rrsets, 2);  // the A and the negative answers' SOA
  EXPECT_THAT(ReadText(),
              StartsWith(absl::StrCat("; rebound cache-file written ",
                                      absl::ToUnixSeconds(clock_.Now()), "\nSTART_RRSET_CACHE\n")));
  struct stat st {};
  ASSERT_EQ(stat(path_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600);  // it lists names that were looked up

  // The next start, 100 s later.
  clock_.Advance(absl::Seconds(100));
  Caches loaded(&clock_);
  absl::StatusOr<LoadedCache> counts = ReadCacheFile(path_, clock_.Now(), &loaded.writer);
  ASSERT_TRUE(counts.ok()) << counts.status();
  EXPECT_EQ(counts->rrsets, 2);
  EXPECT_EQ(counts->negatives, 2);  // NXDOMAIN, written for A and for AAAA
  EXPECT_THAT(
      Texts(loaded.rrsets.Lookup(Name("www.example.com.").get(), LDNS_RR_TYPE_A, LDNS_RR_CLASS_IN)
                .get()),
      ElementsAre("www.example.com.\t3500\tIN\tA\t192.0.2.1"));
  std::optional<NegativeAnswer> nx =
      loaded.negatives.Lookup(Name("nx.example.com.").get(), LDNS_RR_TYPE_TXT, LDNS_RR_CLASS_IN);
  ASSERT_TRUE(nx.has_value());
  EXPECT_EQ(ldns_rr_ttl(nx->soa.get()), 200);

  // 400 s after it was written the negative answers have expired, the A has not.
  Caches later(&clock_);
  counts = ReadCacheFile(path_, clock_.Now() + absl::Seconds(300), &later.writer);
  ASSERT_TRUE(counts.ok()) << counts.status();
  EXPECT_EQ(counts->negatives, 0);
  EXPECT_EQ(later.negatives.entries(), 0);
  EXPECT_NE(later.rrsets.Lookup(Name("www.example.com.").get(), LDNS_RR_TYPE_A, LDNS_RR_CLASS_IN),
            nullptr);
}

TEST_F(CacheFileTest, AMissingFileIsNotFound) {
  Caches loaded(&clock_);
  EXPECT_TRUE(absl::IsNotFound(ReadCacheFile(path_, clock_.Now(), &loaded.writer).status()));
}

TEST_F(CacheFileTest, ADamagedFileLoadsNothingAndNamesItsLine) {
  ASSERT_TRUE(WriteCacheFile(path_, written_.rrsets, written_.negatives, clock_.Now()).ok());
  std::string text = ReadText();
  // Cut short in the message section, as a full disk would leave it: the RRsets before the
  // damage are not loaded either.
  text.resize(text.find("END_MSG_CACHE"));
  WriteText(text);
  const size_t lines = static_cast<size_t>(std::count(text.begin(), text.end(), '\n'));
  Caches loaded(&clock_);
  absl::StatusOr<LoadedCache> counts = ReadCacheFile(path_, clock_.Now(), &loaded.writer);
  ASSERT_FALSE(counts.ok());
  EXPECT_THAT(counts.status().message(),
              HasSubstr(absl::StrCat("line ", lines + 1, ": the input ends before END_MSG_CACHE")));
  EXPECT_EQ(loaded.rrsets.entries(), 0);
  EXPECT_EQ(loaded.negatives.entries(), 0);

  WriteText("; something else\nSTART_RRSET_CACHE\n");
  EXPECT_THAT(ReadCacheFile(path_, clock_.Now(), &loaded.writer).status().message(),
              HasSubstr("line 1: expected \"; rebound cache-file written UNIXTIME\""));
}

TEST_F(CacheFileTest, AnUnboundDumpIsTakenAsWrittenWhenModified) {
  // `unbound-control dump_cache > FILE`: no header line.
  WriteText(
      "START_RRSET_CACHE\n;rrset 3600 1 0 8 0\nwww.example.com.\t3600\tIN\tA\t192.0.2.9\n"
      "END_RRSET_CACHE\nSTART_MSG_CACHE\nEND_MSG_CACHE\nEOF\n");
  const timeval times[2] = {{absl::ToUnixSeconds(clock_.Now()), 0},
                            {absl::ToUnixSeconds(clock_.Now()), 0}};
  ASSERT_EQ(utimes(path_.c_str(), times), 0);
  Caches loaded(&clock_);
  absl::StatusOr<LoadedCache> counts =
      ReadCacheFile(path_, clock_.Now() + absl::Seconds(600), &loaded.writer);
  ASSERT_TRUE(counts.ok()) << counts.status();
  EXPECT_THAT(
      Texts(loaded.rrsets.Lookup(Name("www.example.com.").get(), LDNS_RR_TYPE_A, LDNS_RR_CLASS_IN)
                .get()),
      ElementsAre("www.example.com.\t3000\tIN\tA\t192.0.2.9"));
}

}  // namespace
}  // namespace rebound
