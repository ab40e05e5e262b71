#include "resolver/control/control_commands.h"

#include <unistd.h>

#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "resolver/control/request_list_text.h"
#include "resolver/control/stats_text.h"
#include "resolver/local/local_zones.h"
#include "resolver/wire/ldns_ptr.h"

namespace rebound {
namespace {

std::string Error(absl::string_view message) { return absl::StrCat("error ", message, "\n"); }

std::string Removed(const FlushCounts& counts) {
  // unbound's wording; rebound keeps no DNSSEC keys yet, so no key entries.
  return absl::StrCat("ok removed ", counts.rrsets, " rrsets, ", counts.messages,
                      " messages and 0 key entries\n");
}

// A domain name argument as unbound-control takes it: relative names are made absolute.
LdnsRdfPtr ParseName(absl::string_view text) {
  if (text.empty()) return nullptr;
  ldns_rdf* name = nullptr;
  if (ldns_str2rdf_dname(&name, std::string(text).c_str()) != LDNS_STATUS_OK) return nullptr;
  return LdnsRdfPtr(name);
}

}  // namespace

ControlCommands::ControlCommands(ControlTarget* target) : target_(target) {
  baseline_.started = baseline_.last_reset = baseline_.now = absl::Now();
}

std::string ControlCommands::Run(absl::string_view line, absl::string_view body) {
  std::vector<absl::string_view> words =
      absl::StrSplit(absl::StripAsciiWhitespace(line), ' ', absl::SkipWhitespace());
  if (words.empty()) return Error("no command given");
  const absl::string_view command = words[0];
  const std::vector<absl::string_view> args(words.begin() + 1, words.end());
  if (command == "status") return Status();
  if (command == "stats") return Stats(/*reset=*/true);
  if (command == "stats_noreset") return Stats(/*reset=*/false);
  if (command == "reload") {
    absl::Status s = target_->Reload();
    return s.ok() ? "ok\n" : Error(s.message());
  }
  if (command == "verbosity") return Verbosity(args.empty() ? "" : args[0]);
  if (command == "flush" || command == "flush_type" || command == "flush_zone") {
    return FlushName(command, args);
  }
  if (command == "flush_negative") return Removed(target_->FlushNegative());
  // Nothing is bogus while rebound does not validate: there is nothing to remove.
  if (command == "flush_bogus") return Removed({});
  if (command == "flush_infra") return FlushInfra(args.empty() ? "" : args[0]);
  if (command == "list_forwards") return ListForwards(/*stubs=*/false);
  if (command == "list_stubs") return ListForwards(/*stubs=*/true);
  if (command == "list_local_zones") return ListLocal(/*data=*/false);
  if (command == "list_local_data") return ListLocal(/*data=*/true);
  if (command == "local_zone" || command == "local_zone_remove" || command == "local_data" ||
      command == "local_data_remove") {
    absl::string_view rest = absl::StripAsciiWhitespace(line);
    rest.remove_prefix(command.size());
    return ChangeLocal(command, absl::StripAsciiWhitespace(rest));
  }
  if (command == "forward_add" || command == "forward_remove" || command == "stub_add" ||
      command == "stub_remove") {
    return ChangeDelegation(command, args);
  }
  if (command == "local_zones" || command == "local_zones_remove" || command == "local_datas" ||
      command == "local_datas_remove") {
    return ChangeLocalInBulk(command, body);
  }
  if (command == "bootstrap_status") return target_->BootstrapStatus();
  if (command == "lookup") {
    if (args.empty()) return "error: this option requires a domain name\n";
    LdnsRdfPtr name = ParseName(args[0]);
    if (name == nullptr) return Error(absl::StrCat("cannot parse name ", args[0]));
    return target_->Lookup(name.get());
  }
  if (command == "dump_cache") {
    std::string out;
    target_->DumpCache([&out](absl::string_view piece) {
      out.append(piece.data(), piece.size());
      return true;
    });
    return out;
  }
  if (command == "dump_requestlist" || command == "flush_requestlist") {
    return RequestList(command);
  }
  if (command == "load_cache") {
    absl::StatusOr<std::string> loaded = target_->LoadCache(body);
    return loaded.ok() ? *loaded : Error(loaded.status().message());
  }
  return Error(absl::StrCat("unknown command '", command, "'"));
}

void ControlCommands::Run(absl::string_view line, absl::string_view body, ControlOutput write) {
  const std::vector<absl::string_view> words =
      absl::StrSplit(absl::StripAsciiWhitespace(line), ' ', absl::SkipWhitespace());
  // Streamed: the dump is as large as the caches.
  if (!words.empty() && words[0] == "dump_cache") {
    target_->DumpCache(write);
    return;
  }
  write(Run(line, body));
}

std::string ControlCommands::RequestList(absl::string_view command) {
  // Arguments are ignored, as unbound 1.17 ignores them (later versions refuse them).
  if (command == "flush_requestlist") {
    absl::Status flushed = target_->FlushRequestLists();
    return flushed.ok() ? "ok\n" : Error(flushed.message());
  }
  absl::StatusOr<std::vector<std::vector<PendingRequest>>> lists = target_->RequestLists();
  if (!lists.ok()) return Error(lists.status().message());
  return RequestListText(*lists);
}

std::string ControlCommands::Status() {
  const DaemonStatus s = target_->Status();
  const absl::Time now = absl::Now();
  std::string out = absl::StrCat("version: ", REBOUND_VERSION, "\n", "verbosity: ", s.verbosity,
                                 "\n", "threads: ", s.threads, "\n", "modules: ", s.modules.size(),
                                 " [ ", absl::StrJoin(s.modules, " "), " ]\n",
                                 "uptime: ", absl::ToInt64Seconds(now - s.started), " seconds\n",
                                 "options: reuseport control\n");
  if (s.bootstrap.enabled) {
    absl::StrAppend(&out, "bootstrap: ", s.bootstrap.active ? "on" : "off", " since ",
                    absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", s.bootstrap.since, absl::UTCTimeZone()),
                    " (", absl::ToInt64Seconds(now - s.bootstrap.since), " seconds)",
                    s.bootstrap_reason.empty() ? "" : absl::StrCat(": ", s.bootstrap_reason), "\n");
    absl::StrAppend(
        &out, "last good relay: ", s.last_good_relay.empty() ? "none" : s.last_good_relay, "\n");
  } else {
    absl::StrAppend(&out, "bootstrap: disabled\n");
  }
  absl::StrAppend(&out, "rebound (pid ", getpid(), ") is running...\n");
  return out;
}

std::string ControlCommands::Stats(bool reset) {
  StatsReport now = target_->ReadStats();
  bool extended = false;
  bool cumulative = false;
  target_->WithConfig([&](const Config& config) {
    extended = config.extended_statistics;
    cumulative = config.statistics_cumulative;
  });
  StatsReport shown = now;
  if (!cumulative) {
    shown.total = Since(now.total, baseline_.total);
    for (size_t i = 0; i < shown.threads.size() && i < baseline_.threads.size(); ++i) {
      shown.threads[i] = Since(now.threads[i], baseline_.threads[i]);
    }
    shown.last_reset = baseline_.last_reset;
  }
  std::string out = UnboundStatsText(shown, extended);
  if (reset && !cumulative) {
    baseline_ = std::move(now);
    baseline_.last_reset = baseline_.now;
  }
  return out;
}

std::string ControlCommands::Verbosity(absl::string_view arg) {
  int level = 0;
  if (!absl::SimpleAtoi(arg, &level) || level < 0) {
    return Error(absl::StrCat("in verbosity number syntax: ", arg));
  }
  target_->SetVerbosity(level);
  return "ok\n";
}

std::string ControlCommands::FlushName(absl::string_view command,
                                       const std::vector<absl::string_view>& args) {
  // unbound-control's messages for a missing argument.
  if (args.empty()) return "error: this option requires a domain name\n";
  const size_t wanted = command == "flush_type" ? 2 : 1;
  if (args.size() < wanted) {
    return Error(absl::StrCat("could not find next argument after ", args[0]));
  }
  LdnsRdfPtr name = ParseName(args[0]);
  if (name == nullptr) return Error(absl::StrCat("'", args[0], "' is not a domain name"));
  std::optional<uint16_t> type;
  if (wanted == 2) {
    const ldns_rr_type t = ldns_get_rr_type_by_name(std::string(args[1]).c_str());
    if (t == 0) return Error(absl::StrCat("'", args[1], "' is not a type"));
    type = t;
  }
  const bool zone = command == "flush_zone";
  const FlushCounts counts = target_->Flush(CacheKeyFilter::For(name.get(), zone, type));
  return zone ? Removed(counts) : "ok\n";
}

std::string ControlCommands::FlushInfra(absl::string_view arg) {
  if (arg == "all") {
    target_->FlushInfra(nullptr);
    return "ok\n";
  }
  absl::StatusOr<Endpoint> server = Endpoint::Parse(arg, 53);
  if (!server.ok()) return Error(absl::StrCat("parsing ip addr: '", arg, "'"));
  target_->FlushInfra(&*server);
  return "ok\n";
}

std::string ControlCommands::ListForwards(bool stubs) {
  // unbound's lines: "name IN forward addr addr" (the port is not shown), and for a stub
  // "name IN stub prime|noprime addr...". The zones in force: rebound-control's changes included.
  std::string out;
  for (const ConfiguredDelegation& z : target_->Delegations()) {
    if (z.forward == stubs) continue;
    absl::StrAppend(&out, z.name, " IN ",
                    stubs ? (z.prime ? "stub prime" : "stub noprime") : "forward");
    for (const std::string& host : z.hosts) absl::StrAppend(&out, " ", host);
    for (const Endpoint& a : z.addrs) absl::StrAppend(&out, " ", a.AddressString());
    absl::StrAppend(&out, "\n");
  }
  return out;
}

std::string ControlCommands::ListLocal(bool data) {
  // The zones in force, with rebound-control's changes.
  std::string out;
  target_->WithLocalZones(
      [&](const LocalZones& zones) { out = data ? zones.DataListing() : zones.ZoneListing(); });
  return out;
}

}  // namespace rebound
