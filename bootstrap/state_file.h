// What the bootstrap fallback remembers across restarts: the relay that last answered and recent
// relay answers, so that a host that starts without working DNS resolves at once. Kept as JSON
// in bootstrap-state-file:
//
//   {"version": 1, "last_good": "2606:4700:4700::1111 443 cloudflare-dns.com doh /dns-query",
//    "answers": [{"qname": "example.com.", "qtype": 28, "expires": 1700000300,
//                 "wire": "<base64 of the DNS message>"}]}
//
// "last_good" is a relay line (relay.h) and may be absent; "expires" is in Unix seconds.
#ifndef REBOUND_BOOTSTRAP_STATE_FILE_H_
#define REBOUND_BOOTSTRAP_STATE_FILE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "bootstrap/relay.h"

namespace rebound {

// Files larger than this are not read: a state file holds a few hundred answers at most.
inline constexpr size_t kMaxStateFileSize = size_t{16} << 20;

struct PersistedAnswer {
  std::string qname = {};  // presentation form, as the writer chose it
  uint16_t qtype = 0;
  absl::Time expires = {};         // stored with one-second resolution (rounded down)
  std::vector<uint8_t> wire = {};  // the DNS message as accepted from the relay
  bool operator==(const PersistedAnswer&) const = default;
};

struct BootstrapState {
  std::optional<Relay> last_good = {};
  std::vector<PersistedAnswer> answers = {};
  bool operator==(const BootstrapState&) const = default;
};

// Replaces `path` atomically: the state goes to a new temporary file in the same directory,
// which is fsynced and renamed over `path`, and the directory is fsynced so that the rename
// survives a crash. A reader sees the old file or the new one, never a mix. The file is created
// with mode 0600 (it lists names that were looked up). A qname that is not valid UTF-8 is an
// InvalidArgumentError; I/O failures carry the errno and leave no temporary file behind.
absl::Status WriteStateFile(const std::string& path, const BootstrapState& state);

// Reads a file WriteStateFile wrote. NotFoundError when there is none; DataLossError with the
// reason when it does not parse or does not hold what it should (truncated, not JSON, a wrong
// type, bad base64, a relay line that does not parse, another version); other I/O errors as
// their errno says. Never throws.
absl::StatusOr<BootstrapState> ReadStateFile(const std::string& path);

}  // namespace rebound

#endif  // REBOUND_BOOTSTRAP_STATE_FILE_H_
