#include "tls/tls_context.h"

#include <openssl/err.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "tls/openssl_error.h"

namespace rebound {
namespace {

// RFC 9113 9.2.2: over TLS 1.2, HTTP/2 needs ephemeral key exchange and an AEAD cipher; the
// others are on its block list and a peer may refuse the connection for them. (TLS 1.3 suites
// all qualify and are configured separately by OpenSSL.) DNS over TLS takes the same: they are
// what RFC 7525 4.2 recommends, which RFC 8310 8 asks of DoT.
constexpr char kTls12Ciphers[] = "ECDHE+AESGCM:ECDHE+CHACHA20";

// Settings both sides share. RFC 9113 9.2.1: no renegotiation, no compression.
absl::StatusOr<SslCtxPtr> NewContext(const SSL_METHOD* method) {
  ERR_clear_error();
  SslCtxPtr ctx(SSL_CTX_new(method));
  if (ctx == nullptr)
    return absl::InternalError(absl::StrCat("SSL_CTX_new: ", DrainOpenSslErrors()));
  if (SSL_CTX_set_min_proto_version(ctx.get(), TLS1_2_VERSION) != 1 ||
      SSL_CTX_set_cipher_list(ctx.get(), kTls12Ciphers) != 1) {
    return absl::InternalError(absl::StrCat("TLS settings: ", DrainOpenSslErrors()));
  }
  SSL_CTX_set_options(ctx.get(), SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_COMPRESSION);
  return ctx;
}

// Names the file and why it cannot be used: the system's reason when it cannot be read at all
// (OpenSSL's own message for that is vague), OpenSSL's otherwise.
absl::Status FileError(absl::string_view what, const std::string& path) {
  if (access(path.c_str(), R_OK) != 0) {
    const int err = errno;
    DrainOpenSslErrors();
    const std::string message = absl::StrCat(what, " ", path, ": ", std::strerror(err));
    return err == ENOENT ? absl::NotFoundError(message) : absl::PermissionDeniedError(message);
  }
  return absl::InvalidArgumentError(absl::StrCat(what, " ", path, ": ", DrainOpenSslErrors()));
}

// Server side of ALPN: pick the one protocol this server speaks (`arg`, a NUL-terminated name)
// from the client's list, or end the handshake with no_application_protocol (RFC 7301 3.2):
// there is nothing else it could speak.
int SelectProtocol(SSL*, const unsigned char** out, unsigned char* out_length,
                   const unsigned char* in, unsigned int in_length, void* arg) {
  const char* protocol = static_cast<const char*>(arg);
  const size_t protocol_length = std::strlen(protocol);
  for (unsigned int i = 0; i < in_length;) {
    const unsigned int length = in[i];
    if (i + 1 + length > in_length) break;  // malformed list
    if (length == protocol_length && std::memcmp(in + i + 1, protocol, length) == 0) {
      *out = in + i + 1;
      *out_length = static_cast<unsigned char>(length);
      return SSL_TLSEXT_ERR_OK;
    }
    i += 1 + length;
  }
  return SSL_TLSEXT_ERR_ALERT_FATAL;
}

}  // namespace

absl::StatusOr<std::unique_ptr<TlsClientContext>> TlsClientContext::Create(
    const std::string& ca_file, const char* alpn, bool add_system_store) {
  absl::StatusOr<SslCtxPtr> ctx = NewContext(TLS_client_method());
  if (!ctx.ok()) return ctx.status();
  if (ca_file.empty() || add_system_store) {
    if (SSL_CTX_set_default_verify_paths(ctx->get()) != 1) {
      return absl::InternalError(absl::StrCat("system CA store: ", DrainOpenSslErrors()));
    }
  }
  if (!ca_file.empty() &&
      SSL_CTX_load_verify_locations(ctx->get(), ca_file.c_str(), nullptr) != 1) {
    return FileError("CA file", ca_file);
  }
  // Never anything less: a DoH relay we cannot authenticate is no better than broken DNS.
  SSL_CTX_set_verify(ctx->get(), SSL_VERIFY_PEER, nullptr);
  // Unlike most OpenSSL calls this one returns 0 on success.
  // ALPN wire form: length-prefixed protocol names (RFC 7301 3.1).
  const std::string alpn_wire =
      absl::StrCat(std::string(1, static_cast<char>(std::strlen(alpn))), alpn);
  if (SSL_CTX_set_alpn_protos(ctx->get(), reinterpret_cast<const unsigned char*>(alpn_wire.data()),
                              alpn_wire.size()) != 0) {
    return absl::InternalError(absl::StrCat("ALPN: ", DrainOpenSslErrors()));
  }
  return std::unique_ptr<TlsClientContext>(new TlsClientContext(*std::move(ctx)));
}

absl::StatusOr<std::unique_ptr<TlsServerContext>> TlsServerContext::Create(
    const std::string& key_file, const std::string& pem_file, const char* alpn) {
  absl::StatusOr<SslCtxPtr> ctx = NewContext(TLS_server_method());
  if (!ctx.ok()) return ctx.status();
  SSL_CTX_set_options(ctx->get(), SSL_OP_CIPHER_SERVER_PREFERENCE);
  // Idle connections give their read and write buffers back: a server holds many of them.
  SSL_CTX_set_mode(ctx->get(), SSL_MODE_RELEASE_BUFFERS);
  if (SSL_CTX_use_PrivateKey_file(ctx->get(), key_file.c_str(), SSL_FILETYPE_PEM) != 1) {
    return FileError("TLS private key", key_file);
  }
  if (SSL_CTX_use_certificate_chain_file(ctx->get(), pem_file.c_str()) != 1) {
    return FileError("TLS certificate chain", pem_file);
  }
  if (SSL_CTX_check_private_key(ctx->get()) != 1) {
    DrainOpenSslErrors();  // "no private key assigned": OpenSSL dropped the mismatching key
    return absl::InvalidArgumentError(absl::StrCat(
        "TLS private key ", key_file, " does not match the certificate in ", pem_file));
  }
  SSL_CTX_set_alpn_select_cb(ctx->get(), SelectProtocol, const_cast<char*>(alpn));
  return std::unique_ptr<TlsServerContext>(new TlsServerContext(*std::move(ctx)));
}

}  // namespace rebound
