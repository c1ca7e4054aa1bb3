// grpc.health.v1 Check and Watch through a real in-process server on 127.0.0.1:0.
#include "lindungi/server/health_service.h"

#include "grpcpp/create_channel.h"
#include "grpcpp/server_builder.h"
#include "gtest/gtest.h"

namespace lindungi::server {
namespace {

using grpc::health::v1::HealthCheckRequest;
using grpc::health::v1::HealthCheckResponse;

class HealthServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    grpc::ServerBuilder b;
    b.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port_);
    b.RegisterService(&service_);
    server_ = b.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    stub_ = grpc::health::v1::Health::NewStub(grpc::CreateChannel(
        "127.0.0.1:" + std::to_string(port_), grpc::InsecureChannelCredentials()));
  }
  void TearDown() override { server_->Shutdown(std::chrono::system_clock::now()); }

  grpc::StatusCode Check(const std::string& name, HealthCheckResponse* resp) {
    grpc::ClientContext ctx;
    HealthCheckRequest req;
    req.set_service(name);
    return stub_->Check(&ctx, req, resp).error_code();
  }

  HealthStatusTable table_;
  HealthService service_{table_};
  int port_ = 0;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<grpc::health::v1::Health::Stub> stub_;
};

TEST_F(HealthServiceTest, CheckAnswersKnownNamesAndNotFoundOtherwise) {
  table_.Set("", true);
  table_.Set("svc", false);
  HealthCheckResponse resp;
  ASSERT_EQ(Check("", &resp), grpc::StatusCode::OK);
  EXPECT_EQ(resp.status(), HealthCheckResponse::SERVING);
  ASSERT_EQ(Check("svc", &resp), grpc::StatusCode::OK);
  EXPECT_EQ(resp.status(), HealthCheckResponse::NOT_SERVING);
  EXPECT_EQ(Check("other", &resp), grpc::StatusCode::NOT_FOUND);
}

TEST_F(HealthServiceTest, WatchStreamsChangesAndEndsAtShutdown) {
  table_.Set("svc", true);
  grpc::ClientContext ctx;
  HealthCheckRequest req;
  req.set_service("svc");
  auto reader = stub_->Watch(&ctx, req);
  HealthCheckResponse resp;
  ASSERT_TRUE(reader->Read(&resp));
  EXPECT_EQ(resp.status(), HealthCheckResponse::SERVING);
  table_.Set("svc", false);
  ASSERT_TRUE(reader->Read(&resp));
  EXPECT_EQ(resp.status(), HealthCheckResponse::NOT_SERVING);
  table_.Set("svc", true);
  ASSERT_TRUE(reader->Read(&resp));
  EXPECT_EQ(resp.status(), HealthCheckResponse::SERVING);
  table_.Shutdown();
  ASSERT_TRUE(reader->Read(&resp));
  EXPECT_EQ(resp.status(), HealthCheckResponse::NOT_SERVING);
  EXPECT_FALSE(reader->Read(&resp));
  EXPECT_TRUE(reader->Finish().ok());
  table_.Set("svc", true);  // ignored after shutdown
  ASSERT_EQ(Check("svc", &resp), grpc::StatusCode::OK);
  EXPECT_EQ(resp.status(), HealthCheckResponse::NOT_SERVING);
}

TEST_F(HealthServiceTest, WatchOfAnUnknownNameSaysSoAndWaits) {
  grpc::ClientContext ctx;
  HealthCheckRequest req;
  req.set_service("later");
  auto reader = stub_->Watch(&ctx, req);
  HealthCheckResponse resp;
  ASSERT_TRUE(reader->Read(&resp));
  EXPECT_EQ(resp.status(), HealthCheckResponse::SERVICE_UNKNOWN);
  table_.Set("later", true);
  ASSERT_TRUE(reader->Read(&resp));
  EXPECT_EQ(resp.status(), HealthCheckResponse::SERVING);
  ctx.TryCancel();
}

}  // namespace
}  // namespace lindungi::server
