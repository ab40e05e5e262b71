// Shorthands the config tests share: text parsed as if read from "test.conf".
#ifndef REBOUND_TESTS_UNIT_CONFIG_PARSE_TEXT_H_
#define REBOUND_TESTS_UNIT_CONFIG_PARSE_TEXT_H_

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "resolver/config/config.h"

namespace rebound {

// The Config `text` makes; fails the test (and returns the defaults) when it has an error.
inline Config MustParse(const std::string& text, std::vector<std::string>* warnings = nullptr) {
  absl::StatusOr<Config> config = ParseConfigText(text, "test.conf", warnings);
  EXPECT_TRUE(config.ok()) << config.status();
  return config.ok() ? *config : Config{};
}

// The warnings of a file that must parse.
inline std::vector<std::string> WarningsOf(const std::string& text) {
  std::vector<std::string> warnings;
  MustParse(text, &warnings);
  return warnings;
}

// The error message of a file that must not parse; fails the test if it does.
inline std::string ErrorOf(const std::string& text) {
  absl::StatusOr<Config> config = ParseConfigText(text, "test.conf", nullptr);
  EXPECT_FALSE(config.ok()) << "parsed:\n" << text;
  return config.ok() ? "" : std::string(config.status().message());
}

}  // namespace rebound

#endif  // REBOUND_TESTS_UNIT_CONFIG_PARSE_TEXT_H_
