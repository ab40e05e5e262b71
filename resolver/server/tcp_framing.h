// DNS over TCP framing (RFC 1035 4.2.2, RFC 7766 8): every message behind a two-byte length.
// Takes the bytes of a stream as they arrive, in pieces of any size, and yields the whole
// messages in them; no I/O, so that the TCP listener and its tests and fuzzer share it.
#ifndef REBOUND_RESOLVER_SERVER_TCP_FRAMING_H_
#define REBOUND_RESOLVER_SERVER_TCP_FRAMING_H_

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace rebound {

class TcpFraming {
 public:
  // A length below a DNS header cannot frame a DNS message: the peer speaks something else.
  static constexpr size_t kMinMessage = 12;

  enum class Next {
    kMessage,     // a whole message was taken
    kIncomplete,  // the next message has not arrived whole yet: Append more
    kNotDns,      // a length below kMinMessage; the stream is unusable from here on
  };

  // Adds bytes read from the stream. Invalidates messages taken before.
  void Append(std::span<const uint8_t> bytes) {
    buffer_.insert(buffer_.end(), bytes.begin(), bytes.end());
  }

  // The next whole message, if there is one; `*message` then points into the buffer and stays
  // valid until the next Append() or Compact(). The check on the length comes as soon as its two
  // bytes are in, before the message itself.
  Next Take(std::span<const uint8_t>* message);

  // Drops the bytes of the messages taken so far, keeping only a partial message, so that a
  // long-lived connection holds at most one message's worth. Invalidates taken messages.
  void Compact();

  // Bytes held that no message taken has consumed yet.
  size_t pending_bytes() const { return buffer_.size() - offset_; }

 private:
  std::vector<uint8_t> buffer_;
  size_t offset_ = 0;  // where the first message not yet taken starts
};

}  // namespace rebound

#endif  // REBOUND_RESOLVER_SERVER_TCP_FRAMING_H_
