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
//
//   loadgen --mode=reply --graph_port=18090 … (the same flags)
//
// measures the whole pipeline: loadgen also answers as the WhatsApp Cloud API on --graph_port
// (start the gateway with --graph_api_base_url=http://127.0.0.1:18090), every webhook comes from
// its own wa_id, and each reply's arrival is matched to its webhook: reply latency (webhook sent →
// reply received) p50/p99/p99.9, after waiting up to --drain for the last replies; exits 1 when a
// reply is missing or came twice.
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

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/flags/flag.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"
#include "absl/synchronization/mutex.h"
#include "lindungi/config/command_line.h"
#include "lindungi/config/config.h"
#include "lindungi/httpserver/server.h"
#include "lindungi/whatsapp/webhook.h"

ABSL_FLAG(std::string, mode, "ingest",
          "What to load: ingest (signed webhooks, new message ids) or reply (the same, and the "
          "replies received as the Cloud API on --graph_port)");
ABSL_FLAG(int, graph_port, 18090, "--mode=reply: the port loadgen answers the Cloud API on");
ABSL_FLAG(absl::Duration, drain, absl::Seconds(10),
          "--mode=reply: how long to wait for the last replies after the load stops");
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

// The latency at percentile `p` of sorted microseconds, in milliseconds.
double Percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  return sorted[std::min(sorted.size() - 1, static_cast<size_t>(p * sorted.size()))] / 1000.0;
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

// The Cloud API's side in --mode=reply: answers /messages like the Graph API and matches each
// reply to the webhook it answers by its recipient (one wa_id per webhook).
class Replies {
 public:
  // Called as webhook `n` is sent: `from` is the time its latency counts from, `measured` false
  // during the warm-up (its reply is awaited but not counted).
  void Expect(uint64_t n, Clock::time_point from, bool measured) {
    absl::MutexLock lock(&mu_);
    expected_[n] = {from, measured};
  }

  void Handle(lindungi::httpserver::Request&& request, lindungi::httpserver::Respond respond) {
    lindungi::httpserver::Response answer;
    answer.content_type = "application/json";
    // The recipient is 62812 followed by the webhook's number in 8 digits.
    constexpr absl::string_view kTo = R"("to":"62812)";
    absl::string_view body = request.body;
    const size_t to = body.find(kTo);
    const absl::string_view digits =
        to == absl::string_view::npos ? absl::string_view() : body.substr(to + kTo.size(), 8);
    uint64_t n = 0;
    if (!absl::SimpleAtoi(digits, &n)) {
      answer.body = R"({"success":true})";  // a mark-as-read
      respond(std::move(answer));
      return;
    }
    Arrived(n);
    answer.body = absl::StrCat(R"({"messaging_product":"whatsapp","contacts":[{"input":"62812)",
                               digits, R"(","wa_id":"62812)", digits,
                               R"("}],"messages":[{"id":"wamid.R)", n, R"("}]})");
    respond(std::move(answer));
  }

  // Waits until every expected reply came, or `deadline`; then prints the report. 0 when every
  // reply came exactly once.
  int Report(Clock::time_point deadline) {
    absl::MutexLock lock(&mu_);
    auto all_in = [this]() ABSL_SHARED_LOCKS_REQUIRED(mu_) { return expected_.empty(); };
    mu_.AwaitWithDeadline(absl::Condition(&all_in),
                          absl::Now() + absl::FromChrono(deadline - Clock::now()));
    std::sort(micros_.begin(), micros_.end());
    std::printf("reply\t%zu replies\tp50 %.3f ms\tp99 %.3f ms\tp99.9 %.3f ms\n", micros_.size(),
                Percentile(micros_, 0.5), Percentile(micros_, 0.99), Percentile(micros_, 0.999));
    if (!expected_.empty()) std::printf("  missing replies: %zu\n", expected_.size());
    if (twice_ > 0) std::printf("  replies sent twice: %ld\n", static_cast<long>(twice_));
    return expected_.empty() && twice_ == 0 ? 0 : 1;
  }

 private:
  void Arrived(uint64_t n) {
    const Clock::time_point now = Clock::now();
    absl::MutexLock lock(&mu_);
    auto it = expected_.find(n);
    if (it == expected_.end()) {
      if (answered_.contains(n)) ++twice_;
      return;
    }
    if (it->second.measured) {
      micros_.push_back(std::chrono::duration<double, std::micro>(now - it->second.from).count());
    }
    expected_.erase(it);
    answered_.insert(n);
  }

  absl::Mutex mu_;
  struct Sent {
    Clock::time_point from;
    bool measured;
  };
  absl::flat_hash_map<uint64_t, Sent> expected_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_set<uint64_t> answered_ ABSL_GUARDED_BY(mu_);
  std::vector<double> micros_ ABSL_GUARDED_BY(mu_);
  int64_t twice_ ABSL_GUARDED_BY(mu_) = 0;
};

class Load {
 public:
  Load(Target target, std::string secret, int connections, double rate, absl::Duration warmup,
       absl::Duration duration, Replies* replies)
      : replies_(replies),
        target_(std::move(target)),
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
      if (load->replies_ != nullptr) load->replies_->Expect(n, from, from >= load->measure_from_);
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
    auto pct = [&](double p) { return Percentile(micros_, p); };
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
  Replies* const replies_;  // --mode=reply, else null
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
  const std::string mode = absl::GetFlag(FLAGS_mode);
  if (mode != "ingest" && mode != "reply") {
    std::fprintf(stderr, "loadgen: --mode must be ingest or reply\n");
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
  Replies replies;
  std::unique_ptr<lindungi::httpserver::Server> graph;
  if (mode == "reply") {
    lindungi::httpserver::Options options;
    options.bind = "127.0.0.1";
    options.port = absl::GetFlag(FLAGS_graph_port);
    options.threads = 1;
    auto server = lindungi::httpserver::Server::Start(
        options,
        [&replies](lindungi::httpserver::Request&& request, lindungi::httpserver::Respond respond) {
          replies.Handle(std::move(request), std::move(respond));
        });
    if (!server.ok()) {
      std::fprintf(stderr, "loadgen: cannot serve the Cloud API on --graph_port: %s\n",
                   std::string(server.status().message()).c_str());
      return 2;
    }
    graph = *std::move(server);
  }
  Load load(target, *secret, connections, absl::GetFlag(FLAGS_rate), absl::GetFlag(FLAGS_warmup),
            absl::GetFlag(FLAGS_duration), mode == "reply" ? &replies : nullptr);
  const int ingest = load.Run();
  if (mode != "reply") return ingest;
  const int reply =
      replies.Report(Clock::now() + absl::ToChronoNanoseconds(absl::GetFlag(FLAGS_drain)));
  return ingest != 0 ? ingest : reply;
}
