// otp-bench: closed-loop gRPC load against lindungi-otp. Keeps --concurrency calls in flight
// (callback API, no thread per call) and reports ops/s and latency percentiles.
//
//   otp-bench --target=127.0.0.1:50010 --phones_file=phones.txt --mode=request
//   otp-bench --target=... --phones_file=phones.txt --mode=verify --duration=20s
//   otp-bench --print_verify_script=verify.lua   (the service's Lua, for redis-benchmark)
//
// request: one RequestOtp per number in the file (each number once: the resend cooldown would
// refuse a second). verify: VerifyOtp with wrong codes, cycling over the numbers, at most
// --wrong_per_phone tries per number so no code dies (start the service with a high
// --otp_max_attempts). Both paths do the whole work of a real call: parse, HMAC, one Lua script.
#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "grpcpp/create_channel.h"
#include "lindungi/otp/v1/otp.grpc.pb.h"
#include "otp_store.h"

ABSL_FLAG(std::string, target, "127.0.0.1:50010", "lindungi-otp gRPC address");
ABSL_FLAG(std::string, phones_file, "", "Registered numbers, one per line");
ABSL_FLAG(std::string, mode, "verify", "request or verify");
ABSL_FLAG(int, concurrency, 64, "Calls in flight");
ABSL_FLAG(int, channels, 2, "gRPC channels (connections) to spread the calls over");
ABSL_FLAG(absl::Duration, duration, absl::Seconds(20), "verify: how long to run");
ABSL_FLAG(int, wrong_per_phone, 15, "verify: wrong codes per number at most");
ABSL_FLAG(std::string, print_verify_script, "", "Write the verify Lua script here and exit");

namespace {

namespace v1 = lindungi::otp::v1;

struct Stats {
  std::mutex mu;
  std::vector<uint32_t> micros;
  std::map<int, int64_t> codes;
};

class Load {
 public:
  Load(std::vector<std::unique_ptr<v1::OtpService::Stub>> stubs, std::vector<std::string> phones,
       bool verify, absl::Time deadline, int wrong_per_phone)
      : stubs_(std::move(stubs)),
        phones_(std::move(phones)),
        verify_(verify),
        deadline_(deadline),
        limit_(verify ? phones_.size() * wrong_per_phone : phones_.size()) {}

  void Run(int concurrency) {
    start_ = absl::Now();
    for (int i = 0; i < concurrency; ++i) Next();
    std::unique_lock<std::mutex> lock(done_mu_);
    done_cv_.wait(lock, [this] { return in_flight_.load() == 0 && stopped_; });
    elapsed_ = absl::Now() - start_;
  }

  void Report(const char* what) {
    std::lock_guard<std::mutex> lock(stats_.mu);
    auto& m = stats_.micros;
    std::sort(m.begin(), m.end());
    auto pct = [&](double p) -> double {
      if (m.empty()) return 0;
      return m[std::min(m.size() - 1, static_cast<size_t>(p * m.size()))] / 1000.0;
    };
    const double secs = absl::ToDoubleSeconds(elapsed_);
    std::printf("%s\t%zu calls\t%.0f ops/s\tp50 %.3f ms\tp99 %.3f ms\tp99.9 %.3f ms\n", what,
                m.size(), m.size() / secs, pct(0.50), pct(0.99), pct(0.999));
    for (auto& [code, n] : stats_.codes) {
      if (code != 0) std::printf("  status %d: %ld calls\n", code, static_cast<long>(n));
    }
  }

 private:
  struct Call {
    grpc::ClientContext ctx;
    v1::RequestOtpRequest request;
    v1::RequestOtpResponse request_response;
    v1::VerifyOtpRequest verify;
    v1::VerifyOtpResponse verify_response;
    absl::Time started;
  };

  void Next() {
    const uint64_t n = issued_.fetch_add(1);
    if (n >= limit_ || absl::Now() >= deadline_) {
      std::lock_guard<std::mutex> lock(done_mu_);
      stopped_ = true;
      done_cv_.notify_all();
      return;
    }
    in_flight_.fetch_add(1);
    auto* call = new Call();
    const std::string& phone = phones_[n % phones_.size()];
    auto* stub = stubs_[n % stubs_.size()].get();
    call->started = absl::Now();
    auto done = [this, call](grpc::Status s) { Finished(call, s); };
    if (verify_) {
      call->verify.set_phone(phone);
      call->verify.set_code(absl::StrFormat("%06d", (n / phones_.size()) % 1000000));
      call->verify.set_requester("bench");
      stub->async()->VerifyOtp(&call->ctx, &call->verify, &call->verify_response, done);
    } else {
      call->request.set_phone(phone);
      call->request.set_requester(absl::StrFormat("bench:%d", n % 1000));
      call->request.set_channel(lindungi::common::v1::CHANNEL_WHATSAPP);
      stub->async()->RequestOtp(&call->ctx, &call->request, &call->request_response, done);
    }
  }

  void Finished(Call* call, const grpc::Status& s) {
    const auto us = static_cast<uint32_t>(absl::ToInt64Microseconds(absl::Now() - call->started));
    {
      std::lock_guard<std::mutex> lock(stats_.mu);
      stats_.micros.push_back(us);
      ++stats_.codes[s.error_code()];
    }
    delete call;
    Next();
    if (in_flight_.fetch_sub(1) == 1) {
      std::lock_guard<std::mutex> lock(done_mu_);
      done_cv_.notify_all();
    }
  }

  std::vector<std::unique_ptr<v1::OtpService::Stub>> stubs_;
  const std::vector<std::string> phones_;
  const bool verify_;
  const absl::Time deadline_;
  const uint64_t limit_;
  std::atomic<uint64_t> issued_{0};
  std::atomic<int> in_flight_{0};
  std::mutex done_mu_;
  std::condition_variable done_cv_;
  bool stopped_ = false;
  absl::Time start_;
  absl::Duration elapsed_;
  Stats stats_;
};

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);  // as the services do
  if (const std::string out = absl::GetFlag(FLAGS_print_verify_script); !out.empty()) {
    std::ofstream(out) << lindungi::otp::OtpStore::VerifyScript().source();
    std::printf("%s\n", lindungi::otp::OtpStore::VerifyScript().sha1().c_str());
    return 0;
  }
  std::vector<std::string> phones;
  std::ifstream in(absl::GetFlag(FLAGS_phones_file));
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line[0] != '#') phones.push_back(line);
  }
  if (phones.empty()) {
    std::fprintf(stderr, "otp-bench: --phones_file has no numbers\n");
    return 2;
  }
  std::vector<std::unique_ptr<v1::OtpService::Stub>> stubs;
  for (int i = 0; i < absl::GetFlag(FLAGS_channels); ++i) {
    grpc::ChannelArguments args;
    args.SetInt("lindungi.bench.channel", i);  // distinct args: distinct connections
    stubs.push_back(v1::OtpService::NewStub(grpc::CreateCustomChannel(
        absl::GetFlag(FLAGS_target), grpc::InsecureChannelCredentials(), args)));
  }
  const bool verify = absl::GetFlag(FLAGS_mode) == "verify";
  const absl::Time deadline =
      verify ? absl::Now() + absl::GetFlag(FLAGS_duration) : absl::InfiniteFuture();
  Load load(std::move(stubs), std::move(phones), verify, deadline,
            absl::GetFlag(FLAGS_wrong_per_phone));
  load.Run(absl::GetFlag(FLAGS_concurrency));
  load.Report(verify ? "VerifyOtp" : "RequestOtp");
  return 0;
}
