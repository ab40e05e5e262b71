// FuzzRng: the choices a fuzz target makes besides the bytes it feeds (where a stream is cut
// into reads, which requests are answered when, how far the clock moves), drawn from a seed the
// input carries, so that an input replays exactly and the fuzzer can steer the choices too.
#ifndef REBOUND_TESTS_FUZZ_FUZZ_RNG_H_
#define REBOUND_TESTS_FUZZ_FUZZ_RNG_H_

#include <cstddef>
#include <cstdint>

namespace rebound {

class FuzzRng {
 public:
  explicit FuzzRng(uint64_t seed) : state_(seed) {}

  // SplitMix64 (Steele, Lea and Flood, 2014): every seed, 0 included, gives a usable sequence.
  uint64_t Next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  // Uniform enough in [0, n); 0 when n is 0.
  size_t Below(size_t n) { return n == 0 ? 0 : static_cast<size_t>(Next() % n); }
  bool OneIn(size_t n) { return Below(n) == 0; }

  // The size of the next piece of a stream with `left` bytes to go: often a single byte or a
  // few (a length prefix or a frame header cut in two), sometimes everything that is left.
  size_t ChunkSize(size_t left) {
    if (left == 0) return 0;
    switch (Below(4)) {
      case 0:
        return 1;
      case 1:
        return 1 + Below(left < 16 ? left : 16);
      case 2:
        return left;
      default:
        return 1 + Below(left);
    }
  }

 private:
  uint64_t state_;
};

// The seed an input carries in its first `n` bytes (at most 8), little-endian; 0 when shorter.
inline uint64_t SeedFrom(const uint8_t* data, size_t size, size_t n) {
  uint64_t seed = 0;
  for (size_t i = 0; i < n && i < size; ++i) seed |= uint64_t{data[i]} << (8 * i);
  return seed;
}

}  // namespace rebound

#endif  // REBOUND_TESTS_FUZZ_FUZZ_RNG_H_
