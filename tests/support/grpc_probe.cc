#include "support/grpc_probe.h"

#include "absl/strings/str_cat.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/support/byte_buffer.h"
#include "lindungi/status/status.h"

namespace lindungi::testing {
namespace {

bool Next(grpc::CompletionQueue& cq) {
  void* tag = nullptr;
  bool ok = false;
  return cq.Next(&tag, &ok) && ok;
}

// Decodes the length-delimited strings of field `field` at any depth we care about: the
// ListServiceResponse nests ServiceResponse{name=1} under field 6 of ServerReflectionResponse.
void CollectNames(const std::string& bytes, std::vector<std::string>* names, int depth) {
  size_t i = 0;
  while (i < bytes.size()) {
    uint64_t key = 0;
    int shift = 0;
    while (i < bytes.size()) {
      const uint8_t b = static_cast<uint8_t>(bytes[i++]);
      key |= static_cast<uint64_t>(b & 0x7f) << shift;
      shift += 7;
      if (!(b & 0x80)) break;
    }
    const int wire = key & 7;
    const int field = static_cast<int>(key >> 3);
    if (wire != 2) return;  // the messages we read only hold strings and sub-messages
    uint64_t len = 0;
    shift = 0;
    while (i < bytes.size()) {
      const uint8_t b = static_cast<uint8_t>(bytes[i++]);
      len |= static_cast<uint64_t>(b & 0x7f) << shift;
      shift += 7;
      if (!(b & 0x80)) break;
    }
    const std::string value = bytes.substr(i, len);
    i += len;
    if (depth == 0 && field == 6) CollectNames(value, names, 1);  // list_services_response
    if (depth == 1 && field == 1) CollectNames(value, names, 2);  // service
    if (depth == 2 && field == 1) names->push_back(value);        // name
  }
}

}  // namespace

std::shared_ptr<grpc::Channel> PlaintextChannel(int port) {
  return grpc::CreateChannel(absl::StrCat("127.0.0.1:", port), grpc::InsecureChannelCredentials());
}

absl::StatusOr<std::string> HealthCheck(int port, const std::string& service) {
  auto stub = grpc::health::v1::Health::NewStub(PlaintextChannel(port));
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  grpc::health::v1::HealthCheckRequest req;
  req.set_service(service);
  grpc::health::v1::HealthCheckResponse resp;
  grpc::Status s = stub->Check(&ctx, req, &resp);
  if (!s.ok()) return status::FromGrpc(s);
  return grpc::health::v1::HealthCheckResponse::ServingStatus_Name(resp.status());
}

absl::StatusOr<std::vector<std::string>> ReflectionServices(int port) {
  grpc::GenericStub stub(PlaintextChannel(port));
  grpc::CompletionQueue cq;
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  auto call =
      stub.PrepareCall(&ctx, "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo", &cq);
  call->StartCall(nullptr);
  Next(cq);
  // ServerReflectionRequest{list_services (7): "*"}
  const std::string request("\x3a\x01*", 3);
  grpc::Slice slice(request);
  grpc::ByteBuffer out(&slice, 1);
  call->Write(out, nullptr);
  Next(cq);
  call->WritesDone(nullptr);
  Next(cq);
  grpc::ByteBuffer in;
  call->Read(&in, nullptr);
  const bool got = Next(cq);
  grpc::Status status;
  call->Finish(&status, nullptr);
  Next(cq);
  cq.Shutdown();
  while (Next(cq)) {
  }
  if (!got)
    return status::FromGrpc(status.ok() ? grpc::Status(grpc::StatusCode::UNKNOWN, "no reply")
                                        : status);
  std::vector<grpc::Slice> slices;
  (void)in.Dump(&slices);
  std::string bytes;
  for (auto& s : slices) bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
  std::vector<std::string> names;
  CollectNames(bytes, &names, 0);
  return names;
}

}  // namespace lindungi::testing
