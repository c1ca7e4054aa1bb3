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
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "closed_loop.h"
#include "grpcpp/create_channel.h"
#include "lindungi/config/command_line.h"
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

// One call's state, alive until its callback ran.
struct Call {
  grpc::ClientContext ctx;
  v1::RequestOtpRequest request;
  v1::RequestOtpResponse request_response;
  v1::VerifyOtpRequest verify;
  v1::VerifyOtpResponse verify_response;
};

}  // namespace

int main(int argc, char** argv) {
  lindungi::config::ParseCommandLineOrExit(
      argc, argv, "otp-bench",
      "Closed-loop gRPC load against lindungi-otp: ops/s and latency percentiles "
      "(bench/run-otp-bench runs it; docs/PERFORMANCE.md).");
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
  const uint64_t limit =
      verify ? phones.size() * absl::GetFlag(FLAGS_wrong_per_phone) : phones.size();
  lindungi::bench::ClosedLoop loop(limit, deadline);
  loop.Run(
      absl::GetFlag(FLAGS_concurrency), [&](uint64_t n, lindungi::bench::ClosedLoop::Done done) {
        auto* call = new Call();
        const std::string& phone = phones[n % phones.size()];
        auto* stub = stubs[n % stubs.size()].get();
        auto finished = [call, done](grpc::Status s) {
          delete call;
          done(s.error_code());
        };
        if (verify) {
          call->verify.set_phone(phone);
          call->verify.set_code(absl::StrFormat("%06d", (n / phones.size()) % 1000000));
          call->verify.set_requester("bench");
          stub->async()->VerifyOtp(&call->ctx, &call->verify, &call->verify_response, finished);
        } else {
          call->request.set_phone(phone);
          call->request.set_requester(absl::StrFormat("bench:%d", n % 1000));
          call->request.set_channel(lindungi::common::v1::CHANNEL_WHATSAPP);
          stub->async()->RequestOtp(&call->ctx, &call->request, &call->request_response, finished);
        }
      });
  loop.Report(verify ? "VerifyOtp" : "RequestOtp");
  return 0;
}
