// One control connection's byte stream, plain (a socket file, or control-use-cert: no) or TLS
// (control_tls.h), on a blocking socket: the daemon's control thread serves one connection at
// a time and rebound-control has nothing else to do, so neither needs an event loop. The
// socket's SO_RCVTIMEO/SO_SNDTIMEO bound every call, the TLS handshake included.
#ifndef REBOUND_RESOLVER_CONTROL_CONTROL_STREAM_H_
#define REBOUND_RESOLVER_CONTROL_CONTROL_STREAM_H_

#include <openssl/ssl.h>
#include <sys/types.h>

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace rebound {

class ControlStream {
 public:
  // A plain stream over the connected socket `fd`, which it owns.
  explicit ControlStream(int fd) : fd_(fd) {}
  ControlStream(const ControlStream&) = delete;
  ControlStream& operator=(const ControlStream&) = delete;
  ~ControlStream();  // closes at once; Close() for an orderly end

  // Sets how long one read or one write may wait, the TLS handshake's included.
  void SetTimeouts(int seconds);
  // Turns the stream into TLS: the daemon's handshake, which succeeds only for a client whose
  // certificate verifies (the error says why one did not), or the client's, which succeeds
  // only for a server whose certificate does. After an error the stream is only to be dropped.
  absl::Status AcceptTls(SSL_CTX* ctx);
  absl::Status ConnectTls(SSL_CTX* ctx);
  // Bytes read into `buffer` (> 0), 0 when the peer has finished writing (a FIN, or TLS
  // close_notify), -1 on an error or a timeout (error() says which).
  ssize_t Read(char* buffer, size_t size);
  bool WriteAll(absl::string_view data);
  // Ends this side's writing (shutdown(2), or close_notify); reading goes on.
  void FinishWriting();
  // The daemon's end of a connection once its output is written: finishes writing, then reads
  // and drops what the client still sends until it closes (at most `linger_seconds`). Closing
  // with unread bytes in the socket makes the kernel send a reset, which can destroy output
  // the client has not read yet (RFC 9293 3.6.1; a TLS client's close_notify is such a byte).
  void Close(int linger_seconds) {
    Drain(linger_seconds);
    CloseNow();
  }
  // Close's two halves: finishing and draining, then closing the descriptor at once.
  void Drain(int linger_seconds);
  void CloseNow();
  bool tls() const { return ssl_ != nullptr; }
  const std::string& error() const { return error_; }

 private:
  absl::Status Handshake(SSL_CTX* ctx, bool server);

  int fd_ = -1;
  SSL* ssl_ = nullptr;
  bool finished_writing_ = false;
  std::string error_;
};

}  // namespace rebound

#endif  // REBOUND_RESOLVER_CONTROL_CONTROL_STREAM_H_
