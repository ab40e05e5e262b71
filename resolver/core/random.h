// Unpredictable numbers for query IDs and source ports (RFC 5452 4: both must be random).
#ifndef REBOUND_RESOLVER_CORE_RANDOM_H_
#define REBOUND_RESOLVER_CORE_RANDOM_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>

namespace rebound {

// From OpenSSL's CSPRNG, drawn through a per-thread RandomByteBuffer; an attacker who sees some
// values cannot guess the next one.
uint16_t SecureRandomU16();
// Uniform in [0, bound); bound must be > 0.
uint32_t SecureRandomBelow(uint32_t bound);

// Bytes of a CSPRNG stream drawn a block at a time: one RAND_bytes call per 4 KiB instead of one
// per query ID or port (a call costs about as much as drawing a block). Each byte is handed out
// once and wiped from the buffer; the bytes not yet handed out are as secret as the CSPRNG's own
// state, which lives in the same process memory anyway. Not thread-safe: one per thread.
class RandomByteBuffer {
 public:
  static constexpr size_t kSize = 4096;
  // Fills `size` bytes at `out` with CSPRNG output, or aborts.
  using Source = std::function<void(uint8_t* out, size_t size)>;

  // OpenSSL's RAND_bytes.
  RandomByteBuffer();
  // For tests: another source.
  explicit RandomByteBuffer(Source source);

  void Read(void* out, size_t size);
  uint16_t NextU16();
  uint32_t NextU32();
  // Uniform in [0, bound); bound must be > 0.
  uint32_t NextBelow(uint32_t bound);

  // Calls of the source so far.
  size_t refills() const { return refills_; }

 private:
  void Refill();

  Source source_;
  std::array<uint8_t, kSize> bytes_{};
  size_t next_ = kSize;  // bytes_[next_..] are not handed out yet; kSize: empty
  // The process generation (bumped in every child after fork) of the bytes in the buffer: a
  // child must not hand out the same numbers as its parent.
  uint64_t generation_ = 0;
  size_t refills_ = 0;
};

}  // namespace rebound

#endif  // REBOUND_RESOLVER_CORE_RANDOM_H_
