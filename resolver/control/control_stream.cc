#include "resolver/control/control_stream.h"

#include <openssl/err.h>
#include <openssl/x509.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "tls/openssl_error.h"

namespace rebound {
namespace {

// Why an SSL call that returned `result` failed, in words for a log line or the user.
std::string SslFailure(SSL* ssl, int result) {
  const int saved_errno = errno;
  const int code = SSL_get_error(ssl, result);
  std::string reason = DrainOpenSslErrors();
  if (code == SSL_ERROR_SYSCALL && reason.empty()) {
    if (saved_errno == EAGAIN || saved_errno == EWOULDBLOCK) {
      reason = "timed out";
    } else if (saved_errno == 0) {
      reason = "the peer closed the connection";
    } else {
      reason = std::strerror(saved_errno);
    }
  }
  // On a blocking socket OpenSSL wants to read or write again only when SO_RCVTIMEO or
  // SO_SNDTIMEO ran out.
  if ((code == SSL_ERROR_WANT_READ || code == SSL_ERROR_WANT_WRITE) && reason.empty()) {
    reason = "timed out";
  }
  if (code == SSL_ERROR_ZERO_RETURN) reason = "the peer closed the connection";
  if (const long verify = SSL_get_verify_result(ssl); verify != X509_V_OK) {
    absl::StrAppend(&reason, " (certificate: ", X509_verify_cert_error_string(verify), ")");
  }
  return reason.empty() ? absl::StrCat("TLS error ", code) : reason;
}

}  // namespace

absl::Status ControlStream::Handshake(SSL_CTX* ctx, bool server) {
  ERR_clear_error();
  ssl_ = SSL_new(ctx);
  if (ssl_ == nullptr || SSL_set_fd(ssl_, fd_) != 1) {
    return absl::InternalError(absl::StrCat("TLS: ", DrainOpenSslErrors()));
  }
  const int result = server ? SSL_accept(ssl_) : SSL_connect(ssl_);
  if (result != 1) return absl::PermissionDeniedError(SslFailure(ssl_, result));
  return absl::OkStatus();
}

absl::Status ControlStream::AcceptTls(SSL_CTX* ctx) { return Handshake(ctx, /*server=*/true); }

absl::Status ControlStream::ConnectTls(SSL_CTX* ctx) { return Handshake(ctx, /*server=*/false); }

ControlStream::~ControlStream() { CloseNow(); }

void ControlStream::CloseNow() {
  if (ssl_ != nullptr) SSL_free(ssl_);
  if (fd_ >= 0) close(fd_);
  ssl_ = nullptr;
  fd_ = -1;
}

void ControlStream::SetTimeouts(int seconds) {
  const timeval tv{.tv_sec = seconds, .tv_usec = 0};
  setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

ssize_t ControlStream::Read(char* buffer, size_t size) {
  if (ssl_ == nullptr) {
    const ssize_t n = recv(fd_, buffer, size, 0);
    if (n < 0) error_ = errno == EAGAIN ? "timed out" : std::strerror(errno);
    return n;
  }
  ERR_clear_error();
  const int n = SSL_read(ssl_, buffer, static_cast<int>(std::min<size_t>(size, 1 << 30)));
  if (n > 0) return n;
  if (SSL_get_error(ssl_, n) == SSL_ERROR_ZERO_RETURN) return 0;  // close_notify
  error_ = SslFailure(ssl_, n);
  return -1;
}

bool ControlStream::WriteAll(absl::string_view data) {
  while (!data.empty()) {
    const size_t chunk = std::min<size_t>(data.size(), 1 << 30);
    ssize_t n;
    if (ssl_ == nullptr) {
      n = send(fd_, data.data(), chunk, MSG_NOSIGNAL);
      if (n <= 0) error_ = errno == EAGAIN ? "timed out" : std::strerror(errno);
    } else {
      ERR_clear_error();
      n = SSL_write(ssl_, data.data(), static_cast<int>(chunk));
      if (n <= 0) error_ = SslFailure(ssl_, static_cast<int>(n));
    }
    if (n <= 0) return false;
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

void ControlStream::FinishWriting() {
  if (finished_writing_ || fd_ < 0) return;
  finished_writing_ = true;
  // SSL_shutdown sends close_notify and returns without waiting for the peer's.
  if (ssl_ != nullptr) {
    ERR_clear_error();
    SSL_shutdown(ssl_);
    DrainOpenSslErrors();
  }
  shutdown(fd_, SHUT_WR);
}

void ControlStream::Drain(int linger_seconds) {
  if (fd_ < 0) return;
  FinishWriting();
  const timeval tv{.tv_sec = linger_seconds, .tv_usec = 0};
  setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  // The raw bytes: what is left of TLS no longer matters. A client that keeps sending is cut
  // off at the deadline all the same.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(linger_seconds);
  char discard[4096];
  while (std::chrono::steady_clock::now() < deadline && recv(fd_, discard, sizeof discard, 0) > 0) {
  }
}

}  // namespace rebound
