// The remote-control: listener: a thread of its own that takes one rebound-control connection
// at a time and runs its command (control_commands.h), so no command ever runs on a worker's
// loop or waits behind one. IP interfaces speak TLS with client certificates when
// control-use-cert is yes (control_tls.h); socket files are plain.
#ifndef REBOUND_RESOLVER_CONTROL_CONTROL_SERVER_H_
#define REBOUND_RESOLVER_CONTROL_CONTROL_SERVER_H_

#include <sys/socket.h>
#include <sys/types.h>

#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "resolver/config/remote_control_clause.h"
#include "resolver/control/control_commands.h"
#include "resolver/control/control_stream.h"
#include "resolver/control/control_target.h"
#include "resolver/control/control_tls.h"

namespace rebound {

class ControlServer {
 public:
  // Binds every interface of `config`: a socket file is made for `owner` (uid, gid; root when
  // unset) with mode 0600, in a directory made if missing, so that only root and that user can
  // connect; an IP interface listens on control-port. A socket file left by a previous run is
  // replaced, one that another process answers on is an error. With TLS, the key and the
  // certificates are read here: a file missing or unusable is an error that names it. Call as
  // root, before the privilege drop.
  static absl::StatusOr<std::unique_ptr<ControlServer>> Bind(
      const RemoteControlConfig& config, std::optional<std::pair<uid_t, gid_t>> owner,
      ControlTarget* target);
  ~ControlServer();  // stops the thread, closes the sockets and removes the socket files
  ControlServer(const ControlServer&) = delete;
  ControlServer& operator=(const ControlServer&) = delete;

  void Start();

 private:
  ControlServer(ControlTarget* target) : commands_(target) {}
  void Serve();
  // Accepts on `listener` and serves the connection.
  void ServeOne(int listener, bool tls);
  // The connection from the TLS handshake to the drain before closing.
  void Converse(ControlStream& stream, bool tls, const sockaddr_storage& peer);
  void HandleConnection(ControlStream& stream);

  ControlCommands commands_;
  std::vector<int> listeners_;
  std::vector<bool> listener_tls_;  // per listener: TLS with client certificates
  ControlSslCtx tls_context_;       // null when no listener uses TLS
  std::vector<std::string> socket_files_;
  int stop_fd_ = -1;  // an eventfd: written to stop the thread
  // The connection being served (-1: none), so that the stop can cut it short: shutdown(2)
  // wakes a read or write blocked on it, which would otherwise hold the stop back for up to
  // the transfer timeout (a client that stops reading a dump). The lock also keeps the
  // descriptor from being closed, and its number reused, while the stop shuts it down.
  absl::Mutex client_mu_;
  int client_fd_ ABSL_GUARDED_BY(client_mu_) = -1;
  bool stopping_ ABSL_GUARDED_BY(client_mu_) = false;
  bool Idle() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(client_mu_) { return client_fd_ < 0; }
  std::thread thread_;
};

}  // namespace rebound

#endif  // REBOUND_RESOLVER_CONTROL_CONTROL_SERVER_H_
