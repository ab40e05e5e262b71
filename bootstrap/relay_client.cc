#include "bootstrap/relay_client.h"

#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/types/span.h"
#include "bootstrap/racing_order.h"
#include "bootstrap/relay_answer.h"
#include "resolver/core/callback_guard.h"
#include "resolver/core/log.h"
#include "resolver/wire/presentation.h"

namespace rebound {
namespace {

constexpr char kDnsMessage[] = "application/dns-message";  // RFC 8484 6
constexpr char kJson[] = "application/json";

}  // namespace

struct RelayClient::Race {
  Race(RelayClient* client, uint64_t id, const ldns_rdf* name, ldns_rr_type type, Callback done)
      : client(client), id(id), qname(ldns_rdf_clone(name)), qtype(type), cb(std::move(done)) {
    uv_timer_init(client->loop_, &timer->handle);
    timer->handle.data = this;
  }
  // The timer is freed once libuv has closed it; it can no longer fire for this race.
  ~Race() {
    uv_close(reinterpret_cast<uv_handle_t*>(&timer->handle),
             [](uv_handle_t* h) { delete reinterpret_cast<Timer*>(h); });
  }

  struct Timer {
    uv_timer_t handle;  // first member: the handle's address is the Timer's
  };

  RelayClient* client;
  uint64_t id;
  LdnsRdfPtr qname;
  ldns_rr_type qtype;
  Callback cb;
  std::vector<size_t> order;  // relay indexes, in starting order
  size_t next = 0;            // the next one in `order` to start
  std::vector<Attempt> attempts;
  std::vector<std::string> failures;
  Timer* timer = new Timer;  // the head start of the next relay
};

RelayClient::RelayClient(uv_loop_t* loop, const TlsClientContext* tls,
                         const std::vector<Relay>* relays, RelayMemory* memory, const Clock* clock,
                         RelayClientOptions options)
    : loop_(loop),
      tls_(tls),
      relays_(relays),
      memory_(memory),
      clock_(clock),
      options_(options),
      connections_(relays->size()),
      benched_until_(relays->size(), absl::InfinitePast()) {}

RelayClient::~RelayClient() {
  races_.clear();        // closes their timers; their callbacks never run
  connections_.clear();  // abandons the requests in flight
}

uint64_t RelayClient::Resolve(const ldns_rdf* qname, ldns_rr_type qtype, Callback cb) {
  const uint64_t id = next_id_++;
  auto race = std::make_unique<Race>(this, id, qname, qtype, std::move(cb));
  for (size_t relay : RacingOrder(*relays_, memory_->LastGood(), qtype)) {
    if (!Benched(relay)) race->order.push_back(relay);
  }
  races_[id] = std::move(race);
  // With every relay benched the race ends in here; the Pipeline queues such a resume.
  StartNext(id);
  return id;
}

void RelayClient::Cancel(uint64_t id) {
  auto it = races_.find(id);
  if (it == races_.end()) return;
  for (const Attempt& attempt : it->second->attempts) {
    if (attempt.running && connections_[attempt.relay] != nullptr) {
      connections_[attempt.relay]->Cancel(attempt.request);
    }
  }
  races_.erase(it);
}

std::vector<Endpoint> RelayClient::Awaited(uint64_t id) const {
  std::vector<Endpoint> relays;
  auto it = races_.find(id);
  if (it == races_.end()) return relays;
  for (const Attempt& attempt : it->second->attempts) {
    if (attempt.running) relays.push_back((*relays_)[attempt.relay].address);
  }
  return relays;
}

bool RelayClient::Benched(size_t relay) const { return clock_->Now() < benched_until_[relay]; }

HttpsConnection& RelayClient::ConnectionTo(size_t relay) {
  if (connections_[relay] == nullptr) {
    const Relay& r = (*relays_)[relay];
    connections_[relay] = std::make_unique<HttpsConnection>(loop_, tls_, r.address, r.tls_name);
  }
  return *connections_[relay];
}

void RelayClient::StartNext(uint64_t race_id) {
  auto it = races_.find(race_id);
  if (it == races_.end()) return;
  Race& race = *it->second;
  if (race.next >= race.order.size()) {
    if (race.attempts.empty()) {
      Finish(race_id, absl::UnavailableError("no bootstrap relay can answer this question"));
    }
    return;
  }
  const size_t relay_index = race.order[race.next++];
  const Relay& relay = (*relays_)[relay_index];
  const size_t attempt = race.attempts.size();
  race.attempts.push_back({.relay = relay_index, .started = clock_->Now()});
  memory_->RecordTry(relay);
  auto on_response = [this, race_id, attempt](absl::StatusOr<HttpsResponse> response) {
    OnResponse(race_id, attempt, std::move(response));
  };
  HttpsConnection& connection = ConnectionTo(relay_index);
  Log(LogLevel::kAlgo, "bootstrap: asking relay %s for %s %s", relay.ToString(),
      NameString(race.qname.get()), TypeString(race.qtype));
  race.attempts.back().request =
      relay.protocol == RelayProtocol::kDoh
          ? connection.Get(DohGetPath(relay, race.qname.get(), race.qtype), kDnsMessage,
                           options_.attempt_timeout, std::move(on_response))
          : connection.Get(JsonGetPath(relay, race.qname.get()), kJson, options_.attempt_timeout,
                           std::move(on_response));
  if (race.next < race.order.size()) {
    const uint64_t delay_ms = absl::ToInt64Milliseconds(options_.head_start);
    uv_timer_start(
        &race.timer->handle,
        [](uv_timer_t* t) {
          GuardCallback("relay race", [t] {
            Race* r = static_cast<Race*>(t->data);
            r->client->StartNext(r->id);
          });
        },
        delay_ms, 0);
  }
}

void RelayClient::OnResponse(uint64_t race_id, size_t attempt,
                             absl::StatusOr<HttpsResponse> response) {
  auto it = races_.find(race_id);
  if (it == races_.end()) return;
  Race& race = *it->second;
  race.attempts[attempt].running = false;
  const Relay& relay = (*relays_)[race.attempts[attempt].relay];
  if (!response.ok()) return AttemptFailed(race, attempt, response.status());
  // An HTTP response came over a verified TLS session; an answer is a success only if accepted.
  const absl::Duration rtt = clock_->Now() - race.attempts[attempt].started;
  if (response->status != 200) {
    memory_->RecordResponse(relay, rtt, /*accepted=*/false);
    return AttemptFailed(race, attempt,
                         absl::UnavailableError(absl::StrCat("HTTP status ", response->status)));
  }
  absl::StatusOr<LdnsPktPtr> answer;
  if (relay.protocol == RelayProtocol::kDoh) {
    // RFC 8484 4.2.1: the answer must be a DNS message, not an error page that happens to be 200.
    if (!absl::StartsWithIgnoreCase(response->content_type, kDnsMessage)) {
      return AttemptFailed(
          race, attempt,
          absl::InvalidArgumentError(
              absl::StrCat("content type \"", response->content_type, "\", not ", kDnsMessage)));
    }
    const auto* bytes = reinterpret_cast<const uint8_t*>(response->body.data());
    answer = AcceptDohResponse(absl::MakeConstSpan(bytes, response->body.size()), race.qname.get(),
                               race.qtype, options_.max_ttl);
  } else {
    answer = AcceptJsonResponse(response->body, race.qname.get(), race.qtype, options_.max_ttl);
  }
  memory_->RecordResponse(relay, rtt, /*accepted=*/answer.ok());
  if (!answer.ok()) return AttemptFailed(race, attempt, answer.status());
  memory_->RecordAnswer(relay, race.qname.get(), race.qtype, **answer);
  Finish(race_id, RelayAnswer{*std::move(answer), relay});
}

void RelayClient::AttemptFailed(Race& race, size_t attempt, const absl::Status& why) {
  const size_t relay_index = race.attempts[attempt].relay;
  const Relay& relay = (*relays_)[relay_index];
  // A certificate that does not verify is never used, and would fail the same way again.
  if (absl::IsPermissionDenied(why)) {
    benched_until_[relay_index] = clock_->Now() + options_.verification_penalty;
  }
  const std::string message(why.message());
  memory_->RecordFailure(relay, message, absl::IsPermissionDenied(why));
  if (memory_->FirstFailure(relay, message)) {
    Log(absl::IsPermissionDenied(why) ? LogLevel::kError : LogLevel::kOps,
        "bootstrap: relay %s: %s", relay.ToString(), message);
  }
  race.failures.push_back(absl::StrCat(relay.address.ToString(), ": ", message));
  for (const Attempt& a : race.attempts) {
    if (a.running) return;  // the others may still answer; the timer starts the next
  }
  if (race.next < race.order.size()) return StartNext(race.id);
  Finish(race.id, absl::UnavailableError(absl::StrCat("every bootstrap relay failed: ",
                                                      absl::StrJoin(race.failures, "; "))));
}

void RelayClient::Finish(uint64_t race_id, absl::StatusOr<RelayAnswer> result) {
  auto it = races_.find(race_id);
  if (it == races_.end()) return;
  std::unique_ptr<Race> race = std::move(it->second);
  races_.erase(it);
  // The first answer wins; the others are no longer wanted.
  for (const Attempt& attempt : race->attempts) {
    if (attempt.running) connections_[attempt.relay]->Cancel(attempt.request);
  }
  Callback cb = std::move(race->cb);
  race.reset();
  cb(std::move(result));
}

}  // namespace rebound
