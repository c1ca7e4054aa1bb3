// identity-bench: FindByPhone latency over gRPC against a loaded lindungi-identity.
//
//   identity-bench --target=127.0.0.1:50020 --citizens=citizens.csv --concurrency=1 --duration=20s
//
// Looks up the registry's own numbers (read from the citizens.csv that was imported), in a
// random order, so every call finds one to six people on an index of millions.
#include <algorithm>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/synchronization/mutex.h"
#include "closed_loop.h"
#include "grpcpp/create_channel.h"
#include "lindungi/config/command_line.h"
#include "lindungi/csv/csv_reader.h"
#include "lindungi/identity/v1/identity.grpc.pb.h"

ABSL_FLAG(std::string, target, "127.0.0.1:50020", "lindungi-identity gRPC address");
ABSL_FLAG(std::string, citizens, "", "The citizens.csv that was imported");
ABSL_FLAG(int, concurrency, 1, "Calls in flight");
ABSL_FLAG(absl::Duration, duration, absl::Seconds(20), "How long to run");
ABSL_FLAG(int, sample, 1000000, "Numbers sampled from the file");

namespace v1 = lindungi::identity::v1;

int main(int argc, char** argv) {
  lindungi::config::ParseCommandLineOrExit(
      argc, argv, "identity-bench",
      "FindByPhone latency over gRPC against a loaded lindungi-identity (bench/run-identity-bench "
      "runs it; docs/PERFORMANCE.md).");
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);  // as the services do
  auto reader = lindungi::csv::CsvReader::Open(absl::GetFlag(FLAGS_citizens));
  if (!reader.ok()) {
    std::fprintf(stderr, "identity-bench: %s\n", std::string(reader.status().message()).c_str());
    return 2;
  }
  std::vector<std::string> phones;
  lindungi::csv::CsvRecord r;
  (*reader)->Next(&r);
  while ((*reader)->Next(&r) && static_cast<int>(phones.size()) < absl::GetFlag(FLAGS_sample)) {
    if (r.fields.size() == 5) phones.push_back(r.fields[4]);
  }
  std::shuffle(phones.begin(), phones.end(), std::mt19937(7));
  auto stub = v1::IdentityService::NewStub(
      grpc::CreateChannel(absl::GetFlag(FLAGS_target), grpc::InsecureChannelCredentials()));

  // Warm-up, so the first calls' connection set-up does not count.
  for (int i = 0; i < 200 && i < static_cast<int>(phones.size()); ++i) {
    grpc::ClientContext ctx;
    v1::FindByPhoneRequest req;
    req.set_phone(phones[i]);
    v1::FindByPhoneResponse resp;
    (void)stub->FindByPhone(&ctx, req, &resp);
  }
  struct Call {
    grpc::ClientContext ctx;
    v1::FindByPhoneRequest request;
    v1::FindByPhoneResponse response;
  };
  lindungi::bench::ClosedLoop loop(UINT64_MAX, absl::Now() + absl::GetFlag(FLAGS_duration));
  loop.Run(absl::GetFlag(FLAGS_concurrency),
           [&](uint64_t n, lindungi::bench::ClosedLoop::Done done) {
             auto* call = new Call();
             call->request.set_phone(phones[n % phones.size()]);
             stub->async()->FindByPhone(
                 &call->ctx, &call->request, &call->response, [call, done](grpc::Status s) {
                   const int code = s.ok() && call->response.citizens_size() == 0
                                        ? -1  // a registry number must find people
                                        : s.error_code();
                   delete call;
                   done(code);
                 });
           });
  char label[64];
  std::snprintf(label, sizeof(label), "FindByPhone c=%d", absl::GetFlag(FLAGS_concurrency));
  loop.Report(label);
  return 0;
}
