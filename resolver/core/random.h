// Unpredictable numbers for query IDs and source ports (RFC 5452 4: both must be random).
#ifndef REBOUND_RESOLVER_CORE_RANDOM_H_
#define REBOUND_RESOLVER_CORE_RANDOM_H_

#include <cstdint>

namespace rebound {

// From OpenSSL's CSPRNG; an attacker who sees some values cannot guess the next one.
uint16_t SecureRandomU16();
// Uniform in [0, bound); bound must be > 0.
uint32_t SecureRandomBelow(uint32_t bound);

}  // namespace rebound

#endif  // REBOUND_RESOLVER_CORE_RANDOM_H_
