#include "support/test_env.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <vector>

#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "lindungi/http/client.h"

namespace lindungi::testing {
namespace {

std::mutex g_mu;
std::vector<std::string>* g_dirs = nullptr;

void RemoveDirs() {
  std::lock_guard<std::mutex> lock(g_mu);
  if (g_dirs == nullptr || std::getenv("LINDUNGI_KEEP_TEST_DIRS") != nullptr) return;
  for (const auto& d : *g_dirs) {
    std::error_code ec;
    std::filesystem::remove_all(d, ec);
  }
}

}  // namespace

std::string BinDir() { return LINDUNGI_BIN_DIR; }
std::string SourceDir() { return LINDUNGI_SOURCE_DIR; }

std::string SharedDir() {
  if (const char* env = std::getenv("LINDUNGI_SHARED_DIR")) return env;
  const std::filesystem::path shared = std::filesystem::path(SourceDir()).parent_path() / "shared";
  return std::filesystem::is_directory(shared) ? shared.string() : "";
}

std::string MakeTempDir() {
  const char* base = std::getenv("TMPDIR");
  std::string tmpl = std::string(base ? base : "/tmp") + "/lindungi-test-XXXXXX";
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  if (mkdtemp(buf.data()) == nullptr) {
    ADD_FAILURE() << "mkdtemp failed";
    return "/tmp";
  }
  std::lock_guard<std::mutex> lock(g_mu);
  if (g_dirs == nullptr) {
    g_dirs = new std::vector<std::string>();
    std::atexit(RemoveDirs);
  }
  g_dirs->push_back(buf.data());
  return buf.data();
}

int FreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  socklen_t len = sizeof(addr);
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

void WriteFile(const std::string& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
  if (!out) ADD_FAILURE() << "cannot write " << path;
}

std::string ReadFileOrDie(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

absl::StatusOr<std::string> HttpGet(const std::string& url) {
  static http::HttpClient* client = new http::HttpClient(4);
  http::Request r;
  r.url = url;
  r.timeout = absl::Seconds(10);
  absl::StatusOr<http::Response> resp = client->Send(r);
  if (!resp.ok()) return resp.status();
  return resp->body;
}

absl::StatusOr<std::string> HttpPost(const std::string& url, const std::string& json) {
  static http::HttpClient* client = new http::HttpClient(4);
  http::Request r;
  r.method = "POST";
  r.url = url;
  r.body = json;
  r.headers = {{"Content-Type", "application/json"}};
  r.timeout = absl::Seconds(10);
  absl::StatusOr<http::Response> resp = client->Send(r);
  if (!resp.ok()) return resp.status();
  return resp->body;
}

bool Eventually(const std::function<bool()>& condition, absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  absl::Duration pause = absl::Milliseconds(1);
  while (absl::Now() < deadline) {
    if (condition()) return true;
    absl::SleepFor(pause);
    pause = std::min(pause * 2, absl::Milliseconds(50));
  }
  return condition();
}

}  // namespace lindungi::testing

namespace lindungi::testing {

double MetricValue(const std::string& exposition, const std::string& series) {
  const std::string needle = series + " ";
  size_t at = 0;
  while ((at = exposition.find(needle, at)) != std::string::npos) {
    if (at == 0 || exposition[at - 1] == '\n') {
      return std::strtod(exposition.c_str() + at + needle.size(), nullptr);
    }
    at += needle.size();
  }
  return 0;
}

std::string Scrape(int port) {
  auto body = HttpGet("http://127.0.0.1:" + std::to_string(port) + "/metrics");
  return body.ok() ? *body : "";
}

}  // namespace lindungi::testing
