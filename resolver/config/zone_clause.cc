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

// RFC 7858 3.1: the port DNS over TLS servers listen on unless @port says otherwise.
constexpr uint16_t kDefaultDnsOverTlsPort = 853;

// unbound lets "addr#name" or "host#name" carry a TLS authentication name; in a stub-zone it
// would be used only with stub-tls-upstream, which rebound lacks: drop it with a warning.
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
    return IsOneOf(key, {"name", "forward-addr", "forward-first", "forward-host",
                         "forward-bootstrap", "forward-tls-upstream", "forward-ssl-upstream"});
  }
  return IsOneOf(key, {"name", "stub-addr", "stub-host", "stub-first", "stub-prime",
                       "stub-bootstrap", "stub-tls-upstream", "stub-ssl-upstream"});
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
    if (zone.addrs.empty() && zone.hosts.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(name_where_, ": forward-zone ", zone.name,
                                                     " has no forward-addr or forward-host"));
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
    forward_notes_.emplace_back().name_where = line.where;
  } else {
    config_->stub_zones.emplace_back().name = *name;
    if (first_stub_where_.empty()) first_stub_where_ = line.where;
  }
  named_ = true;
  name_where_ = line.where;
  return absl::OkStatus();
}

absl::StatusOr<bool> ZoneClause::AddAddress(const ConfigLine& line, absl::string_view text,
                                            std::vector<Endpoint>& addrs) {
  // The port of a zone's servers is 53 whatever port: says; port: is where rebound listens.
  // (853 for a TLS forward-zone, set by FinishTls.)
  absl::StatusOr<Endpoint> endpoint = Endpoint::Parse(text, kDefaultDnsPort);
  if (!endpoint.ok()) {
    return line.Error(absl::StrCat(line.key, ": ", endpoint.status().message()));
  }
  if (std::find(addrs.begin(), addrs.end(), *endpoint) != addrs.end()) {
    line.Warn(warnings_, absl::StrCat("duplicate ", line.key, " ", endpoint->ToString()));
    return false;
  }
  addrs.push_back(*endpoint);
  return true;
}

// "addr[@port][#name]": the name is kept for the TLS check of the server's certificate.
absl::Status ZoneClause::AddForwardAddress(const ConfigLine& line, ForwardZone& zone) {
  absl::string_view text = line.values[0];
  std::string tls_name;
  if (size_t hash = text.find('#'); hash != absl::string_view::npos) {
    absl::StatusOr<std::string> name = NormalizeDomainName(text.substr(hash + 1));
    if (!name.ok() || *name == ".") {
      return line.Error(
          absl::StrCat("forward-addr: TLS authentication name '", text.substr(hash + 1),
                       "': ", name.ok() ? "not a host name" : name.status().message()));
    }
    tls_name = name->substr(0, name->size() - 1);  // certificates carry names without the dot
    text = text.substr(0, hash);
  }
  absl::StatusOr<bool> added = AddAddress(line, text, zone.addrs);
  if (!added.ok() || !*added) return added.status();
  if (!tls_name.empty() || !zone.tls_names.empty()) {
    zone.tls_names.resize(zone.addrs.size());
    zone.tls_names.back() = tls_name;
  }
  ForwardNotes& notes = forward_notes_.back();
  notes.addr_where.push_back(line.where);
  notes.port_given.push_back(text.find('@') != absl::string_view::npos);
  return absl::OkStatus();
}

absl::Status ZoneClause::FinishTls(const std::string& tls_upstream_where) {
  auto error_at = [](const std::string& where, absl::string_view message) {
    return absl::InvalidArgumentError(absl::StrCat(where, ": ", message));
  };
  const bool all = !tls_upstream_where.empty();
  if (all && !first_stub_where_.empty()) {
    return error_at(first_stub_where_,
                    absl::StrCat("stub-zone: rebound asks stub servers in plaintext only, and "
                                 "tls-upstream: yes (",
                                 tls_upstream_where, ") allows no plaintext upstream"));
  }
  const bool root_forwarded =
      std::any_of(config_->forward_zones.begin(), config_->forward_zones.end(),
                  [](const ForwardZone& zone) { return zone.name == "."; });
  if (all && !root_forwarded) {
    return error_at(tls_upstream_where,
                    "tls-upstream: yes, but names outside the forward-zones would be resolved "
                    "from authoritative servers, which are asked in plaintext; add a "
                    "forward-zone for \".\"");
  }
  // Every TLS server by "address@port", with its name: one server cannot be both TLS and not,
  // or carry two names, since the transport picks TLS and the name by address.
  absl::flat_hash_map<std::string, std::pair<std::string, std::string>> seen;  // name, where
  for (size_t z = 0; z < config_->forward_zones.size(); ++z) {
    ForwardZone& zone = config_->forward_zones[z];
    const ForwardNotes& notes = forward_notes_[z];
    if (all) zone.tls_upstream = true;
    if (!zone.tls_upstream) {
      for (size_t i = 0; i < zone.tls_names.size(); ++i) {
        if (zone.tls_names[i].empty()) continue;
        if (warnings_ == nullptr) continue;
        warnings_->push_back(absl::StrCat(notes.addr_where[i], ": ", "TLS authentication name '",
                                          zone.tls_names[i],
                                          "' is used only with forward-tls-upstream: yes "
                                          "(ignored)"));
      }
      zone.tls_names.clear();
    } else if (!notes.first_where.empty()) {
      return error_at(notes.first_where,
                      "forward-first: yes with TLS: a failure would resolve the name from "
                      "authoritative servers in plaintext");
    } else if (!notes.host_where.empty()) {
      // The transport knows a TLS server by its address, which a host name gets only later.
      return error_at(notes.host_where,
                      "not supported: forward-host with TLS; give the server as forward-addr "
                      "ADDRESS@853#NAME");
    }
    for (size_t i = 0; i < zone.addrs.size(); ++i) {
      if (zone.tls_upstream && !notes.port_given[i]) zone.addrs[i].set_port(kDefaultDnsOverTlsPort);
      const std::string name = zone.tls_upstream ? zone.TlsNameOf(i) : "";
      auto [it, inserted] = seen.try_emplace(zone.addrs[i].ToString(), name, notes.addr_where[i]);
      if (!inserted && it->second.first != name) {
        return error_at(
            notes.addr_where[i],
            absl::StrCat(
                "forward-addr ", zone.addrs[i].ToString(), " is ",
                name.empty() ? "plaintext" : "TLS with name " + name, " here but ",
                it->second.first.empty() ? "plaintext" : "TLS with name " + it->second.first,
                " at ", it->second.second));
      }
    }
  }
  return absl::OkStatus();
}

absl::Status ZoneClause::AddHost(const ConfigLine& line, std::vector<std::string>& hosts) {
  absl::string_view text = StripTlsAuthName(line, line.values[0], warnings_);
  if (text.find('@') != absl::string_view::npos) {
    return line.Error(absl::StrCat(line.key, ": a port (@) is not supported here; use ",
                                   kind_ == ZoneKind::kForward ? "forward-addr" : "stub-addr"));
  }
  absl::StatusOr<std::string> host = NormalizeDomainName(text);
  if (!host.ok()) return line.Error(absl::StrCat(line.key, ": ", host.status().message()));
  hosts.push_back(*host);
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
    if (line.key == "forward-addr") return AddForwardAddress(line, zone);
    if (line.key == "forward-host") {
      if (forward_notes_.back().host_where.empty()) forward_notes_.back().host_where = line.where;
      return AddHost(line, zone.hosts);
    }
    absl::StatusOr<bool> flag = ParseYesNo(line.values[0]);  // forward-first, -bootstrap, -tls
    if (!flag.ok()) return line.Error(absl::StrCat(line.key, ": ", flag.status().message()));
    ForwardNotes& notes = forward_notes_.back();
    if (line.key == "forward-first") {
      zone.forward_first = *flag;
      notes.first_where = *flag ? line.where : "";
    } else if (line.key == "forward-bootstrap") {
      zone.forward_bootstrap = *flag;
    } else {  // forward-tls-upstream or its older name forward-ssl-upstream
      zone.tls_upstream = *flag;
    }
    return absl::OkStatus();
  }
  StubZone& zone = config_->stub_zones.back();
  if (line.key == "stub-addr") {
    return AddAddress(line, StripTlsAuthName(line, line.values[0], warnings_), zone.addrs).status();
  }
  if (line.key == "stub-host") return AddHost(line, zone.hosts);
  absl::StatusOr<bool> flag = ParseYesNo(line.values[0]);  // stub-first, -prime, -bootstrap, -tls
  if (!flag.ok()) return line.Error(absl::StrCat(line.key, ": ", flag.status().message()));
  if (line.key == "stub-tls-upstream" || line.key == "stub-ssl-upstream") {
    // Refused rather than ignored: ignoring it would send in plaintext what the user asked to
    // go over TLS.
    if (*flag) {
      return line.Error(absl::StrCat(line.key,
                                     ": not supported; use a forward-zone with "
                                     "forward-tls-upstream: yes"));
    }
    return absl::OkStatus();
  }
  bool& option = line.key == "stub-first"   ? zone.stub_first
                 : line.key == "stub-prime" ? zone.stub_prime
                                            : zone.stub_bootstrap;
  option = *flag;
  return absl::OkStatus();
}

}  // namespace rebound::config_internal
