#include "resolver/config/zone_clause.h"

#include <algorithm>
#include <string>

#include "absl/strings/str_cat.h"
#include "resolver/config/config_values.h"

namespace rebound::config_internal {
namespace {

bool IsOneOf(absl::string_view key, std::initializer_list<absl::string_view> names) {
  return std::find(names.begin(), names.end(), key) != names.end();
}

// unbound lets "addr#name" or "host#name" carry a TLS authentication name, used only with
// forward-tls-upstream/stub-tls-upstream, which rebound lacks: drop it with a warning.
absl::string_view StripTlsAuthName(const ConfigLine& line, absl::string_view value,
                                   std::vector<std::string>* warnings) {
  size_t hash = value.find('#');
  if (hash == absl::string_view::npos) return value;
  line.Warn(warnings, absl::StrCat("not supported: TLS authentication name '",
                                   value.substr(hash + 1), "' (ignored)"));
  return value.substr(0, hash);
}

}  // namespace

ZoneClause::ZoneClause(Config* config, std::vector<std::string>* warnings)
    : config_(config), warnings_(warnings) {}

bool ZoneClause::Handles(ZoneKind kind, absl::string_view key) {
  if (kind == ZoneKind::kForward) {
    return IsOneOf(key,
                   {"name", "forward-addr", "forward-first", "forward-host", "forward-bootstrap"});
  }
  return IsOneOf(key,
                 {"name", "stub-addr", "stub-host", "stub-first", "stub-prime", "stub-bootstrap"});
}

absl::string_view ZoneClause::ClauseName() const {
  return kind_ == ZoneKind::kForward ? "forward-zone" : "stub-zone";
}

void ZoneClause::Begin(ZoneKind kind, const ConfigLine& clause_line) {
  open_ = true;
  kind_ = kind;
  clause_where_ = clause_line.where;
  named_ = false;
}

absl::Status ZoneClause::End() {
  if (!open_) return absl::OkStatus();
  open_ = false;
  if (!named_) {
    return absl::InvalidArgumentError(
        absl::StrCat(clause_where_, ": ", ClauseName(), ": clause without a name: line"));
  }
  // The zone is useless without servers; say so where it is named, the line a user looks for.
  if (kind_ == ZoneKind::kForward) {
    const ForwardZone& zone = config_->forward_zones.back();
    if (zone.addrs.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat(name_where_, ": forward-zone ", zone.name, " has no forward-addr"));
    }
  } else {
    const StubZone& zone = config_->stub_zones.back();
    if (zone.addrs.empty() && zone.hosts.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat(name_where_, ": stub-zone ", zone.name, " has no stub-addr or stub-host"));
    }
  }
  return absl::OkStatus();
}

absl::Status ZoneClause::StartZone(const ConfigLine& line) {
  if (named_) {
    // unbound would rename the zone and keep the servers; refuse rather than guess.
    return line.Error(absl::StrCat("second name: in one ", ClauseName(), ": clause (first at ",
                                   name_where_, "); start a new ", ClauseName(), ": clause"));
  }
  absl::StatusOr<std::string> name = NormalizeDomainName(line.values[0]);
  if (!name.ok()) return line.Error(absl::StrCat("name: ", name.status().message()));
  auto [it, inserted] = defined_.try_emplace(*name, absl::StrCat(ClauseName(), " at ", line.where));
  if (!inserted) {
    return line.Error(absl::StrCat("zone ", *name, " is already defined (", it->second, ")"));
  }
  if (kind_ == ZoneKind::kForward) {
    config_->forward_zones.emplace_back().name = *name;
  } else {
    config_->stub_zones.emplace_back().name = *name;
  }
  named_ = true;
  name_where_ = line.where;
  return absl::OkStatus();
}

absl::Status ZoneClause::AddAddress(const ConfigLine& line, std::vector<Endpoint>& addrs) {
  absl::string_view text = StripTlsAuthName(line, line.values[0], warnings_);
  // The port of a zone's servers is 53 whatever port: says; port: is where rebound listens.
  absl::StatusOr<Endpoint> endpoint = Endpoint::Parse(text, kDefaultDnsPort);
  if (!endpoint.ok()) {
    return line.Error(absl::StrCat(line.key, ": ", endpoint.status().message()));
  }
  if (std::find(addrs.begin(), addrs.end(), *endpoint) != addrs.end()) {
    line.Warn(warnings_, absl::StrCat("duplicate ", line.key, " ", endpoint->ToString()));
    return absl::OkStatus();
  }
  addrs.push_back(*endpoint);
  return absl::OkStatus();
}

absl::Status ZoneClause::AddStubHost(const ConfigLine& line, StubZone& zone) {
  absl::string_view text = StripTlsAuthName(line, line.values[0], warnings_);
  if (text.find('@') != absl::string_view::npos) {
    return line.Error("stub-host: a port (@) is not supported here; use stub-addr");
  }
  absl::StatusOr<std::string> host = NormalizeDomainName(text);
  if (!host.ok()) return line.Error(absl::StrCat("stub-host: ", host.status().message()));
  zone.hosts.push_back(*host);
  return absl::OkStatus();
}

absl::Status ZoneClause::Apply(const ConfigLine& line) {
  if (line.values.empty()) return line.Error(absl::StrCat("missing value for '", line.key, "'"));
  if (line.values.size() > 1) {
    return line.Error(absl::StrCat("too many values for '", line.key, "'"));
  }
  if (line.key == "name") return StartZone(line);
  if (!named_) {
    return line.Error(
        absl::StrCat(line.key, ": comes before the name: of its ", ClauseName(), ": clause"));
  }
  if (kind_ == ZoneKind::kForward) {
    ForwardZone& zone = config_->forward_zones.back();
    if (line.key == "forward-addr") return AddAddress(line, zone.addrs);
    if (line.key == "forward-host") {
      line.Warn(warnings_, "not supported: forward-host (use forward-addr)");
      return absl::OkStatus();
    }
    absl::StatusOr<bool> flag = ParseYesNo(line.values[0]);  // forward-first or -bootstrap
    if (!flag.ok()) return line.Error(absl::StrCat(line.key, ": ", flag.status().message()));
    (line.key == "forward-first" ? zone.forward_first : zone.forward_bootstrap) = *flag;
    return absl::OkStatus();
  }
  StubZone& zone = config_->stub_zones.back();
  if (line.key == "stub-addr") return AddAddress(line, zone.addrs);
  if (line.key == "stub-host") return AddStubHost(line, zone);
  absl::StatusOr<bool> flag = ParseYesNo(line.values[0]);  // stub-first, -prime or -bootstrap
  if (!flag.ok()) return line.Error(absl::StrCat(line.key, ": ", flag.status().message()));
  bool& option = line.key == "stub-first"   ? zone.stub_first
                 : line.key == "stub-prime" ? zone.stub_prime
                                            : zone.stub_bootstrap;
  option = *flag;
  return absl::OkStatus();
}

}  // namespace rebound::config_internal
