#include "resolver/server/worker.h"

#include <sys/socket.h>

#include <algorithm>

#include "resolver/core/callback_guard.h"
#include "resolver/core/listen_socket.h"
#include "resolver/core/log.h"

namespace rebound {

Worker::Worker(const Config* config, const Clock* clock, const StageFactory& make_stages,
               PacketCache* packet_cache, ConnectionLimits* connection_limits,
               const Published<LocalZones>* local_zones, const TlsClientContext* upstream_tls,
               WorkerStats* stats, DnstapSink* dnstap)
    : config_(config), connection_limits_(connection_limits), stats_(stats) {
  if (connection_limits_ == nullptr) {
    own_connection_limits_ = std::make_unique<ConnectionLimits>(config->tcp_connection_limits);
    connection_limits_ = own_connection_limits_.get();
  }
  if (stats_ == nullptr) {
    own_stats_ = std::make_unique<WorkerStats>();
    stats_ = own_stats_.get();
  }
  uv_loop_init(&loop_);
  uv_async_init(&loop_, &stop_signal_, [](uv_async_t* a) {
    GuardCallback("worker stop", [a] { static_cast<Worker*>(a->data)->Shutdown(); });
  });
  stop_signal_.data = this;
  tasks_ = std::make_unique<LoopTasks>(&loop_);
  transport_ = std::make_unique<UdpTcpTransport>(
      &loop_, UdpTcpTransportOptions{.edns_buffer_size = config->edns_buffer_size,
                                     .max_sockets = static_cast<size_t>(config->outgoing_range),
                                     .dnstap = dnstap});
  // Without a context the TLS upstreams fail every query; they never fall back to plaintext.
  if (config->UsesTlsUpstream()) {
    dot_transport_ = std::make_unique<DotTransport>(
        &loop_, upstream_tls, DotUpstreams(*config),
        DotTransportOptions{.edns_buffer_size = config->edns_buffer_size, .dnstap = dnstap});
  }
  routing_ = std::make_unique<RoutingTransport>(transport_.get(), dot_transport_.get());
  stages_ = make_stages(&loop_, routing_.get(), stats_);
  std::vector<Stage*> stages;
  for (auto& stage : stages_) stages.push_back(stage.get());
  pipeline_ = std::make_unique<Pipeline>(
      std::move(stages),
      PipelineLimits{.max_requests = static_cast<size_t>(config->num_queries_per_thread),
                     .max_per_client = static_cast<size_t>(config->num_queries_per_client),
                     .jostle_after = config->jostle_timeout},
      stats_);
  handler_ = std::make_unique<QueryHandler>(
      &config->acl, pipeline_.get(), clock,
      QueryHandlerOptions{.edns_buffer_size = config->edns_buffer_size,
                          .packet_cache = packet_cache,
                          .dns64_enabled = config->dns64.enabled,
                          .dns64_clients = config->dns64.clients,
                          .local_zones = local_zones,
                          .log_queries = config->log_queries,
                          .log_replies = config->log_replies,
                          .log_servfail = config->log_servfail,
                          .stats = stats_,
                          .dnstap = dnstap,
                          .prefetch = config->prefetch});
}

Worker::~Worker() {
  Stop();
  uv_loop_close(&loop_);
}

std::vector<DotUpstream> DotUpstreams(const Config& config) {
  std::vector<DotUpstream> upstreams;
  for (const ForwardZone& zone : config.forward_zones) {
    if (!zone.tls_upstream) continue;
    for (size_t i = 0; i < zone.addrs.size(); ++i) {
      upstreams.push_back({zone.addrs[i], zone.TlsNameOf(i)});
    }
  }
  return upstreams;
}

std::vector<ListenTarget> ListenTargets(const Config& config) {
  std::vector<ListenTarget> targets;
  for (const Endpoint& address : config.interfaces) {
    if (address.is_v6() ? !config.do_ip6 : !config.do_ip4) continue;
    if (address.port() == config.https_port) {
      targets.push_back({address, ListenTarget::Kind::kHttps});
      continue;
    }
    if (config.ServesDnsOverTls(address.port())) {
      targets.push_back({address, ListenTarget::Kind::kTls});
      continue;
    }
    if (config.do_udp) targets.push_back({address, ListenTarget::Kind::kUdp});
    if (config.do_tcp) targets.push_back({address, ListenTarget::Kind::kTcp});
  }
  return targets;
}

absl::Status CheckNobodyListensOnTargets(const Config& config) {
  for (const ListenTarget& target : ListenTargets(config)) {
    const int type = target.kind == ListenTarget::Kind::kUdp ? SOCK_DGRAM : SOCK_STREAM;
    if (absl::Status s = CheckNobodyListens(target.address, type); !s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::Status Worker::Listen() {
  const TcpLimits limits{.idle_timeout = config_->tcp_idle_timeout,
                         .max_connections = config_->incoming_num_tcp};
  // Every thread binds every address: with several threads that needs SO_REUSEPORT whatever
  // so-reuseport says (the loops share no socket).
  const bool reuseport = config_->so_reuseport || config_->num_threads > 1;
  // RFC 6891 6.2.5: never less than 512.
  const size_t max_udp_response =
      std::max<size_t>(config_->edns_buffer_size, QueryHandler::kMinOutSize);
  for (const ListenTarget& target : ListenTargets(*config_)) {
    switch (target.kind) {
      case ListenTarget::Kind::kHttps: {
        if (https_ == nullptr) {
          absl::StatusOr<std::unique_ptr<HttpsListener>> https =
              HttpsListener::Create(&loop_, *config_, handler_.get(), connection_limits_);
          if (!https.ok()) return https.status();
          https_ = *std::move(https);
        }
        if (absl::Status s = https_->Listen(target.address, reuseport); !s.ok()) return s;
        break;
      }
      case ListenTarget::Kind::kUdp: {
        absl::StatusOr<UdpListener*> udp =
            UdpListener::Open(&loop_, target.address, reuseport, handler_.get(), max_udp_response,
                              {.receive = config_->so_rcvbuf, .send = config_->so_sndbuf});
        if (!udp.ok()) return udp.status();
        udp_listeners_.push_back(*udp);
        break;
      }
      case ListenTarget::Kind::kTcp:
      case ListenTarget::Kind::kTls: {
        // DNS over TLS is DNS over TCP inside TLS (RFC 7858 3.3): the same listener, with the
        // same limits and the same access rules at accept.
        const TlsServerContext* tls = nullptr;
        if (target.kind == ListenTarget::Kind::kTls) {
          absl::StatusOr<const TlsServerContext*> context = DotContext();
          if (!context.ok()) return context.status();
          tls = *context;
        }
        absl::StatusOr<TcpListener*> tcp =
            TcpListener::Open(&loop_, target.address, reuseport, handler_.get(), limits,
                              {.acl = &config_->acl, .per_client = connection_limits_}, tls);
        if (!tcp.ok()) return tcp.status();
        tcp_listeners_.push_back(*tcp);
        break;
      }
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<const TlsServerContext*> Worker::DotContext() {
  if (dot_context_ == nullptr) {
    absl::StatusOr<std::unique_ptr<TlsServerContext>> context =
        TlsServerContext::Create(config_->tls_service_key, config_->tls_service_pem, kAlpnDot);
    if (!context.ok()) return context.status();
    dot_context_ = *std::move(context);
  }
  return dot_context_.get();
}

void Worker::Start() {
  thread_ = std::thread([this] { uv_run(&loop_, UV_RUN_DEFAULT); });
}

void Worker::Stop() {
  if (thread_.joinable()) {
    uv_async_send(&stop_signal_);
    thread_.join();
  } else if (!uv_is_closing(reinterpret_cast<uv_handle_t*>(&stop_signal_))) {
    // Never started (e.g. Listen failed): close on this thread, then let the closes finish.
    Shutdown();
    uv_run(&loop_, UV_RUN_DEFAULT);
  }
}

LoopCall Worker::RunWithPipeline(std::function<void(Pipeline&)> task) {
  return tasks_->Post([this, task = std::move(task)] { task(*pipeline_); });
}

// Order matters: the control thread's tasks (withdrawn, and refused from now on, so none finds the
// pipeline gone), the HTTPS server (its pending responders become no-ops) and the pipeline,
// which drops pending requests unanswered; then the stages, whose lookups cancel the upstream
// exchanges they have out (so that the transport is never called back for them, and never
// called by a lookup after it is gone) and whose own handles (the bootstrap relays'
// connections) must close while the loop still runs; then the transport, with nothing of its
// own left to call back; then the sockets, which no reply needs now.
void Worker::Shutdown() {
  tasks_->Close();
  https_.reset();
  pipeline_.reset();
  stages_.clear();
  routing_.reset();
  dot_transport_.reset();
  transport_.reset();
  for (UdpListener* l : udp_listeners_) l->Close();
  for (TcpListener* l : tcp_listeners_) l->Close();
  udp_listeners_.clear();
  tcp_listeners_.clear();
  uv_close(reinterpret_cast<uv_handle_t*>(&stop_signal_), nullptr);
}

}  // namespace rebound
