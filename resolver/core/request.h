// One client query on its way through the Pipeline, and the answer being built for it.
#ifndef REBOUND_RESOLVER_CORE_REQUEST_H_
#define REBOUND_RESOLVER_CORE_REQUEST_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "resolver/core/endpoint.h"
#include "resolver/wire/ldns_ptr.h"

namespace rebound {

enum class StageResult;
class Pipeline;
class Request;

// RFC 8914: why a response is what it is, beyond its RCODE.
struct ExtendedDnsError {
  uint16_t info_code = 0;
  std::string extra_text;
};
// RFC 8914 4.23: no authoritative server could be reached (the bootstrap relays' cue).
inline constexpr uint16_t kEdeNoReachableAuthority = 22;
// RFC 8914 4.4: the answer is stale data served from the cache (RFC 8767).
inline constexpr uint16_t kEdeStaleAnswer = 3;

// How a query reached rebound, for the statistics (num.query.tcp, .tls, .https).
enum class ClientProtocol : uint8_t { kUdp, kTcp, kTls, kHttps };

struct ClientInfo {
  Endpoint address;
  bool tcp = false;  // any stream: TCP, TLS or HTTPS
  // The listening address (interface@port as configured) the query arrived on, for
  // interface-action; unset (no interface rule applies) when the caller does not say.
  Endpoint local = {};
  // The client's view, decided once per query by the QueryHandler (DNS64 on, and dns64-clients
  // empty or covering the client): Dns64Stage reads it here and the packet-cache key carries it,
  // so the two can never disagree.
  bool dns64_view = false;
  ClientProtocol protocol = ClientProtocol::kUdp;
};

// A way back to a request that a stage left pending: it stays valid after the request is gone
// (Resume is then a no-op), because ids are never reused. It must not outlive its Pipeline:
// whoever owns both makes sure no callback holding one runs after the Pipeline is gone (Worker:
// the stages, destroyed right after it, cancel every exchange they have out).
class Request;
// Gets a finished child request (its answer set, SERVFAIL when no stage produced one).
using ChildDone = std::function<void(Request& child)>;

class RequestHandle {
 public:
  RequestHandle(Pipeline* pipeline, uint64_t id) : pipeline_(pipeline), id_(id) {}
  // Continues the request as if its pending stage had returned `result` (kDone when it set the
  // answer, kContinue to hand on to the next stage).
  void Resume(StageResult result) const;
  // A question of the request's own (DNS64's A query, a validator's DNSKEY): a child request
  // with the parent's client, view, DO and CD, run through the stages after the one calling
  // this; `done` gets it when it has finished. Dropped with the parent, and then `done` never
  // runs. Call it from the stage that has the request.
  void SubmitChild(const ldns_rdf* name, ldns_rr_type type, ldns_rr_class rr_class,
                   ChildDone done) const;
  // A background request (Pipeline::SubmitBackground) for this request's question, with its
  // client's view, DO and CD: the refresh behind a stale answer, or a prefetch.
  void SubmitRefresh(bool prefetch) const;
  // For a stage that has passed the request on (kContinue) and now answers it itself, having set
  // its answer (serve-expired's stale answer at the client timeout): the stage below that holds
  // it stops its work (OnCancel, its child requests dropped), and OnAnswer runs over the stages
  // before stage `by` (Request::stage() when it passed the request on) as if `by` had answered.
  // A no-op when the request is gone, inside a stage call or already on its way back.
  void AnswerFrom(size_t by) const;
  // The request, or null once it has been answered or dropped.
  Request* get() const;
  uint64_t id() const { return id_; }

 private:
  Pipeline* pipeline_;
  uint64_t id_;
};

class Request {
 public:
  // `query` must have exactly one question (the server checks that before building a Request).
  Request(LdnsPktPtr query, ClientInfo client, absl::Time received);
  Request(const Request&) = delete;
  Request& operator=(const Request&) = delete;

  const ldns_pkt& query() const { return *query_; }
  const ldns_rdf* qname() const { return ldns_rr_owner(question()); }
  ldns_rr_type qtype() const { return ldns_rr_get_type(question()); }
  ldns_rr_class qclass() const { return ldns_rr_get_class(question()); }
  bool recursion_desired() const { return ldns_pkt_rd(query_.get()); }
  // What ordinary resolution serves: class IN (the root hints and so every delegation are IN),
  // with RD (an allow_snoop client's RD=0 asks only what the cache holds). The iterator refuses
  // the rest, and the bootstrap relays are not asked for it.
  bool resolvable() const { return qclass() == LDNS_RR_CLASS_IN && recursion_desired(); }
  bool checking_disabled() const { return ldns_pkt_cd(query_.get()); }
  bool dnssec_ok() const { return ldns_pkt_edns_do(query_.get()); }
  const ClientInfo& client() const { return client_; }
  absl::Time received() const { return received_; }

  // The response being built: null until a stage produces one. A stage sets the RCODE, the AA
  // flag and the answer, authority and additional sections; the server fills in the header
  // flags, the question and EDNS when it sends the response.
  ldns_pkt* answer() const { return answer_.get(); }
  // A new answer is not in the caches until its stage says so (set_answer_cached).
  void set_answer(LdnsPktPtr answer) {
    answer_ = std::move(answer);
    answer_cached_ = false;
    answer_stale_ = false;
  }
  LdnsPktPtr TakeAnswer() { return std::move(answer_); }
  // No server could be reached at all for this answer (the iterator's
  // LookupResult::no_reachable_authority): a named result for the stages before the iterator
  // (the bootstrap fallback acts on it), not something to read out of the EDE.
  bool unreachable() const { return unreachable_; }
  void set_unreachable(bool unreachable) { unreachable_ = unreachable; }
  // The answer's data is in the caches already: it came from them, or from the iterator, whose
  // cache writer stored each RRset with its rank as it learned it. CacheStage stores the rest.
  bool answer_cached() const { return answer_cached_; }
  void set_answer_cached(bool cached) { answer_cached_ = cached; }
  // The answer is expired data (serve-expired, RFC 8767): sent once, with a short TTL, and never
  // kept in the packet cache.
  bool answer_stale() const { return answer_stale_; }
  void set_answer_stale(bool stale) { answer_stale_ = stale; }
  // The Extended DNS Error (RFC 8914) the client's response carries, if any.
  const std::optional<ExtendedDnsError>& extended_error() const { return extended_error_; }
  void set_extended_error(std::optional<ExtendedDnsError> error) {
    extended_error_ = std::move(error);
  }

  // Stage-private state, created on first use; the core holds no flags for any stage.
  template <typename T>
  T& Slot();

  // Valid once the Pipeline has accepted the request.
  RequestHandle handle() const { return RequestHandle(pipeline_, id_); }
  // The position in the Pipeline of the stage being called with it, for AnswerFrom.
  size_t stage() const { return stage_; }
  // Dropped before it was answered (Pipeline::Cancel): jostled out, or its client went away.
  bool dropped() const { return dropped_; }
  // Dropped by flush_requestlist (Pipeline::DropAll), not to make room.
  bool flushed() const { return flushed_; }
  // A stage's own question (RequestHandle::SubmitChild), not a client's.
  bool child() const { return child_; }
  // A stage left it pending: it waited for a server, a relay or a child that did. An answer
  // that never waited came from the caches (num.cachehits); one that did is a cache miss, whose
  // time counts in recursion.time.
  bool waited() const { return waited_; }
  // Nobody waits for its answer (Pipeline::SubmitBackground): it is there to refresh the
  // caches, so it is resolved, never answered from them.
  bool background() const { return background_; }
  // A background request started by prefetch (not the refresh behind a stale answer).
  bool prefetch() const { return prefetch_; }

 private:
  friend class Pipeline;
  template <typename T>
  struct SlotKey {
    static constexpr char kTag = 0;
  };
  struct SlotEntry {
    const void* key;
    std::unique_ptr<void, void (*)(void*)> value;
  };

  const ldns_rr* question() const { return ldns_rr_list_rr(ldns_pkt_question(query_.get()), 0); }

  LdnsPktPtr query_;
  ClientInfo client_;
  absl::Time received_;
  LdnsPktPtr answer_;
  std::optional<ExtendedDnsError> extended_error_;
  bool unreachable_ = false;
  bool answer_cached_ = false;
  bool answer_stale_ = false;
  std::vector<SlotEntry> slots_;
  Pipeline* pipeline_ = nullptr;
  uint64_t id_ = 0;
  size_t stage_ = 0;
  bool dropped_ = false;
  bool flushed_ = false;
  bool child_ = false;
  bool waited_ = false;
  bool background_ = false;
  bool prefetch_ = false;
};

template <typename T>
T& Request::Slot() {
  static_assert(std::is_default_constructible_v<T>);
  const void* key = &SlotKey<T>::kTag;
  for (SlotEntry& slot : slots_) {
    if (slot.key == key) return *static_cast<T*>(slot.value.get());
  }
  slots_.push_back({key, {new T(), [](void* p) { delete static_cast<T*>(p); }}});
  return *static_cast<T*>(slots_.back().value.get());
}

}  // namespace rebound

#endif  // REBOUND_RESOLVER_CORE_REQUEST_H_
