#include "tls/tls_session.h"

#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "tls/openssl_error.h"

namespace rebound {
namespace {

// "[2001:db8::1]" (URL form) -> "2001:db8::1"; anything else unchanged.
std::string StripBrackets(const std::string& name) {
  if (name.size() > 2 && name.front() == '[' && name.back() == ']') {
    return name.substr(1, name.size() - 2);
  }
  return name;
}

bool IsIpLiteral(const std::string& name) {
  unsigned char address[16];
  return inet_pton(AF_INET, name.c_str(), address) == 1 ||
         inet_pton(AF_INET6, name.c_str(), address) == 1;
}

}  // namespace

absl::StatusOr<SSL*> TlsSession::NewSsl(SSL_CTX* ctx) {
  ERR_clear_error();
  SSL* ssl = SSL_new(ctx);
  BIO* in = BIO_new(BIO_s_mem());
  BIO* out = BIO_new(BIO_s_mem());
  if (ssl == nullptr || in == nullptr || out == nullptr) {
    SSL_free(ssl);
    BIO_free(in);
    BIO_free(out);
    return absl::ResourceExhaustedError(absl::StrCat("SSL_new: ", DrainOpenSslErrors()));
  }
  // An empty memory BIO means "no bytes yet", not end of file.
  BIO_set_mem_eof_return(in, -1);
  BIO_set_mem_eof_return(out, -1);
  SSL_set_bio(ssl, in, out);  // the SSL owns both from here
  return ssl;
}

absl::StatusOr<std::unique_ptr<TlsSession>> TlsSession::Client(const TlsClientContext& context,
                                                               const std::string& tls_name) {
  const std::string name = StripBrackets(tls_name);
  if (name.empty()) return absl::InvalidArgumentError("TLS client needs a name to verify");
  absl::StatusOr<SSL*> ssl = NewSsl(context.get());
  if (!ssl.ok()) return ssl.status();
  std::unique_ptr<TlsSession> session(new TlsSession(*ssl, /*client=*/true, name));
  SSL_set_connect_state(*ssl);
  bool ok;
  if (IsIpLiteral(name)) {
    // RFC 6066 3: "Literal IPv4 and IPv6 addresses are not permitted in HostName", so no SNI;
    // the certificate must carry the address as an iPAddress SAN (RFC 6125 / RFC 8310 8.1).
    ok = X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(*ssl), name.c_str()) == 1;
  } else {
    SSL_set_hostflags(*ssl, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    ok =
        SSL_set_tlsext_host_name(*ssl, name.c_str()) == 1 && SSL_set1_host(*ssl, name.c_str()) == 1;
  }
  if (!ok) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot use '", name, "' as TLS name: ", DrainOpenSslErrors()));
  }
  return session;
}

absl::StatusOr<std::unique_ptr<TlsSession>> TlsSession::Server(const TlsServerContext& context) {
  absl::StatusOr<SSL*> ssl = NewSsl(context.get());
  if (!ssl.ok()) return ssl.status();
  SSL_set_accept_state(*ssl);
  return std::unique_ptr<TlsSession>(new TlsSession(*ssl, /*client=*/false, ""));
}

TlsSession::~TlsSession() { SSL_free(ssl_); }

void TlsSession::Receive(absl::string_view ciphertext) {
  // A memory BIO grows as needed, so the write takes everything.
  if (!ciphertext.empty()) BIO_write(SSL_get_rbio(ssl_), ciphertext.data(), ciphertext.size());
}

absl::Status TlsSession::Handshake() {
  if (established_) return absl::OkStatus();
  ERR_clear_error();
  const int rc = SSL_do_handshake(ssl_);
  if (rc == 1) {
    established_ = true;
    return absl::OkStatus();
  }
  const int error = SSL_get_error(ssl_, rc);
  if (error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE) return absl::OkStatus();
  failed_ = true;
  return HandshakeError(error);
}

absl::Status TlsSession::HandshakeError(int ssl_error) {
  if (client_) {
    const long verify = SSL_get_verify_result(ssl_);
    if (verify != X509_V_OK) {
      DrainOpenSslErrors();
      return absl::PermissionDeniedError(
          absl::StrCat("TLS certificate verification failed for '", tls_name_,
                       "': ", X509_verify_cert_error_string(verify)));
    }
  }
  std::vector<unsigned long> codes;
  std::string reason = DrainOpenSslErrors(&codes);
  for (unsigned long code : codes) {
    if (ERR_GET_REASON(code) == SSL_R_TLSV1_ALERT_NO_APPLICATION_PROTOCOL) {
      return absl::FailedPreconditionError(
          absl::StrCat("TLS peer does not speak ", kAlpnH2, " (ALPN refused): ", reason));
    }
  }
  if (reason.empty()) reason = absl::StrCat("SSL error ", ssl_error);
  return absl::UnavailableError(absl::StrCat("TLS handshake failed: ", reason));
}

absl::Status TlsSession::ReadPlaintext(std::string* out) {
  char buffer[16384];
  for (;;) {
    ERR_clear_error();
    const int n = SSL_read(ssl_, buffer, sizeof buffer);
    if (n > 0) {
      out->append(buffer, static_cast<size_t>(n));
      continue;
    }
    const int error = SSL_get_error(ssl_, n);
    if (error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE) return absl::OkStatus();
    if (error == SSL_ERROR_ZERO_RETURN) {
      peer_closed_ = true;
      return absl::OkStatus();
    }
    failed_ = true;
    return absl::DataLossError(absl::StrCat("TLS record error: ", DrainOpenSslErrors()));
  }
}

absl::Status TlsSession::WritePlaintext(absl::string_view data) {
  while (!data.empty()) {
    ERR_clear_error();
    const int chunk = static_cast<int>(std::min<size_t>(data.size(), 1 << 20));
    const int n = SSL_write(ssl_, data.data(), chunk);
    if (n <= 0) {
      failed_ = true;
      return absl::InternalError(absl::StrCat("TLS write: ", DrainOpenSslErrors()));
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return absl::OkStatus();
}

void TlsSession::Shutdown() {
  if (!established_ || failed_) return;
  ERR_clear_error();
  SSL_shutdown(ssl_);  // queues close_notify; we do not wait for the peer's
  DrainOpenSslErrors();
}

std::string TlsSession::TakeCiphertext() {
  BIO* out = SSL_get_wbio(ssl_);
  std::string bytes(static_cast<size_t>(BIO_pending(out)), '\0');
  if (!bytes.empty()) {
    const int n = BIO_read(out, bytes.data(), static_cast<int>(bytes.size()));
    bytes.resize(n > 0 ? static_cast<size_t>(n) : 0);
  }
  return bytes;
}

std::string TlsSession::alpn() const {
  const unsigned char* protocol = nullptr;
  unsigned int length = 0;
  SSL_get0_alpn_selected(ssl_, &protocol, &length);
  return protocol == nullptr ? "" : std::string(reinterpret_cast<const char*>(protocol), length);
}

}  // namespace rebound
