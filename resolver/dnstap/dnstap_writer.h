// dnstap (https://dnstap.info) over Frame Streams to a collector's unix socket (or TCP address),
// through libfstrm's I/O thread. Each worker has its own input queue, so logging takes no lock and
// never waits: a message that finds its queue full is dropped and counted. The I/O thread alone
// touches the socket; when the collector goes away it reconnects every few seconds, and the
// workers see only full queues meanwhile.
#ifndef REBOUND_RESOLVER_DNSTAP_DNSTAP_WRITER_H_
#define REBOUND_RESOLVER_DNSTAP_DNSTAP_WRITER_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "resolver/config/config.h"
#include "resolver/core/dnstap_sink.h"
#include "resolver/core/worker_stats.h"

struct fstrm_iothr;

namespace rebound {

// The content type a dnstap stream announces (Frame Streams' START frame).
inline constexpr absl::string_view kDnstapContentType = "protobuf:dnstap.Dnstap";

class DnstapQueueSink;

class DnstapWriter {
 public:
  // Starts the I/O thread with one input queue per worker (`queues`). It connects to
  // config.socket_path (config.ip, when set) now, as unbound opens it before dropping root, and
  // again every few seconds while it cannot: a missing collector is no error. `software_version` is
  // what dnstap-version defaults to.
  static absl::StatusOr<std::unique_ptr<DnstapWriter>> Start(const DnstapConfig& config,
                                                             absl::string_view software_version,
                                                             size_t queues);
  // Stops the I/O thread, which writes out what is queued if the collector is there.
  ~DnstapWriter();
  DnstapWriter(const DnstapWriter&) = delete;
  DnstapWriter& operator=(const DnstapWriter&) = delete;

  // The sink for worker `index`, to be used by that worker's thread only; null when `index` is
  // not below the number of queues. What it drops is counted in `dropped` too (the worker's
  // WorkerStats::dnstap_dropped, for `stats` and /metrics; null: not), which must outlive the
  // writer or the next ForWorker for that index, as the worker that writes it does.
  DnstapSink* ForWorker(size_t index, StatCounter* dropped = nullptr);
  // Messages dropped so far because their queue was full (or memory ran out), over all workers.
  uint64_t dropped() const;

 private:
  DnstapWriter() = default;

  fstrm_iothr* iothr_ = nullptr;
  std::string identity_;  // empty when not sent
  std::string version_;   // likewise
  std::vector<std::unique_ptr<DnstapQueueSink>> sinks_;
};

// Where the messages go, for the log: the socket path, or the address and "over TCP".
std::string Destination(const DnstapConfig& config);

// The writer `config` asks for (dnstap-enable), with a queue for each of its num-threads
// workers; null when dnstap is off.
absl::StatusOr<std::unique_ptr<DnstapWriter>> StartDnstapFor(const Config& config,
                                                             absl::string_view software_version);

}  // namespace rebound

#endif  // REBOUND_RESOLVER_DNSTAP_DNSTAP_WRITER_H_
