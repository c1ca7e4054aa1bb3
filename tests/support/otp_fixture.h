#pragma once

// Shared pieces for otp-service tests: a private Redis, a fake clock, a registry, and a
// dispatcher that records what would have been sent.

#include <memory>
#include <mutex>
#include <regex>
#include <string>
#include <vector>

#include "code_delivery.h"
#include "gtest/gtest.h"
#include "lindungi/clock/clock.h"
#include "otp_config.h"
#include "otp_issuer.h"
#include "otp_metrics.h"
#include "otp_store.h"
#include "phone_registry.h"
#include "support/redis_server.h"

namespace lindungi::testing {

inline constexpr char kPepper[] = "test-pepper-0123456789abcdef0123456789abcdef";
inline constexpr char kRegistered[] = "+6281234567890";
inline constexpr char kRegistered2[] = "+6281298765432";
inline constexpr char kUnregistered[] = "+6285711112222";

class RecordingDispatcher final : public otp::CodeDispatcher {
 public:
  struct Sent {
    std::string e164;
    std::string text;
  };
  void Dispatch(otp::CodeMessage message) override {
    std::lock_guard<std::mutex> lock(mu_);
    sent_.push_back({std::move(message.e164), std::move(message.text)});
  }
  std::vector<Sent> sent() {
    std::lock_guard<std::mutex> lock(mu_);
    return sent_;
  }
  // The code in the last message to `e164`, or "" if none.
  std::string LastCode(const std::string& e164) {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto it = sent_.rbegin(); it != sent_.rend(); ++it) {
      std::smatch m;
      if (it->e164 == e164 && std::regex_search(it->text, m, std::regex("\\b(\\d{6})\\b"))) {
        return m[1];
      }
    }
    return "";
  }

 private:
  std::mutex mu_;
  std::vector<Sent> sent_;
};

// A code that is not `code`.
inline std::string OtherCode(const std::string& code, int salt = 1) {
  std::string other = code;
  other[5] = static_cast<char>('0' + ((other[5] - '0' + salt) % 10));
  if (other == code) other[4] = static_cast<char>('0' + ((other[4] - '0' + 1) % 10));
  return other;
}

class OtpIssuerFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    auto redis = RedisServer::Start();
    ASSERT_TRUE(redis.ok()) << redis.status();
    redis_server_ = std::move(*redis);
    pool_ = std::make_unique<redis::RedisPool>(redis_server_->options());  // for inspection
    redis::RedisOptions lanes = redis_server_->options();
    lanes.pool_size = 2;
    pipeline_ = std::make_unique<redis::RedisPipeline>(lanes);
    store_ = std::make_unique<otp::OtpStore>(*pipeline_);
    auto registry =
        otp::AllowListRegistry::Parse(std::string(kRegistered) + "\n" + kRegistered2 + "\n");
    ASSERT_TRUE(registry.ok());
    registry_ = std::move(*registry);
    Rebuild();
  }

  // Recreates the issuer after a change to limits_.
  void Rebuild() {
    issuer_ = std::make_unique<otp::OtpIssuer>(kPepper, limits_, *store_, *registry_, dispatcher_,
                                               clock_, metrics_);
  }

  absl::StatusOr<otp::CodeIssued> Request(const std::string& phone,
                                          const std::string& requester = "wa:tester") {
    return issuer_->Request({phone, requester, "whatsapp"});
  }
  absl::StatusOr<otp::CheckResult> Verify(const std::string& phone, const std::string& code) {
    return issuer_->Verify({phone, code});
  }
  int64_t DbSize() {
    auto r = pool_->Command({"DBSIZE"});
    return r.ok() ? r->integer : -1;
  }

  std::unique_ptr<RedisServer> redis_server_;
  std::unique_ptr<redis::RedisPool> pool_;
  std::unique_ptr<redis::RedisPipeline> pipeline_;
  std::unique_ptr<otp::OtpStore> store_;
  std::unique_ptr<otp::AllowListRegistry> registry_;
  RecordingDispatcher dispatcher_;
  clock::FakeClock clock_;
  otp::OtpMetrics metrics_;
  otp::OtpLimits limits_;
  std::unique_ptr<otp::OtpIssuer> issuer_;
};

}  // namespace lindungi::testing
