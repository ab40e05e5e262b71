// TLS over a libuv TCP connection: libuv moves the bytes, a TlsSession (memory BIOs) encrypts
// and decrypts them, and a Delegate hears about the handshake, the plaintext and the end.
//
// Lifetime: the owner may destroy the TlsStream at any time, also from inside a Delegate call;
// the socket then closes on its own (after a best-effort close_notify) and the Delegate hears
// nothing more. The uv handle lives apart from the TlsStream until libuv has closed it.
#ifndef REBOUND_TLS_TLS_STREAM_H_
#define REBOUND_TLS_TLS_STREAM_H_

#include <uv.h>

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "resolver/core/endpoint.h"
#include "tls/tls_session.h"

namespace rebound {

class TlsStream {
 public:
  class Delegate {
   public:
    virtual ~Delegate() = default;
    // The handshake is complete (the certificate verified, on the client); alpn() is known.
    virtual void OnTlsEstablished() = 0;
    virtual void OnTlsData(absl::string_view plaintext) = 0;
    // The connection is gone: a failed connect or handshake (see TlsSession::Handshake for the
    // codes), the peer closing (Unavailable), an I/O or record error. Called at most once, from
    // the loop, never from inside a call of the owner's; nothing is called after it.
    virtual void OnTlsClosed(const absl::Status& why) = 0;
  };

  // Starts connecting to `server`; the handshake follows. Fails only if the socket cannot even
  // be set up; refusals and the like arrive through OnTlsClosed.
  static absl::StatusOr<std::unique_ptr<TlsStream>> Connect(uv_loop_t* loop, const Endpoint& server,
                                                            std::unique_ptr<TlsSession> session,
                                                            Delegate* delegate);
  // Accepts the next pending connection of a listening TCP handle; the peer's ClientHello
  // starts the handshake.
  static absl::StatusOr<std::unique_ptr<TlsStream>> Accept(uv_stream_t* listener,
                                                           std::unique_ptr<TlsSession> session,
                                                           Delegate* delegate);

  TlsStream(const TlsStream&) = delete;
  TlsStream& operator=(const TlsStream&) = delete;
  ~TlsStream();

  // Encrypts and sends (queued in libuv if the kernel is busy). Ignored once closed; a write
  // error closes the stream and is reported through OnTlsClosed.
  void Write(absl::string_view plaintext);

  // Stops taking bytes from the socket (true) or takes them again (false): the owner's back
  // pressure, e.g. while a client has too many queries in flight. Independent of the stream's
  // own pause while its write queue is full; reading resumes only when neither holds it.
  void PauseReading(bool pause);

  bool established() const { return tls_->established(); }
  std::string alpn() const { return tls_->alpn(); }
  const Endpoint& peer() const { return peer_; }

 private:
  struct Socket;
  TlsStream(std::unique_ptr<TlsSession> session, Delegate* delegate, const Endpoint& peer)
      : tls_(std::move(session)), delegate_(delegate), peer_(peer) {}

  void OnConnected(int status);
  void StartReading();
  // Starts or stops reading as the two pauses say.
  void UpdateReading();
  void OnRead(const char* data, size_t size);
  void OnWritten();
  void SendCiphertext();
  void Fail(absl::Status why);
  void CloseSocket();
  void OnSocketClosed();

  std::unique_ptr<TlsSession> tls_;
  Delegate* delegate_;
  Endpoint peer_;
  Socket* socket_ = nullptr;   // null once libuv has closed it
  bool closing_ = false;       // uv_close has been called
  bool reading_ = false;       // uv_read_start is in effect
  bool read_paused_ = false;   // by back pressure: the peer is not taking our writes
  bool owner_paused_ = false;  // by PauseReading
  absl::Status close_reason_;
};

}  // namespace rebound

#endif  // REBOUND_TLS_TLS_STREAM_H_
