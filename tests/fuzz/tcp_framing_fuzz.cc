// Feeds an arbitrary byte stream to TcpFraming (DNS over TCP's two-byte length framing, as the
// TCP listener uses it) cut into reads three ways: whole, at points the input chooses, and one
// byte at a time. Checks that the messages that come out, and how the stream ends (a partial
// message waiting, or a length that is not DNS), are the same every way, and the same as a
// plain reading of RFC 1035 4.2.2 says.
//
// Input: two octets seeding the cut points, then the stream.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "resolver/server/tcp_framing.h"
#include "tests/fuzz/fuzz_check.h"
#include "tests/fuzz/fuzz_rng.h"

namespace rebound {
namespace {

struct Framed {
  std::vector<std::vector<uint8_t>> messages;
  bool not_dns = false;  // the stream ended at a length below a DNS header
  size_t pending = 0;    // bytes of a partial message left over (when !not_dns)
  bool operator==(const Framed&) const = default;
};

// The model: the stream read front to back, with nothing cut.
Framed Expected(std::span<const uint8_t> stream) {
  Framed out;
  size_t at = 0;
  while (stream.size() - at >= 2) {
    const size_t length = (size_t{stream[at]} << 8) | stream[at + 1];
    if (length < TcpFraming::kMinMessage) {
      out.not_dns = true;
      return out;
    }
    if (stream.size() - at - 2 < length) break;
    out.messages.emplace_back(stream.begin() + at + 2, stream.begin() + at + 2 + length);
    at += 2 + length;
  }
  out.pending = stream.size() - at;
  return out;
}

// What the listener does with one read: append, take every whole message, compact. True while
// the stream is still usable.
bool OneRead(TcpFraming& framing, std::span<const uint8_t> bytes, Framed* out) {
  framing.Append(bytes);
  std::span<const uint8_t> message;
  while (true) {
    const TcpFraming::Next next = framing.Take(&message);
    if (next == TcpFraming::Next::kNotDns) {
      out->not_dns = true;
      return false;  // the listener closes the connection here
    }
    if (next == TcpFraming::Next::kIncomplete) break;
    FUZZ_CHECK(message.size() >= TcpFraming::kMinMessage && message.size() <= 65535);
    out->messages.emplace_back(message.begin(), message.end());
  }
  framing.Compact();
  // Compacted, what is left is a partial message: its length, or less than two octets.
  FUZZ_CHECK(framing.pending_bytes() < 2 + 65535);
  return true;
}

// Reads `stream` in pieces whose sizes `next_size` picks.
template <typename NextSize>
Framed Read(std::span<const uint8_t> stream, NextSize next_size) {
  TcpFraming framing;
  Framed out;
  size_t at = 0;
  while (at < stream.size()) {
    const size_t size = next_size(stream.size() - at);
    if (!OneRead(framing, stream.subspan(at, size), &out)) return out;
    at += size;
  }
  out.pending = framing.pending_bytes();
  return out;
}

}  // namespace
}  // namespace rebound

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace rebound;  // NOLINT(build/namespaces): the entry point must stay global
  if (size < 2) return 0;
  FuzzRng rng(SeedFrom(data, size, 2));
  const std::span<const uint8_t> stream(data + 2, size - 2);
  const Framed expected = Expected(stream);
  FUZZ_CHECK(Read(stream, [](size_t left) { return left; }) == expected);
  FUZZ_CHECK(Read(stream, [&rng](size_t left) { return rng.ChunkSize(left); }) == expected);
  FUZZ_CHECK(Read(stream, [](size_t) { return size_t{1}; }) == expected);
  return 0;
}
