// The unbound options and clauses whose absence would weaken security, privacy or answers stop
// the start at their line, with the reason (issue 16's rule); the harmless ones only warn.
#include <algorithm>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "resolver/config/config.h"
#include "resolver/config/refused_options.h"
#include "resolver/config/unbound_options.h"
#include "tests/unit/config/parse_text.h"

namespace rebound {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

TEST(ConfigRefusedOptionsTest, TrustAnchorsAreRefusedUntilRebooundValidates) {
  // Debian's unbound.conf.d/root-auto-trust-anchor-file.conf.
  EXPECT_EQ(ErrorOf("server:\n    auto-trust-anchor-file: \"/var/lib/unbound/root.key\"\n"),
            "test.conf:2: not supported: auto-trust-anchor-file: rebound does not validate "
            "DNSSEC yet, so its answers would not be validated as unbound's were; remove the "
            "trust anchor lines to run without validation");
  for (const char* option : {"trust-anchor-file", "trusted-keys-file", "trust-anchor"}) {
    EXPECT_THAT(ErrorOf(absl::StrCat("server:\n  ", option, ": \"x\"\n")),
                HasSubstr("does not validate DNSSEC"))
        << option;
  }
}

TEST(ConfigRefusedOptionsTest, HardeningIsRefusedOnlyWhenTurnedOn) {
  EXPECT_THAT(ErrorOf("server:\n  harden-referral-path: yes\n"),
              HasSubstr("test.conf:2: not supported: harden-referral-path: this hardening is not "
                        "implemented"));
  MustParse("server:\n  harden-referral-path: no\n");
  EXPECT_THAT(ErrorOf("server:\n  unwanted-reply-threshold: 10000000\n"),
              HasSubstr("unwanted replies"));
  MustParse("server:\n  unwanted-reply-threshold: 0\n");
  EXPECT_THAT(ErrorOf("server:\n  qname-minimisation-strict: yes\n"), HasSubstr("falls back"));
}

TEST(ConfigRefusedOptionsTest, PerClientAnswersAndFilteringClausesAreRefused) {
  EXPECT_THAT(ErrorOf("server:\n  access-control-view: 10.0.0.0/8 kids\n"),
              HasSubstr("test.conf:2: not supported: access-control-view: per-client answers"));
  EXPECT_EQ(ErrorOf("server:\n  port: 5353\nrpz:\n  name: rpz.example\n"),
            "test.conf:3: not supported: rpz: clause: response policy zones are not "
            "implemented; nothing would be filtered");
  EXPECT_THAT(ErrorOf("view:\n  name: kids\n"), HasSubstr("test.conf:1: not supported: view:"));
  EXPECT_THAT(ErrorOf("auth-zone:\n  name: \".\"\n"), HasSubstr("names would be resolved"));
  EXPECT_THAT(ErrorOf("server:\n  outgoing-interface: 2001:db8::53\n"),
              HasSubstr("default address"));
}

TEST(ConfigRefusedOptionsTest, HarmlessOptionsStillOnlyWarn) {
  std::vector<std::string> warnings;
  absl::StatusOr<Config> config = ParseConfigText(
      "server:\n  prefetch-key: yes\n  hide-identity: yes\n  harden-dnssec-stripped: yes\n"
      "  module-config: \"validator iterator\"\nremote-control:\n  control-enable: yes\n",
      "test.conf", &warnings);
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(warnings.size(), 4u);
}

// Each refused option, set to something, stops the start at its line, named, with a reason.
TEST(ConfigRefusedOptionsTest, EveryRefusedOptionNamesItsLineAndWhy) {
  for (absl::string_view name : config_internal::RefusedOptionNames()) {
    const std::string error = ErrorOf(absl::StrCat("server:\n  port: 5353\n  ", name, ": 1\n"));
    EXPECT_THAT(error,
                ::testing::StartsWith(absl::StrCat("test.conf:3: not supported: ", name, ": ")))
        << name;
    EXPECT_GT(error.size(), absl::StrCat("test.conf:3: not supported: ", name, ": ").size() + 20)
        << name << ": no reason given";
  }
}

TEST(ConfigRefusedOptionsTest, EveryRefusedOptionIsAnUnboundOptionRebooundLacks) {
  for (absl::string_view name : config_internal::RefusedOptionNames()) {
    EXPECT_TRUE(config_internal::IsUnsupportedUnboundOption(name)) << name;
  }
}

// rebound.conf(5) lists every unbound option rebound lacks, in the group it is in.
TEST(ConfigRefusedOptionsTest, TheManualSortsEveryUnsupportedOption) {
  std::ifstream in(REBOUND_SOURCE_DIR "/man/rebound.conf.5");
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const size_t refused = text.find(".SS Refused");
  const size_t warned = text.find(".SS Warned about");
  const size_t end = text.find(".SH EXAMPLE");
  ASSERT_NE(refused, std::string::npos);
  ASSERT_NE(warned, std::string::npos);
  ASSERT_NE(end, std::string::npos);
  const std::vector<absl::string_view> refused_names = config_internal::RefusedOptionNames();
  // Whole words only: "ratelimit" must not be found inside "ip-ratelimit".
  auto lists = [&](size_t from, size_t to, absl::string_view name) {
    const absl::string_view section = absl::string_view(text).substr(from, to - from);
    for (size_t at = section.find(name); at != absl::string_view::npos;
         at = section.find(name, at + 1)) {
      const auto part_of_name = [](char c) { return absl::ascii_isalnum(c) || c == '-'; };
      const bool starts = at == 0 || !part_of_name(section[at - 1]);
      const size_t after = at + name.size();
      const bool ends = after == section.size() || !part_of_name(section[after]);
      if (starts && ends) return true;
    }
    return false;
  };
  for (absl::string_view name : config_internal::UnsupportedUnboundOptions()) {
    const bool is_refused =
        std::find(refused_names.begin(), refused_names.end(), name) != refused_names.end();
    if (is_refused) {
      EXPECT_TRUE(lists(refused, warned, name)) << name << " is not under Refused";
    } else {
      EXPECT_TRUE(lists(warned, end, name)) << name << " is not under Warned about";
    }
  }
}

}  // namespace
}  // namespace rebound
