#include "resolver/server/connection_limits.h"

#include <utility>

namespace rebound {

ConnectionLimits::ConnectionLimits(std::vector<TcpConnectionLimit> limits)
    : any_limits_(!limits.empty()) {
  for (TcpConnectionLimit& limit : limits) netblocks_.push_back({std::move(limit), 0});
}

const ConnectionLimits::Netblock* ConnectionLimits::Covering(const Endpoint& client) const {
  const Netblock* best = nullptr;
  for (const Netblock& netblock : netblocks_) {
    if (!netblock.rule.netblock.Contains(client)) continue;
    if (best == nullptr || netblock.rule.netblock.length() > best->rule.netblock.length()) {
      best = &netblock;
    }
  }
  return best;
}

ConnectionLimits::Ticket ConnectionLimits::Admit(const Endpoint& client) {
  // Any non-null pointer will do for a client that no netblock covers: nothing to release.
  static int uncounted;
  if (!any_limits_) return Ticket(&uncounted, [](void*) {});
  absl::MutexLock lock(&mutex_);
  const Netblock* covering = Covering(client);
  if (covering == nullptr) return Ticket(&uncounted, [](void*) {});
  if (covering->held >= covering->rule.limit) return nullptr;
  auto* counted = const_cast<Netblock*>(covering);
  ++counted->held;
  return Ticket(counted, [this](void* netblock) { Release(static_cast<Netblock*>(netblock)); });
}

void ConnectionLimits::Release(const Netblock* netblock) {
  absl::MutexLock lock(&mutex_);
  --const_cast<Netblock*>(netblock)->held;
}

int ConnectionLimits::HeldBy(const Endpoint& client) const {
  absl::MutexLock lock(&mutex_);
  const Netblock* covering = Covering(client);
  return covering == nullptr ? 0 : covering->held;
}

}  // namespace rebound
