#include "resolver/server/descriptor_limit.h"

#include <sys/resource.h>

#include <algorithm>

#include "resolver/core/log.h"

namespace rebound {
namespace {

// A thread's own: its epoll sets, libuv's internal descriptors, the TCP retries of upstream
// queries that came back truncated.
constexpr uint64_t kPerThreadOverhead = 32;
// The process's: standard streams, log, pid and state files, the main loop.
constexpr uint64_t kProcessOverhead = 64;
// Below this many upstream sockets a thread could hardly resolve at all.
constexpr int kMinOutgoingRange = 16;

}  // namespace

uint64_t DescriptorNeeds::Total(const Config& config) const {
  const uint64_t per_thread =
      per_thread_besides_upstream + static_cast<uint64_t>(config.outgoing_range);
  return process + per_thread * static_cast<uint64_t>(config.num_threads);
}

DescriptorNeeds DescriptorsNeeded(const Config& config) {
  const uint64_t interfaces = config.interfaces.size();
  DescriptorNeeds needs;
  // Each interface has a UDP and a TCP socket (or one HTTPS socket) and up to incoming-num-tcp
  // connections; each relay may have a connection open.
  needs.per_thread_besides_upstream =
      interfaces * (2 + static_cast<uint64_t>(config.incoming_num_tcp)) +
      config.bootstrap.relays.size() + kPerThreadOverhead;
  needs.process = kProcessOverhead;
  return needs;
}

DescriptorFit PlanDescriptorLimit(const Config& config, uint64_t soft, uint64_t hard,
                                  bool may_raise_hard) {
  const DescriptorNeeds needs = DescriptorsNeeded(config);
  DescriptorFit fit;
  fit.needed = needs.Total(config);
  fit.outgoing_range = config.outgoing_range;
  const uint64_t ceiling = may_raise_hard ? std::max(hard, fit.needed) : hard;
  fit.limit = std::max(soft, std::min(fit.needed, ceiling));
  if (fit.limit >= fit.needed) return fit;
  // Short: what is left after everything else, shared by the threads' upstream sockets.
  const uint64_t threads = static_cast<uint64_t>(config.num_threads);
  const uint64_t fixed = needs.process + threads * needs.per_thread_besides_upstream;
  const uint64_t left = fit.limit > fixed ? (fit.limit - fixed) / threads : 0;
  fit.outgoing_range =
      static_cast<int>(std::max<uint64_t>(kMinOutgoingRange, std::min<uint64_t>(left, INT32_MAX)));
  fit.lowered = true;
  return fit;
}

void FitDescriptorLimit(Config* config) {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return;
  const uint64_t soft = limit.rlim_cur == RLIM_INFINITY ? UINT64_MAX : limit.rlim_cur;
  const uint64_t hard = limit.rlim_max == RLIM_INFINITY ? UINT64_MAX : limit.rlim_max;
  DescriptorFit fit = PlanDescriptorLimit(*config, soft, hard, /*may_raise_hard=*/true);
  if (fit.limit > soft) {
    rlimit wanted{static_cast<rlim_t>(fit.limit), std::max<rlim_t>(limit.rlim_max, fit.limit)};
    // Raising the hard limit needs CAP_SYS_RESOURCE; without it, take what the hard one allows.
    if (setrlimit(RLIMIT_NOFILE, &wanted) != 0) {
      fit = PlanDescriptorLimit(*config, soft, hard, /*may_raise_hard=*/false);
      wanted = {static_cast<rlim_t>(fit.limit), limit.rlim_max};
      if (fit.limit > soft && setrlimit(RLIMIT_NOFILE, &wanted) != 0) {
        fit = PlanDescriptorLimit(*config, soft, soft, /*may_raise_hard=*/false);
      }
    }
  }
  if (fit.lowered) {
    Log(LogLevel::kError,
        "warning: the open files limit (%d) is below the %d that num-threads, outgoing-range, "
        "incoming-num-tcp and the interfaces need; outgoing-range lowered from %d to %d. Raise "
        "the limit (ulimit -n, LimitNOFILE=) or lower those options",
        static_cast<int64_t>(fit.limit), static_cast<int64_t>(fit.needed), config->outgoing_range,
        fit.outgoing_range);
    config->outgoing_range = fit.outgoing_range;
  } else if (fit.limit > soft) {
    Log(LogLevel::kAlgo, "open files limit raised from %d to %d", static_cast<int64_t>(soft),
        static_cast<int64_t>(fit.limit));
  }
}

}  // namespace rebound
