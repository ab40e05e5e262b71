// A private directory under $TMPDIR (or /tmp) that is removed with everything in it when the
// object goes away, for test certificates, configuration files and logs.
#ifndef REBOUND_TESTS_COMMON_TEMP_DIR_H_
#define REBOUND_TESTS_COMMON_TEMP_DIR_H_

#include <string>

#include "absl/status/statusor.h"

namespace rebound::testing {

class TempDir {
 public:
  // mkdtemp of "<tmp>/<prefix>XXXXXX".
  static absl::StatusOr<TempDir> Create(const std::string& prefix = "rebound-test-");

  TempDir(TempDir&& other) noexcept;
  TempDir& operator=(TempDir&& other) noexcept;
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir();

  const std::string& path() const { return path_; }

 private:
  explicit TempDir(std::string path) : path_(std::move(path)) {}
  void Remove();

  std::string path_;  // empty when moved from
};

}  // namespace rebound::testing

#endif  // REBOUND_TESTS_COMMON_TEMP_DIR_H_
