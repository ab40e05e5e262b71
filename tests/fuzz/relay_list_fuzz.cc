// Feeds arbitrary text to ParseRelayList, the parser of bootstrap/relays.list and of
// bootstrap-relay: lines. Checks that it never crashes or leaks; that every relay it accepts is
// normalized (lowercase TLS name without a final dot, absolute path, a port) and prints as a
// line that parses back to the same relay, so the whole list round-trips; and that an error
// names the source and a line that exists.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "bootstrap/relay.h"
#include "tests/fuzz/fuzz_check.h"

namespace rebound {
namespace {

constexpr absl::string_view kSource = "fuzz.list";

void CheckRelay(const Relay& relay) {
  FUZZ_CHECK(relay.address.port() != 0);
  FUZZ_CHECK(!relay.tls_name.empty() && relay.tls_name.size() <= 253);
  FUZZ_CHECK(relay.tls_name.back() != '.');
  FUZZ_CHECK(relay.tls_name == absl::AsciiStrToLower(relay.tls_name));
  FUZZ_CHECK(absl::StartsWith(relay.path, "/"));
  FUZZ_CHECK(relay.path.find_first_of("?# \t\r\n") == std::string::npos);
  absl::StatusOr<Relay> again = ParseRelayLine(relay.ToString());
  FUZZ_CHECK(again.ok());
  FUZZ_CHECK(*again == relay);
}

void CheckList(const std::vector<Relay>& relays) {
  std::vector<std::string> lines;
  for (size_t i = 0; i < relays.size(); ++i) {
    CheckRelay(relays[i]);
    for (size_t j = 0; j < i; ++j) FUZZ_CHECK(!(relays[i] == relays[j]));  // duplicates refused
    lines.push_back(relays[i].ToString());
  }
  absl::StatusOr<std::vector<Relay>> again = ParseRelayList(absl::StrJoin(lines, "\n"), kSource);
  FUZZ_CHECK(again.ok());
  FUZZ_CHECK(*again == relays);
}

// "fuzz.list:LINE: reason" with LINE within the text.
void CheckError(const absl::Status& status, absl::string_view text) {
  FUZZ_CHECK(status.code() == absl::StatusCode::kInvalidArgument);
  absl::string_view message = status.message();
  FUZZ_CHECK(absl::StartsWith(message, kSource));
  message.remove_prefix(kSource.size());
  FUZZ_CHECK(absl::StartsWith(message, ":"));
  message.remove_prefix(1);
  const size_t colon = message.find(':');
  FUZZ_CHECK(colon != absl::string_view::npos);
  int line = 0;
  FUZZ_CHECK(absl::SimpleAtoi(message.substr(0, colon), &line));
  const auto lines = static_cast<int>(std::count(text.begin(), text.end(), '\n')) + 1;
  FUZZ_CHECK(line >= 1 && line <= lines);
  FUZZ_CHECK(message.size() > colon + 2);  // a reason follows
}

}  // namespace
}  // namespace rebound

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace rebound;  // NOLINT(build/namespaces): the entry point must stay global
  const absl::string_view text(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<std::vector<Relay>> relays = ParseRelayList(text, kSource);
  if (relays.ok()) {
    CheckList(*relays);
  } else {
    CheckError(relays.status(), text);
  }
  // The single-line form, as bootstrap-relay: gives it, must agree with the list on one line.
  if (text.find_first_of("\n#") == absl::string_view::npos) {
    absl::StatusOr<Relay> relay = ParseRelayLine(text);
    if (relay.ok()) {
      CheckRelay(*relay);
      FUZZ_CHECK(relays.ok() && relays->size() == 1 && (*relays)[0] == *relay);
    }
  }
  return 0;
}
