#include "resolver/config/access_control_list.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>
#include <cstring>
#include <functional>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace rebound {
namespace {

uint32_t V4Mask(int prefix_len) { return prefix_len == 0 ? 0 : ~uint32_t{0} << (32 - prefix_len); }

uint64_t HighMask(int prefix_len) {
  if (prefix_len >= 64) return ~uint64_t{0};
  return prefix_len == 0 ? 0 : ~uint64_t{0} << (64 - prefix_len);
}

uint64_t LowMask(int prefix_len) {
  if (prefix_len <= 64) return 0;
  return prefix_len == 128 ? ~uint64_t{0} : ~uint64_t{0} << (128 - prefix_len);
}

uint64_t LoadBigEndian64(const uint8_t* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | p[i];
  return v;
}

void StoreBigEndian64(uint64_t v, uint8_t* p) {
  for (int i = 7; i >= 0; --i) {
    p[i] = static_cast<uint8_t>(v);
    v >>= 8;
  }
}

// Keeps `lengths` sorted longest first, without duplicates.
void NoteLength(std::vector<uint8_t>& lengths, int prefix_len) {
  auto len = static_cast<uint8_t>(prefix_len);
  auto it = std::lower_bound(lengths.begin(), lengths.end(), len, std::greater<>());
  if (it == lengths.end() || *it != len) lengths.insert(it, len);
}

}  // namespace

absl::StatusOr<AccessAction> ParseAccessAction(absl::string_view text) {
  if (text == "allow") return AccessAction::kAllow;
  if (text == "allow_snoop") return AccessAction::kAllowSnoop;
  if (text == "allow_setrd") return AccessAction::kAllowSetRd;
  if (text == "refuse" || text == "refuse_non_local") return AccessAction::kRefuse;
  if (text == "deny" || text == "deny_non_local") return AccessAction::kDeny;
  if (text == "allow_cookie") {
    return absl::InvalidArgumentError("access-control action allow_cookie is not supported");
  }
  return absl::InvalidArgumentError(
      absl::StrCat("unknown access-control action '", text, "' (expected allow, refuse or deny)"));
}

absl::string_view AccessActionName(AccessAction action) {
  switch (action) {
    case AccessAction::kAllow:
      return "allow";
    case AccessAction::kAllowSnoop:
      return "allow_snoop";
    case AccessAction::kAllowSetRd:
      return "allow_setrd";
    case AccessAction::kRefuse:
      return "refuse";
    case AccessAction::kDeny:
      return "deny";
  }
  return "?";
}

AccessControlList::AccessControlList() {
  // unbound's defaults: only the host itself may query until the config says otherwise.
  SetV4(0, 0, AccessAction::kRefuse);
  SetV6(0, 0, 0, AccessAction::kRefuse);
  SetV4(0x7f000000, 8, AccessAction::kAllow);
  SetV6(0, 1, 128, AccessAction::kAllow);
  // ::ffff:127.0.0.0/104 is 127.0.0.0/8 once mapped addresses are matched as IPv4 (see Add).
}

uint64_t AccessControlList::V4Key(uint32_t addr, int prefix_len) {
  return (uint64_t{static_cast<uint8_t>(prefix_len)} << 32) | (addr & V4Mask(prefix_len));
}

void AccessControlList::SetV4(uint32_t addr, int prefix_len, AccessAction action) {
  v4_rules_[V4Key(addr, prefix_len)] = action;
  NoteLength(v4_lengths_, prefix_len);
}

void AccessControlList::SetV6(uint64_t hi, uint64_t lo, int prefix_len, AccessAction action) {
  V6Key key{hi & HighMask(prefix_len), lo & LowMask(prefix_len), static_cast<uint8_t>(prefix_len)};
  v6_rules_[key] = action;
  NoteLength(v6_lengths_, prefix_len);
}

absl::Status AccessControlList::Add(absl::string_view netblock, AccessAction action) {
  absl::string_view addr_text = netblock;
  int prefix_len = -1;
  if (size_t slash = netblock.find('/'); slash != absl::string_view::npos) {
    addr_text = netblock.substr(0, slash);
    if (!absl::SimpleAtoi(netblock.substr(slash + 1), &prefix_len) || prefix_len < 0) {
      return absl::InvalidArgumentError(absl::StrCat("bad prefix length in '", netblock, "'"));
    }
  }
  std::string addr_str(addr_text);
  in_addr v4{};
  in6_addr v6{};
  bool duplicate = false;
  if (inet_pton(AF_INET, addr_str.c_str(), &v4) == 1) {
    if (prefix_len == -1) prefix_len = 32;
    if (prefix_len > 32) {
      return absl::InvalidArgumentError(
          absl::StrCat("prefix length out of range in '", netblock, "' (IPv4 allows 0 to 32)"));
    }
    uint32_t addr = ntohl(v4.s_addr);
    duplicate = !v4_added_.insert(V4Key(addr, prefix_len)).second;
    if (!duplicate) SetV4(addr, prefix_len, action);
  } else if (inet_pton(AF_INET6, addr_str.c_str(), &v6) == 1) {
    if (prefix_len == -1) prefix_len = 128;
    if (prefix_len > 128) {
      return absl::InvalidArgumentError(
          absl::StrCat("prefix length out of range in '", netblock, "' (IPv6 allows 0 to 128)"));
    }
    uint64_t hi = LoadBigEndian64(v6.s6_addr) & HighMask(prefix_len);
    uint64_t lo = LoadBigEndian64(v6.s6_addr + 8) & LowMask(prefix_len);
    if (prefix_len >= 96 && hi == 0 && (lo >> 32) == 0xffff) {
      // Inside ::ffff:0:0/96: mapped clients are looked up as IPv4, so the rule must be one too.
      uint32_t addr = static_cast<uint32_t>(lo);
      duplicate = !v4_added_.insert(V4Key(addr, prefix_len - 96)).second;
      if (!duplicate) SetV4(addr, prefix_len - 96, action);
    } else {
      V6Key key{hi, lo, static_cast<uint8_t>(prefix_len)};
      duplicate = !v6_added_.insert(key).second;
      if (!duplicate) SetV6(hi, lo, prefix_len, action);
    }
  } else {
    return absl::InvalidArgumentError(absl::StrCat("not an IP netblock: '", netblock, "'"));
  }
  if (duplicate) {
    return absl::AlreadyExistsError(
        absl::StrCat("duplicate access-control netblock ", netblock, "; the first rule is kept"));
  }
  return absl::OkStatus();
}

std::optional<AccessAction> AccessControlList::MatchV4(uint32_t addr, bool defaults_count) const {
  for (uint8_t len : v4_lengths_) {
    const uint64_t key = V4Key(addr, len);
    auto it = v4_rules_.find(key);
    if (it == v4_rules_.end()) continue;
    if (len == 0 && !defaults_count && !v4_added_.contains(key)) return std::nullopt;
    return it->second;
  }
  return std::nullopt;
}

std::optional<AccessAction> AccessControlList::MatchV6(uint64_t hi, uint64_t lo,
                                                       bool defaults_count) const {
  for (uint8_t len : v6_lengths_) {
    V6Key key{hi & HighMask(len), lo & LowMask(len), len};
    auto it = v6_rules_.find(key);
    if (it == v6_rules_.end()) continue;
    if (len == 0 && !defaults_count && !v6_added_.contains(key)) return std::nullopt;
    return it->second;
  }
  return std::nullopt;
}

std::optional<AccessAction> AccessControlList::Match(const Endpoint& client,
                                                     bool defaults_count) const {
  const sockaddr* sa = client.sockaddr_ptr();
  if (sa->sa_family == AF_INET) {
    return MatchV4(ntohl(reinterpret_cast<const sockaddr_in*>(sa)->sin_addr.s_addr),
                   defaults_count);
  }
  if (sa->sa_family == AF_INET6) {
    const uint8_t* b = reinterpret_cast<const sockaddr_in6*>(sa)->sin6_addr.s6_addr;
    uint64_t hi = LoadBigEndian64(b);
    uint64_t lo = LoadBigEndian64(b + 8);
    if (hi == 0 && (lo >> 32) == 0xffff) {
      return MatchV4(static_cast<uint32_t>(lo), defaults_count);
    }
    return MatchV6(hi, lo, defaults_count);
  }
  return std::nullopt;
}

AccessAction AccessControlList::Lookup(const Endpoint& client) const {
  return Match(client, /*defaults_count=*/true).value_or(AccessAction::kRefuse);
}

AccessAction AccessControlList::Lookup(const Endpoint& client, const Endpoint& local) const {
  if (interface_actions_.empty()) return Lookup(client);
  if (std::optional<AccessAction> action = Match(client, /*defaults_count=*/false)) {
    return *action;
  }
  return InterfaceAction(local);
}

absl::Status AccessControlList::AddInterfaceAction(const Endpoint& local, AccessAction action) {
  for (const auto& [address, existing] : interface_actions_) {
    if (address == local) {
      return absl::AlreadyExistsError(absl::StrCat("duplicate interface-action for ",
                                                   local.ToString(), "; the first rule is kept"));
    }
  }
  interface_actions_.emplace_back(local, action);
  return absl::OkStatus();
}

AccessAction AccessControlList::InterfaceAction(const Endpoint& local) const {
  for (const auto& [address, action] : interface_actions_) {
    if (address == local) return action;
  }
  return AccessAction::kRefuse;
}

std::vector<std::pair<std::string, AccessAction>> AccessControlList::Rules() const {
  std::vector<std::pair<std::string, AccessAction>> rules;
  for (const auto& [key, action] : v4_rules_) {
    in_addr a{htonl(static_cast<uint32_t>(key))};
    char buf[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &a, buf, sizeof buf);
    rules.emplace_back(absl::StrCat(buf, "/", key >> 32), action);
  }
  for (const auto& [key, action] : v6_rules_) {
    in6_addr a{};
    StoreBigEndian64(key.hi, a.s6_addr);
    StoreBigEndian64(key.lo, a.s6_addr + 8);
    char buf[INET6_ADDRSTRLEN];
    inet_ntop(AF_INET6, &a, buf, sizeof buf);
    rules.emplace_back(absl::StrCat(buf, "/", key.prefix_len), action);
  }
  std::sort(rules.begin(), rules.end());
  return rules;
}

bool AccessControlList::operator==(const AccessControlList& other) const {
  return v4_rules_ == other.v4_rules_ && v6_rules_ == other.v6_rules_ &&
         interface_actions_ == other.interface_actions_;
}

}  // namespace rebound
