#include "resolver/core/random.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <pthread.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <utility>

namespace rebound {
namespace {

void OpenSslRandomBytes(uint8_t* out, size_t size) {
  // RAND_bytes fails only when the CSPRNG cannot be seeded; answering with guessable IDs would
  // make the resolver poisonable, so stop instead.
  if (RAND_bytes(out, static_cast<int>(size)) != 1) std::abort();
}

// Bumped in the child after every fork, so buffers filled before the fork are discarded there.
std::atomic<uint64_t> g_fork_generation{1};

uint64_t ForkGeneration() {
  static const bool registered = [] {
    pthread_atfork(nullptr, nullptr,
                   [] { g_fork_generation.fetch_add(1, std::memory_order_relaxed); });
    return true;
  }();
  (void)registered;
  return g_fork_generation.load(std::memory_order_relaxed);
}

RandomByteBuffer& ThreadBuffer() {
  thread_local RandomByteBuffer buffer;
  return buffer;
}

}  // namespace

RandomByteBuffer::RandomByteBuffer() : RandomByteBuffer(OpenSslRandomBytes) {}

RandomByteBuffer::RandomByteBuffer(Source source) : source_(std::move(source)) {}

void RandomByteBuffer::Refill() {
  source_(bytes_.data(), bytes_.size());
  next_ = 0;
  generation_ = ForkGeneration();
  ++refills_;
}

void RandomByteBuffer::Read(void* out, size_t size) {
  auto* dest = static_cast<uint8_t*>(out);
  if (generation_ != ForkGeneration()) next_ = kSize;  // forked: these bytes are the parent's
  while (size > 0) {
    if (next_ == kSize) Refill();
    const size_t n = std::min(size, kSize - next_);
    std::memcpy(dest, bytes_.data() + next_, n);
    // Wiped once handed out: a later look at this memory shows no past ID or port.
    OPENSSL_cleanse(bytes_.data() + next_, n);
    next_ += n;
    dest += n;
    size -= n;
  }
}

uint16_t RandomByteBuffer::NextU16() {
  uint16_t value;
  Read(&value, sizeof value);
  return value;
}

uint32_t RandomByteBuffer::NextU32() {
  uint32_t value;
  Read(&value, sizeof value);
  return value;
}

uint32_t RandomByteBuffer::NextBelow(uint32_t bound) {
  // Rejection sampling avoids the modulo bias.
  const uint32_t limit = UINT32_MAX - UINT32_MAX % bound;
  uint32_t value;
  do {
    value = NextU32();
  } while (value >= limit);
  return value % bound;
}

uint16_t SecureRandomU16() { return ThreadBuffer().NextU16(); }

uint32_t SecureRandomBelow(uint32_t bound) { return ThreadBuffer().NextBelow(bound); }

}  // namespace rebound
