#include "resolver/local/local_zone_type.h"

#include <array>
#include <utility>

namespace rebound {
namespace {

constexpr std::array<std::pair<absl::string_view, LocalZoneType>, 16> kNames = {{
    {"deny", LocalZoneType::kDeny},
    {"refuse", LocalZoneType::kRefuse},
    {"static", LocalZoneType::kStatic},
    {"transparent", LocalZoneType::kTransparent},
    {"typetransparent", LocalZoneType::kTypeTransparent},
    {"redirect", LocalZoneType::kRedirect},
    {"inform", LocalZoneType::kInform},
    {"inform_deny", LocalZoneType::kInformDeny},
    {"inform_redirect", LocalZoneType::kInformRedirect},
    {"always_transparent", LocalZoneType::kAlwaysTransparent},
    {"always_refuse", LocalZoneType::kAlwaysRefuse},
    {"always_nxdomain", LocalZoneType::kAlwaysNxdomain},
    {"always_nodata", LocalZoneType::kAlwaysNodata},
    {"always_deny", LocalZoneType::kAlwaysDeny},
    {"always_null", LocalZoneType::kAlwaysNull},
    {"nodefault", LocalZoneType::kNoDefault},
}};

}  // namespace

std::optional<LocalZoneType> ParseLocalZoneType(absl::string_view word) {
  for (const auto& [name, type] : kNames) {
    if (name == word) return type;
  }
  return std::nullopt;
}

absl::string_view LocalZoneTypeName(LocalZoneType type) {
  for (const auto& [name, value] : kNames) {
    if (value == type) return name;
  }
  return "?";
}

bool LocalZoneInforms(LocalZoneType type) {
  return type == LocalZoneType::kInform || type == LocalZoneType::kInformDeny ||
         type == LocalZoneType::kInformRedirect;
}

}  // namespace rebound
