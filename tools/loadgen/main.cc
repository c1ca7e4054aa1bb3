// loadgen: load for the gateway's webhook, as Meta would send it.
//
//   loadgen --mode=ingest --target=http://127.0.0.1:8080/webhooks/whatsapp \
//     --app_secret_file=secret --connections=64 --duration=10s [--rate=20000]
//
// Every request is a signed text-message webhook (X-Hub-Signature-256) with its own message id,
// so each one is new to the gateway's dedupe. Without --rate the connections send as fast as the
// answers come (closed loop, like wrk); with --rate requests are scheduled at that total rate and
// latency is measured from each request's scheduled time, so a stalled server cannot hide its
// queueing (no coordinated omission). Prints webhooks/s, latency p50/p99/p99.9 and the answers'
// status codes; exits 1 when any answer was not 200.
#include <algorithm>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cstdio>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"
#include "lindungi/config/command_line.h"
#include "lindungi/config/config.h"
#include "lindungi/whatsapp/webhook.h"

ABSL_FLAG(std::string, mode, "ingest", "What to load: ingest (signed webhooks, new message ids)");
ABSL_FLAG(std::string, target, "http://127.0.0.1:8080/webhooks/whatsapp",
          "The webhook URL (http://host:port/path)");
ABSL_FLAG(std::string, app_secret_file, "", "Required. File with the app secret to sign with");
ABSL_FLAG(int, connections, 64, "Keep-alive connections, each with one request in flight");
ABSL_FLAG(double, rate, 0, "Webhooks per second in total; 0 = closed loop, as fast as answered");
ABSL_FLAG(absl::Duration, duration, absl::Seconds(10), "How long to measure");
ABSL_FLAG(absl::Duration, warmup, absl::Seconds(2), "Load before measuring (not counted)");

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using Clock = std::chrono::steady_clock;

struct Target {
  std::string host;
  std::string port;
  std::string path;
};

bool ParseTarget(std::string url, Target* t) {
  absl::string_view rest = url;
  if (!absl::ConsumePrefix(&rest, "http://")) return false;
  const size_t slash = rest.find('/');
  absl::string_view authority = rest.substr(0, slash);
  t->path = slash == absl::string_view::npos ? "/" : std::string(rest.substr(slash));
  const size_t colon = authority.rfind(':');
  t->host = std::string(authority.substr(0, colon));
  t->port = colon == absl::string_view::npos ? "80" : std::string(authority.substr(colon + 1));
  return !t->host.empty();
}

// A webhook like Meta's text message, with message number `n` in its id.
std::string Body(uint64_t run, uint64_t n) {
  return absl::StrFormat(
      R"({"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"value":)"
      R"({"messaging_product":"whatsapp","metadata":{"display_phone_number":"6281110500567",)"
      R"("phone_number_id":"106540352242922"},"contacts":[{"profile":{"name":"Load Gen"},)"
      R"("wa_id":"62812%08d"}],"messages":[{"from":"62812%08d","id":"wamid.LOADGEN%016x%016x",)"
      R"("timestamp":"1700000000","type":"text","text":{"body":"menu"}}]},"field":"messages"}]}]})",
      n % 100000000, n % 100000000, run, n);
}

class Load {
 public:
  Load(Target target, std::string secret, int connections, double rate, absl::Duration warmup,
       absl::Duration duration)
      : target_(std::move(target)),
        secret_(std::move(secret)),
        connections_(connections),
        rate_(rate),
        run_(std::random_device{}() | (uint64_t{std::random_device{}()} << 32)) {
    start_ = Clock::now();
    measure_from_ = start_ + absl::ToChronoNanoseconds(warmup);
    end_ = measure_from_ + absl::ToChronoNanoseconds(duration);
  }

  int Run() {
    asio::ip::tcp::resolver resolver(io_);
    auto endpoints = resolver.resolve(target_.host, target_.port);
    for (int i = 0; i < connections_; ++i) {
      auto c = std::make_shared<Connection>(this, i);
      asio::async_connect(
          c->stream.socket(), endpoints, [c](beast::error_code ec, const asio::ip::tcp::endpoint&) {
            if (ec) {
              std::fprintf(stderr, "loadgen: cannot connect: %s\n", ec.message().c_str());
              return;
            }
            c->stream.socket().set_option(asio::ip::tcp::no_delay(true));
            c->Next();
          });
    }
    io_.run();
    return Report();
  }

 private:
  struct Connection : std::enable_shared_from_this<Connection> {
    Connection(Load* load, int index)
        : load(load), index(index), stream(load->io_), timer(load->io_) {}
    void Next() {
      const uint64_t n = load->sent_++;
      Clock::time_point due = Clock::now();
      if (load->rate_ > 0) {
        due = load->start_ + std::chrono::nanoseconds(static_cast<int64_t>(n * 1e9 / load->rate_));
      }
      if (due >= load->end_) return;  // this connection is done
      timer.expires_at(due);
      timer.async_wait(
          [self = shared_from_this(), n, due](beast::error_code) { self->Send(n, due); });
    }
    void Send(uint64_t n, Clock::time_point due) {
      const std::string body = Body(load->run_, n);
      request = {};
      request.method(http::verb::post);
      request.target(load->target_.path);
      request.version(11);
      request.set(http::field::host, load->target_.host);
      request.set(http::field::content_type, "application/json");
      request.set("X-Hub-Signature-256", lindungi::whatsapp::Sign(load->secret_, body));
      request.body() = body;
      request.prepare_payload();
      // Closed loop: latency from the send; open loop: from the scheduled time.
      const Clock::time_point from = load->rate_ > 0 ? due : Clock::now();
      http::async_write(stream, request,
                        [self = shared_from_this(), from](beast::error_code ec, size_t) {
                          if (ec) return self->load->Failed(ec);
                          self->response = {};
                          http::async_read(self->stream, self->buffer, self->response,
                                           [self, from](beast::error_code ec, size_t) {
                                             if (ec) return self->load->Failed(ec);
                                             self->load->Record(from, self->response.result_int());
                                             self->Next();
                                           });
                        });
    }
    Load* load;
    int index;
    beast::tcp_stream stream;
    asio::steady_timer timer;
    beast::flat_buffer buffer;
    http::request<http::string_body> request;
    http::response<http::string_body> response;
  };

  void Record(Clock::time_point from, unsigned status) {
    const Clock::time_point now = Clock::now();
    if (from < measure_from_ || now > end_) return;
    micros_.push_back(std::chrono::duration<double, std::micro>(now - from).count());
    ++codes_[status];
  }

  void Failed(const beast::error_code& ec) {
    ++errors_;
    if (errors_ == 1) std::fprintf(stderr, "loadgen: %s\n", ec.message().c_str());
  }

  int Report() {
    std::sort(micros_.begin(), micros_.end());
    auto pct = [&](double p) {
      return micros_.empty()
                 ? 0.0
                 : micros_[std::min(micros_.size() - 1, static_cast<size_t>(p * micros_.size()))] /
                       1000.0;
    };
    const double seconds = std::chrono::duration<double>(end_ - measure_from_).count();
    std::printf(
        "%s\t%d connections\t%s\t%zu webhooks\t%.0f webhooks/s\tp50 %.3f ms\tp99 %.3f ms\t"
        "p99.9 %.3f ms\n",
        "ingest", connections_,
        rate_ > 0 ? absl::StrCat("rate ", rate_, "/s").c_str() : "closed loop", micros_.size(),
        micros_.size() / seconds, pct(0.5), pct(0.99), pct(0.999));
    int bad = errors_;
    for (const auto& [code, count] : codes_) {
      std::printf("  HTTP %u: %ld\n", code, static_cast<long>(count));
      if (code != 200) bad += static_cast<int>(count);
    }
    if (errors_ > 0) std::printf("  connection errors: %d\n", errors_);
    return bad == 0 ? 0 : 1;
  }

  asio::io_context io_;
  const Target target_;
  const std::string secret_;
  const int connections_;
  const double rate_;
  const uint64_t run_;
  Clock::time_point start_, measure_from_, end_;
  uint64_t sent_ = 0;
  std::vector<double> micros_;
  std::map<unsigned, int64_t> codes_;
  int errors_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
  lindungi::config::ParseCommandLineOrExit(
      argc, argv, "loadgen",
      "Load for the gateway's WhatsApp webhook: signed webhooks with new message ids, closed loop "
      "or at --rate; prints webhooks/s and latency percentiles (docs/PERFORMANCE.md).");
  if (absl::GetFlag(FLAGS_mode) != "ingest") {
    std::fprintf(stderr, "loadgen: --mode must be ingest (the only mode so far)\n");
    return 2;
  }
  Target target;
  if (!ParseTarget(absl::GetFlag(FLAGS_target), &target)) {
    std::fprintf(stderr, "loadgen: --target must look like http://host:port/path\n");
    return 2;
  }
  absl::StatusOr<std::string> secret =
      lindungi::config::ReadSecretFile(absl::GetFlag(FLAGS_app_secret_file), "--app_secret_file");
  if (!secret.ok()) {
    std::fprintf(stderr, "loadgen: %s\n", std::string(secret.status().message()).c_str());
    return 2;
  }
  const int connections = absl::GetFlag(FLAGS_connections);
  if (connections < 1 || connections > 10000 || absl::GetFlag(FLAGS_rate) < 0) {
    std::fprintf(stderr, "loadgen: --connections must be 1..10000 and --rate >= 0\n");
    return 2;
  }
  Load load(target, *secret, connections, absl::GetFlag(FLAGS_rate), absl::GetFlag(FLAGS_warmup),
            absl::GetFlag(FLAGS_duration));
  return load.Run();
}
