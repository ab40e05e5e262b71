#include "resolver/control/control_tls.h"

#include <openssl/err.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "absl/strings/str_cat.h"
#include "tls/openssl_error.h"

namespace rebound {
namespace {

// RFC 7525 4.2's choices for TLS 1.2 (TLS 1.3's suites are all acceptable and set apart).
constexpr char kTls12Ciphers[] = "ECDHE+AESGCM:ECDHE+CHACHA20";

absl::StatusOr<ControlSslCtx> NewContext(const SSL_METHOD* method) {
  ERR_clear_error();
  ControlSslCtx ctx(SSL_CTX_new(method));
  if (ctx == nullptr) {
    return absl::InternalError(absl::StrCat("control TLS: ", DrainOpenSslErrors()));
  }
  // unbound's listen_sslctx_setup refuses SSLv2 to TLS 1.1 as well.
  if (SSL_CTX_set_min_proto_version(ctx.get(), TLS1_2_VERSION) != 1 ||
      SSL_CTX_set_cipher_list(ctx.get(), kTls12Ciphers) != 1) {
    return absl::InternalError(absl::StrCat("control TLS settings: ", DrainOpenSslErrors()));
  }
  SSL_CTX_set_options(ctx.get(), SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_COMPRESSION);
  // Blocking sockets: a read that meets a post-handshake message (a TLS 1.3 ticket) goes on
  // reading instead of returning SSL_ERROR_WANT_READ.
  SSL_CTX_set_mode(ctx.get(), SSL_MODE_AUTO_RETRY);
  return ctx;
}

// "server-key-file /etc/rebound/rebound_server.key: No such file or directory": the system's
// reason when the file cannot be read at all (OpenSSL's is vague there), OpenSSL's otherwise.
absl::Status FileError(absl::string_view option, const std::string& path) {
  if (access(path.c_str(), R_OK) != 0) {
    const int err = errno;
    DrainOpenSslErrors();
    return absl::FailedPreconditionError(absl::StrCat(option, " ", path, ": ", std::strerror(err)));
  }
  return absl::InvalidArgumentError(absl::StrCat(option, " ", path, ": ", DrainOpenSslErrors()));
}

// Presents `cert_file` (a PEM chain, leaf first) with the key in `key_file`, and trusts the
// certificates in `trusted_file` alone for the peer, which must present one.
absl::Status LoadIdentityAndTrust(SSL_CTX* ctx, absl::string_view cert_option,
                                  const std::string& cert_file, absl::string_view key_option,
                                  const std::string& key_file, absl::string_view trusted_option,
                                  const std::string& trusted_file) {
  if (SSL_CTX_use_certificate_chain_file(ctx, cert_file.c_str()) != 1) {
    return FileError(cert_option, cert_file);
  }
  if (SSL_CTX_use_PrivateKey_file(ctx, key_file.c_str(), SSL_FILETYPE_PEM) != 1) {
    return FileError(key_option, key_file);
  }
  if (SSL_CTX_check_private_key(ctx) != 1) {
    return absl::InvalidArgumentError(absl::StrCat(key_option, " ", key_file, " does not match ",
                                                   cert_option, " ", cert_file, ": ",
                                                   DrainOpenSslErrors()));
  }
  if (SSL_CTX_load_verify_locations(ctx, trusted_file.c_str(), nullptr) != 1) {
    return FileError(trusted_option, trusted_file);
  }
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
  return absl::OkStatus();
}

}  // namespace

bool ControlUsesTls(const RemoteControlConfig& config, absl::string_view interface) {
  return config.use_cert && !IsControlSocketPath(interface);
}

absl::StatusOr<ControlSslCtx> MakeControlServerContext(const RemoteControlConfig& config) {
  absl::StatusOr<ControlSslCtx> ctx = NewContext(TLS_server_method());
  if (!ctx.ok()) return ctx.status();
  // The server certificate is the CA of the control certificates (unbound-control-setup).
  if (absl::Status s = LoadIdentityAndTrust(ctx->get(), "server-cert-file", config.server_cert_file,
                                            "server-key-file", config.server_key_file,
                                            "server-cert-file", config.server_cert_file);
      !s.ok()) {
    return s;
  }
  // No session tickets: each rebound-control run is one connection, never resumed.
  SSL_CTX_set_num_tickets(ctx->get(), 0);
  // The CertificateRequest names that CA, so a client with several certificates picks its own.
  STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(config.server_cert_file.c_str());
  if (names != nullptr) SSL_CTX_set_client_CA_list(ctx->get(), names);
  DrainOpenSslErrors();
  return ctx;
}

absl::StatusOr<ControlSslCtx> MakeControlClientContext(const RemoteControlConfig& config) {
  absl::StatusOr<ControlSslCtx> ctx = NewContext(TLS_client_method());
  if (!ctx.ok()) return ctx.status();
  if (absl::Status s = LoadIdentityAndTrust(
          ctx->get(), "control-cert-file", config.control_cert_file, "control-key-file",
          config.control_key_file, "server-cert-file", config.server_cert_file);
      !s.ok()) {
    return s;
  }
  return ctx;
}

}  // namespace rebound
