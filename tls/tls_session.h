// One TLS connection as a state machine without I/O: ciphertext from the peer goes in through
// Receive(), ciphertext for the peer comes out of TakeCiphertext(), both through OpenSSL memory
// BIOs, so the caller (TlsStream) is free to move bytes with libuv.
#ifndef REBOUND_TLS_TLS_SESSION_H_
#define REBOUND_TLS_TLS_SESSION_H_

#include <openssl/ssl.h>

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "tls/tls_context.h"

namespace rebound {

class TlsSession {
 public:
  // The client end, checking the server's certificate against `tls_name`: a host name is sent
  // as SNI and must match a DNS name of the certificate (RFC 6125); an IP literal (v4, v6, or
  // v6 in brackets) must match an IP address SAN and is not sent as SNI (RFC 6066 3).
  static absl::StatusOr<std::unique_ptr<TlsSession>> Client(const TlsClientContext& context,
                                                            const std::string& tls_name);
  static absl::StatusOr<std::unique_ptr<TlsSession>> Server(const TlsServerContext& context);

  TlsSession(const TlsSession&) = delete;
  TlsSession& operator=(const TlsSession&) = delete;
  ~TlsSession();

  // Bytes that arrived from the peer.
  void Receive(absl::string_view ciphertext);

  // Advances the handshake as far as the bytes received allow (the client's first call makes
  // its ClientHello). OK while it is in progress; established() says when it is done. Errors:
  // PermissionDenied for a certificate that fails verification (OpenSSL's reason and the name
  // expected), FailedPrecondition when the peer refused every protocol we offered in ALPN,
  // Unavailable for anything else.
  absl::Status Handshake();
  bool established() const { return established_; }

  // Appends the application data decrypted from what was received so far.
  absl::Status ReadPlaintext(std::string* out);
  // True once the peer has sent close_notify.
  bool peer_closed() const { return peer_closed_; }

  absl::Status WritePlaintext(absl::string_view data);
  // Queues close_notify (only after the handshake; before it there is nothing to close).
  void Shutdown();

  // What must be sent to the peer now (handshake messages, records, alerts); "" when nothing.
  std::string TakeCiphertext();

  // The protocol ALPN settled on, "" when none.
  std::string alpn() const;

 private:
  TlsSession(SSL* ssl, bool client, std::string tls_name)
      : ssl_(ssl), client_(client), tls_name_(std::move(tls_name)) {}
  static absl::StatusOr<SSL*> NewSsl(SSL_CTX* ctx);
  absl::Status HandshakeError(int ssl_error);

  SSL* ssl_;
  bool client_;
  std::string tls_name_;  // client: the name the certificate must carry
  bool established_ = false;
  bool peer_closed_ = false;
  bool failed_ = false;  // a fatal error happened: no close_notify any more
};

}  // namespace rebound

#endif  // REBOUND_TLS_TLS_SESSION_H_
