// One version of a read-mostly structure published to the workers by an atomic pointer: a
// reader pays one acquire load (Get) and never a lock; a writer (the control thread) builds a
// new version and publishes it, and the queries that start after see it while the ones in
// flight finish with the version they read. The old versions are kept, since no reader announces
// when it is done with one, until Reset, which is called with no reader running (a reload,
// between two sets of workers).
#ifndef REBOUND_RESOLVER_CORE_PUBLISHED_H_
#define REBOUND_RESOLVER_CORE_PUBLISHED_H_

#include <atomic>
#include <memory>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

namespace rebound {

template <typename T>
class Published {
 public:
  Published() = default;
  Published(const Published&) = delete;
  Published& operator=(const Published&) = delete;

  // The version in force; null before the first Publish. Valid until the next Reset.
  const T* Get() const { return current_.load(std::memory_order_acquire); }

  // Makes `next` the version in force; the previous ones stay alive until Reset.
  void Publish(std::unique_ptr<const T> next) {
    absl::MutexLock lock(&mu_);
    current_.store(next.get(), std::memory_order_release);
    versions_.push_back(std::move(next));
  }

  // Frees every version and publishes `first`. Only while nobody reads (no worker runs).
  void Reset(std::unique_ptr<const T> first) {
    absl::MutexLock lock(&mu_);
    current_.store(first.get(), std::memory_order_release);
    versions_.clear();
    versions_.push_back(std::move(first));
  }

  // How many versions are alive (the one in force included).
  size_t versions() const {
    absl::MutexLock lock(&mu_);
    return versions_.size();
  }

 private:
  std::atomic<const T*> current_{nullptr};
  mutable absl::Mutex mu_;
  std::vector<std::unique_ptr<const T>> versions_ ABSL_GUARDED_BY(mu_);
};

}  // namespace rebound

#endif  // REBOUND_RESOLVER_CORE_PUBLISHED_H_
