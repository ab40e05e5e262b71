#include "bootstrap/relay_memory.h"

#include <algorithm>
#include <utility>

#include "absl/strings/match.h"
#include "bootstrap/relay_answer.h"
#include "resolver/core/log.h"
#include "resolver/wire/presentation.h"

namespace rebound {
namespace {

// When a relay answer stops being worth keeping: its smallest TTL (already capped), or the JSON
// answer TTL for an answer with no records at all.
absl::Duration Lifetime(const ldns_pkt& answer) {
  uint32_t ttl = kJsonAnswerTtl;
  bool any = false;
  for (const ldns_rr_list* section : {ldns_pkt_answer(&answer), ldns_pkt_authority(&answer)}) {
    for (size_t i = 0; i < ldns_rr_list_rr_count(section); ++i) {
      const uint32_t rr_ttl = ldns_rr_ttl(ldns_rr_list_rr(section, i));
      ttl = any ? std::min(ttl, rr_ttl) : rr_ttl;
      any = true;
    }
  }
  return absl::Seconds(ttl);
}

}  // namespace

RelayMemory::RelayMemory(std::string state_file, const Clock* clock)
    : path_(std::move(state_file)), clock_(clock) {
  if (path_.empty()) return;
  absl::StatusOr<BootstrapState> state = ReadStateFile(path_);
  if (absl::IsNotFound(state.status())) return;
  if (!state.ok()) {
    Log(LogLevel::kError, "warning: bootstrap-state-file %s: %s; starting without it", path_,
        state.status().message());
    return;
  }
  absl::MutexLock lock(&mu_);
  state_ = *std::move(state);
  Trim(clock_->Now());
  Log(LogLevel::kOps, "bootstrap: read %s: last good relay %s, %d answers", path_,
      state_.last_good ? state_.last_good->ToString() : "none",
      static_cast<int>(state_.answers.size()));
}

std::optional<Relay> RelayMemory::LastGood() const {
  absl::MutexLock lock(&mu_);
  return state_.last_good;
}

std::vector<PersistedAnswer> RelayMemory::Answers() const {
  const absl::Time now = clock_->Now();
  absl::MutexLock lock(&mu_);
  std::vector<PersistedAnswer> out;
  for (const PersistedAnswer& answer : state_.answers) {
    if (answer.expires > now) out.push_back(answer);
  }
  return out;
}

void RelayMemory::RecordAnswer(const Relay& relay, const ldns_rdf* qname, ldns_rr_type qtype,
                               const ldns_pkt& answer) {
  PersistedAnswer persisted{NameString(qname), static_cast<uint16_t>(qtype),
                            clock_->Now() + Lifetime(answer), PacketToWire(answer)};
  if (persisted.wire.empty()) return;

  std::optional<BootstrapState> to_save;
  uint64_t generation = 0;
  {
    absl::MutexLock lock(&mu_);
    ++counters_.answers;
    const bool new_relay = state_.last_good != relay;
    state_.last_good = relay;
    auto same_question = [&](const PersistedAnswer& a) {
      return a.qtype == persisted.qtype && absl::EqualsIgnoreCase(a.qname, persisted.qname);
    };
    std::erase_if(state_.answers, same_question);
    state_.answers.push_back(std::move(persisted));
    Trim(clock_->Now());
    dirty_ = true;
    if (!path_.empty() && (new_relay || clock_->Now() - last_save_ >= kSaveInterval)) {
      to_save = state_;
      generation = ++generation_;
      dirty_ = false;
      last_save_ = clock_->Now();
    }
  }
  if (to_save) Save(*std::move(to_save), generation);
}

void RelayMemory::Flush() {
  BootstrapState to_save;
  uint64_t generation = 0;
  {
    absl::MutexLock lock(&mu_);
    if (path_.empty() || !dirty_) return;
    to_save = state_;
    generation = ++generation_;
    dirty_ = false;
    last_save_ = clock_->Now();
  }
  Save(std::move(to_save), generation);
}

bool RelayMemory::FirstFailure(const Relay& relay, const std::string& message) {
  absl::MutexLock lock(&mu_);
  ++counters_.failures;
  return failures_logged_.insert(relay.ToString() + "\n" + message).second;
}

void RelayMemory::RecordTry(const Relay& relay) {
  absl::MutexLock lock(&mu_);
  records_[relay.ToString()].last_try = clock_->Now();
}

void RelayMemory::RecordResponse(const Relay& relay, absl::Duration rtt, bool accepted) {
  absl::MutexLock lock(&mu_);
  RelayRecord& record = records_[relay.ToString()];
  record.certificate = "verified";
  if (!accepted) return;  // RecordFailure says why
  record.last_success = clock_->Now();
  record.rtt = rtt;
}

void RelayMemory::RecordFailure(const Relay& relay, const std::string& message, bool certificate) {
  absl::MutexLock lock(&mu_);
  RelayRecord& record = records_[relay.ToString()];
  record.last_error = message;
  if (certificate) record.certificate = message;
}

RelayMemory::RelayRecord RelayMemory::Record(const Relay& relay) const {
  absl::MutexLock lock(&mu_);
  auto it = records_.find(relay.ToString());
  return it == records_.end() ? RelayRecord{} : it->second;
}

RelayMemory::Counters RelayMemory::counters() const {
  absl::MutexLock lock(&mu_);
  return counters_;
}

void RelayMemory::Trim(absl::Time now) {
  std::erase_if(state_.answers, [now](const PersistedAnswer& a) { return a.expires <= now; });
  if (state_.answers.size() > kMaxAnswers) {
    state_.answers.erase(state_.answers.begin(),
                         state_.answers.end() - static_cast<ptrdiff_t>(kMaxAnswers));
  }
}

void RelayMemory::Save(BootstrapState state, uint64_t generation) {
  absl::MutexLock lock(&save_mu_);
  // Two threads may copy the state in one order and get here in the other.
  if (generation <= saved_generation_) return;
  saved_generation_ = generation;
  if (absl::Status s = WriteStateFile(path_, state); !s.ok()) {
    static RateLimiter limiter;
    if (limiter.Allow()) {
      Log(LogLevel::kError, "warning: bootstrap-state-file %s: %s", path_, s.message());
    }
  }
}

}  // namespace rebound
