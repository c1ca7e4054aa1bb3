#include "support/child_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "nlohmann/json.hpp"
#include "support/test_env.h"

namespace lindungi::testing {

absl::StatusOr<std::unique_ptr<ChildProcess>> ChildProcess::Spawn(
    const std::vector<std::string>& argv, const std::string& log_path) {
  int out[2];
  if (pipe2(out, O_CLOEXEC) != 0) return absl::InternalError("pipe failed");
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const pid_t pid = fork();
  if (pid < 0) return absl::InternalError("fork failed");
  if (pid == 0) {
    dup2(out[1], STDOUT_FILENO);
    dup2(out[1], STDERR_FILENO);
    // The test runner may block signals; the child starts with a clean mask.
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    setpgid(0, 0);
    execv(args[0], args.data());
    const std::string msg = absl::StrCat("exec ", argv[0], " failed: ", std::strerror(errno), "\n");
    (void)!write(STDERR_FILENO, msg.data(), msg.size());
    _exit(127);
  }
  close(out[1]);
  auto child = std::unique_ptr<ChildProcess>(new ChildProcess());
  child->pid_ = pid;
  child->log_path_ = log_path;
  child->readers_.emplace_back([c = child.get(), fd = out[0]] { c->ReadLoop(fd); });
  return child;
}

ChildProcess::~ChildProcess() {
  if (Running()) {
    kill(pid_, SIGKILL);
    Wait(absl::Seconds(10));
  }
  for (auto& t : readers_) t.join();
}

void ChildProcess::ReadLoop(int fd) {
  std::ofstream log;
  if (!log_path_.empty()) log.open(log_path_, std::ios::app);
  std::string partial;
  char buf[4096];
  for (;;) {
    const ssize_t n = read(fd, buf, sizeof(buf));
    if (n <= 0) break;
    partial.append(buf, static_cast<size_t>(n));
    size_t nl;
    while ((nl = partial.find('\n')) != std::string::npos) {
      std::string line = partial.substr(0, nl);
      partial.erase(0, nl + 1);
      if (log.is_open()) log << line << '\n' << std::flush;
      std::lock_guard<std::mutex> lock(mu_);
      lines_.push_back(std::move(line));
      changed_.notify_all();
    }
  }
  close(fd);
  std::lock_guard<std::mutex> lock(mu_);
  if (!partial.empty()) lines_.push_back(partial);
  output_closed_ = true;
  changed_.notify_all();
}

std::optional<std::string> ChildProcess::WaitForLine(
    const std::function<bool(const std::string&)>& match, absl::Duration timeout) {
  std::unique_lock<std::mutex> lock(mu_);
  size_t seen = 0;
  const auto deadline = std::chrono::steady_clock::now() + absl::ToChronoNanoseconds(timeout);
  for (;;) {
    for (; seen < lines_.size(); ++seen) {
      if (match(lines_[seen])) return lines_[seen];
    }
    if (changed_.wait_until(lock, deadline) == std::cv_status::timeout) {
      for (; seen < lines_.size(); ++seen) {
        if (match(lines_[seen])) return lines_[seen];
      }
      return std::nullopt;
    }
  }
}

std::string ChildProcess::Output() {
  std::lock_guard<std::mutex> lock(mu_);
  return absl::StrJoin(lines_, "\n");
}

std::vector<std::string> ChildProcess::Lines() {
  std::lock_guard<std::mutex> lock(mu_);
  return lines_;
}

void ChildProcess::Signal(int sig) {
  if (Running()) kill(pid_, sig);
}

bool ChildProcess::Running() {
  if (exit_code_.has_value()) return false;
  int status = 0;
  const pid_t r = waitpid(pid_, &status, WNOHANG);
  if (r == pid_) {
    exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return false;
  }
  return r == 0;
}

std::optional<int> ChildProcess::Wait(absl::Duration timeout) {
  const bool done = Eventually([this] { return !Running(); }, timeout);
  if (!done) return std::nullopt;
  // The exit can be seen before the reader has drained the pipe.
  std::unique_lock<std::mutex> lock(mu_);
  changed_.wait_for(lock, std::chrono::seconds(2), [this] { return output_closed_; });
  return exit_code_;
}

absl::StatusOr<ServiceProcess> StartService(const std::string& binary,
                                            const std::vector<std::string>& flags,
                                            const std::string& log_path) {
  std::vector<std::string> argv = {BinDir() + "/" + binary, "--grpc_port=0", "--health_port=0",
                                   "--metrics_port=0", "--bind_host=127.0.0.1"};
  argv.insert(argv.end(), flags.begin(), flags.end());
  absl::StatusOr<std::unique_ptr<ChildProcess>> child = ChildProcess::Spawn(argv, log_path);
  if (!child.ok()) return child.status();
  ServiceProcess service;
  service.process = std::move(*child);
  std::optional<std::string> line = service.process->WaitForLine(
      [](const std::string& l) { return l.find("\"msg\":\"listening\"") != std::string::npos; });
  if (!line) {
    return absl::UnavailableError(
        absl::StrCat(binary, " did not start; output:\n", service.process->Output()));
  }
  const auto json = nlohmann::json::parse(*line);
  service.grpc_port = json.at("grpc_port").get<int>();
  service.health_port = json.at("health_port").get<int>();
  service.metrics_port = json.at("metrics_port").get<int>();
  return service;
}

}  // namespace lindungi::testing
