#include "resolver/core/stage.h"

#include "absl/strings/str_cat.h"

namespace rebound {

std::string WaitForText(const std::vector<Endpoint>& servers) {
  if (servers.empty()) return "";
  std::string text = "wait for";
  for (const Endpoint& server : servers) absl::StrAppend(&text, " ", server.AddressString());
  return text;
}

}  // namespace rebound
