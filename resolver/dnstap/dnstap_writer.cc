#include "resolver/dnstap/dnstap_writer.h"

#include <fstrm.h>
#include <unistd.h>

#include <array>
#include <cstring>
#include <utility>

#include "absl/strings/str_cat.h"
#include "resolver/core/log.h"
#include "resolver/core/worker_stats.h"
#include "resolver/dnstap/dnstap_encoder.h"

namespace rebound {
namespace {

// Frames a worker may have waiting for the I/O thread: about a second of a busy resolver's
// messages, a few megabytes at most. fstrm wants a power of two.
constexpr unsigned kInputQueueSize = 4096;

std::span<const uint8_t> AsBytes(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

std::string HostName() {
  std::array<char, 256> name{};
  if (gethostname(name.data(), name.size() - 1) != 0) return "";
  return name.data();
}

// dnstap-ip (over TCP) when set, as unbound prefers it, else dnstap-socket-path.
fstrm_writer* OpenWriter(const DnstapConfig& config, const fstrm_writer_options* writer_options) {
  if (config.ip.has_value()) {
    fstrm_tcp_writer_options* tcp_options = fstrm_tcp_writer_options_init();
    const std::string address = config.ip->AddressString();
    const std::string port = absl::StrCat(config.ip->port());
    fstrm_tcp_writer_options_set_socket_address(tcp_options, address.c_str());
    fstrm_tcp_writer_options_set_socket_port(tcp_options, port.c_str());
    fstrm_writer* writer = fstrm_tcp_writer_init(tcp_options, writer_options);
    fstrm_tcp_writer_options_destroy(&tcp_options);
    return writer;
  }
  fstrm_unix_writer_options* unix_options = fstrm_unix_writer_options_init();
  fstrm_unix_writer_options_set_socket_path(unix_options, config.socket_path.c_str());
  fstrm_writer* writer = fstrm_unix_writer_init(unix_options, writer_options);
  fstrm_unix_writer_options_destroy(&unix_options);
  return writer;
}

}  // namespace

std::string Destination(const DnstapConfig& config) {
  return config.ip.has_value() ? absl::StrCat(config.ip->ToString(), " over TCP")
                               : config.socket_path;
}

// One worker's queue into the I/O thread, and which messages the configuration wants.
class DnstapQueueSink : public DnstapSink {
 public:
  DnstapQueueSink(fstrm_iothr* iothr, fstrm_iothr_queue* queue, const DnstapConfig& config,
                  const std::string& identity, const std::string& version)
      : iothr_(iothr),
        queue_(queue),
        config_(config),
        identity_(AsBytes(identity)),
        version_(AsBytes(version)) {}

  void ClientQuery(std::span<const uint8_t> query, const Endpoint& client, const Endpoint& local,
                   DnstapProtocol protocol, absl::Time received) override {
    if (!config_.log_client_query) return;
    Submit({.type = DnstapMessageType::kClientQuery,
            .protocol = protocol,
            .initiator = client,
            .responder = local,
            .query_time = received,
            .query_message = query});
  }

  void ClientResponse(std::span<const uint8_t> response, const Endpoint& client,
                      const Endpoint& local, DnstapProtocol protocol, absl::Time query_received,
                      absl::Time sent) override {
    if (!config_.log_client_response) return;
    Submit({.type = DnstapMessageType::kClientResponse,
            .protocol = protocol,
            .initiator = client,
            .responder = local,
            .query_time = query_received,
            .response_time = sent,
            .response_message = response});
  }

  // The resolver is the initiator; its own address and port are left out: the socket is
  // closed by the time a response is logged, and what a collector wants is the server.
  void ResolverQuery(std::span<const uint8_t> query, const DnstapUpstream& upstream,
                     absl::Time sent) override {
    if (!(upstream.forwarder ? config_.log_forwarder_query : config_.log_resolver_query)) return;
    Submit({.type = upstream.forwarder ? DnstapMessageType::kForwarderQuery
                                       : DnstapMessageType::kResolverQuery,
            .protocol = upstream.protocol,
            .responder = upstream.server,
            .query_time = sent,
            .query_message = query,
            .query_zone = upstream.zone});
  }

  void ResolverResponse(std::span<const uint8_t> response, const DnstapUpstream& upstream,
                        absl::Time query_sent, absl::Time received) override {
    if (!(upstream.forwarder ? config_.log_forwarder_response : config_.log_resolver_response)) {
      return;
    }
    Submit({.type = upstream.forwarder ? DnstapMessageType::kForwarderResponse
                                       : DnstapMessageType::kResolverResponse,
            .protocol = upstream.protocol,
            .responder = upstream.server,
            .query_time = query_sent,
            .response_time = received,
            .query_zone = upstream.zone,
            .response_message = response});
  }

  uint64_t dropped() const { return dropped_.value(); }
  // Set by the main thread while no worker runs (before the worker's thread starts).
  void CountDropsIn(StatCounter* worker_dropped) { worker_dropped_ = worker_dropped; }

 private:
  void Submit(DnstapEvent event) {
    event.identity = identity_;
    event.version = version_;
    DnstapFrame frame = EncodeDnstap(event);
    if (frame.data == nullptr) {
      Drop();
      return;
    }
    // fstrm_res_again: the queue is full (the collector is slow or gone). The message is
    // dropped rather than waited for: the query path never blocks on logging.
    if (fstrm_iothr_submit(iothr_, queue_, frame.data.get(), frame.size, fstrm_free_wrapper,
                           nullptr) == fstrm_res_success) {
      frame.data.release();  // fstrm frees it
    } else {
      Drop();
    }
  }

  // Both counters are this worker's alone: the writer's total for the exit log, and the
  // worker's statistics.
  void Drop() {
    dropped_.Add();
    if (worker_dropped_ != nullptr) worker_dropped_->Add();
  }

  fstrm_iothr* iothr_;
  fstrm_iothr_queue* queue_;
  const DnstapConfig config_;
  std::span<const uint8_t> identity_;
  std::span<const uint8_t> version_;
  StatCounter dropped_;
  StatCounter* worker_dropped_ = nullptr;
};

absl::StatusOr<std::unique_ptr<DnstapWriter>> DnstapWriter::Start(
    const DnstapConfig& config, absl::string_view software_version, size_t queues) {
  if (queues == 0) queues = 1;
  std::unique_ptr<DnstapWriter> writer(new DnstapWriter);
  if (config.send_identity)
    writer->identity_ = config.identity.empty() ? HostName() : config.identity;
  if (config.send_version) {
    writer->version_ = config.version.empty() ? std::string(software_version) : config.version;
  }

  fstrm_writer_options* writer_options = fstrm_writer_options_init();
  fstrm_writer_options_add_content_type(writer_options, kDnstapContentType.data(),
                                        kDnstapContentType.size());
  fstrm_writer* fstrm_writer = OpenWriter(config, writer_options);
  fstrm_writer_options_destroy(&writer_options);
  if (fstrm_writer == nullptr) {
    return absl::InternalError(
        absl::StrCat("dnstap: cannot make a writer for ", Destination(config)));
  }

  fstrm_iothr_options* iothr_options = fstrm_iothr_options_init();
  fstrm_iothr_options_set_num_input_queues(iothr_options, static_cast<unsigned>(queues));
  fstrm_iothr_options_set_queue_model(iothr_options, FSTRM_IOTHR_QUEUE_MODEL_SPSC);
  fstrm_iothr_options_set_input_queue_size(iothr_options, kInputQueueSize);
  // Takes the writer (and destroys it on failure).
  writer->iothr_ = fstrm_iothr_init(iothr_options, &fstrm_writer);
  fstrm_iothr_options_destroy(&iothr_options);
  if (writer->iothr_ == nullptr) {
    if (fstrm_writer != nullptr) fstrm_writer_destroy(&fstrm_writer);
    return absl::InternalError("dnstap: cannot start the Frame Streams I/O thread");
  }
  for (size_t i = 0; i < queues; ++i) {
    fstrm_iothr_queue* queue = fstrm_iothr_get_input_queue_idx(writer->iothr_, i);
    if (queue == nullptr) return absl::InternalError("dnstap: no Frame Streams input queue");
    writer->sinks_.push_back(std::make_unique<DnstapQueueSink>(
        writer->iothr_, queue, config, writer->identity_, writer->version_));
  }
  return writer;
}

DnstapWriter::~DnstapWriter() {
  if (iothr_ != nullptr) fstrm_iothr_destroy(&iothr_);
  if (const uint64_t lost = dropped(); lost > 0) {
    Log(LogLevel::kOps, "dnstap: %d message(s) dropped (queue full)", static_cast<int64_t>(lost));
  }
}

DnstapSink* DnstapWriter::ForWorker(size_t index, StatCounter* dropped) {
  if (index >= sinks_.size()) return nullptr;
  sinks_[index]->CountDropsIn(dropped);
  return sinks_[index].get();
}

uint64_t DnstapWriter::dropped() const {
  uint64_t total = 0;
  for (const auto& sink : sinks_) total += sink->dropped();
  return total;
}

absl::StatusOr<std::unique_ptr<DnstapWriter>> StartDnstapFor(const Config& config,
                                                             absl::string_view software_version) {
  if (!config.dnstap.enable) return nullptr;
  absl::StatusOr<std::unique_ptr<DnstapWriter>> writer =
      DnstapWriter::Start(config.dnstap, software_version, static_cast<size_t>(config.num_threads));
  if (writer.ok()) Log(LogLevel::kOps, "dnstap: logging to %s", Destination(config.dnstap));
  return writer;
}

}  // namespace rebound
