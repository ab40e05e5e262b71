#include "resolver/server/worker.h"

#include "resolver/core/log.h"

namespace rebound {

Worker::Worker(const Config* config, const Clock* clock, const StageFactory& make_stages)
    : config_(config) {
  uv_loop_init(&loop_);
  uv_async_init(&loop_, &stop_signal_, [](uv_async_t* a) { static_cast<Worker*>(a->data)->Shutdown(); });
  stop_signal_.data = this;
  transport_ = std::make_unique<UdpTcpTransport>(
      &loop_, UdpTcpTransportOptions{.edns_buffer_size = config->edns_buffer_size});
  stages_ = make_stages(&loop_, transport_.get());
  std::vector<Stage*> stages;
  for (auto& stage : stages_) stages.push_back(stage.get());
  pipeline_ = std::make_unique<Pipeline>(std::move(stages));
  handler_ = std::make_unique<QueryHandler>(&config->acl, pipeline_.get(), clock,
                                            config->edns_buffer_size);
}

Worker::~Worker() {
  Stop();
  uv_loop_close(&loop_);
}

absl::Status Worker::Listen() {
  const TcpLimits limits{.idle_timeout = config_->tcp_idle_timeout,
                         .max_connections = config_->incoming_num_tcp};
  for (const Endpoint& address : config_->interfaces) {
    if (address.is_v6() ? !config_->do_ip6 : !config_->do_ip4) continue;
    if (config_->do_udp) {
      absl::StatusOr<UdpListener*> udp =
          UdpListener::Open(&loop_, address, config_->so_reuseport, handler_.get());
      if (!udp.ok()) return udp.status();
      udp_listeners_.push_back(*udp);
    }
    if (config_->do_tcp) {
      absl::StatusOr<TcpListener*> tcp =
          TcpListener::Open(&loop_, address, config_->so_reuseport, handler_.get(), limits);
      if (!tcp.ok()) return tcp.status();
      tcp_listeners_.push_back(*tcp);
    }
  }
  return absl::OkStatus();
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

// Order matters: the transport first, so no upstream reply reaches a stage again; then the
// pipeline, which drops pending requests unanswered; then the sockets, which no reply needs now.
void Worker::Shutdown() {
  transport_.reset();
  pipeline_.reset();
  for (UdpListener* l : udp_listeners_) l->Close();
  for (TcpListener* l : tcp_listeners_) l->Close();
  udp_listeners_.clear();
  tcp_listeners_.clear();
  uv_close(reinterpret_cast<uv_handle_t*>(&stop_signal_), nullptr);
}

}  // namespace rebound
