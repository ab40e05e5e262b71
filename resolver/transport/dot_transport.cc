#include "resolver/transport/dot_transport.h"

#include <array>
#include <cstring>
#include <optional>
#include <span>

#include "absl/strings/str_cat.h"
#include "resolver/core/log.h"
#include "resolver/core/random.h"
#include "resolver/transport/upstream_query.h"
#include "resolver/transport/upstream_tap.h"
#include "resolver/wire/message_check.h"
#include "tls/tls_stream.h"

namespace rebound {

struct DotTransport::Exchange : DeadlineHeap::Entry {
  uint64_t number = 0;
  Endpoint server;
  UpstreamQuestion question;  // name: null; the name is in `name`
  std::array<uint8_t, wire::kMaxNameLength> name;
  size_t name_size = 0;
  Callback cb;
  Connection* connection = nullptr;  // the one it waits on, null before it is sent
  uint16_t id = 0;
  bool resent = false;         // sent again after its connection closed; not a second time
  absl::Status pending_error;  // reported at the deadline instead of a timeout
  std::optional<UpstreamTap> tap;

  std::span<const uint8_t> wire_name() const { return {name.data(), name_size}; }
};

// One TLS connection to one server and the exchanges waiting on it, by DNS ID.
class DotTransport::Connection : public TlsStream::Delegate {
 public:
  Connection(DotTransport* owner, std::string key, const Endpoint& server)
      : owner_(owner),
        key_(std::move(key)),
        server_(server),
        idle_(owner->loop_, [this] { Close(absl::UnavailableError("idle")); }) {}

  absl::Status Open(const std::string& tls_name) {
    tls_name_ = tls_name;
    if (owner_->tls_ == nullptr) return absl::FailedPreconditionError("no TLS client context");
    absl::StatusOr<std::unique_ptr<TlsSession>> session =
        TlsSession::Client(*owner_->tls_, tls_name);
    if (!session.ok()) return session.status();
    absl::StatusOr<std::unique_ptr<TlsStream>> stream =
        TlsStream::Connect(owner_->loop_, server_, *std::move(session), this);
    if (!stream.ok()) return stream.status();
    stream_ = *std::move(stream);
    return absl::OkStatus();
  }

  // Gives `exchange` an ID no other query on this connection has and sends it (or queues it
  // until the handshake is done: nothing goes out before the certificate has verified).
  absl::Status Send(Exchange* exchange) {
    if (by_id_.size() >= kMaxOutstanding) {
      // The IDs of queries given up on are kept only against confusion, not for safety (the
      // channel is authenticated and a reply must still match its question): a long-lived
      // connection to a lossy server gives them back rather than run out of IDs.
      for (auto it = by_id_.begin(); it != by_id_.end();) {
        if (it->second == 0) {
          by_id_.erase(it++);  // flat_hash_map's idiom: erase does not invalidate `it++`
        } else {
          ++it;
        }
      }
    }
    if (by_id_.size() >= kMaxOutstanding) {
      return absl::ResourceExhaustedError("too many queries on one TLS connection");
    }
    do {
      exchange->id = SecureRandomU16();
    } while (by_id_.contains(exchange->id));
    std::array<uint8_t, 2 + kMaxUpstreamQuerySize> query;
    // RFC 7858 3.3 / RFC 1035 4.2.2: each message is preceded by its two-byte length.
    const size_t size = WriteUpstreamQuery(exchange->question, exchange->wire_name(), exchange->id,
                                           owner_->options_.edns_buffer_size, query.data() + 2);
    query[0] = static_cast<uint8_t>(size >> 8);
    query[1] = static_cast<uint8_t>(size);
    const absl::string_view framed(reinterpret_cast<const char*>(query.data()), size + 2);
    exchange->tap->Query({query.data() + 2, size}, server_, DnstapProtocol::kDot);
    if (established_) {
      stream_->Write(framed);
    } else {
      unsent_.append(framed.data(), framed.size());
    }
    by_id_[exchange->id] = exchange->number;
    exchange->connection = this;
    ++live_;
    idle_.Stop();
    return absl::OkStatus();
  }

  // `exchange` no longer waits here. Its ID stays taken until its reply comes (or the connection
  // ends), so that a late reply is never taken for another query's.
  void Detach(Exchange* exchange, bool answered) {
    if (answered) {
      by_id_.erase(exchange->id);
    } else {
      by_id_[exchange->id] = 0;
    }
    exchange->connection = nullptr;
    if (--live_ == 0) idle_.Start(owner_->options_.idle_timeout);
  }

  void OnTlsEstablished() override {
    established_ = true;
    ++owner_->handshakes_;
    Log(LogLevel::kDetail, "tls upstream %s: connected, certificate verified for %s",
        server_.ToString(), tls_name_);
    if (!unsent_.empty()) stream_->Write(unsent_);
    unsent_.clear();
  }

  void OnTlsData(absl::string_view plaintext) override {
    in_.append(plaintext.data(), plaintext.size());
    std::vector<std::pair<uint64_t, absl::StatusOr<LdnsPktPtr>>> done;
    size_t at = 0;
    while (in_.size() - at >= 2) {
      const size_t length =
          (size_t{static_cast<uint8_t>(in_[at])} << 8) | static_cast<uint8_t>(in_[at + 1]);
      if (in_.size() - at - 2 < length) break;
      const auto* message = reinterpret_cast<const uint8_t*>(in_.data() + at + 2);
      at += 2 + length;
      if (length < wire::kHeaderSize) continue;
      const uint16_t id = wire::Load16({message, length}, wire::kIdOffset);
      auto it = by_id_.find(id);
      if (it == by_id_.end()) continue;  // no query of ours has this ID: nothing to match
      const uint64_t number = it->second;
      if (number == 0) {  // the reply to a query given up on
        by_id_.erase(it);
        continue;
      }
      auto exchange = owner_->exchanges_.find(number);
      if (exchange == owner_->exchanges_.end()) continue;
      LdnsPktPtr reply = ParseMessage(std::span<const uint8_t>(message, length));
      const Exchange& e = *exchange->second;
      // Nobody but the server can write into the connection, so a mismatch is a broken server.
      if (reply == nullptr || !AnswersUpstreamQuery(*reply, e.id, e.question, e.wire_name())) {
        done.emplace_back(number,
                          absl::DataLossError(absl::StrCat("TLS reply from ", server_.ToString(),
                                                           " does not parse "
                                                           "or answers another question")));
      } else {
        exchange->second->tap->Response({message, length}, server_, DnstapProtocol::kDot);
        done.emplace_back(number, std::move(reply));
      }
    }
    in_.erase(0, at);
    // After the loop: a callback may send another query on this connection.
    for (auto& [number, result] : done) owner_->Finish(number, std::move(result));
  }

  void OnTlsClosed(const absl::Status& why) override { Close(why); }

 private:
  // 65536 IDs; some are kept free so that picking a fresh one stays quick.
  static constexpr size_t kMaxOutstanding = 60000;

  // Ends the connection and hands its waiting exchanges back to the transport. Destroys this.
  void Close(const absl::Status& why) {
    std::vector<uint64_t> waiting;
    for (const auto& [id, number] : by_id_) {
      if (number == 0) continue;
      waiting.push_back(number);
      auto it = owner_->exchanges_.find(number);
      if (it != owner_->exchanges_.end()) it->second->connection = nullptr;
    }
    if (!established_ || !why.ok()) {
      Log(established_ ? LogLevel::kDetail : LogLevel::kOps, "tls upstream %s (%s): %s",
          server_.ToString(), tls_name_, why.message());
    }
    owner_->OnConnectionClosed(key_, std::move(waiting), established_, why);  // deletes this
  }

  DotTransport* owner_;
  std::string key_;
  Endpoint server_;
  std::string tls_name_;
  std::unique_ptr<TlsStream> stream_;
  bool established_ = false;
  absl::flat_hash_map<uint16_t, uint64_t> by_id_;  // exchange number, 0: given up on
  size_t live_ = 0;                                // exchanges waiting here
  std::string unsent_;                             // framed queries held until the handshake
  std::string in_;                                 // bytes of a reply not complete yet
  LoopTimer idle_;
};

DotTransport::DotTransport(uv_loop_t* loop, const TlsClientContext* tls,
                           const std::vector<DotUpstream>& upstreams, DotTransportOptions options)
    : loop_(loop), tls_(tls), options_(options), timer_(loop, [this] { OnTimer(); }) {
  for (const DotUpstream& upstream : upstreams) {
    names_[upstream.server.ToString()] = upstream.tls_name;
  }
}

DotTransport::~DotTransport() {
  exchanges_.clear();  // no callback runs: the owner is going away
  connections_.clear();
}

uint64_t DotTransport::Query(const Endpoint& server, const UpstreamQuestion& q,
                             absl::Duration timeout, Callback cb) {
  const uint64_t number = next_exchange_++;
  auto owned = std::make_unique<Exchange>();
  Exchange* exchange = owned.get();
  exchange->number = number;
  exchange->server = server;
  exchange->question = q;
  exchange->question.name = nullptr;
  exchange->question.zone = nullptr;
  exchange->tap.emplace(options_.dnstap, q);
  // The channel is authenticated, so 0x20 adds nothing (and would only make caseless servers
  // look broken): the name goes as given.
  exchange->question.randomize_case = false;
  exchange->cb = std::move(cb);
  exchanges_.emplace(number, std::move(owned));
  deadlines_.Set(exchange,
                 uv_now(loop_) + static_cast<uint64_t>(absl::ToInt64Milliseconds(timeout)));
  const size_t size = q.name == nullptr ? 0 : ldns_rdf_size(q.name);
  if (size == 0 || size > exchange->name.size()) {
    exchange->pending_error = absl::InvalidArgumentError("no query name, or one too long");
    deadlines_.Set(exchange, uv_now(loop_));  // reported from the loop, never from Query()
  } else {
    std::memcpy(exchange->name.data(), ldns_rdf_data(q.name), size);
    exchange->name_size = size;
    Send(exchange);
  }
  ArmTimer();
  return number;
}

void DotTransport::Send(Exchange* exchange) {
  const std::string key = exchange->server.ToString();
  auto it = connections_.find(key);
  absl::Status status;
  if (it == connections_.end()) {
    auto name = names_.find(key);
    if (name == names_.end()) {
      status = absl::InternalError(absl::StrCat(key, " is no DNS over TLS upstream"));
    } else {
      auto connection = std::make_unique<Connection>(this, key, exchange->server);
      status = connection->Open(name->second);
      if (status.ok()) it = connections_.emplace(key, std::move(connection)).first;
    }
  }
  if (status.ok()) status = it->second->Send(exchange);
  if (!status.ok()) {
    exchange->pending_error = absl::UnavailableError(status.message());
    deadlines_.Set(exchange, uv_now(loop_));
  }
}

void DotTransport::Cancel(uint64_t ticket) {
  auto it = exchanges_.find(ticket);
  if (it == exchanges_.end()) return;
  Exchange* exchange = it->second.get();
  if (exchange->connection != nullptr) exchange->connection->Detach(exchange, false);
  deadlines_.Remove(exchange);
  exchanges_.erase(it);
}

void DotTransport::Finish(uint64_t number, absl::StatusOr<LdnsPktPtr> result) {
  auto it = exchanges_.find(number);
  if (it == exchanges_.end()) return;
  std::unique_ptr<Exchange> exchange = std::move(it->second);
  exchanges_.erase(it);
  deadlines_.Remove(exchange.get());
  if (exchange->connection != nullptr) exchange->connection->Detach(exchange.get(), result.ok());
  ArmTimer();
  if (exchange->cb) exchange->cb(std::move(result));
}

// `key` is a copy: the connection that calls this holds the original, and goes with the erase.
void DotTransport::OnConnectionClosed(std::string key, std::vector<uint64_t> waiting, bool was_up,
                                      absl::Status why) {
  connections_.erase(key);
  for (uint64_t number : waiting) {
    auto it = exchanges_.find(number);
    if (it == exchanges_.end()) continue;
    Exchange* exchange = it->second.get();
    // A server may close a connection whenever it likes (RFC 7766 6.2.4), also with queries on
    // it: those go once more on a new connection. A connection that never came up (refused, or
    // a certificate that does not verify) fails its queries.
    if (was_up && !exchange->resent) {
      exchange->resent = true;
      Send(exchange);
    } else {
      Finish(number,
             absl::UnavailableError(absl::StrCat("DNS over TLS to ", key, ": ", why.message())));
    }
  }
  ArmTimer();
}

void DotTransport::OnTimer() {
  const uint64_t now = uv_now(loop_);
  while (DeadlineHeap::Entry* earliest = deadlines_.Earliest()) {
    if (earliest->deadline() > now) break;
    auto* exchange = static_cast<Exchange*>(earliest);
    absl::Status status = exchange->pending_error;
    if (status.ok()) {
      status = absl::DeadlineExceededError(
          absl::StrCat("no answer over TLS from ", exchange->server.ToString()));
    }
    Finish(exchange->number, std::move(status));  // takes it out of the heap
  }
  ArmTimer();
}

void DotTransport::ArmTimer() {
  const DeadlineHeap::Entry* earliest = deadlines_.Earliest();
  if (earliest == nullptr) return timer_.Stop();
  const uint64_t now = uv_now(loop_);
  const uint64_t delay = earliest->deadline() > now ? earliest->deadline() - now : 0;
  timer_.Start(absl::Milliseconds(delay));
}

// The low bit of a ticket says which transport holds the exchange.
uint64_t RoutingTransport::Query(const Endpoint& server, const UpstreamQuestion& q,
                                 absl::Duration timeout, Callback cb) {
  if (tls_ != nullptr && tls_->Serves(server)) {
    return (tls_->Query(server, q, timeout, std::move(cb)) << 1) | 1;
  }
  return plain_->Query(server, q, timeout, std::move(cb)) << 1;
}

void RoutingTransport::Cancel(uint64_t ticket) {
  if (ticket & 1) {
    if (tls_ != nullptr) tls_->Cancel(ticket >> 1);
  } else {
    plain_->Cancel(ticket >> 1);
  }
}

}  // namespace rebound
