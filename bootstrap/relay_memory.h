// What rebound has learned from the bootstrap relays, shared by every worker thread: the relay
// that answered last (raced first next time), recent relay answers, and which relay failures
// were already logged. With bootstrap-state-file: it is kept on disk, so that a host that
// restarts while its DNS is still broken asks the right relay at once and has answers at hand.
#ifndef REBOUND_BOOTSTRAP_RELAY_MEMORY_H_
#define REBOUND_BOOTSTRAP_RELAY_MEMORY_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "bootstrap/relay.h"
#include "bootstrap/state_file.h"
#include "resolver/core/clock.h"
#include "resolver/wire/ldns_ptr.h"

namespace rebound {

class RelayMemory {
 public:
  // Answers kept for the state file; the oldest go first.
  static constexpr size_t kMaxAnswers = 256;
  // The file is rewritten at most this often for new answers alone (a new last-good relay is
  // written at once), so that a busy resolver in bootstrap mode does not fsync per query.
  static constexpr absl::Duration kSaveInterval = absl::Seconds(10);

  // `state_file` empty: nothing is read or written. Reads the file now: a missing one is normal,
  // a corrupt one is logged and ignored. `clock` is a wall clock (expiry times are stored).
  RelayMemory(std::string state_file, const Clock* clock);
  RelayMemory(const RelayMemory&) = delete;
  RelayMemory& operator=(const RelayMemory&) = delete;

  std::optional<Relay> LastGood() const;
  // The persisted answers that have not expired, as read at start or recorded since.
  std::vector<PersistedAnswer> Answers() const;

  // `relay` answered `answer` (already checked and TTL-capped) to (qname, qtype).
  void RecordAnswer(const Relay& relay, const ldns_rdf* qname, ldns_rr_type qtype,
                    const ldns_pkt& answer);
  // Writes the state file if anything changed since the last write (at shutdown).
  void Flush();

  // True the first time a relay fails with this message: a relay that fails verification is
  // logged once with OpenSSL's reason, not once per query. Every call counts as a failure.
  bool FirstFailure(const Relay& relay, const std::string& message);

  // What rebound-control's bootstrap_status shows of one relay, recorded by every worker's
  // RelayClient: when it was last asked and last answered, how long that answer took, and what
  // became of its certificate (empty: no TLS session yet).
  struct RelayRecord {
    absl::Time last_try = absl::InfinitePast();
    absl::Time last_success = absl::InfinitePast();
    absl::Duration rtt = absl::ZeroDuration();  // of the last success
    std::string certificate;                    // "verified", or why it failed verification
    std::string last_error;                     // the last failure's reason
  };
  void RecordTry(const Relay& relay);
  // An answer (any HTTP response: the TLS session, so the certificate, was good) after `rtt`.
  void RecordResponse(const Relay& relay, absl::Duration rtt, bool accepted);
  // A failed attempt; `certificate`: the certificate did not verify.
  void RecordFailure(const Relay& relay, const std::string& message, bool certificate);
  RelayRecord Record(const Relay& relay) const;

  // Relay traffic, kept apart from the ordinary resolver's figures.
  struct Counters {
    uint64_t answers = 0;   // accepted relay answers
    uint64_t failures = 0;  // relay attempts that failed (connection, TLS, HTTP, bad answer)
  };
  Counters counters() const;

 private:
  // Drops expired answers and the oldest beyond kMaxAnswers.
  void Trim(absl::Time now) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Writes `state`, unless a later copy (higher generation) was written already.
  void Save(BootstrapState state, uint64_t generation);

  const std::string path_;
  const Clock* const clock_;
  mutable absl::Mutex mu_;
  BootstrapState state_ ABSL_GUARDED_BY(mu_);
  bool dirty_ ABSL_GUARDED_BY(mu_) = false;
  absl::Time last_save_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
  absl::flat_hash_set<std::string> failures_logged_ ABSL_GUARDED_BY(mu_);
  uint64_t generation_ ABSL_GUARDED_BY(mu_) = 0;
  Counters counters_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, RelayRecord> records_
      ABSL_GUARDED_BY(mu_);  // by ToString  // copies of state_ taken for saving
  absl::Mutex save_mu_;      // one writer of the file at a time
  uint64_t saved_generation_ ABSL_GUARDED_BY(save_mu_) = 0;
};

}  // namespace rebound

#endif  // REBOUND_BOOTSTRAP_RELAY_MEMORY_H_
