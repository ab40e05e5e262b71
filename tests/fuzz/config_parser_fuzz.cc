// Feeds arbitrary text to ParseConfigText, the parser of rebound.conf (unbound.conf syntax), and
// checks what "bad config gets a message with file:line" promises: every error and warning names
// the file and a line that exists, a config that parses satisfies the checks Finish() makes, and
// parsing is deterministic.
//
// Text that mentions "include" is skipped: include: and include-toplevel: read the file system
// (a glob may name /dev/stdin, which blocks, or /dev/zero, which never ends), and that is the
// admin's own choice, not hostile input. config_include_test covers includes.
#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "resolver/config/config.h"
#include "tests/fuzz/fuzz_check.h"

namespace rebound {
namespace {

// A name no file system holds, so a relative path in the text cannot reach a real file either.
constexpr char kFilename[] = "/nonexistent-rebound-fuzz/rebound.conf";

// "FILE:LINE: ..." with 1 <= LINE <= lines (a last line without a newline counts).
void CheckLocated(absl::string_view message, size_t lines) {
  const std::string prefix = absl::StrCat(kFilename, ":");
  FUZZ_CHECK(absl::StartsWith(message, prefix));
  absl::string_view rest = message.substr(prefix.size());
  const size_t colon = rest.find(':');
  FUZZ_CHECK(colon != absl::string_view::npos);
  size_t line = 0;
  FUZZ_CHECK(absl::SimpleAtoi(rest.substr(0, colon), &line));
  FUZZ_CHECK(line >= 1 && line <= lines);
}

bool IsAbsoluteLowercaseName(const std::string& name) {
  return !name.empty() && name.back() == '.' && absl::AsciiStrToLower(name) == name;
}

void CheckConfig(const Config& c) {
  // ServerClause::Finish's cross-option checks.
  FUZZ_CHECK(c.do_ip4 || c.do_ip6);
  FUZZ_CHECK(c.do_udp || c.do_tcp);
  FUZZ_CHECK(c.num_threads >= 1);
  FUZZ_CHECK(c.incoming_num_tcp >= 0);
  FUZZ_CHECK(!c.interfaces.empty() || !(c.do_ip4 || c.do_ip6));
  for (const Endpoint& e : c.interfaces) {
    FUZZ_CHECK(e.port() != 0);
    FUZZ_CHECK(e.is_v6() ? c.do_ip6 : c.do_ip4);
  }
  FUZZ_CHECK(!c.dns64.prefixes.empty());
  for (const ForwardZone& z : c.forward_zones) {
    FUZZ_CHECK(IsAbsoluteLowercaseName(z.name));
    for (const Endpoint& e : z.addrs) FUZZ_CHECK(e.port() != 0);
  }
  for (const StubZone& z : c.stub_zones) {
    FUZZ_CHECK(IsAbsoluteLowercaseName(z.name));
    for (const Endpoint& e : z.addrs) FUZZ_CHECK(e.port() != 0);
  }
}

}  // namespace
}  // namespace rebound

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace rebound;  // NOLINT(build/namespaces): the entry point must stay global
  const absl::string_view text(reinterpret_cast<const char*>(data), size);
  if (absl::StrContains(absl::AsciiStrToLower(text), "include")) return 0;
  const size_t lines = static_cast<size_t>(std::count(text.begin(), text.end(), '\n')) + 1;

  std::vector<std::string> warnings;
  absl::StatusOr<Config> config = ParseConfigText(text, kFilename, &warnings);
  for (const std::string& w : warnings) CheckLocated(w, lines);
  if (!config.ok()) {
    FUZZ_CHECK(config.status().code() != absl::StatusCode::kOk);
    CheckLocated(config.status().message(), lines);
  } else {
    CheckConfig(*config);
  }

  // The same text gives the same result.
  std::vector<std::string> again_warnings;
  absl::StatusOr<Config> again = ParseConfigText(text, kFilename, &again_warnings);
  FUZZ_CHECK(again.ok() == config.ok());
  FUZZ_CHECK(again_warnings == warnings);
  if (config.ok()) {
    FUZZ_CHECK(*again == *config);
  } else {
    FUZZ_CHECK(again.status() == config.status());
  }
  return 0;
}
