#include "tls/h2_client_session.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "tls/h2_outgoing.h"

namespace rebound {
namespace {

// Header bytes one response may carry, counted as RFC 9113 6.5.2 does (name + value + 32).
constexpr size_t kMaxResponseHeaderBytes = 16 * 1024;

absl::string_view View(const uint8_t* data, size_t length) {
  return absl::string_view(reinterpret_cast<const char*>(data), length);
}

// A stream the server reset: a malformed message is data loss, anything else (overload,
// shutdown, internal error) means the server is not available for it.
absl::Status ResetStatus(uint32_t error_code) {
  const std::string message =
      absl::StrCat("HTTP/2 stream reset: ", nghttp2_http2_strerror(error_code));
  switch (error_code) {
    case NGHTTP2_PROTOCOL_ERROR:
    case NGHTTP2_FRAME_SIZE_ERROR:
    case NGHTTP2_COMPRESSION_ERROR:
    case NGHTTP2_FLOW_CONTROL_ERROR:
      return absl::DataLossError(message);
    default:
      return absl::UnavailableError(message);
  }
}

}  // namespace

struct H2ClientSession::Stream {
  H2Body body;
  HttpsResponse response;
  bool complete = false;   // END_STREAM received
  bool cancelled = false;  // by the caller: report nothing
  absl::Status error;      // found by us (too large): reported when the stream closes
  size_t header_bytes = 0;
};

absl::StatusOr<std::unique_ptr<H2ClientSession>> H2ClientSession::Create(
    size_t max_response_body, StreamDone on_stream_done) {
  std::unique_ptr<H2ClientSession> self(
      new H2ClientSession(max_response_body, std::move(on_stream_done)));
  nghttp2_session_callbacks* callbacks = nullptr;
  if (nghttp2_session_callbacks_new(&callbacks) != 0) {
    return absl::ResourceExhaustedError("nghttp2 callbacks");
  }
  nghttp2_session_callbacks_set_on_header_callback(callbacks, OnHeader);
  nghttp2_session_callbacks_set_on_data_chunk_recv_callback(callbacks, OnDataChunk);
  nghttp2_session_callbacks_set_on_frame_recv_callback(callbacks, OnFrameReceived);
  nghttp2_session_callbacks_set_on_stream_close_callback(callbacks, OnStreamClose);
  nghttp2_session_callbacks_set_error_callback2(callbacks, OnError);
  const int rc = nghttp2_session_client_new(&self->session_, callbacks, self.get());
  nghttp2_session_callbacks_del(callbacks);
  if (rc != 0) return absl::ResourceExhaustedError(absl::StrCat("nghttp2: ", nghttp2_strerror(rc)));
  // The client preface (sent by nghttp2) is followed by our SETTINGS: no server push, which a
  // DNS client has no use for (RFC 8484 5.2 allows it, nothing requires accepting it).
  const nghttp2_settings_entry settings[] = {{NGHTTP2_SETTINGS_ENABLE_PUSH, 0}};
  if (const int s = nghttp2_submit_settings(self->session_, NGHTTP2_FLAG_NONE, settings, 1);
      s != 0) {
    return absl::InternalError(absl::StrCat("nghttp2 settings: ", nghttp2_strerror(s)));
  }
  return self;
}

H2ClientSession::H2ClientSession(size_t max_response_body, StreamDone on_stream_done)
    : max_response_body_(max_response_body), on_stream_done_(std::move(on_stream_done)) {}

H2ClientSession::~H2ClientSession() { nghttp2_session_del(session_); }

absl::StatusOr<int32_t> H2ClientSession::Submit(H2ClientRequest request) {
  if (!accepts_requests()) return absl::UnavailableError("HTTP/2 connection takes no new requests");
  auto stream = std::make_unique<Stream>();
  const bool has_body = request.method == "POST" || !request.body.empty();
  stream->body.bytes = std::move(request.body);
  const std::string method = ":method", scheme = ":scheme", https = "https",
                    authority = ":authority", path = ":path", content_length = "content-length",
                    length = std::to_string(stream->body.bytes.size());
  std::vector<nghttp2_nv> fields = {H2Field(method, request.method), H2Field(scheme, https),
                                    H2Field(authority, request.authority),
                                    H2Field(path, request.path)};
  for (const auto& [name, value] : request.headers) fields.push_back(H2Field(name, value));
  if (has_body) fields.push_back(H2Field(content_length, length));
  nghttp2_data_provider provider = stream->body.Provider();
  const int32_t id = nghttp2_submit_request(session_, nullptr, fields.data(), fields.size(),
                                            has_body ? &provider : nullptr, stream.get());
  if (id < 0) return absl::UnavailableError(absl::StrCat("HTTP/2 request: ", nghttp2_strerror(id)));
  streams_[id] = std::move(stream);
  return id;
}

void H2ClientSession::Cancel(int32_t stream_id) {
  Stream* stream = Find(stream_id);
  if (stream == nullptr || stream->cancelled) return;
  stream->cancelled = true;
  // The Stream stays until nghttp2 closes it: its body may still be referenced.
  nghttp2_submit_rst_stream(session_, NGHTTP2_FLAG_NONE, stream_id, NGHTTP2_CANCEL);
}

absl::Status H2ClientSession::Receive(absl::string_view bytes) {
  const ssize_t rc = nghttp2_session_mem_recv(
      session_, reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
  if (rc < 0) {
    return absl::DataLossError(absl::StrCat("HTTP/2: ", nghttp2_strerror(static_cast<int>(rc)),
                                            end_reason_.empty() ? "" : " (", end_reason_,
                                            end_reason_.empty() ? "" : ")"));
  }
  return absl::OkStatus();
}

absl::Status H2ClientSession::TakeOutput(std::string* out) { return TakeH2Output(session_, out); }

bool H2ClientSession::accepts_requests() const {
  return nghttp2_session_check_request_allowed(session_) != 0 &&
         nghttp2_session_want_read(session_) != 0;
}

bool H2ClientSession::finished() const {
  return nghttp2_session_want_read(session_) == 0 && nghttp2_session_want_write(session_) == 0;
}

H2ClientSession::Stream* H2ClientSession::Find(int32_t stream_id) {
  auto it = streams_.find(stream_id);
  return it == streams_.end() ? nullptr : it->second.get();
}

void H2ClientSession::FailStream(int32_t stream_id, Stream* stream, absl::Status why) {
  stream->error = std::move(why);
  stream->response.body.clear();
  nghttp2_submit_rst_stream(session_, NGHTTP2_FLAG_NONE, stream_id, NGHTTP2_CANCEL);
}

int H2ClientSession::OnHeader(nghttp2_session*, const nghttp2_frame* frame, const uint8_t* name,
                              size_t name_length, const uint8_t* value, size_t value_length,
                              uint8_t, void* user_data) {
  auto* self = static_cast<H2ClientSession*>(user_data);
  if (frame->hd.type != NGHTTP2_HEADERS) return 0;
  const int32_t id = frame->hd.stream_id;
  Stream* stream = self->Find(id);
  if (stream == nullptr || stream->cancelled || !stream->error.ok()) return 0;
  stream->header_bytes += name_length + value_length + 32;
  if (stream->header_bytes > kMaxResponseHeaderBytes) {
    self->FailStream(id, stream,
                     absl::ResourceExhaustedError(absl::StrCat("HTTP response header larger than ",
                                                               kMaxResponseHeaderBytes, " bytes")));
    return 0;
  }
  const absl::string_view field = View(name, name_length);
  const absl::string_view text = View(value, value_length);
  if (field == ":status") {
    // A 1xx interim response comes first and is replaced by the final one (RFC 9113 8.1).
    int status = 0;
    if (absl::SimpleAtoi(text, &status)) stream->response.status = status;
  } else if (field == "content-type") {
    stream->response.content_type = std::string(text);
  } else if (field == "content-length") {
    uint64_t length = 0;
    if (absl::SimpleAtoi(text, &length) && length > self->max_response_body_) {
      self->FailStream(id, stream,
                       absl::ResourceExhaustedError(absl::StrCat("HTTP response body of ", length,
                                                                 " bytes exceeds the limit of ",
                                                                 self->max_response_body_)));
    }
  }
  return 0;
}

int H2ClientSession::OnDataChunk(nghttp2_session*, uint8_t, int32_t stream_id, const uint8_t* data,
                                 size_t length, void* user_data) {
  auto* self = static_cast<H2ClientSession*>(user_data);
  Stream* stream = self->Find(stream_id);
  if (stream == nullptr || stream->cancelled || !stream->error.ok()) return 0;
  if (stream->response.body.size() + length > self->max_response_body_) {
    self->FailStream(
        stream_id, stream,
        absl::ResourceExhaustedError(absl::StrCat("HTTP response body exceeds the limit of ",
                                                  self->max_response_body_, " bytes")));
    return 0;
  }
  stream->response.body.append(reinterpret_cast<const char*>(data), length);
  return 0;
}

int H2ClientSession::OnFrameReceived(nghttp2_session*, const nghttp2_frame* frame,
                                     void* user_data) {
  auto* self = static_cast<H2ClientSession*>(user_data);
  switch (frame->hd.type) {
    case NGHTTP2_HEADERS:
    case NGHTTP2_DATA:
      if ((frame->hd.flags & NGHTTP2_FLAG_END_STREAM) != 0) {
        if (Stream* stream = self->Find(frame->hd.stream_id)) stream->complete = true;
      }
      break;
    case NGHTTP2_GOAWAY:
      self->end_reason_ = absl::StrCat("server sent GOAWAY (",
                                       nghttp2_http2_strerror(frame->goaway.error_code), ")");
      break;
    default:
      break;
  }
  return 0;
}

int H2ClientSession::OnStreamClose(nghttp2_session*, int32_t stream_id, uint32_t error_code,
                                   void* user_data) {
  auto* self = static_cast<H2ClientSession*>(user_data);
  auto it = self->streams_.find(stream_id);
  if (it == self->streams_.end()) return 0;
  std::unique_ptr<Stream> stream = std::move(it->second);
  self->streams_.erase(it);
  if (stream->cancelled) return 0;
  if (!stream->error.ok()) {
    self->on_stream_done_(stream_id, stream->error, false);
  } else if (error_code == NGHTTP2_REFUSED_STREAM) {
    self->on_stream_done_(
        stream_id, absl::UnavailableError("HTTP/2 server refused the stream unprocessed"), true);
  } else if (error_code != NGHTTP2_NO_ERROR) {
    self->on_stream_done_(stream_id, ResetStatus(error_code), false);
  } else if (!stream->complete || stream->response.status < 200) {
    self->on_stream_done_(
        stream_id, absl::DataLossError("HTTP/2 stream ended before the response was complete"),
        false);
  } else {
    self->on_stream_done_(stream_id, std::move(stream->response), false);
  }
  return 0;
}

int H2ClientSession::OnError(nghttp2_session*, int, const char* message, size_t length,
                             void* user_data) {
  static_cast<H2ClientSession*>(user_data)->end_reason_.assign(message, length);
  return 0;
}

}  // namespace rebound
