// include: and include-toplevel: with real files in a scratch directory.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "resolver/config/config.h"

namespace rebound {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::StartsWith;

class ConfigIncludeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const ::testing::TestInfo* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = std::filesystem::path(::testing::TempDir()) /
           absl::StrCat("config_include_", info->name(), "_", getpid());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // Writes `text` to dir_/relative and returns the full path.
  std::string Write(const std::string& relative, const std::string& text) {
    std::filesystem::path path = dir_ / relative;
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path) << text;
    return path.string();
  }

  std::string Path(const std::string& relative) const { return (dir_ / relative).string(); }

  absl::StatusOr<Config> Load(const std::string& relative) {
    return LoadConfigFile(Path(relative), &warnings_);
  }

  std::filesystem::path dir_;
  std::vector<std::string> warnings_;
};

// pfSense writes "server:include: FILE": a clause and an option on one line, which unbound reads
// as tokens (issue 16).
TEST_F(ConfigIncludeTest, TheOneLineServerIncludeFormOfPfsense) {
  Write("main.conf", "server:include: sub/a.conf\nserver: verbosity: 2\n");
  Write("sub/a.conf", "port: 5353\n");
  absl::StatusOr<Config> config = Load("main.conf");
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->port, 5353);
  EXPECT_EQ(config->verbosity, 2);
  EXPECT_THAT(warnings_, IsEmpty());
}

TEST_F(ConfigIncludeTest, RelativePathsFollowTheIncludingFile) {
  Write("main.conf", "server:\n  include: \"sub/a.conf\"\n  verbosity: 2\n");
  Write("sub/a.conf", "  port: 5353\n  include: b.conf\n");
  Write("sub/b.conf", "  num-threads: 3\n");
  absl::StatusOr<Config> config = Load("main.conf");
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->port, 5353);  // the server: clause continues into the included file
  EXPECT_EQ(config->num_threads, 3);
  EXPECT_EQ(config->verbosity, 2);
  EXPECT_THAT(warnings_, IsEmpty());
}

TEST_F(ConfigIncludeTest, ADeviceIsNotAConfigFile) {
  // /dev/zero never ends: reading it would hang and take all memory.
  Write("main.conf", "server:\n  include: /dev/zero\n");
  absl::StatusOr<Config> config = Load("main.conf");
  ASSERT_FALSE(config.ok());
  EXPECT_THAT(std::string(config.status().message()), HasSubstr("main.conf:2"));
  EXPECT_THAT(std::string(config.status().message()), HasSubstr("not a regular file"));
}

TEST_F(ConfigIncludeTest, AbsolutePath) {
  std::string zones =
      Write("elsewhere/zones.conf", "forward-zone:\n  name: .\n  forward-addr: 192.0.2.1\n");
  Write("main.conf", absl::StrCat("include: ", zones, "\n"));
  absl::StatusOr<Config> config = Load("main.conf");
  ASSERT_TRUE(config.ok()) << config.status();
  ASSERT_EQ(config->forward_zones.size(), 1u);
  EXPECT_EQ(config->forward_zones[0].name, ".");
}

TEST_F(ConfigIncludeTest, ParseConfigTextUsesTheDirectoryOfItsFilename) {
  Write("part.conf", "server:\n  port: 5300\n");
  absl::StatusOr<Config> config =
      ParseConfigText("include: part.conf\n", Path("virtual.conf"), &warnings_);
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->port, 5300);
}

TEST_F(ConfigIncludeTest, GlobReadsMatchesInOrder) {
  Write("main.conf", "server:\n  include: \"conf.d/*.conf\"\n");
  Write("conf.d/20-threads.conf", "  num-threads: 2\n  verbosity: 4\n");
  Write("conf.d/10-port.conf", "  port: 5353\n  verbosity: 3\n");
  Write("conf.d/README", "this is not config\n");
  absl::StatusOr<Config> config = Load("main.conf");
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->port, 5353);
  EXPECT_EQ(config->num_threads, 2);
  EXPECT_EQ(config->verbosity, 4);  // 20-threads.conf came last
}

TEST_F(ConfigIncludeTest, GlobWithoutMatchesIsNotAnError) {
  Write("main.conf", "server:\n  include: \"conf.d/*.conf\"\n  port: 5353\n");
  absl::StatusOr<Config> config = Load("main.conf");
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->port, 5353);
}

TEST_F(ConfigIncludeTest, MissingFile) {
  Write("main.conf", "server:\n  include: missing.conf\n");
  absl::StatusOr<Config> config = Load("main.conf");
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.status().message(),
            absl::StrCat(Path("main.conf"), ":2: include: ", Path("missing.conf"),
                         ": cannot read: No such file or directory"));
}

TEST_F(ConfigIncludeTest, DirectoryIsNotAFile) {
  std::filesystem::create_directories(dir_ / "adir");
  Write("main.conf", "include: adir\n");
  absl::StatusOr<Config> config = Load("main.conf");
  ASSERT_FALSE(config.ok());
  EXPECT_THAT(std::string(config.status().message()),
              StartsWith(Path("main.conf") + ":1: include: "));
}

TEST_F(ConfigIncludeTest, ErrorsInIncludedFilesNameThatFile) {
  Write("main.conf", "server:\n  include: bad.conf\n");
  Write("bad.conf", "# comment\n  port: 99999\n");
  absl::StatusOr<Config> config = Load("main.conf");
  ASSERT_FALSE(config.ok());
  EXPECT_THAT(std::string(config.status().message()),
              StartsWith(Path("bad.conf") + ":2: port: value 99999"));
}

TEST_F(ConfigIncludeTest, WarningsInIncludedFilesNameThatFile) {
  Write("main.conf", "server:\n  include: extra.conf\n");
  Write("extra.conf", "\n\n  prefetch-key: yes\n");
  ASSERT_TRUE(Load("main.conf").ok());
  EXPECT_THAT(warnings_, ElementsAre(Path("extra.conf") + ":3: not supported: prefetch-key"));
}

TEST_F(ConfigIncludeTest, SelfInclude) {
  Write("main.conf", "server:\n  include: main.conf\n");
  absl::StatusOr<Config> config = Load("main.conf");
  ASSERT_FALSE(config.ok());
  EXPECT_THAT(std::string(config.status().message()),
              StartsWith(Path("main.conf") + ":2: include: include loop"));
}

TEST_F(ConfigIncludeTest, IncludeLoopThroughAnotherFile) {
  Write("a.conf", "server:\n  include: b.conf\n");
  Write("b.conf", "# b\n\n  include: ./a.conf\n");
  absl::StatusOr<Config> config = Load("a.conf");
  ASSERT_FALSE(config.ok());
  EXPECT_THAT(std::string(config.status().message()),
              StartsWith(Path("b.conf") + ":3: include: include loop"));
}

TEST_F(ConfigIncludeTest, GlobThatMatchesItsOwnFileIsALoop) {
  Write("main.conf", "include: \"*.conf\"\n");
  absl::StatusOr<Config> config = Load("main.conf");
  ASSERT_FALSE(config.ok());
  EXPECT_THAT(std::string(config.status().message()), HasSubstr("include loop"));
}

TEST_F(ConfigIncludeTest, DepthLimit) {
  // A chain of distinct files deeper than the limit: no loop, still refused.
  for (int i = 0; i < 20; ++i) {
    Write(absl::StrCat("f", i, ".conf"), absl::StrCat("include: f", i + 1, ".conf\n"));
  }
  Write("f20.conf", "server:\n");
  absl::StatusOr<Config> config = Load("f0.conf");
  ASSERT_FALSE(config.ok());
  EXPECT_THAT(std::string(config.status().message()),
              HasSubstr(":1: include: nested more than 16 deep"));
}

TEST_F(ConfigIncludeTest, IncludeNeedsOneValue) {
  Write("main.conf", "include:\n");
  EXPECT_THAT(std::string(Load("main.conf").status().message()),
              HasSubstr(":1: include: expects one file name or glob pattern"));
  Write("main.conf", "include: a.conf b.conf\n");
  EXPECT_THAT(std::string(Load("main.conf").status().message()),
              HasSubstr(":1: include: expects one"));
}

TEST_F(ConfigIncludeTest, IncludeToplevelEndsTheClause) {
  Write("zones.conf", "forward-zone:\n  name: .\n  forward-addr: 192.0.2.1\n");
  Write("good.conf",
        "server:\n  port: 5353\ninclude-toplevel: zones.conf\nserver:\n  verbosity: 2\n");
  absl::StatusOr<Config> config = Load("good.conf");
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->verbosity, 2);
  EXPECT_EQ(config->forward_zones.size(), 1u);

  // After include-toplevel the forward-zone: clause no longer continues.
  Write("bad.conf", "include-toplevel: zones.conf\n  forward-first: yes\n");
  EXPECT_THAT(std::string(Load("bad.conf").status().message()),
              HasSubstr("bad.conf:2: 'forward-first' is outside of any clause"));
}

}  // namespace
}  // namespace rebound
