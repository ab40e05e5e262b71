// Timers on the replay tier's fake clock: a timer fires when the harness finds the clock past
// its deadline (after each delivery), or when nothing else is left to happen and the harness
// moves the clock to it.
#ifndef REBOUND_TESTS_REPLAY_REPLAY_TIMERS_H_
#define REBOUND_TESTS_REPLAY_REPLAY_TIMERS_H_

#include <cstdint>
#include <functional>
#include <map>
#include <utility>

#include "resolver/core/clock.h"
#include "resolver/core/timers.h"

namespace rebound::replay {

class ReplayTimers : public Timers {
 public:
  explicit ReplayTimers(FakeClock* clock) : clock_(clock) {}

  uint64_t Start(absl::Duration delay, std::function<void()> fire) override {
    const uint64_t ticket = next_ticket_++;
    timers_[ticket] = {clock_->Now() + delay, std::move(fire)};
    return ticket;
  }
  void Stop(uint64_t ticket) override { timers_.erase(ticket); }

  // Fires the timers whose deadline has passed, earliest first; whether any fired.
  bool FireDue() {
    bool fired = false;
    while (std::optional<uint64_t> next = Earliest()) {
      if (timers_[*next].first > clock_->Now()) break;
      Fire(*next);
      fired = true;
    }
    return fired;
  }
  // Moves the clock to the earliest timer and fires it; false when none is set.
  bool AdvanceToNext() {
    std::optional<uint64_t> next = Earliest();
    if (!next) return false;
    const absl::Time deadline = timers_[*next].first;
    if (deadline > clock_->Now()) clock_->Advance(deadline - clock_->Now());
    Fire(*next);
    return true;
  }
  size_t pending() const { return timers_.size(); }

 private:
  std::optional<uint64_t> Earliest() const {
    std::optional<uint64_t> best;
    for (const auto& [ticket, timer] : timers_) {
      if (!best || timer.first < timers_.at(*best).first) best = ticket;
    }
    return best;
  }
  void Fire(uint64_t ticket) {
    std::function<void()> fire = std::move(timers_[ticket].second);
    timers_.erase(ticket);
    fire();
  }

  FakeClock* const clock_;
  std::map<uint64_t, std::pair<absl::Time, std::function<void()>>> timers_;
  uint64_t next_ticket_ = 1;
};

}  // namespace rebound::replay

#endif  // REBOUND_TESTS_REPLAY_REPLAY_TIMERS_H_
