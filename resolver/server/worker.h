// One event loop on its own thread with its own sockets (SO_REUSEPORT), transport, stages and
// pipeline. A request never leaves the worker that received it; caches are shared.
#ifndef REBOUND_RESOLVER_SERVER_WORKER_H_
#define REBOUND_RESOLVER_SERVER_WORKER_H_

#include <uv.h>

#include <functional>
#include <memory>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "resolver/cache/packet_cache.h"
#include "resolver/config/config.h"
#include "resolver/core/pipeline.h"
#include "resolver/core/stage.h"
#include "resolver/core/worker_stats.h"
#include "resolver/server/connection_limits.h"
#include "resolver/server/https_listener.h"
#include "resolver/server/loop_tasks.h"
#include "resolver/server/query_handler.h"
#include "resolver/server/tcp_listener.h"
#include "resolver/server/udp_listener.h"
#include "resolver/transport/dot_transport.h"
#include "resolver/transport/udp_tcp_transport.h"
#include "tls/tls_context.h"

namespace rebound {

// Builds a worker's stages, in pipeline order, around that worker's loop and transport. Stages
// that do their own I/O (the bootstrap relays) run it on `loop`; those that count something
// count it in `stats`, the worker's.
using StageFactory = std::function<std::vector<std::unique_ptr<Stage>>(
    uv_loop_t* loop, Transport* transport, WorkerStats* stats)>;

// One socket every worker binds: a configured interface, for UDP, TCP, (on https-port) DNS over
// HTTPS or (on tls-port or a tls-additional-port) DNS over TLS.
struct ListenTarget {
  enum class Kind { kUdp, kTcp, kHttps, kTls };
  Endpoint address;
  Kind kind;
};
// What the configuration has each worker listen on: interface: as do-ip4/do-ip6, do-udp and
// do-tcp allow; an interface on https-port serves DNS over HTTPS only, and one on a TLS port DNS
// over TLS only (no UDP, no plain TCP), as in unbound.
std::vector<ListenTarget> ListenTargets(const Config& config);
// The servers of the forward-zones with forward-tls-upstream, each with the name its
// certificate must carry.
std::vector<DotUpstream> DotUpstreams(const Config& config);
// CheckNobodyListens for every target: call before any worker binds.
absl::Status CheckNobodyListensOnTargets(const Config& config);

class Worker {
 public:
  // `packet_cache` is shared by every worker and must outlive them; null: no packet cache.
  // `connection_limits` (tcp-connection-limit) likewise; null: this worker counts on its own.
  // `local_zones` (local-zone, local-data and the default zones) likewise; null: none.
  // `upstream_tls` (the trust anchors for forward-tls-upstream) likewise; it must be given when
  // config->UsesTlsUpstream(). `stats`, the counters this worker writes, likewise; null: its
  // own. `dnstap` (this worker's queue to the dnstap writer) likewise; null: no dnstap.
  Worker(const Config* config, const Clock* clock, const StageFactory& make_stages,
         PacketCache* packet_cache = nullptr, ConnectionLimits* connection_limits = nullptr,
         const Published<LocalZones>* local_zones = nullptr,
         const TlsClientContext* upstream_tls = nullptr, WorkerStats* stats = nullptr,
         DnstapSink* dnstap = nullptr);
  ~Worker();
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  // Binds every configured interface (UDP and TCP as enabled). Call before Start; an error
  // names the address that could not be bound.
  absl::Status Listen();
  void Start();
  // Thread-safe: closes everything on the loop's thread and waits for the thread to end.
  void Stop();
  // Any thread: runs `task` with this worker's Pipeline on the loop's thread, between two
  // callbacks (no stage call is under way). The call comes back withdrawn once the worker is
  // stopping (LoopCall::Wait: false).
  LoopCall RunWithPipeline(std::function<void(Pipeline&)> task);

 private:
  void Shutdown();  // on the loop's thread
  // The DNS over TLS context, loaded on first use; an error names the key or certificate file.
  absl::StatusOr<const TlsServerContext*> DotContext();

  const Config* config_;
  uv_loop_t loop_;
  uv_async_t stop_signal_;
  std::unique_ptr<LoopTasks> tasks_;  // the control thread's work on this loop
  std::thread thread_;
  std::unique_ptr<UdpTcpTransport> transport_;
  std::unique_ptr<DotTransport> dot_transport_;  // only with forward-tls-upstream
  std::unique_ptr<RoutingTransport> routing_;    // what the stages send through
  std::vector<std::unique_ptr<Stage>> stages_;
  std::unique_ptr<Pipeline> pipeline_;
  std::unique_ptr<QueryHandler> handler_;
  std::unique_ptr<ConnectionLimits> own_connection_limits_;  // when none was given
  ConnectionLimits* connection_limits_;
  std::unique_ptr<WorkerStats> own_stats_;  // likewise
  WorkerStats* stats_;
  std::vector<UdpListener*> udp_listeners_;  // each deletes itself after Close()
  std::vector<TcpListener*> tcp_listeners_;
  std::unique_ptr<HttpsListener> https_;  // relay mode, when an interface is on https-port
  // tls-service-key and tls-service-pem with ALPN "dot", when an interface is on a TLS port;
  // shared by this worker's DNS over TLS listeners (tcp_listeners_).
  std::unique_ptr<TlsServerContext> dot_context_;
};

}  // namespace rebound

#endif  // REBOUND_RESOLVER_SERVER_WORKER_H_
