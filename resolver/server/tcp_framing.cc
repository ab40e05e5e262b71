#include "resolver/server/tcp_framing.h"

namespace rebound {

TcpFraming::Next TcpFraming::Take(std::span<const uint8_t>* message) {
  if (buffer_.size() - offset_ < 2) return Next::kIncomplete;
  const size_t length = (size_t{buffer_[offset_]} << 8) | buffer_[offset_ + 1];
  if (length < kMinMessage) return Next::kNotDns;
  if (buffer_.size() - offset_ - 2 < length) return Next::kIncomplete;
  *message = std::span<const uint8_t>(buffer_.data() + offset_ + 2, length);
  offset_ += 2 + length;
  return Next::kMessage;
}

void TcpFraming::Compact() {
  buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(offset_));
  offset_ = 0;
}

}  // namespace rebound
