#include "resolver/config/config_line.h"

#include <utility>

#include "absl/strings/str_cat.h"

namespace rebound::config_internal {
namespace {

bool IsBlank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f'; }
bool IsQuote(char c) { return c == '"' || c == '\''; }

}  // namespace

absl::Status ConfigLine::Error(absl::string_view message) const {
  return absl::InvalidArgumentError(absl::StrCat(where, ": ", message));
}

void ConfigLine::Warn(std::vector<std::string>* warnings, absl::string_view message) const {
  if (warnings != nullptr) warnings->push_back(absl::StrCat(where, ": ", message));
}

absl::StatusOr<ConfigLine> TokenizeConfigLine(absl::string_view text, std::string where) {
  ConfigLine line;
  line.where = std::move(where);
  size_t i = 0;
  while (i < text.size() && IsBlank(text[i])) ++i;
  if (i == text.size() || text[i] == '#') return line;

  size_t key_start = i;
  while (i < text.size() && !IsBlank(text[i]) && text[i] != ':' && !IsQuote(text[i]) &&
         text[i] != '#') {
    ++i;
  }
  absl::string_view key = text.substr(key_start, i - key_start);
  if (key.empty()) {
    return line.Error("expected an option name followed by ':'");
  }
  if (i == text.size() || text[i] != ':') {
    return line.Error(absl::StrCat("missing colon after '", key, "'"));
  }
  line.key = std::string(key);
  ++i;

  while (true) {
    while (i < text.size() && IsBlank(text[i])) ++i;
    if (i == text.size() || text[i] == '#') break;
    if (IsQuote(text[i])) {
      char quote = text[i];
      size_t close = text.find(quote, i + 1);
      if (close == absl::string_view::npos) {
        return line.Error(absl::StrCat("unterminated quote in value of '", line.key, "'"));
      }
      line.values.emplace_back(text.substr(i + 1, close - i - 1));
      i = close + 1;
    } else {
      size_t start = i;
      while (i < text.size() && !IsBlank(text[i]) && !IsQuote(text[i])) ++i;
      line.values.emplace_back(text.substr(start, i - start));
    }
  }
  return line;
}

}  // namespace rebound::config_internal
