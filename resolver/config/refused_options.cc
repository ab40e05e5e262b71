#include "resolver/config/refused_options.h"

#include <algorithm>
#include <array>

#include "absl/strings/str_cat.h"

namespace rebound::config_internal {
namespace {

enum class When {
  kAlways,   // whatever the value
  kEnabled,  // unless the value is "no" or 0, which asks for what rebound does anyway
};

struct Refusal {
  absl::string_view option;
  When when;
  absl::string_view why;
};

constexpr absl::string_view kNoValidation =
    "rebound does not validate DNSSEC yet, so its answers would not be validated as unbound's "
    "were; remove the trust anchor lines to run without validation";
constexpr absl::string_view kNoViews =
    "per-client answers (views, tags, response-ip) are not implemented; these clients would get "
    "unfiltered answers";
constexpr absl::string_view kNotHardened =
    "this hardening is not implemented; remove the line or set it to no to run without it";

// Kept in byte order for binary search.
constexpr auto kRefusals = std::to_array<Refusal>({
    {"access-control-tag", When::kAlways, kNoViews},
    {"access-control-tag-action", When::kAlways, kNoViews},
    {"access-control-tag-data", When::kAlways, kNoViews},
    {"access-control-view", When::kAlways, kNoViews},
    {"auto-trust-anchor-file", When::kAlways, kNoValidation},
    {"define-tag", When::kAlways, kNoViews},
    {"do-not-query-address", When::kAlways,
     "not implemented: rebound would query the addresses this excludes"},
    {"harden-large-queries", When::kEnabled, kNotHardened},
    {"harden-referral-path", When::kEnabled, kNotHardened},
    {"harden-unknown-additional", When::kEnabled, kNotHardened},
    {"interface-tag", When::kAlways, kNoViews},
    {"interface-tag-action", When::kAlways, kNoViews},
    {"interface-tag-data", When::kAlways, kNoViews},
    {"interface-view", When::kAlways, kNoViews},
    {"ip-ratelimit", When::kEnabled,
     "not implemented: no per-address rate limit would apply (num-queries-per-client limits "
     "queries in flight per client)"},
    {"local-zone-override", When::kAlways, kNoViews},
    {"local-zone-tag", When::kAlways, kNoViews},
    {"outgoing-interface", When::kAlways,
     "not implemented: queries would leave from the system's default address, not this one"},
    {"proxy-protocol-port", When::kAlways,
     "the PROXY protocol is not implemented: access-control would see the proxy's address in "
     "place of the client's"},
    {"qname-minimisation-strict", When::kEnabled,
     "not implemented: rebound falls back to the whole name when a minimised question fails"},
    {"ratelimit", When::kEnabled,
     "not implemented: no per-zone rate limit would apply to queries sent upstream"},
    {"response-ip", When::kAlways, kNoViews},
    {"response-ip-data", When::kAlways, kNoViews},
    {"response-ip-tag", When::kAlways, kNoViews},
    {"tls-ciphers", When::kAlways,
     "not implemented: OpenSSL's default ciphers would be offered, not the ones configured"},
    {"tls-ciphersuites", When::kAlways,
     "not implemented: OpenSSL's default TLS 1.3 suites would be offered, not the ones "
     "configured"},
    {"trust-anchor", When::kAlways, kNoValidation},
    {"trust-anchor-file", When::kAlways, kNoValidation},
    {"trusted-keys-file", When::kAlways, kNoValidation},
    {"unwanted-reply-threshold", When::kEnabled,
     "not implemented: rebound would not clear its caches on a flood of unwanted replies"},
});
static_assert(std::ranges::is_sorted(kRefusals, {}, &Refusal::option));

// Clauses that change answers or what is filtered, unlike remote-control: or dnstap:.
constexpr auto kRefusedClauses = std::to_array<std::pair<absl::string_view, absl::string_view>>({
    {"auth-zone", "zones served from files are not implemented; their names would be resolved"},
    {"dynlib", "modules are not implemented; what the module does would not be done"},
    {"ipset", "not implemented: resolved addresses would not be added to the firewall's sets"},
    {"python", "modules are not implemented; what the script does would not be done"},
    {"rpz", "response policy zones are not implemented; nothing would be filtered"},
    {"view", kNoViews},
});

bool AsksForNothing(const std::vector<std::string>& values) {
  return values.size() == 1 && (values[0] == "no" || values[0] == "0");
}

}  // namespace

std::optional<std::string> RefusalOf(absl::string_view name,
                                     const std::vector<std::string>& values) {
  const auto* it = std::ranges::lower_bound(kRefusals, name, {}, &Refusal::option);
  if (it == kRefusals.end() || it->option != name) return std::nullopt;
  if (it->when == When::kEnabled && AsksForNothing(values)) return std::nullopt;
  return absl::StrCat("not supported: ", name, ": ", it->why);
}

std::optional<std::string> ClauseRefusalOf(absl::string_view clause) {
  for (const auto& [name, why] : kRefusedClauses) {
    if (name == clause) return absl::StrCat("not supported: ", clause, ": clause: ", why);
  }
  return std::nullopt;
}

std::vector<absl::string_view> RefusedOptionNames() {
  std::vector<absl::string_view> names;
  for (const Refusal& refusal : kRefusals) names.push_back(refusal.option);
  return names;
}

}  // namespace rebound::config_internal
