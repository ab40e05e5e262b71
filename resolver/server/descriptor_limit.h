// The file descriptors a configuration may need at once, and RLIMIT_NOFILE raised to fit them.
#ifndef REBOUND_RESOLVER_SERVER_DESCRIPTOR_LIMIT_H_
#define REBOUND_RESOLVER_SERVER_DESCRIPTOR_LIMIT_H_

#include <cstdint>
#include <string>

#include "resolver/config/config.h"

namespace rebound {

// What `config` needs: per thread its upstream sockets (outgoing-range), its client connections
// (incoming-num-tcp per listening address), its listening sockets and a few of the loop's own
// and the relays'; and, once, the process's files.
struct DescriptorNeeds {
  uint64_t per_thread_besides_upstream = 0;
  uint64_t process = 0;
  uint64_t Total(const Config& config) const;
};
DescriptorNeeds DescriptorsNeeded(const Config& config);

// What FitDescriptorLimit did, for the log.
struct DescriptorFit {
  uint64_t limit = 0;   // the soft RLIMIT_NOFILE now
  uint64_t needed = 0;  // with outgoing-range as configured
  int outgoing_range = 0;
  bool lowered = false;  // outgoing-range was lowered to fit the limit
};

// Given the limits the process has (soft, hard) and whether it may raise the hard one: the soft
// limit to ask for, and outgoing-range lowered to fit what is left when even that is short, as
// unbound does ("continuing with less udp ports"). Never under 16 upstream sockets per thread.
DescriptorFit PlanDescriptorLimit(const Config& config, uint64_t soft, uint64_t hard,
                                  bool may_raise_hard);

// Raises RLIMIT_NOFILE to what `config` needs (the hard limit too when the process may), and
// lowers config->outgoing_range when it cannot be had; logs either.
void FitDescriptorLimit(Config* config);

}  // namespace rebound

#endif  // REBOUND_RESOLVER_SERVER_DESCRIPTOR_LIMIT_H_
