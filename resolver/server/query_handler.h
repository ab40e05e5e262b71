// What the listeners do with one query from a client, whatever the transport: access control,
// the quick checks, the packet cache (docs/architecture.md, flow step 2), and on a miss the
// parse, the pipeline and the rendered response, which then fills the packet cache.
#ifndef REBOUND_RESOLVER_SERVER_QUERY_HANDLER_H_
#define REBOUND_RESOLVER_SERVER_QUERY_HANDLER_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "absl/functional/function_ref.h"
#include "dns64/address_range.h"
#include "resolver/cache/packet_cache.h"
#include "resolver/config/access_control_list.h"
#include "resolver/core/clock.h"
#include "resolver/core/dnstap_sink.h"
#include "resolver/core/pipeline.h"
#include "resolver/core/published.h"
#include "resolver/core/worker_stats.h"
#include "resolver/local/local_zones.h"
#include "resolver/wire/query_reader.h"
#include "resolver/wire/response_writer.h"

namespace rebound {

struct QueryHandlerOptions {
  uint16_t edns_buffer_size = 1232;  // edns-buffer-size
  // Shared by every worker; null: every query goes through the pipeline.
  PacketCache* packet_cache = nullptr;
  // DNS64 (module-config: "dns64 ...") synthesizes for dns64_clients only (everyone when empty),
  // so the answer a client gets depends on which side it is: the packet cache keeps them apart.
  bool dns64_enabled = false;
  std::vector<AddressRange> dns64_clients = {};
  // local-zone and local-data, the default zones included; shared by every worker, and
  // replaced at run time by rebound-control (local_zone, local_data...): each query reads the
  // version in force once. Null: none.
  const Published<LocalZones>* local_zones = nullptr;
  // log-queries, log-replies, log-servfail (unbound.conf(5)): a line for every query, every
  // reply and every SERVFAIL with its reason (query_log.h), whatever the verbosity.
  bool log_queries = false;
  bool log_replies = false;
  bool log_servfail = false;
  // The worker's counters (worker_stats.h), which must outlive the handler; null: its own.
  WorkerStats* stats = nullptr;
  // dnstap's CLIENT_QUERY and CLIENT_RESPONSE (resolver/dnstap/); null: off.
  DnstapSink* dnstap = nullptr;
  // prefetch: a packet cache hit in the last tenth of its entry's lifetime, the first such hit
  // only, also starts a background refresh of the question (Pipeline::SubmitBackground).
  bool prefetch = false;
};

class QueryHandler {
 public:
  using Reply = std::function<void(std::vector<uint8_t>)>;

  enum class Outcome {
    kDropped,   // nothing is ever sent
    kAnswered,  // the response is in `out`, Handled::size bytes: the caller sends it now
    kPending,   // the pipeline has the query; the Reply sends the response
  };
  struct Handled {
    Outcome outcome = Outcome::kDropped;
    size_t size = 0;
    uint64_t request = 0;  // kPending: the pipeline's id, for Abandon
  };

  // Responses written to `out` (errors, cache hits) need at most this much room; a cache hit
  // larger than `out` is a miss.
  static constexpr size_t kMinOutSize = 512;

  QueryHandler(const AccessControlList* acl, Pipeline* pipeline, const Clock* clock,
               QueryHandlerOptions options);

  // Handles one query. A response that is ready at once (a packet cache hit, an error) is
  // written to `out` (at least kMinOutSize bytes) and kAnswered returned. Otherwise, unless the
  // query is dropped, the pipeline takes it: `make_reply` is called once for the callback that
  // will send the response, which may run before Handle returns. A hit allocates nothing, and
  // `make_reply` is not called for it.
  Handled Handle(std::span<const uint8_t> packet, const ClientInfo& client, std::span<uint8_t> out,
                 absl::FunctionRef<Reply()> make_reply);

  // The client of a pending query has gone (its HTTP/2 stream was reset, its connection
  // closed): stops the work for it, and its Reply never runs. A no-op once it has been answered.
  void Abandon(uint64_t request);

  // For a datagram larger than the listener's buffer, of which only `head` was read: FORMERR
  // with the header's ID into `out`, as the full query cannot be read; dropped as Handle would
  // drop it (ACL deny, no header, QR set).
  Handled HandleOversized(std::span<const uint8_t> head, const ClientInfo& client,
                          std::span<uint8_t> out);

  const WorkerStats& stats() const { return *stats_; }

 private:
  // Handle without log-replies' line.
  Handled HandleQuery(std::span<const uint8_t> packet, const ClientInfo& client,
                      std::span<uint8_t> out, absl::FunctionRef<Reply()> make_reply);
  void LogReply(const ClientInfo& client, std::span<const uint8_t> response, bool cached,
                absl::Duration elapsed) const;
  // log-servfail's line, with what the pipeline knows of why.
  void LogServfail(const Request& req, absl::string_view reason) const;
  // What the answer to a query in the pipeline needs once it comes back.
  struct PendingAnswer {
    QueryView view;
    PacketCacheKey key;
    AccessAction action;
    ClientInfo client;  // with the view decided
    ResponseOptions options = {};
    std::vector<uint8_t> head = {};  // header and question, for an error response
    Reply reply = nullptr;
  };
  Handled Submit(std::span<const uint8_t> packet, PendingAnswer pending, std::span<uint8_t> out,
                 absl::FunctionRef<Reply()> make_reply);
  // Renders the pipeline's answer (or a SERVFAIL) and sends it; stores it in the packet cache.
  void AnswerClient(const PendingAnswer& pending, Request& req);
  // A request back from the pipeline: a cache hit, or a miss with its resolution time.
  void CountCompletion(const Request& req);
  // The key flags of `view` as sent by `client`.
  uint8_t KeyFlags(const QueryView& view, bool dns64_view) const;
  bool InDns64View(const ClientInfo& client) const;
  // A local zone's answer (or silence) to the query, before the cache and the pipeline, as in
  // unbound: nothing under a local zone is ever resolved. Nullopt: not local.
  std::optional<Handled> AnswerLocally(const LocalZones& zones, std::span<const uint8_t> packet,
                                       const QueryView& view, const ClientInfo& client,
                                       std::span<uint8_t> out);
  // prefetch from the packet cache's hit path: the one place it allocates.
  void Prefetch(std::span<const uint8_t> packet, const ClientInfo& client, bool dns64_view);
  // Copies `message` (an error response) into `out`; dropped when there is none or no room.
  Handled Immediate(const std::vector<uint8_t>& message, std::span<uint8_t> out);

  const AccessControlList* acl_;
  Pipeline* pipeline_;
  const Clock* clock_;
  const QueryHandlerOptions options_;
  std::unique_ptr<WorkerStats> own_stats_;  // when the options gave none
  WorkerStats* const stats_;
};

}  // namespace rebound

#endif  // REBOUND_RESOLVER_SERVER_QUERY_HANDLER_H_
