// Feeds arbitrary bytes from a client to H2ServerSession (the server side of DoH's HTTP/2, no
// I/O), cut into reads at points the input chooses, with the clock moving between reads, and
// plays the server around it as HttpsServer does: after each read it takes the requests and the
// abandoned streams, answers some of the requests (bodies from empty to larger than a flow
// control window), takes the output, and stops at the first connection error or when the session
// is finished. Checks that every stream is handed out once, that only streams handed out and not
// answered are abandoned, that Respond and AwaitsReply agree with that, and that awaiting_reply()
// is the number handed out less those answered and those abandoned.
//
// Input: the client's bytes (seeds start with the preface), then four control octets. Control
// octet 0: bit 0 a 512-octet request body limit, bit 1 two concurrent streams, bit 2 a reset
// burst of 3 at 1 a second, bit 3 GOAWAY at the end; the rest of the control seeds the choices.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "tests/fuzz/fuzz_check.h"
#include "tests/fuzz/fuzz_rng.h"
#include "tls/h2_server_session.h"

namespace rebound {
namespace {

constexpr size_t kControl = 4;

H2ServerLimits LimitsFrom(uint8_t control) {
  H2ServerLimits limits;
  if (control & 1) limits.max_request_body = 512;
  if (control & 2) limits.max_concurrent_streams = 2;
  if (control & 4) {
    limits.reset_burst = 3;
    limits.resets_per_second = 1;
  }
  return limits;
}

// The server's side of the bookkeeping, kept independently of the session's.
class Server {
 public:
  Server(H2ServerSession* session, FuzzRng* rng, const H2ServerLimits& limits)
      : session_(session), rng_(rng), limits_(limits) {}

  // After a read that the session took: what HttpsServer does with it. False once the
  // connection would close.
  bool AfterRead() {
    for (H2ServerSession::Received& received : session_->TakeRequests()) {
      FUZZ_CHECK(received.stream_id > 0 && received.stream_id % 2 == 1);  // client streams
      FUZZ_CHECK(seen_.insert(received.stream_id).second);                // handed out once
      FUZZ_CHECK(received.request.body.size() <= limits_.max_request_body);
      outstanding_.insert(received.stream_id);
      ++handed_out_;
    }
    TakeAbandoned();
    AnswerSome();
    const bool open = Flush();
    TakeAbandoned();  // sending can close streams too (a RST_STREAM nghttp2 queued)
    CheckCount();
    return open;
  }

  // The last exchange: maybe GOAWAY, maybe answers for the rest, then the output.
  void Finish(bool go_away) {
    if (go_away) session_->GoAway();
    AnswerSome();
    if (Flush()) {
      TakeAbandoned();
      CheckCount();
    }
  }

  // Takes the output as HttpsServer's Flush does. False when the connection would close.
  bool Flush() {
    std::string out;
    const absl::Status status = session_->TakeOutput(&out);
    return status.ok() && !session_->finished();
  }

 private:
  void TakeAbandoned() {
    for (int32_t stream_id : session_->TakeAbandoned()) {
      FUZZ_CHECK(outstanding_.erase(stream_id) == 1);
      FUZZ_CHECK(!session_->AwaitsReply(stream_id));
      ++abandoned_;
    }
  }

  HttpsReply MakeReply() {
    static constexpr int kStatuses[] = {200, 400, 404, 413, 502};
    HttpsReply reply;
    reply.status = kStatuses[rng_->Below(5)];
    if (rng_->OneIn(2)) reply.content_type = "application/dns-message";
    // Past 65535 octets the reply waits on the client's WINDOW_UPDATEs.
    static constexpr size_t kSizes[] = {0, 1, 100, 16385, 70000};
    reply.body.assign(kSizes[rng_->Below(5)], 'r');
    reply.max_age = rng_->OneIn(2) ? 0 : static_cast<uint32_t>(rng_->Next());
    return reply;
  }

  void AnswerSome() {
    for (int32_t stream_id : std::set<int32_t>(outstanding_)) {
      FUZZ_CHECK(session_->AwaitsReply(stream_id));
      if (!rng_->OneIn(2)) continue;
      FUZZ_CHECK(session_->Respond(stream_id, MakeReply()));
      FUZZ_CHECK(!session_->AwaitsReply(stream_id));
      FUZZ_CHECK(!session_->Respond(stream_id, MakeReply()));  // only once
      outstanding_.erase(stream_id);
      ++answered_;
    }
    // Streams never handed out cannot be answered.
    FUZZ_CHECK(!session_->Respond(0, HttpsReply{}));
    FUZZ_CHECK(!session_->Respond(2, HttpsReply{}));
  }

  void CheckCount() {
    FUZZ_CHECK(session_->awaiting_reply() == outstanding_.size());
    FUZZ_CHECK(session_->awaiting_reply() == handed_out_ - answered_ - abandoned_);
  }

  H2ServerSession* session_;
  FuzzRng* rng_;
  const H2ServerLimits limits_;
  std::set<int32_t> seen_;
  std::set<int32_t> outstanding_;  // handed out, neither answered nor abandoned
  size_t handed_out_ = 0;
  size_t answered_ = 0;
  size_t abandoned_ = 0;
};

// Some reads come at once, others after a pause: the reset rate refills with time.
absl::Duration Pause(FuzzRng& rng) {
  switch (rng.Below(4)) {
    case 0:
      return absl::Milliseconds(static_cast<int64_t>(rng.Below(3000)));
    case 1:
      return absl::Milliseconds(1);
    default:
      return absl::ZeroDuration();
  }
}

}  // namespace
}  // namespace rebound

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace rebound;  // NOLINT(build/namespaces): the entry point must stay global
  if (size < kControl) return 0;
  const uint8_t* control = data + size - kControl;
  const absl::string_view stream(reinterpret_cast<const char*>(data), size - kControl);
  FuzzRng rng(SeedFrom(control, kControl, kControl) >> 4);
  const H2ServerLimits limits = LimitsFrom(control[0]);
  absl::StatusOr<std::unique_ptr<H2ServerSession>> session = H2ServerSession::Create(limits);
  FUZZ_CHECK(session.ok());
  Server server(session->get(), &rng, limits);
  if (!server.Flush()) return 0;  // the server's SETTINGS
  absl::Time now = absl::FromUnixSeconds(1'700'000'000);
  size_t at = 0;
  while (at < stream.size()) {
    const size_t n = rng.ChunkSize(stream.size() - at);
    const absl::Status received = (*session)->Receive(stream.substr(at, n), now);
    at += n;
    now += Pause(rng);
    if (!received.ok()) {
      FUZZ_CHECK(received.code() == absl::StatusCode::kDataLoss ||
                 received.code() == absl::StatusCode::kResourceExhausted);
      // HttpsServer sends the GOAWAY and closes, so the count is not checked here: past the
      // reset limit, awaiting_reply() still counts the requests Receive dropped unserved.
      server.Flush();
      return 0;
    }
    if (!server.AfterRead()) return 0;
  }
  server.Finish(control[0] & 8);
  return 0;
}
