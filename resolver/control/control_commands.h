// rebound-control's commands: unbound-control's names, arguments and output, so that an
// operator's habits and scripts carry over. One command line in, its text out.
#ifndef REBOUND_RESOLVER_CONTROL_CONTROL_COMMANDS_H_
#define REBOUND_RESOLVER_CONTROL_CONTROL_COMMANDS_H_

#include <string>

#include "absl/strings/string_view.h"
#include "resolver/control/control_target.h"
#include "resolver/core/stats_report.h"

namespace rebound {

class ControlCommands {
 public:
  // `target` must outlive this object.
  explicit ControlCommands(ControlTarget* target);

  // Runs `line` ("stats_noreset", "flush_type example.com AAAA"); `body` is what the client sent
  // after it (load_cache's data). The output ends with a newline; as with unbound-control, an
  // output whose first line begins with "error" is a failure (rebound-control exits 1).
  std::string Run(absl::string_view line, absl::string_view body);
  // The same, with the output handed to `write`: dump_cache's a bounded piece at a time as the
  // caches are read (stopping when `write` returns false), every other command's whole.
  void Run(absl::string_view line, absl::string_view body, ControlOutput write);

 private:
  std::string Status();
  std::string Stats(bool reset);
  std::string Verbosity(absl::string_view arg);
  // flush NAME, flush_type NAME TYPE, flush_zone NAME.
  std::string FlushName(absl::string_view command, const std::vector<absl::string_view>& args);
  std::string FlushInfra(absl::string_view arg);
  // dump_requestlist, flush_requestlist.
  std::string RequestList(absl::string_view command);
  std::string ListForwards(bool stubs);
  std::string ListLocal(bool data);
  // local_zone, local_zone_remove, local_data, local_data_remove (control_local_zones.cc).
  // `rest` is the line after the command word.
  std::string ChangeLocal(absl::string_view command, absl::string_view rest);
  // Their bulk forms, one argument a line of `body`: local_zones, local_zones_remove,
  // local_datas, local_datas_remove.
  std::string ChangeLocalInBulk(absl::string_view command, absl::string_view body);
  // forward_add, forward_remove, stub_add, stub_remove (control_delegations.cc).
  std::string ChangeDelegation(absl::string_view command,
                               const std::vector<absl::string_view>& args);

  ControlTarget* const target_;
  // What `stats` last reported, which the next `stats` counts from (stats_noreset leaves it).
  StatsReport baseline_;
};

}  // namespace rebound

#endif  // REBOUND_RESOLVER_CONTROL_CONTROL_COMMANDS_H_
