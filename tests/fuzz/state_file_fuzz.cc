// Feeds arbitrary contents of bootstrap-state-file to ReadStateFile (it reads only from a path,
// so each input is written to a file in a private temporary directory first), and each answer it
// accepts to RememberedAnswerRecords, as RelayMemory does at start. Checks: a file that is not a
// state file is DataLoss and nothing else; an accepted state writes back (WriteStateFile) and
// reads back equal; a remembered answer is empty once expired and no record in it lives longer
// than what the answer has left or than bootstrap-max-ttl.
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "bootstrap/remembered_answer.h"
#include "bootstrap/state_file.h"
#include "tests/fuzz/fuzz_check.h"

namespace rebound {
namespace {

constexpr int64_t kNow = 1'700'000'000;  // the seeds' "expires" are around this
constexpr uint32_t kMaxTtls[] = {0, 300, 86400};

// A directory only this process can write to: ReadStateFile refuses files where others could
// have put them. On tmpfs when there is one, so that the fsyncs of WriteStateFile cost nothing.
const std::string& Directory() {
  static const std::string* dir = [] {
    std::string pattern = access("/dev/shm", W_OK) == 0 ? "/dev/shm/rebound-state-fuzz.XXXXXX"
                                                        : "/tmp/rebound-state-fuzz.XXXXXX";
    FUZZ_CHECK(mkdtemp(pattern.data()) != nullptr);
    auto* made = new std::string(pattern);
    std::atexit([] {
      unlink((Directory() + "/state").c_str());
      unlink((Directory() + "/copy").c_str());
      rmdir(Directory().c_str());
    });
    return made;
  }();
  return *dir;
}

void WriteFile(const std::string& path, const uint8_t* data, size_t size) {
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  FUZZ_CHECK(fd >= 0);
  size_t done = 0;
  while (done < size) {
    const ssize_t n = write(fd, data + done, size - done);
    FUZZ_CHECK(n > 0);
    done += static_cast<size_t>(n);
  }
  FUZZ_CHECK(close(fd) == 0);
}

void CheckRemembered(const PersistedAnswer& answer) {
  const absl::Time now = absl::FromUnixSeconds(kNow);
  const int64_t left = absl::ToInt64Seconds(answer.expires - now);
  for (uint32_t max_ttl : kMaxTtls) {
    LdnsRrListPtr records = RememberedAnswerRecords(answer, now, max_ttl);
    FUZZ_CHECK(records != nullptr);
    const size_t count = ldns_rr_list_rr_count(records.get());
    if (left <= 0) FUZZ_CHECK(count == 0);
    for (size_t i = 0; i < count; ++i) {
      const uint32_t ttl = ldns_rr_ttl(ldns_rr_list_rr(records.get(), i));
      FUZZ_CHECK(ttl <= max_ttl && static_cast<int64_t>(ttl) <= left);
    }
  }
}

}  // namespace
}  // namespace rebound

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace rebound;  // NOLINT(build/namespaces): the entry point must stay global
  const std::string path = Directory() + "/state";
  WriteFile(path, data, size);
  absl::StatusOr<BootstrapState> state = ReadStateFile(path);
  if (!state.ok()) {
    FUZZ_CHECK(state.status().code() == absl::StatusCode::kDataLoss);
    return 0;
  }
  for (const PersistedAnswer& answer : state->answers) CheckRemembered(answer);
  // What was read is valid UTF-8 (JSON strings are), so it writes back, and reads back the same.
  const std::string copy = Directory() + "/copy";
  const absl::Status written = WriteStateFile(copy, *state);
  if (!written.ok()) std::fprintf(stderr, "%s\n", written.ToString().c_str());
  FUZZ_CHECK(written.ok());
  absl::StatusOr<BootstrapState> again = ReadStateFile(copy);
  FUZZ_CHECK(again.ok());
  FUZZ_CHECK(*again == *state);
  return 0;
}
