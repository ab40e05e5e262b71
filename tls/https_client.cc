#include "tls/https_client.h"

#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "tls/h2_client_session.h"
#include "tls/tls_session.h"
#include "tls/tls_stream.h"

namespace rebound {
namespace {

constexpr uint16_t kHttpsPort = 443;

// RFC 9110 7.2 / RFC 3986 3.2.2: host (an IPv6 literal in brackets) and the port unless it is
// the default one.
std::string Authority(const std::string& tls_name, uint16_t port) {
  std::string host = tls_name;
  if (absl::StrContains(host, ':') && !absl::StartsWith(host, "["))
    host = absl::StrCat("[", host, "]");
  if (port != kHttpsPort) absl::StrAppend(&host, ":", port);
  return host;
}

}  // namespace

struct HttpsConnection::Request {
  uint64_t id = 0;
  H2ClientRequest message;
  absl::Duration timeout;
  absl::Time deadline;
  ResponseCallback cb;
  Link* link = nullptr;   // the connection carrying it (or being made for it); null: needs one
  int32_t stream_id = 0;  // 0 until submitted on `link`
  absl::Time submitted;
  bool reused_link = false;  // `link` had answered other requests when this one went out
  bool retried = false;      // already sent a second time
};

// One TLS connection and, once it is up, its HTTP/2 session.
class HttpsConnection::Link : public TlsStream::Delegate {
 public:
  explicit Link(HttpsConnection* owner) : owner_(owner) {}

  void OnTlsEstablished() override { owner_->OnLinkEstablished(this); }
  void OnTlsData(absl::string_view plaintext) override { owner_->OnLinkData(this, plaintext); }
  void OnTlsClosed(const absl::Status& why) override { owner_->OnLinkClosed(this, why); }

  std::unique_ptr<TlsStream> stream;
  std::unique_ptr<H2ClientSession> h2;              // once TLS is up and ALPN chose h2
  absl::flat_hash_map<int32_t, uint64_t> requests;  // stream id -> request id
  absl::Time last_read = absl::InfinitePast();
  uint64_t answered = 0;  // streams that ended with a result

 private:
  HttpsConnection* owner_;
};

HttpsConnection::HttpsConnection(uv_loop_t* loop, const TlsClientContext* context, Endpoint server,
                                 std::string tls_name)
    : loop_(loop),
      context_(context),
      server_(server),
      tls_name_(std::move(tls_name)),
      authority_(Authority(tls_name_, server.port())),
      timer_(loop, [this] { OnTimer(); }),
      alive_(std::make_shared<char>()) {}

HttpsConnection::~HttpsConnection() = default;

uint64_t HttpsConnection::Get(const std::string& path_and_query, const std::string& accept,
                              absl::Duration timeout, ResponseCallback cb) {
  auto request = std::make_unique<Request>();
  request->message.method = "GET";
  request->message.path = path_and_query;
  if (!accept.empty()) request->message.headers.emplace_back("accept", accept);
  request->timeout = timeout;
  request->cb = std::move(cb);
  return Start(std::move(request));
}

uint64_t HttpsConnection::Post(const std::string& path, const std::string& content_type,
                               std::string body, absl::Duration timeout, ResponseCallback cb) {
  auto request = std::make_unique<Request>();
  request->message.method = "POST";
  request->message.path = path;
  request->message.headers.emplace_back("accept", content_type);
  request->message.headers.emplace_back("content-type", content_type);
  request->message.body = std::move(body);
  request->timeout = timeout;
  request->cb = std::move(cb);
  return Start(std::move(request));
}

uint64_t HttpsConnection::Start(std::unique_ptr<Request> request) {
  const uint64_t id = next_id_++;
  request->id = id;
  request->message.authority = authority_;
  request->deadline = absl::Now() + request->timeout;
  requests_[id] = std::move(request);
  // Errors found here are only queued: Rearm() delivers them from the loop, never inside Get.
  AssignWaitingRequests();
  Rearm();
  return id;
}

void HttpsConnection::Cancel(uint64_t request_id) {
  for (auto it = completions_.begin(); it != completions_.end(); ++it) {
    if (it->id == request_id) {
      completions_.erase(it);
      break;
    }
  }
  auto it = requests_.find(request_id);
  if (it == requests_.end()) return;
  Link* link = it->second->link;
  const int32_t stream_id = it->second->stream_id;
  requests_.erase(it);
  if (link != nullptr && link->h2 != nullptr && stream_id != 0) {
    link->h2->Cancel(stream_id);
    link->requests.erase(stream_id);
    if (Flush(link)) RetireIfDone(link);
  }
  Rearm();
}

bool HttpsConnection::connected() const {
  return link_ != nullptr && link_->h2 != nullptr && link_->h2->accepts_requests();
}

absl::StatusOr<HttpsConnection::Link*> HttpsConnection::CurrentLink() {
  if (link_ != nullptr && (link_->h2 == nullptr || link_->h2->accepts_requests())) {
    return link_.get();
  }
  if (link_ != nullptr) draining_.push_back(std::move(link_));  // after GOAWAY: finish, no more
  absl::StatusOr<std::unique_ptr<TlsSession>> session = TlsSession::Client(*context_, tls_name_);
  if (!session.ok()) return session.status();
  auto link = std::make_unique<Link>(this);
  absl::StatusOr<std::unique_ptr<TlsStream>> stream =
      TlsStream::Connect(loop_, server_, *std::move(session), link.get());
  if (!stream.ok()) return stream.status();
  link->stream = *std::move(stream);
  ++connections_opened_;
  link_ = std::move(link);
  return link_.get();
}

void HttpsConnection::AssignWaitingRequests() {
  std::vector<Request*> waiting;
  for (auto& [id, request] : requests_) {
    if (request->link == nullptr) waiting.push_back(request.get());
  }
  if (waiting.empty()) return;
  absl::StatusOr<Link*> link = CurrentLink();
  for (Request* request : waiting) {
    if (!link.ok()) {
      Complete(request->id, link.status());
      continue;
    }
    request->link = *link;
    if ((*link)->h2 != nullptr) Submit(*link, request);
  }
  if (link.ok() && (*link)->h2 != nullptr) Flush(*link);
}

void HttpsConnection::Submit(Link* link, Request* request) {
  absl::StatusOr<int32_t> stream_id = link->h2->Submit(request->message);  // a copy, for a retry
  if (!stream_id.ok()) return Complete(request->id, stream_id.status());
  request->stream_id = *stream_id;
  request->submitted = absl::Now();
  request->reused_link = link->answered > 0;
  link->requests[*stream_id] = request->id;
}

// Sends what HTTP/2 has queued. False when that broke the link (it is gone then).
bool HttpsConnection::Flush(Link* link) {
  std::string out;
  absl::Status status = link->h2->TakeOutput(&out);
  if (!out.empty()) link->stream->Write(out);
  if (status.ok()) return true;
  DropLink(link, std::move(status));
  return false;
}

// A link that ended (both sides done) is dropped; one that takes no new requests (GOAWAY) is
// retired, and a retired link is closed once its last stream is done. True when it is gone.
bool HttpsConnection::RetireIfDone(Link* link) {
  if (link->h2 == nullptr) return false;
  if (link->h2->finished()) {
    const std::string& reason = link->h2->end_reason();
    DropLink(link,
             absl::UnavailableError(absl::StrCat("HTTP/2 connection to ", server_.ToString(),
                                                 " ended", reason.empty() ? "" : ": ", reason)));
    return true;
  }
  if (!link->h2->accepts_requests() && link == link_.get()) draining_.push_back(std::move(link_));
  if (link != link_.get() && link->requests.empty()) {
    DropLink(link, absl::OkStatus());
    return true;
  }
  return false;
}

void HttpsConnection::DropLink(Link* link, absl::Status why) {
  if (why.ok())
    why = absl::UnavailableError(absl::StrCat("connection to ", server_.ToString(), " closed"));
  std::vector<uint64_t> failed;
  for (auto& [id, request] : requests_) {
    if (request->link != link) continue;
    // A reused connection that ends without a word after the request went out was most likely
    // closed by the server as idle just before the request arrived. As browsers do, a GET (safe
    // to repeat, RFC 9110 9.2.2) then goes once more on a new connection.
    if (why.code() == absl::StatusCode::kUnavailable && request->message.method == "GET" &&
        !request->retried && request->reused_link && request->stream_id != 0 &&
        link->last_read < request->submitted) {
      request->retried = true;
      request->link = nullptr;
      request->stream_id = 0;
      continue;
    }
    failed.push_back(id);
  }
  for (uint64_t id : failed) Complete(id, why);
  if (link == link_.get()) {
    link_.reset();
    return;
  }
  for (auto it = draining_.begin(); it != draining_.end(); ++it) {
    if (it->get() == link) {
      draining_.erase(it);
      return;
    }
  }
}

void HttpsConnection::Complete(uint64_t id, absl::StatusOr<HttpsResponse> result) {
  auto it = requests_.find(id);
  if (it == requests_.end()) return;
  completions_.push_back({id, std::move(it->second->cb), std::move(result)});
  requests_.erase(it);
}

// The end of every event from the loop: requests refused unprocessed get a new link, the timer
// is set, and finished requests are reported. Callbacks may destroy this object, so nothing
// may touch it after Settle() returns.
void HttpsConnection::Settle() {
  AssignWaitingRequests();
  Rearm();
  std::weak_ptr<char> alive = alive_;
  while (!completions_.empty()) {
    Completion completion = std::move(completions_.front());
    completions_.pop_front();
    completion.cb(std::move(completion.result));
    if (alive.expired()) return;
  }
  Rearm();
}

// The timer fires at once when there are results to report or requests that lost their link
// (OnTimer's Settle() handles both), otherwise at the earliest deadline.
void HttpsConnection::Rearm() {
  if (!completions_.empty()) return timer_.Start(absl::ZeroDuration());
  absl::Time earliest = absl::InfiniteFuture();
  for (const auto& [id, request] : requests_) {
    if (request->link == nullptr) return timer_.Start(absl::ZeroDuration());
    earliest = std::min(earliest, request->deadline);
  }
  if (earliest == absl::InfiniteFuture()) return timer_.Stop();
  timer_.Start(earliest - absl::Now());
}

void HttpsConnection::OnTimer() {
  const absl::Time now = absl::Now();
  std::vector<uint64_t> expired;
  for (const auto& [id, request] : requests_) {
    if (request->deadline <= now) expired.push_back(id);
  }
  for (uint64_t id : expired) Expire(id);
  Settle();
}

void HttpsConnection::Expire(uint64_t id) {
  auto it = requests_.find(id);
  if (it == requests_.end()) return;  // failed with its link meanwhile
  Request* request = it->second.get();
  Link* link = request->link;
  const std::string within = absl::FormatDuration(request->timeout);
  if (link == nullptr || link->h2 == nullptr || request->stream_id == 0) {
    Complete(id,
             absl::DeadlineExceededError(absl::StrCat("no TLS connection to ", server_.ToString(),
                                                      " (", tls_name_, ") within ", within)));
    if (link == nullptr) return;
    for (const auto& [other_id, other] : requests_) {
      if (other->link == link) return;  // still wanted
    }
    DropLink(link, absl::OkStatus());  // a handshake nobody waits for any more
    return;
  }
  // Silent since the request went out: the connection may be dead, so new requests get a fresh
  // one; those already on it keep their own deadlines.
  if (link->last_read < request->submitted && link == link_.get()) {
    draining_.push_back(std::move(link_));
  }
  link->h2->Cancel(request->stream_id);
  link->requests.erase(request->stream_id);
  Complete(id, absl::DeadlineExceededError(
                   absl::StrCat("no HTTP response from ", server_.ToString(), " within ", within)));
  if (Flush(link)) RetireIfDone(link);
}

void HttpsConnection::OnLinkEstablished(Link* link) {
  const std::string alpn = link->stream->alpn();
  if (alpn != kAlpnH2) {
    DropLink(link, absl::FailedPreconditionError(absl::StrCat(
                       server_.ToString(), " (", tls_name_, ") did not negotiate HTTP/2 (ALPN ",
                       kAlpnH2, "); it chose ", alpn.empty() ? "nothing" : "'" + alpn + "'")));
    return Settle();
  }
  absl::StatusOr<std::unique_ptr<H2ClientSession>> h2 = H2ClientSession::Create(
      kMaxResponseBody,
      [this, link](int32_t stream_id, absl::StatusOr<HttpsResponse> result, bool refused) {
        OnStreamDone(link, stream_id, std::move(result), refused);
      });
  if (!h2.ok()) {
    DropLink(link, h2.status());
    return Settle();
  }
  link->h2 = *std::move(h2);
  std::vector<Request*> waiting;
  for (auto& [id, request] : requests_) {
    if (request->link == link && request->stream_id == 0) waiting.push_back(request.get());
  }
  for (Request* request : waiting) Submit(link, request);
  Flush(link);  // the preface, SETTINGS and the waiting requests
  Settle();
}

void HttpsConnection::OnLinkData(Link* link, absl::string_view plaintext) {
  link->last_read = absl::Now();
  if (link->h2 == nullptr) return Settle();
  if (absl::Status status = link->h2->Receive(plaintext); !status.ok()) {
    DropLink(link, std::move(status));
  } else if (Flush(link)) {
    RetireIfDone(link);
  }
  Settle();
}

void HttpsConnection::OnLinkClosed(Link* link, const absl::Status& why) {
  DropLink(link, why);
  Settle();
}

// Runs inside H2ClientSession::Receive: bookkeeping only, the session must not be touched.
void HttpsConnection::OnStreamDone(Link* link, int32_t stream_id,
                                   absl::StatusOr<HttpsResponse> result, bool refused) {
  auto it = link->requests.find(stream_id);
  if (it == link->requests.end()) return;
  const uint64_t id = it->second;
  link->requests.erase(it);
  ++link->answered;
  auto request = requests_.find(id);
  if (request == requests_.end()) return;
  // RFC 9113 8.7: a refused stream was not processed, so it is safe to send again once.
  if (refused && !request->second->retried) {
    request->second->retried = true;
    request->second->link = nullptr;
    request->second->stream_id = 0;
    return;
  }
  Complete(id, std::move(result));
}

}  // namespace rebound
