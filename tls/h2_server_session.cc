#include "tls/h2_server_session.h"

#include <algorithm>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "tls/h2_outgoing.h"

namespace rebound {
namespace {

absl::string_view View(const uint8_t* data, size_t length) {
  return absl::string_view(reinterpret_cast<const char*>(data), length);
}

bool EndsStream(const nghttp2_frame* frame) {
  return (frame->hd.type == NGHTTP2_HEADERS || frame->hd.type == NGHTTP2_DATA) &&
         (frame->hd.flags & NGHTTP2_FLAG_END_STREAM) != 0;
}

}  // namespace

struct H2ServerSession::Stream {
  HttpsRequest request;
  size_t header_bytes = 0;
  bool too_large = false;          // the body is (or is announced to be) over the limit
  bool handed_out = false;         // in TakeRequests()' output
  bool answered = false;           // a reply is submitted
  bool reset_after_reply = false;  // tell the client to stop sending once the reply is out
  H2Body reply_body;
};

absl::StatusOr<std::unique_ptr<H2ServerSession>> H2ServerSession::Create(H2ServerLimits limits) {
  std::unique_ptr<H2ServerSession> self(new H2ServerSession(limits));
  nghttp2_session_callbacks* callbacks = nullptr;
  if (nghttp2_session_callbacks_new(&callbacks) != 0) {
    return absl::ResourceExhaustedError("nghttp2 callbacks");
  }
  nghttp2_session_callbacks_set_on_begin_headers_callback(callbacks, OnBeginHeaders);
  nghttp2_session_callbacks_set_on_header_callback(callbacks, OnHeader);
  nghttp2_session_callbacks_set_on_data_chunk_recv_callback(callbacks, OnDataChunk);
  nghttp2_session_callbacks_set_on_frame_recv_callback(callbacks, OnFrameReceived);
  nghttp2_session_callbacks_set_on_frame_send_callback(callbacks, OnFrameSent);
  nghttp2_session_callbacks_set_on_stream_close_callback(callbacks, OnStreamClose);
  const int rc = nghttp2_session_server_new(&self->session_, callbacks, self.get());
  nghttp2_session_callbacks_del(callbacks);
  if (rc != 0) return absl::ResourceExhaustedError(absl::StrCat("nghttp2: ", nghttp2_strerror(rc)));
  const nghttp2_settings_entry settings[] = {
      {NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS, limits.max_concurrent_streams},
      {NGHTTP2_SETTINGS_MAX_HEADER_LIST_SIZE, static_cast<uint32_t>(limits.max_header_bytes)},
  };
  if (const int s = nghttp2_submit_settings(self->session_, NGHTTP2_FLAG_NONE, settings, 2);
      s != 0) {
    return absl::InternalError(absl::StrCat("nghttp2 settings: ", nghttp2_strerror(s)));
  }
  return self;
}

H2ServerSession::H2ServerSession(H2ServerLimits limits)
    : limits_(limits), reset_tokens_(limits.reset_burst) {}

H2ServerSession::~H2ServerSession() { nghttp2_session_del(session_); }

absl::Status H2ServerSession::Receive(absl::string_view bytes, absl::Time now) {
  now_ = now;
  const ssize_t rc = nghttp2_session_mem_recv(
      session_, reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
  if (too_many_resets_) {
    // The rest of what came with the resets is not served either: never handed out, those
    // requests await no reply (and a later close of their streams must not count them again).
    for (const Received& received : ready_) {
      if (Stream* stream = Find(received.stream_id)) stream->handed_out = false;
    }
    awaiting_reply_ -= ready_.size();
    ready_.clear();
    return absl::ResourceExhaustedError("HTTP/2: the client resets streams too fast");
  }
  if (rc < 0) {
    return absl::DataLossError(absl::StrCat("HTTP/2: ", nghttp2_strerror(static_cast<int>(rc))));
  }
  return absl::OkStatus();
}

std::vector<H2ServerSession::Received> H2ServerSession::TakeRequests() {
  return std::exchange(ready_, {});
}

std::vector<int32_t> H2ServerSession::TakeAbandoned() { return std::exchange(abandoned_, {}); }

bool H2ServerSession::TakeResetToken() {
  if (tokens_at_ != absl::Time()) {
    const double refill = absl::ToDoubleSeconds(now_ - tokens_at_) * limits_.resets_per_second;
    reset_tokens_ = std::min(limits_.reset_burst, reset_tokens_ + std::max(0.0, refill));
  }
  tokens_at_ = now_;
  if (reset_tokens_ >= 1) {
    reset_tokens_ -= 1;
    return true;
  }
  too_many_resets_ = true;
  nghttp2_session_terminate_session(session_, NGHTTP2_ENHANCE_YOUR_CALM);
  return false;
}

bool H2ServerSession::Respond(int32_t stream_id, HttpsReply reply) {
  Stream* stream = Find(stream_id);
  if (stream == nullptr || !stream->handed_out || stream->answered) return false;
  --awaiting_reply_;
  Submit(stream_id, stream, std::move(reply));
  return true;
}

bool H2ServerSession::AwaitsReply(int32_t stream_id) const {
  auto it = streams_.find(stream_id);
  return it != streams_.end() && it->second->handed_out && !it->second->answered;
}

void H2ServerSession::GoAway() { nghttp2_session_terminate_session(session_, NGHTTP2_NO_ERROR); }

absl::Status H2ServerSession::TakeOutput(std::string* out) { return TakeH2Output(session_, out); }

bool H2ServerSession::finished() const {
  return nghttp2_session_want_read(session_) == 0 && nghttp2_session_want_write(session_) == 0;
}

H2ServerSession::Stream* H2ServerSession::Find(int32_t stream_id) {
  auto it = streams_.find(stream_id);
  return it == streams_.end() ? nullptr : it->second.get();
}

void H2ServerSession::Submit(int32_t stream_id, Stream* stream, HttpsReply reply) {
  stream->answered = true;
  stream->reply_body.bytes = std::move(reply.body);
  const std::string status_name = ":status", status = std::to_string(reply.status),
                    type_name = "content-type", length_name = "content-length",
                    length = std::to_string(stream->reply_body.bytes.size()),
                    cache_name = "cache-control", cache = absl::StrCat("max-age=", reply.max_age);
  std::vector<nghttp2_nv> fields = {H2Field(status_name, status)};
  if (!reply.content_type.empty()) fields.push_back(H2Field(type_name, reply.content_type));
  fields.push_back(H2Field(length_name, length));
  if (reply.max_age > 0) fields.push_back(H2Field(cache_name, cache));
  nghttp2_data_provider provider = stream->reply_body.Provider();
  const bool has_body = !stream->reply_body.bytes.empty();
  if (nghttp2_submit_response(session_, stream_id, fields.data(), fields.size(),
                              has_body ? &provider : nullptr) != 0) {
    nghttp2_submit_rst_stream(session_, NGHTTP2_FLAG_NONE, stream_id, NGHTTP2_INTERNAL_ERROR);
  }
}

// RFC 9110 15.5.14 (413) as soon as the excess is known, then (once the reply is out) RST_STREAM
// NO_ERROR so the client stops sending the rest (RFC 9113 8.1).
void H2ServerSession::RejectTooLarge(int32_t stream_id, Stream* stream) {
  if (stream->answered) return;
  stream->reset_after_reply = nghttp2_session_get_stream_remote_close(session_, stream_id) == 0;
  Submit(stream_id, stream, HttpsReply{413, "", "", 0});
}

int H2ServerSession::OnBeginHeaders(nghttp2_session*, const nghttp2_frame* frame, void* user_data) {
  auto* self = static_cast<H2ServerSession*>(user_data);
  if (frame->hd.type == NGHTTP2_HEADERS && frame->headers.cat == NGHTTP2_HCAT_REQUEST) {
    self->streams_[frame->hd.stream_id] = std::make_unique<Stream>();
  }
  return 0;
}

int H2ServerSession::OnHeader(nghttp2_session*, const nghttp2_frame* frame, const uint8_t* name,
                              size_t name_length, const uint8_t* value, size_t value_length,
                              uint8_t, void* user_data) {
  auto* self = static_cast<H2ServerSession*>(user_data);
  if (frame->hd.type != NGHTTP2_HEADERS) return 0;
  Stream* stream = self->Find(frame->hd.stream_id);
  if (stream == nullptr) return 0;
  stream->header_bytes += name_length + value_length + 32;
  // Resets just this stream (INTERNAL_ERROR); the connection goes on.
  if (stream->header_bytes > self->limits_.max_header_bytes) {
    return NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE;
  }
  if (frame->headers.cat != NGHTTP2_HCAT_REQUEST) return 0;  // trailers: nothing we use
  const absl::string_view field = View(name, name_length);
  const absl::string_view text = View(value, value_length);
  HttpsRequest& request = stream->request;
  if (field == ":method") {
    request.method = std::string(text);
  } else if (field == ":path") {
    request.path = std::string(text);
  } else if (field == "content-type") {
    request.content_type = std::string(text);
  } else if (field == "content-length") {
    uint64_t length = 0;
    if (absl::SimpleAtoi(text, &length) && length > self->limits_.max_request_body) {
      stream->too_large = true;
    }
  }
  return 0;
}

int H2ServerSession::OnDataChunk(nghttp2_session*, uint8_t, int32_t stream_id, const uint8_t* data,
                                 size_t length, void* user_data) {
  auto* self = static_cast<H2ServerSession*>(user_data);
  Stream* stream = self->Find(stream_id);
  if (stream == nullptr || stream->too_large || stream->answered) return 0;
  std::string& body = stream->request.body;
  if (body.size() + length > self->limits_.max_request_body) {
    stream->too_large = true;
    std::string().swap(body);
    self->RejectTooLarge(stream_id, stream);
    return 0;
  }
  body.append(reinterpret_cast<const char*>(data), length);
  return 0;
}

int H2ServerSession::OnFrameReceived(nghttp2_session*, const nghttp2_frame* frame,
                                     void* user_data) {
  auto* self = static_cast<H2ServerSession*>(user_data);
  // Stops reading at once: the rest of the buffer may hold hundreds more pairs.
  if (frame->hd.type == NGHTTP2_RST_STREAM && !self->TakeResetToken()) {
    return NGHTTP2_ERR_CALLBACK_FAILURE;
  }
  if (frame->hd.type != NGHTTP2_HEADERS && frame->hd.type != NGHTTP2_DATA) return 0;
  const int32_t id = frame->hd.stream_id;
  Stream* stream = self->Find(id);
  if (stream == nullptr || stream->answered) return 0;
  if (stream->too_large) {
    self->RejectTooLarge(id, stream);  // announced by content-length: no need to read the body
    return 0;
  }
  if (!EndsStream(frame) || stream->handed_out) return 0;
  stream->handed_out = true;
  ++self->awaiting_reply_;
  self->ready_.push_back({id, std::move(stream->request)});
  return 0;
}

int H2ServerSession::OnFrameSent(nghttp2_session* session, const nghttp2_frame* frame,
                                 void* user_data) {
  auto* self = static_cast<H2ServerSession*>(user_data);
  if (!EndsStream(frame)) return 0;
  Stream* stream = self->Find(frame->hd.stream_id);
  if (stream != nullptr && stream->reset_after_reply &&
      nghttp2_session_get_stream_remote_close(session, frame->hd.stream_id) == 0) {
    nghttp2_submit_rst_stream(session, NGHTTP2_FLAG_NONE, frame->hd.stream_id, NGHTTP2_NO_ERROR);
  }
  return 0;
}

int H2ServerSession::OnStreamClose(nghttp2_session*, int32_t stream_id, uint32_t, void* user_data) {
  auto* self = static_cast<H2ServerSession*>(user_data);
  auto it = self->streams_.find(stream_id);
  if (it == self->streams_.end()) return 0;
  const Stream& stream = *it->second;
  if (stream.handed_out && !stream.answered) {
    --self->awaiting_reply_;
    // Reset before the caller took it (HEADERS and RST_STREAM in one read): it never starts.
    auto ready = std::find_if(self->ready_.begin(), self->ready_.end(),
                              [stream_id](const Received& r) { return r.stream_id == stream_id; });
    if (ready != self->ready_.end()) {
      self->ready_.erase(ready);
    } else {
      self->abandoned_.push_back(stream_id);
    }
  }
  self->streams_.erase(it);
  return 0;
}

}  // namespace rebound
