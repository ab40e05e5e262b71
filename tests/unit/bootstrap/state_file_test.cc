// The bootstrap state file: round trip, missing and corrupt files, and the atomic replace.
#include "bootstrap/state_file.h"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace rebound {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::StartsWith;

class StateFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const ::testing::TestInfo* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = std::filesystem::path(::testing::TempDir()) /
           absl::StrCat("state_file_", info->name(), "_", getpid());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string Path(const std::string& name = "state.json") const { return (dir_ / name).string(); }

  void WriteRaw(const std::string& text, const std::string& name = "state.json") const {
    std::ofstream(Path(name), std::ios::binary) << text;
  }

  std::string ReadRaw(const std::string& name = "state.json") const {
    std::ifstream in(Path(name), std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  }

  std::vector<std::string> Entries() const {
    std::vector<std::string> names;
    for (const auto& entry : std::filesystem::directory_iterator(dir_)) {
      names.push_back(entry.path().filename().string());
    }
    std::sort(names.begin(), names.end());
    return names;
  }

  std::string CorruptionOf(const std::string& text) const {
    WriteRaw(text);
    absl::StatusOr<BootstrapState> state = ReadStateFile(Path());
    EXPECT_FALSE(state.ok()) << text;
    if (state.ok()) return "";
    EXPECT_EQ(state.status().code(), absl::StatusCode::kDataLoss) << state.status();
    const std::string prefix = Path() + ": corrupt state file: ";
    EXPECT_THAT(std::string(state.status().message()), StartsWith(prefix));
    return std::string(state.status().message().substr(prefix.size()));
  }

  std::filesystem::path dir_;
};

BootstrapState Sample() {
  BootstrapState state;
  state.last_good = *ParseRelayLine("2606:4700:4700::1111 443 cloudflare-dns.com doh /dns-query");
  state.answers.push_back({.qname = "example.com.",
                           .qtype = 28,
                           .expires = absl::FromUnixSeconds(1'700'000'300),
                           .wire = {0x00, 0x00, 0x81, 0x80, 0xff, 0x00}});
  state.answers.push_back({.qname = "www.example.net.",
                           .qtype = 1,
                           .expires = absl::FromUnixSeconds(1'700'000'123),
                           .wire = {}});
  return state;
}

TEST_F(StateFileTest, RoundTrip) {
  const BootstrapState state = Sample();
  ASSERT_TRUE(WriteStateFile(Path(), state).ok());
  absl::StatusOr<BootstrapState> read = ReadStateFile(Path());
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(*read, state);
  EXPECT_THAT(Entries(), ElementsAre("state.json"));
}

TEST_F(StateFileTest, EmptyStateRoundTrips) {
  ASSERT_TRUE(WriteStateFile(Path(), BootstrapState{}).ok());
  absl::StatusOr<BootstrapState> read = ReadStateFile(Path());
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_FALSE(read->last_good.has_value());
  EXPECT_THAT(read->answers, IsEmpty());
}

TEST_F(StateFileTest, ExpiryKeepsWholeSeconds) {
  BootstrapState state;
  state.answers.push_back({.qname = "a.test.",
                           .qtype = 1,
                           .expires = absl::FromUnixMillis(1'700'000'000'999),
                           .wire = {1}});
  ASSERT_TRUE(WriteStateFile(Path(), state).ok());
  absl::StatusOr<BootstrapState> read = ReadStateFile(Path());
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->answers.at(0).expires, absl::FromUnixSeconds(1'700'000'000));
}

TEST_F(StateFileTest, FileIsReadableJsonWithPrivateMode) {
  ASSERT_TRUE(WriteStateFile(Path(), Sample()).ok());
  const std::string text = ReadRaw();
  EXPECT_THAT(text, HasSubstr(R"("version":1)"));
  EXPECT_THAT(
      text,
      HasSubstr(R"("last_good":"2606:4700:4700::1111 443 cloudflare-dns.com doh /dns-query")"));
  EXPECT_THAT(text, HasSubstr(R"("wire":"AACBgP8A")"));
  struct stat st {};
  ASSERT_EQ(stat(Path().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST_F(StateFileTest, MissingFileIsNotFound) {
  absl::StatusOr<BootstrapState> read = ReadStateFile(Path("absent.json"));
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(read.status().message(), Path("absent.json") + ": no state file");
}

TEST_F(StateFileTest, UnreadableDirectoryIsAnIoErrorNotDataLoss) {
  absl::StatusOr<BootstrapState> read = ReadStateFile(dir_.string());  // a directory
  ASSERT_FALSE(read.ok());
  EXPECT_NE(read.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_NE(read.status().code(), absl::StatusCode::kNotFound);
}

TEST_F(StateFileTest, EveryTruncationIsDataLoss) {
  ASSERT_TRUE(WriteStateFile(Path("good.json"), Sample()).ok());
  const std::string text = ReadRaw("good.json");
  // The final newline is not part of the JSON document, so dropping only it still parses.
  for (size_t size = 0; size + 1 < text.size(); ++size) {
    WriteRaw(text.substr(0, size));
    absl::StatusOr<BootstrapState> read = ReadStateFile(Path());
    ASSERT_FALSE(read.ok()) << "parsed the first " << size << " bytes";
    EXPECT_EQ(read.status().code(), absl::StatusCode::kDataLoss) << read.status();
  }
}

TEST_F(StateFileTest, CorruptFilesSayWhy) {
  EXPECT_EQ(CorruptionOf(""), "not valid JSON (truncated?)");
  EXPECT_EQ(CorruptionOf("\x89PNG\r\n"), "not valid JSON (truncated?)");
  EXPECT_EQ(CorruptionOf("[1, 2]"), "not a JSON object");
  EXPECT_EQ(CorruptionOf("{}"), "no version");
  EXPECT_EQ(CorruptionOf(R"({"version": "1"})"), "no version");
  EXPECT_EQ(CorruptionOf(R"({"version": 2})"), "version 2, expected 1");
  EXPECT_EQ(CorruptionOf(R"({"version": 1, "last_good": 5})"), "last_good is not a relay line");
  EXPECT_EQ(CorruptionOf(R"({"version": 1, "last_good": "1.1.1.1 443"})"),
            "last_good: expected 'address port tls-name protocol path', got 2 fields");
  EXPECT_EQ(CorruptionOf(R"({"version": 1, "answers": {}})"), "answers is not an array");
  EXPECT_EQ(CorruptionOf(R"({"version": 1, "answers": [7]})"), "answers[0]: not an object");
  const std::string good = R"({"qname": "a.test.", "qtype": 1, "expires": 5, "wire": "AAA="})";
  EXPECT_EQ(CorruptionOf(absl::StrCat(R"({"version": 1, "answers": [)", good,
                                      R"(, {"qtype": 1, "expires": 5, "wire": ""}]})")),
            "answers[1]: qname is not a name");
  EXPECT_EQ(CorruptionOf(R"({"version": 1, "answers": [{"qname": "", "qtype": 1, "expires": 5,
            "wire": ""}]})"),
            "answers[0]: qname is not a name");
  for (const char* qtype : {"-1", "65536", "\"1\"", "1.5", "null"}) {
    EXPECT_EQ(CorruptionOf(absl::StrCat(R"({"version": 1, "answers": [{"qname": "a.", "qtype": )",
                                        qtype, R"(, "expires": 5, "wire": ""}]})")),
              "answers[0]: qtype is not a number from 0 to 65535")
        << qtype;
  }
  EXPECT_EQ(CorruptionOf(R"({"version": 1, "answers": [{"qname": "a.", "qtype": 1,
            "expires": "soon", "wire": ""}]})"),
            "answers[0]: expires is not a number of seconds");
  EXPECT_EQ(CorruptionOf(R"({"version": 1, "answers": [{"qname": "a.", "qtype": 1,
            "expires": 5, "wire": "not base64!"}]})"),
            "answers[0]: wire is not base64");
  EXPECT_EQ(CorruptionOf(R"({"version": 1, "answers": [{"qname": "a.", "qtype": 1,
            "expires": 5}]})"),
            "answers[0]: wire is not base64");
}

TEST_F(StateFileTest, OversizedFileIsDataLoss) {
  WriteRaw(std::string(kMaxStateFileSize + 1, ' '));
  absl::StatusOr<BootstrapState> read = ReadStateFile(Path());
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.status().code(), absl::StatusCode::kDataLoss);
}

TEST_F(StateFileTest, ReplacesAtomicallyLeavingNoTemporaryFile) {
  BootstrapState first = Sample();
  ASSERT_TRUE(WriteStateFile(Path(), first).ok());
  struct stat before {};
  ASSERT_EQ(stat(Path().c_str(), &before), 0);
  // A reader holding the old file keeps reading the old contents: the name now points at a new
  // file rather than the old one being rewritten in place.
  std::ifstream old_reader(Path(), std::ios::binary);
  ASSERT_TRUE(old_reader.good());

  BootstrapState second;
  second.last_good = *ParseRelayLine("9.9.9.9 443 dns.quad9.net doh /dns-query");
  ASSERT_TRUE(WriteStateFile(Path(), second).ok());
  struct stat after {};
  ASSERT_EQ(stat(Path().c_str(), &after), 0);
  EXPECT_NE(before.st_ino, after.st_ino);

  const std::string old_text((std::istreambuf_iterator<char>(old_reader)),
                             std::istreambuf_iterator<char>());
  EXPECT_THAT(old_text, HasSubstr("cloudflare-dns.com"));
  absl::StatusOr<BootstrapState> read = ReadStateFile(Path());
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(*read, second);
  EXPECT_THAT(Entries(), ElementsAre("state.json"));
}

TEST_F(StateFileTest, FailedWriteLeavesTheOldFileAndNoTemporary) {
  ASSERT_TRUE(WriteStateFile(Path(), Sample()).ok());
  const std::string before = ReadRaw();
  // A qname that is not UTF-8 cannot go into JSON: refused before anything is written.
  BootstrapState bad;
  bad.answers.push_back(
      {.qname = "\xff\xfe.", .qtype = 1, .expires = absl::UnixEpoch(), .wire = {}});
  absl::Status status = WriteStateFile(Path(), bad);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  EXPECT_EQ(ReadRaw(), before);
  // The rename fails when the target is a non-empty directory: the temporary file goes away.
  std::filesystem::create_directories(dir_ / "occupied" / "child");
  status = WriteStateFile(Path("occupied"), Sample());
  EXPECT_FALSE(status.ok());
  EXPECT_THAT(std::string(status.message()), StartsWith(Path("occupied") + ": rename"));
  EXPECT_THAT(Entries(), ElementsAre("occupied", "state.json"));
  EXPECT_EQ(ReadRaw(), before);
}

TEST_F(StateFileTest, WriteIntoAMissingDirectoryFails) {
  absl::Status status = WriteStateFile(Path("no/such/dir/state.json"), Sample());
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound) << status;
  EXPECT_EQ(WriteStateFile("", Sample()).code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(StateFileTest, RelativePathInTheCurrentDirectory) {
  const std::filesystem::path saved = std::filesystem::current_path();
  std::filesystem::current_path(dir_);
  absl::Status status = WriteStateFile("relative.json", Sample());
  absl::StatusOr<BootstrapState> read = ReadStateFile("relative.json");
  std::filesystem::current_path(saved);
  ASSERT_TRUE(status.ok()) << status;
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(*read, Sample());
}

// The state file's answers warm the cache at start (issue 15 item 7, the same class as the pid
// and log files): one planted by someone else is refused, not read.
TEST_F(StateFileTest, APlantedStateFileIsRefused) {
  ASSERT_TRUE(WriteStateFile(Path("real.json"), Sample()).ok());
  ASSERT_EQ(symlink(Path("real.json").c_str(), Path("link.json").c_str()), 0);
  absl::StatusOr<BootstrapState> via_link = ReadStateFile(Path("link.json"));
  EXPECT_FALSE(via_link.ok());
  EXPECT_NE(via_link.status().code(), absl::StatusCode::kNotFound);
  ASSERT_EQ(chown(Path("real.json").c_str(), 65534, 65534), 0) << "needs root";
  EXPECT_FALSE(ReadStateFile(Path("real.json")).ok()) << "read another user's state file";
  ASSERT_EQ(chown(Path("real.json").c_str(), geteuid(), getegid()), 0);
  ASSERT_TRUE(ReadStateFile(Path("real.json")).ok());
  std::filesystem::permissions(dir_, std::filesystem::perms::all);  // 0777, not sticky
  EXPECT_FALSE(ReadStateFile(Path("real.json")).ok()) << "read from a directory anyone can write";
}

}  // namespace
}  // namespace rebound
