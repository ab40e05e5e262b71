#include "resolver/core/random.h"

#include <openssl/rand.h>

#include <cstdlib>

namespace rebound {
namespace {

uint32_t SecureRandomU32() {
  uint32_t value;
  // RAND_bytes fails only when the CSPRNG cannot be seeded; answering with guessable IDs would
  // make the resolver poisonable, so stop instead.
  if (RAND_bytes(reinterpret_cast<unsigned char*>(&value), sizeof value) != 1) std::abort();
  return value;
}

}  // namespace

uint16_t SecureRandomU16() { return static_cast<uint16_t>(SecureRandomU32()); }

uint32_t SecureRandomBelow(uint32_t bound) {
  // Rejection sampling avoids the modulo bias.
  const uint32_t limit = UINT32_MAX - UINT32_MAX % bound;
  uint32_t value;
  do {
    value = SecureRandomU32();
  } while (value >= limit);
  return value % bound;
}

}  // namespace rebound
