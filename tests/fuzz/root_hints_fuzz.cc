// Feeds arbitrary text to ParseRootHints, the parser for an operator's root-hints file. Checks
// that it never crashes or leaks, that a success holds only what root hints may hold, and that
// an error names the file and a line that exists.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/string_view.h"
#include "resolver/iterator/root_hints.h"
#include "resolver/wire/ldns_ptr.h"
#include "tests/fuzz/fuzz_check.h"

namespace rebound {
namespace {

constexpr absl::string_view kFile = "fuzz.hints";

void CheckHints(const ldns_rr_list* hints) {
  size_t ns = 0;
  size_t addresses = 0;
  for (size_t i = 0; i < ldns_rr_list_rr_count(hints); ++i) {
    const ldns_rr* rr = ldns_rr_list_rr(hints, i);
    FUZZ_CHECK(ldns_rr_get_class(rr) == LDNS_RR_CLASS_IN);
    switch (ldns_rr_get_type(rr)) {
      case LDNS_RR_TYPE_NS:
        FUZZ_CHECK(addresses == 0);  // NS records come first
        FUZZ_CHECK(ldns_dname_label_count(ldns_rr_owner(rr)) == 0);
        FUZZ_CHECK(ldns_rr_rd_count(rr) == 1);
        ++ns;
        break;
      case LDNS_RR_TYPE_A:
      case LDNS_RR_TYPE_AAAA: {
        bool named = false;
        for (size_t j = 0; j < ns && !named; ++j) {
          named =
              ldns_dname_compare(ldns_rr_rdf(ldns_rr_list_rr(hints, j), 0), ldns_rr_owner(rr)) == 0;
        }
        FUZZ_CHECK(named);
        ++addresses;
        break;
      }
      default:
        FUZZ_CHECK(false);
    }
  }
  FUZZ_CHECK(ns > 0 && addresses > 0);
}

// "fuzz.hints: reason" or "fuzz.hints:LINE: reason" with LINE within the text.
void CheckError(const absl::Status& status, absl::string_view text) {
  FUZZ_CHECK(status.code() == absl::StatusCode::kInvalidArgument);
  absl::string_view message = status.message();
  FUZZ_CHECK(absl::StartsWith(message, kFile));
  message.remove_prefix(kFile.size());
  FUZZ_CHECK(absl::StartsWith(message, ":"));
  message.remove_prefix(1);
  if (absl::StartsWith(message, " ")) return;
  const size_t colon = message.find(':');
  FUZZ_CHECK(colon != absl::string_view::npos);
  int line = 0;
  FUZZ_CHECK(absl::SimpleAtoi(message.substr(0, colon), &line));
  const auto lines = static_cast<int>(std::count(text.begin(), text.end(), '\n')) + 1;
  FUZZ_CHECK(line >= 1 && line <= lines);
}

}  // namespace
}  // namespace rebound

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace rebound;  // NOLINT(build/namespaces): the entry point must stay global
  const absl::string_view text(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<LdnsRrListPtr> hints = ParseRootHints(text, kFile);
  if (hints.ok()) {
    CheckHints(hints->get());
  } else {
    CheckError(hints.status(), text);
  }
  return 0;
}
