#pragma once

// A child process for tests: argv exec'd directly (no shell), stdout and stderr captured line by
// line (and copied to <log_path> for post-mortems), signals, exit status. Killed on destruction.

#include <sys/types.h>

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace lindungi::testing {

class ChildProcess {
 public:
  static absl::StatusOr<std::unique_ptr<ChildProcess>> Spawn(const std::vector<std::string>& argv,
                                                             const std::string& log_path = "");
  ~ChildProcess();

  pid_t pid() const { return pid_; }
  // Waits for an output line (stdout or stderr) for which `match` is true.
  std::optional<std::string> WaitForLine(const std::function<bool(const std::string&)>& match,
                                         absl::Duration timeout = absl::Seconds(20));
  // Everything printed so far.
  std::string Output();
  std::vector<std::string> Lines();
  void Signal(int sig);
  // Waits for exit; returns the exit code (128+signal if killed) or nullopt on timeout. Once it
  // returns a code, Output() holds everything the process printed (unless a process it started
  // still holds the output open, which is given at most 2 more seconds).
  std::optional<int> Wait(absl::Duration timeout = absl::Seconds(30));
  bool Running();

 private:
  ChildProcess() = default;
  void ReadLoop(int fd);

  pid_t pid_ = -1;
  std::optional<int> exit_code_;
  std::mutex mu_;
  std::condition_variable changed_;
  std::vector<std::string> lines_;
  bool output_closed_ = false;  // the reader saw end of file
  std::string log_path_;
  std::vector<std::thread> readers_;
};

// A Lindungi service binary started with --grpc_port=0 --health_port=0 --metrics_port=0 and the
// given flags; the bound ports come from its "listening" log line.
struct ServiceProcess {
  std::unique_ptr<ChildProcess> process;
  int grpc_port = 0;
  int health_port = 0;
  int metrics_port = 0;
  std::string grpc_address() const { return "127.0.0.1:" + std::to_string(grpc_port); }
};

absl::StatusOr<ServiceProcess> StartService(const std::string& binary,
                                            const std::vector<std::string>& flags,
                                            const std::string& log_path = "");

}  // namespace lindungi::testing
