#include "resolver/control/request_list_text.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "resolver/wire/presentation.h"

namespace rebound {
namespace {

// unbound's get_mesh_age: seconds and microseconds, "%lld.%6.6d".
std::string AgeText(const std::optional<absl::Duration>& age) {
  if (!age.has_value()) return "-";
  const int64_t micros = std::max<int64_t>(0, absl::ToInt64Microseconds(*age));
  return absl::StrFormat("%d.%06d", micros / 1'000'000, micros % 1'000'000);
}

}  // namespace

std::string RequestListText(const std::vector<std::vector<PendingRequest>>& threads) {
  std::string out;
  for (size_t thread = 0; thread < threads.size(); ++thread) {
    absl::StrAppend(&out, "thread #", thread, "\n",
                    "#   type cl name    seconds    module status\n");
    int number = 0;
    for (const PendingRequest& r : threads[thread]) {
      absl::StrAppendFormat(&out, "%3d %4s %2s %s %s %s\n", number++, TypeString(r.qtype),
                            TakeLdnsString(ldns_rr_class2str(r.qclass)), r.qname, AgeText(r.age),
                            r.status);
    }
  }
  return out;
}

}  // namespace rebound
