// rebound-control's local_zone, local_zone_remove, local_data, local_data_remove and their bulk
// forms, with unbound-control's arguments and output (unbound-control(8)). Each command edits a
// copy of the local zones in force, which the target publishes to the workers at once; a bulk
// command publishes one copy with every line that was right, as unbound keeps the lines that
// were.
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "resolver/control/control_commands.h"
#include "resolver/local/local_zones.h"

namespace rebound {
namespace {

// One command's work on `zones`: its error message, or empty. `arg` is everything after the
// command word: "NAME TYPE", "NAME" or a resource record.
std::string ApplyOne(absl::string_view command, absl::string_view arg, LocalZones& zones) {
  if (arg.empty()) return "error: this option requires a domain name";
  if (command == "local_zone" || command == "local_zones") {
    std::vector<absl::string_view> words = absl::StrSplit(arg, ' ', absl::SkipWhitespace());
    if (words.size() < 2) {
      return absl::StrCat("error could not find next argument after ", words[0]);
    }
    std::optional<LocalZoneType> type = ParseLocalZoneType(words[1]);
    if (!type.has_value()) return absl::StrCat("error not a zone type. ", words[1]);
    absl::Status s = zones.SetZone(words[0], *type);
    return s.ok() ? "" : absl::StrCat("error cannot parse name ", words[0]);
  }
  if (command == "local_data" || command == "local_datas") {
    absl::Status s = zones.AddData(arg);
    return s.ok() ? ""
                  : absl::StrCat("error parsing ", absl::StripPrefix(s.message(), "local_data: "));
  }
  if (absl::StrContains(arg, ' ')) {
    return absl::StrCat("error cannot parse name ", arg);
  }
  absl::Status s = command == "local_zone_remove" || command == "local_zones_remove"
                       ? zones.RemoveZone(arg)
                       : zones.RemoveData(arg);
  return s.ok() ? "" : absl::StrCat("error cannot parse name ", arg);
}

}  // namespace

std::string ControlCommands::ChangeLocal(absl::string_view command, absl::string_view rest) {
  std::string error;
  absl::Status s = target_->ChangeLocalZones([&](LocalZones& zones) {
    error = ApplyOne(command, rest, zones);
    return error.empty() ? absl::OkStatus() : absl::InvalidArgumentError(error);
  });
  if (!error.empty()) return absl::StrCat(error, "\n");
  if (!s.ok()) return absl::StrCat("error ", s.message(), "\n");
  return "ok\n";
}

std::string ControlCommands::ChangeLocalInBulk(absl::string_view command, absl::string_view body) {
  std::string out;
  int done = 0;
  absl::Status s = target_->ChangeLocalZones([&](LocalZones& zones) {
    for (absl::string_view line : absl::StrSplit(body, '\n')) {
      line = absl::StripAsciiWhitespace(line);
      if (line.empty()) continue;
      const std::string error = ApplyOne(command, line, zones);
      if (error.empty()) {
        ++done;
      } else if (command == "local_datas") {
        absl::StrAppend(&out, error, "\n");  // unbound names the record, not the line
      } else {
        absl::StrAppend(&out, "error for input line: ", line, "\n");
      }
    }
    return absl::OkStatus();
  });
  if (!s.ok()) return absl::StrCat("error ", s.message(), "\n");
  const bool zone = command == "local_zones" || command == "local_zones_remove";
  const bool remove = absl::EndsWith(command, "_remove");
  absl::StrAppend(&out, remove ? "removed " : "added ", done, zone ? " zones\n" : " datas\n");
  return out;
}

}  // namespace rebound
