#include "resolver/metrics/metrics_http.h"

#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "resolver/metrics/prometheus_text.h"

namespace rebound {
namespace {

constexpr absl::string_view kMetricsPath = "/metrics";

// RFC 9110 5.6.2: tchar.
bool IsTokenChar(char c) {
  return absl::ascii_isalnum(static_cast<unsigned char>(c)) ||
         absl::StrContains("!#$%&'*+-.^_`|~", c);
}

bool IsToken(absl::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!IsTokenChar(c)) return false;
  }
  return true;
}

// The origin-form target (RFC 9112 3.2.1): '/' and then visible characters.
bool IsOriginForm(absl::string_view s) {
  if (s.empty() || s[0] != '/') return false;
  for (char c : s) {
    if (c <= ' ' || c == 0x7f) return false;
  }
  return true;
}

// "name: value" with a token for the name and no control characters but tab in the value.
bool IsHeaderLine(absl::string_view line) {
  const size_t colon = line.find(':');
  if (colon == absl::string_view::npos || !IsToken(line.substr(0, colon))) return false;
  for (char c : line.substr(colon + 1)) {
    if ((static_cast<unsigned char>(c) < ' ' && c != '\t') || c == 0x7f) return false;
  }
  return true;
}

RequestHead ParseCompleteHead(absl::string_view head) {
  RequestHead result;
  result.state = HeadState::kMalformed;
  std::vector<absl::string_view> lines = absl::StrSplit(head, "\r\n");
  const std::vector<absl::string_view> words = absl::StrSplit(lines[0], ' ');
  if (words.size() != 3 || !IsToken(words[0]) || !IsOriginForm(words[1]) ||
      (words[2] != "HTTP/1.1" && words[2] != "HTTP/1.0")) {
    return result;
  }
  for (size_t i = 1; i < lines.size(); ++i) {
    if (!IsHeaderLine(lines[i])) return result;
  }
  result.state = HeadState::kComplete;
  result.method = std::string(words[0]);
  result.path = std::string(words[1].substr(0, words[1].find('?')));
  return result;
}

std::string Response(absl::string_view status, absl::string_view extra_headers,
                     absl::string_view content_type, absl::string_view body, bool send_body) {
  return absl::StrCat("HTTP/1.1 ", status, "\r\nContent-Type: ", content_type,
                      "\r\nContent-Length: ", body.size(), "\r\n", extra_headers,
                      "Connection: close\r\n\r\n", send_body ? body : "");
}

std::string Error(absl::string_view status, absl::string_view extra_headers = "") {
  return Response(status, extra_headers, "text/plain; charset=utf-8", absl::StrCat(status, "\n"),
                  true);
}

}  // namespace

RequestHead ReadRequestHead(absl::string_view bytes, size_t max_bytes) {
  const size_t end = bytes.find("\r\n\r\n");
  if (end == absl::string_view::npos || end + 4 > max_bytes) {
    RequestHead result;
    result.state = bytes.size() >= max_bytes ? HeadState::kTooLarge : HeadState::kIncomplete;
    return result;
  }
  return ParseCompleteHead(bytes.substr(0, end));
}

std::string MetricsResponse(const RequestHead& head, const std::function<std::string()>& body) {
  switch (head.state) {
    case HeadState::kIncomplete:
    case HeadState::kMalformed:
      return Error("400 Bad Request");
    case HeadState::kTooLarge:
      return Error("431 Request Header Fields Too Large");
    case HeadState::kComplete:
      break;
  }
  if (head.path != kMetricsPath) return Error("404 Not Found");
  if (head.method != "GET" && head.method != "HEAD") {
    return Error("405 Method Not Allowed", "Allow: GET, HEAD\r\n");
  }
  return Response("200 OK", "", kPrometheusTextContentType, body(), head.method == "GET");
}

}  // namespace rebound
