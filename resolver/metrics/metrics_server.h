// The Prometheus listener (`metrics-interface:`): a plain HTTP/1.1 server on a libuv loop and
// thread of its own, serving the /metrics page (prometheus_text.h) to the clients access-control
// allows. Bound by the main thread before root is dropped; it keeps its sockets across a SIGHUP
// reload, which only gives it the new access-control rules.
#ifndef REBOUND_RESOLVER_METRICS_METRICS_SERVER_H_
#define REBOUND_RESOLVER_METRICS_METRICS_SERVER_H_

#include <uv.h>

#include <cstddef>
#include <functional>
#include <memory>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "resolver/config/access_control_list.h"
#include "resolver/config/config.h"
#include "resolver/core/endpoint.h"
#include "resolver/core/stats_report.h"

namespace rebound {

// What a client may cost: a scraper sends one small request and reads the page at once, so
// anything slower or larger is dropped rather than waited for.
struct MetricsServerOptions {
  size_t max_request_bytes = 8192;
  // From accept to the last byte of the response: bytes do not extend it.
  absl::Duration deadline = absl::Seconds(10);
  // Connections open at once; more are closed at accept.
  size_t max_connections = 16;
};

class MetricsServer {
 public:
  // Called on the server's thread, once per GET or HEAD of /metrics.
  using ReportFunction = std::function<StatsReport()>;

  // The server of `config`'s metrics-interface lines, listening (not started); null when there
  // are none.
  static absl::StatusOr<std::unique_ptr<MetricsServer>> Bind(const Config& config,
                                                             ReportFunction report);

  MetricsServer(std::vector<Endpoint> addresses, AccessControlList acl, ReportFunction report,
                MetricsServerOptions options = {});
  ~MetricsServer();  // Stop()
  MetricsServer(const MetricsServer&) = delete;
  MetricsServer& operator=(const MetricsServer&) = delete;

  // Binds and listens on every address, on the calling thread (before root is dropped, so a
  // port below 1024 works). An error names the address.
  absl::Status Listen();
  // Runs the loop on a thread of its own.
  void Start();
  // Closes the listeners and every connection, and joins the thread. Idempotent.
  void Stop();

  // The rules of a reloaded configuration, for the connections accepted from now on.
  void SetAccessControl(AccessControlList acl);

  // The bound addresses (a port 0 asked for is the one the kernel chose).
  std::vector<Endpoint> BoundAddresses() const;

 private:
  class Connection;

  static void OnConnection(uv_stream_t* server, int status);
  void Accept(uv_stream_t* server);
  bool Allowed(const Endpoint& client, const Endpoint& local);
  void Forget(Connection* connection) { connections_.erase(connection); }
  void CloseEverything();

  const std::vector<Endpoint> addresses_;
  const ReportFunction report_;
  const MetricsServerOptions options_;
  mutable absl::Mutex acl_mutex_;
  AccessControlList acl_ ABSL_GUARDED_BY(acl_mutex_);

  uv_loop_t loop_;
  uv_async_t stop_signal_;
  std::vector<std::unique_ptr<uv_tcp_t>> listeners_;
  absl::flat_hash_set<Connection*> connections_;  // the loop's thread only
  std::thread thread_;
  bool stopped_ = false;
};

}  // namespace rebound

#endif  // REBOUND_RESOLVER_METRICS_METRICS_SERVER_H_
