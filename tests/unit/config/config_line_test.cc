#include "resolver/config/config_line.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace rebound::config_internal {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

ConfigLine Tokenize(const char* text) {
  absl::StatusOr<ConfigLine> line = TokenizeConfigLine(text, "f.conf:7");
  EXPECT_TRUE(line.ok()) << line.status();
  return line.ok() ? *line : ConfigLine{};
}

std::string ErrorOf(const char* text) {
  absl::StatusOr<ConfigLine> line = TokenizeConfigLine(text, "f.conf:7");
  EXPECT_FALSE(line.ok()) << text;
  return line.ok() ? "" : std::string(line.status().message());
}

TEST(ConfigLineTest, BlankAndCommentLines) {
  EXPECT_THAT(Tokenize("").key, IsEmpty());
  EXPECT_THAT(Tokenize("   \t  ").key, IsEmpty());
  EXPECT_THAT(Tokenize("# a comment: with a colon").key, IsEmpty());
  EXPECT_THAT(Tokenize("    # indented comment").key, IsEmpty());
  EXPECT_THAT(Tokenize("\r").key, IsEmpty());
}

TEST(ConfigLineTest, KeyAndValue) {
  ConfigLine line = Tokenize("\t  port: 5353  ");
  EXPECT_EQ(line.key, "port");
  EXPECT_THAT(line.values, ElementsAre("5353"));
  EXPECT_EQ(line.where, "f.conf:7");
}

TEST(ConfigLineTest, NoBlankNeededAfterColon) {
  EXPECT_THAT(Tokenize("port:53").values, ElementsAre("53"));
  EXPECT_THAT(Tokenize("interface:::1").values, ElementsAre("::1"));
}

TEST(ConfigLineTest, ClauseLineHasNoValues) {
  ConfigLine line = Tokenize("server:");
  EXPECT_EQ(line.key, "server");
  EXPECT_THAT(line.values, IsEmpty());
  EXPECT_THAT(Tokenize("forward-zone:   # the upstream").values, IsEmpty());
}

TEST(ConfigLineTest, CommentsAfterValues) {
  EXPECT_THAT(Tokenize("port: 53 # the usual").values, ElementsAre("53"));
  EXPECT_THAT(Tokenize("port: 53\t#tab before").values, ElementsAre("53"));
  EXPECT_THAT(Tokenize("logfile: \"a b\"# right after the quote").values, ElementsAre("a b"));
}

TEST(ConfigLineTest, HashInsideAValueIsNotAComment) {
  // unbound's "address#tls-name" notation.
  EXPECT_THAT(Tokenize("forward-addr: 192.0.2.1@853#dns.example").values,
              ElementsAre("192.0.2.1@853#dns.example"));
}

TEST(ConfigLineTest, Quotes) {
  EXPECT_THAT(Tokenize("logfile: \"/var/log/my log.txt\"").values,
              ElementsAre("/var/log/my log.txt"));
  EXPECT_THAT(Tokenize("logfile: \"# not a comment\"").values, ElementsAre("# not a comment"));
  EXPECT_THAT(Tokenize("logfile: 'single # quoted'").values, ElementsAre("single # quoted"));
  EXPECT_THAT(Tokenize("logfile: \"it's\"").values, ElementsAre("it's"));
  EXPECT_THAT(Tokenize("logfile: \"\"").values, ElementsAre(""));
  EXPECT_THAT(Tokenize("access-control: \"10.0.0.0/8\" allow").values,
              ElementsAre("10.0.0.0/8", "allow"));
}

TEST(ConfigLineTest, SeveralValues) {
  EXPECT_THAT(Tokenize("access-control: 10.0.0.0/8    allow").values,
              ElementsAre("10.0.0.0/8", "allow"));
}

TEST(ConfigLineTest, Errors) {
  EXPECT_THAT(ErrorOf("port 53"), HasSubstr("f.conf:7: missing colon after 'port'"));
  EXPECT_THAT(ErrorOf("server"), HasSubstr("f.conf:7: missing colon after 'server'"));
  EXPECT_THAT(ErrorOf("port : 53"), HasSubstr("missing colon after 'port'"));
  EXPECT_THAT(ErrorOf(": 53"), HasSubstr("f.conf:7: expected an option name"));
  EXPECT_THAT(ErrorOf("\"port\": 53"), HasSubstr("f.conf:7: expected an option name"));
  EXPECT_THAT(ErrorOf("logfile: \"/tmp/x"), HasSubstr("f.conf:7: unterminated quote"));
  EXPECT_THAT(ErrorOf("logfile: '/tmp/x\""), HasSubstr("unterminated quote"));
}

}  // namespace
}  // namespace rebound::config_internal
