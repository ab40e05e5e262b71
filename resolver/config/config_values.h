// Readers for the value types of config options; messages name the value but not the option
// (the caller adds "file:line: option: ").
#ifndef REBOUND_RESOLVER_CONFIG_CONFIG_VALUES_H_
#define REBOUND_RESOLVER_CONFIG_CONFIG_VALUES_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace rebound::config_internal {

// "yes" or "no", exactly, as unbound accepts.
absl::StatusOr<bool> ParseYesNo(absl::string_view text);

// A decimal integer within [min, max].
absl::StatusOr<int64_t> ParseInteger(absl::string_view text, int64_t min, int64_t max);

// unbound's memory sizes: bytes, or a number with k, m or g (optionally followed by b), any case,
// meaning powers of 1024: "4m", "4MB", "512k", "1048576".
absl::StatusOr<size_t> ParseMemorySize(absl::string_view text);

// A domain name in presentation format, lowercased and absolute: "Example.COM" -> "example.com.",
// "." stays ".". Rejects empty labels, labels over 63 octets and names over 255.
absl::StatusOr<std::string> NormalizeDomainName(absl::string_view text);

}  // namespace rebound::config_internal

#endif  // REBOUND_RESOLVER_CONFIG_CONFIG_VALUES_H_
