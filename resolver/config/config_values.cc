#include "resolver/config/config_values.h"

#include <ldns/ldns.h>

#include <cstdlib>
#include <limits>
#include <memory>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "resolver/wire/ldns_ptr.h"

namespace rebound::config_internal {
namespace {

bool AllDigits(absl::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

}  // namespace

absl::StatusOr<bool> ParseYesNo(absl::string_view text) {
  if (text == "yes") return true;
  if (text == "no") return false;
  return absl::InvalidArgumentError(absl::StrCat("expected yes or no, got '", text, "'"));
}

absl::StatusOr<int64_t> ParseInteger(absl::string_view text, int64_t min, int64_t max) {
  // SimpleAtoi also takes blanks and '+'; a config value is plain digits with an optional '-'.
  absl::string_view digits = absl::StartsWith(text, "-") ? text.substr(1) : text;
  int64_t value = 0;
  if (!AllDigits(digits) || !absl::SimpleAtoi(text, &value)) {
    if (AllDigits(digits)) {
      return absl::InvalidArgumentError(
          absl::StrCat("value ", text, " is out of range (", min, " to ", max, ")"));
    }
    return absl::InvalidArgumentError(absl::StrCat("expected a number, got '", text, "'"));
  }
  if (value < min || value > max) {
    return absl::InvalidArgumentError(
        absl::StrCat("value ", value, " is out of range (", min, " to ", max, ")"));
  }
  return value;
}

absl::StatusOr<size_t> ParseMemorySize(absl::string_view text) {
  absl::string_view digits = text;
  if (!digits.empty() && absl::ascii_tolower(static_cast<unsigned char>(digits.back())) == 'b') {
    digits.remove_suffix(1);
  }
  size_t multiplier = 1;
  if (!digits.empty()) {
    switch (absl::ascii_tolower(static_cast<unsigned char>(digits.back()))) {
      case 'k':
        multiplier = size_t{1} << 10;
        break;
      case 'm':
        multiplier = size_t{1} << 20;
        break;
      case 'g':
        multiplier = size_t{1} << 30;
        break;
    }
    if (multiplier != 1) digits.remove_suffix(1);
  }
  uint64_t number = 0;
  if (!AllDigits(digits)) {
    return absl::InvalidArgumentError(
        absl::StrCat("expected a size such as 4m, 512k or 1048576, got '", text, "'"));
  }
  if (!absl::SimpleAtoi(digits, &number) ||
      number > std::numeric_limits<size_t>::max() / multiplier) {
    return absl::InvalidArgumentError(absl::StrCat("size ", text, " is too large"));
  }
  return static_cast<size_t>(number * multiplier);
}

absl::StatusOr<std::string> NormalizeDomainName(absl::string_view text) {
  if (text.empty()) return absl::InvalidArgumentError("empty domain name");
  std::string input(text);
  ldns_rdf* raw = nullptr;
  ldns_status status = ldns_str2rdf_dname(&raw, input.c_str());
  LdnsRdfPtr rdf(raw);
  if (status != LDNS_STATUS_OK || rdf == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid domain name '", text, "': ", ldns_get_errorstr_by_id(status)));
  }
  ldns_dname2canonical(rdf.get());
  std::unique_ptr<char, decltype(&free)> printed(ldns_rdf2str(rdf.get()), &free);
  if (printed == nullptr) return absl::ResourceExhaustedError("out of memory");
  return std::string(printed.get());
}

}  // namespace rebound::config_internal
