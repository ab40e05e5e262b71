// OpenSSL contexts (SSL_CTX) for the HTTPS client and server and the DNS over TLS listener: the
// settings every connection of one kind shares. An SSL_CTX may be used by several threads at once
// once it is configured, so one context can serve every worker loop.
#ifndef REBOUND_TLS_TLS_CONTEXT_H_
#define REBOUND_TLS_TLS_CONTEXT_H_

#include <openssl/ssl.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"

namespace rebound {

struct SslCtxFree {
  void operator()(SSL_CTX* ctx) const { SSL_CTX_free(ctx); }
};
using SslCtxPtr = std::unique_ptr<SSL_CTX, SslCtxFree>;

// The application protocols: HTTP/2 over TLS (RFC 9113 3.2), which the HTTPS client and server
// speak, and DNS over TLS ("dot" in IANA's ALPN registry, RFC 7858), which the DoT listener
// serves.
inline constexpr char kAlpnH2[] = "h2";
inline constexpr char kAlpnDot[] = "dot";

class TlsClientContext {
 public:
  // Trust anchors from `ca_file` (PEM), or the system CA store when it is empty, and the system
  // store as well with `add_system_store`. TLS 1.2 at least, ALPN `alpn` (kAlpnH2 or kAlpnDot),
  // and the peer's certificate is always verified (SSL_VERIFY_PEER); the name to check is set per
  // connection (TlsSession::Client).
  static absl::StatusOr<std::unique_ptr<TlsClientContext>> Create(const std::string& ca_file,
                                                                  const char* alpn = kAlpnH2,
                                                                  bool add_system_store = false);

  SSL_CTX* get() const { return ctx_.get(); }

 private:
  explicit TlsClientContext(SslCtxPtr ctx) : ctx_(std::move(ctx)) {}
  SslCtxPtr ctx_;
};

class TlsServerContext {
 public:
  // PEM private key and certificate chain (leaf first), as unbound's tls-service-key and
  // tls-service-pem. Errors name the file and give OpenSSL's reason. ALPN: `alpn` (kAlpnH2 or
  // kAlpnDot: it must outlive the context) is selected; a client that offers only other
  // protocols fails the handshake (RFC 7301 3.2); one that offers none goes on without.
  static absl::StatusOr<std::unique_ptr<TlsServerContext>> Create(const std::string& key_file,
                                                                  const std::string& pem_file,
                                                                  const char* alpn = kAlpnH2);

  SSL_CTX* get() const { return ctx_.get(); }

 private:
  explicit TlsServerContext(SslCtxPtr ctx) : ctx_(std::move(ctx)) {}
  SslCtxPtr ctx_;
};

}  // namespace rebound

#endif  // REBOUND_TLS_TLS_CONTEXT_H_
