// A program run by a test (openssl, curl, unbound): started in the background or run to
// completion, its stdout and stderr in a log file so a failing test can show what it said.
#ifndef REBOUND_TESTS_COMMON_CHILD_PROCESS_H_
#define REBOUND_TESTS_COMMON_CHILD_PROCESS_H_

#include <sys/types.h>

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace rebound::testing {

// OK when `program` is found through $PATH; NotFound naming it otherwise.
absl::Status CheckInPath(const std::string& program);

class ChildProcess {
 public:
  // fork + execvp of argv (argv[0] looked up in $PATH), stdin from /dev/null, stdout and stderr
  // to log_path (truncated). The child is killed if the test process dies first. Fails (with
  // the reason) when the program cannot be executed.
  static absl::StatusOr<ChildProcess> Start(const std::vector<std::string>& argv,
                                            const std::string& log_path);
  // Start, then wait; OK only for exit status 0, otherwise the error carries the log.
  static absl::Status Run(const std::vector<std::string>& argv, const std::string& log_path);

  ChildProcess(ChildProcess&& other) noexcept;
  ChildProcess& operator=(ChildProcess&& other) noexcept;
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  ~ChildProcess();  // Stop()

  // False once the child has exited (reaps it without blocking).
  bool Running();
  // Blocks until the child exits; its exit code, or 128 + signal number.
  int Wait();
  // SIGTERM, up to `grace` to exit, then SIGKILL. Idempotent.
  void Stop(absl::Duration grace = absl::Seconds(3));
  // The exit code once the child has exited (see Wait).
  int exit_code() const { return exit_code_; }
  std::string Log() const;

 private:
  ChildProcess(pid_t pid, std::string command, std::string log_path)
      : pid_(pid), command_(std::move(command)), log_path_(std::move(log_path)) {}
  void Reaped(int wait_status);

  pid_t pid_ = -1;  // -1: moved from or reaped
  int exit_code_ = -1;
  std::string command_;
  std::string log_path_;
};

}  // namespace rebound::testing

#endif  // REBOUND_TESTS_COMMON_CHILD_PROCESS_H_
