#include "resolver/config/dns64_options.h"

#include <algorithm>
#include <iterator>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "dns64/address_range.h"
#include "dns64/nat64_prefix.h"
#include "resolver/config/config_values.h"

namespace rebound::config_internal {
namespace {

// Modules unbound has and rebound lacks. Naming one is an error rather than a warning: running
// without respip or python would quietly give different answers than the config asks for.
constexpr absl::string_view kUnsupportedModules[] = {
    "cachedb", "dynlib", "ipsecmod", "ipset", "python", "respip", "subnetcache",
};

constexpr absl::string_view kModuleChoices = "expected \"iterator\" or \"dns64 iterator\"";

// Which family a range option takes; the messages say why, since the reason is not obvious.
enum class RangeFamily { kAny, kIpv4, kIpv6 };

// Adds one range to `ranges`. The first line of an option that has a default list replaces that
// default: a file that lists its own exclusions means exactly those.
absl::Status AddRange(const ConfigLine& line, ServerState& s, std::vector<AddressRange>& ranges,
                      RangeFamily family) {
  absl::StatusOr<AddressRange> range = AddressRange::Parse(line.values[0]);
  if (!range.ok()) return range.status();
  if (family == RangeFamily::kIpv6 && !range->is_v6()) {
    return absl::InvalidArgumentError(
        absl::StrCat(range->ToString(), " is an IPv4 range; ", line.key,
                     " takes IPv6 ranges (it is matched against the addresses of AAAA records)"));
  }
  if (family == RangeFamily::kIpv4 && range->is_v6()) {
    return absl::InvalidArgumentError(
        absl::StrCat(range->ToString(), " is an IPv6 range; ", line.key,
                     " takes IPv4 ranges (it is matched against the addresses of A records)"));
  }
  if (!s.last_set.contains(line.key)) ranges.clear();
  if (std::find(ranges.begin(), ranges.end(), *range) != ranges.end()) {
    line.Warn(s.warnings, absl::StrCat("duplicate ", line.key, " ", range->ToString()));
    return absl::OkStatus();
  }
  ranges.push_back(*range);
  return absl::OkStatus();
}

}  // namespace

absl::Status SetModuleConfig(const ConfigLine& line, ServerState& s) {
  // unbound wants the list quoted; unquoted words arrive as separate values and mean the same.
  std::vector<std::string> modules =
      absl::StrSplit(absl::StrJoin(line.values, " "), absl::ByAnyChar(" \t"), absl::SkipEmpty());
  std::vector<std::string> kept;  // the modules rebound runs, in order: validator left out
  bool validator = false;
  for (const std::string& module : modules) {
    if (std::count(modules.begin(), modules.end(), module) > 1) {
      return absl::InvalidArgumentError(absl::StrCat("module '", module, "' is listed twice"));
    }
    if (module == "validator") {
      validator = true;
    } else if (module == "iterator" || module == "dns64") {
      kept.push_back(module);
    } else if (std::ranges::find(kUnsupportedModules, module) != std::end(kUnsupportedModules)) {
      return absl::InvalidArgumentError(
          absl::StrCat("module '", module, "' is not supported; ", kModuleChoices));
    } else {
      return absl::InvalidArgumentError(
          absl::StrCat("unknown module '", module, "'; ", kModuleChoices));
    }
  }
  const std::vector<std::string> plain = {"iterator"};
  const std::vector<std::string> with_dns64 = {"dns64", "iterator"};
  if (kept != plain && kept != with_dns64) {
    // Modules run in list order and dns64 must see the query before the iterator answers it.
    if (kept == std::vector<std::string>{"iterator", "dns64"}) {
      return absl::InvalidArgumentError("dns64 must come before iterator");
    }
    return absl::InvalidArgumentError(
        absl::StrCat(kModuleChoices, ", got '", absl::StrJoin(line.values, " "), "'"));
  }
  s.config->dns64.enabled = kept == with_dns64;
  if (validator) {
    line.Warn(s.warnings, "validator module not supported: answers are not DNSSEC-validated");
  }
  return absl::OkStatus();
}

absl::Status AddDns64Prefix(const ConfigLine& line, ServerState& s) {
  absl::StatusOr<Nat64Prefix> prefix = Nat64Prefix::Parse(line.values[0]);
  if (!prefix.ok()) return prefix.status();
  std::vector<Nat64Prefix>& prefixes = s.config->dns64.prefixes;
  // The first dns64-prefix replaces the Well-Known Prefix default; later ones add to it.
  if (!s.last_set.contains(line.key)) prefixes.clear();
  if (std::find(prefixes.begin(), prefixes.end(), *prefix) != prefixes.end()) {
    line.Warn(s.warnings, absl::StrCat("duplicate dns64-prefix ", prefix->ToString()));
    return absl::OkStatus();
  }
  prefixes.push_back(*prefix);
  return absl::OkStatus();
}

absl::Status SetDns64Synthall(const ConfigLine& line, ServerState& s) {
  absl::StatusOr<bool> value = ParseYesNo(line.values[0]);
  if (!value.ok()) return value.status();
  s.config->dns64.synthall = *value;
  return absl::OkStatus();
}

absl::Status AddDns64IgnoreAaaa(const ConfigLine& line, ServerState& s) {
  absl::StatusOr<std::string> name = NormalizeDomainName(line.values[0]);
  if (!name.ok()) return name.status();
  std::vector<std::string>& names = s.config->dns64.ignore_aaaa;
  if (std::find(names.begin(), names.end(), *name) != names.end()) {
    line.Warn(s.warnings, absl::StrCat("duplicate dns64-ignore-aaaa ", *name));
    return absl::OkStatus();
  }
  names.push_back(*std::move(name));
  return absl::OkStatus();
}

absl::Status AddDns64Exclude(const ConfigLine& line, ServerState& s) {
  return AddRange(line, s, s.config->dns64.exclude, RangeFamily::kIpv6);
}

absl::Status AddDns64Client(const ConfigLine& line, ServerState& s) {
  return AddRange(line, s, s.config->dns64.clients, RangeFamily::kAny);
}

absl::Status AddDns64Mapped(const ConfigLine& line, ServerState& s) {
  return AddRange(line, s, s.config->dns64.mapped, RangeFamily::kIpv4);
}

absl::Status SetDoNat64(const ConfigLine& line, ServerState& s) {
  absl::StatusOr<bool> value = ParseYesNo(line.values[0]);
  if (!value.ok()) return value.status();
  s.config->dns64.do_nat64 = *value;
  return absl::OkStatus();
}

absl::Status SetNat64Prefix(const ConfigLine& line, ServerState& s) {
  absl::StatusOr<Nat64Prefix> prefix = Nat64Prefix::Parse(line.values[0]);
  if (!prefix.ok()) return prefix.status();
  s.config->dns64.nat64_prefix = *prefix;
  return absl::OkStatus();
}

void FinishDns64(ServerState& s) {
  const Dns64Config& d = s.config->dns64;
  auto warn_unused = [&s](absl::string_view name, absl::string_view needed) {
    auto it = s.last_set.find(name);
    if (it == s.last_set.end() || s.warnings == nullptr) return;
    s.warnings->push_back(
        absl::StrCat(it->second.second, ": ", name, " has no effect without ", needed));
  };
  if (!d.enabled) {
    for (absl::string_view name : {"dns64-prefix", "dns64-synthall", "dns64-ignore-aaaa",
                                   "dns64-exclude", "dns64-clients", "dns64-mapped"}) {
      // do-nat64 falls back to the first dns64-prefix, so there the prefix is used after all.
      if (name == "dns64-prefix" && d.do_nat64 && !d.nat64_prefix.has_value()) continue;
      warn_unused(name, "module-config: \"dns64 iterator\"");
    }
  }
  if (!d.do_nat64) warn_unused("nat64-prefix", "do-nat64: yes");
}

}  // namespace rebound::config_internal
