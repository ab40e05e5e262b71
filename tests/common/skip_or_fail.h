// The rule for a test whose tool is missing from the machine (tests/README and the ground rules):
// on a developer machine skip it with the reason; when CI=true (or 1) fail, because a missing
// piece in CI must never pass silently as a skip.
#ifndef REBOUND_TESTS_COMMON_SKIP_OR_FAIL_H_
#define REBOUND_TESTS_COMMON_SKIP_OR_FAIL_H_

#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>

#include "absl/status/status.h"

namespace rebound::testing {

inline bool RunningUnderCi() {
  const char* ci = std::getenv("CI");
  return ci != nullptr && (std::strcmp(ci, "true") == 0 || std::strcmp(ci, "1") == 0);
}

}  // namespace rebound::testing

// In a test body, SetUp() or SetUpTestSuite(): when the status is not OK the current function
// returns, having skipped the test (or failed it under CI).
#define REBOUND_SKIP_OR_FAIL_UNLESS_OK(status_expr)                                         \
  do {                                                                                      \
    const ::absl::Status rebound_requirement_status = (status_expr);                        \
    if (!rebound_requirement_status.ok()) {                                                 \
      if (::rebound::testing::RunningUnderCi()) {                                           \
        GTEST_FAIL() << "test requirement missing under CI=true (a skip is not allowed in " \
                        "CI): "                                                             \
                     << rebound_requirement_status.message();                               \
      }                                                                                     \
      GTEST_SKIP() << "test requirement missing (set CI=true to make this a failure): "     \
                   << rebound_requirement_status.message();                                 \
    }                                                                                       \
  } while (false)

#endif  // REBOUND_TESTS_COMMON_SKIP_OR_FAIL_H_
