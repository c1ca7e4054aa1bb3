#include "otp_grpc.h"

#include "absl/strings/ascii.h"
#include "lindungi/server/rpc.h"

namespace lindungi::otp {
namespace {

std::string ChannelLabel(lindungi::common::v1::Channel channel) {
  switch (channel) {
    case lindungi::common::v1::CHANNEL_WHATSAPP:
      return "whatsapp";
    case lindungi::common::v1::CHANNEL_CALL_CENTER:
      return "call_center";
    case lindungi::common::v1::CHANNEL_EMAIL:
      return "email";
    case lindungi::common::v1::CHANNEL_OPERATOR:
      return "operator";
    default:
      return "unspecified";
  }
}

v1::VerifyOutcome ToProto(VerifyVerdict verdict) {
  switch (verdict) {
    case VerifyVerdict::kVerified:
      return v1::VERIFY_OUTCOME_VERIFIED;
    case VerifyVerdict::kWrongCode:
      return v1::VERIFY_OUTCOME_WRONG_CODE;
    case VerifyVerdict::kExpired:
      return v1::VERIFY_OUTCOME_EXPIRED;
    case VerifyVerdict::kLocked:
      return v1::VERIFY_OUTCOME_LOCKED;
    case VerifyVerdict::kNoActiveCode:
      return v1::VERIFY_OUTCOME_NO_ACTIVE_CODE;
  }
  return v1::VERIFY_OUTCOME_UNSPECIFIED;
}

}  // namespace

grpc::ServerUnaryReactor* OtpGrpcService::RequestOtp(grpc::CallbackServerContext* ctx,
                                                     const v1::RequestOtpRequest* request,
                                                     v1::RequestOtpResponse* response) {
  return server::RunBlocking(ctx, workers_, [this, request, response]() -> absl::Status {
    absl::StatusOr<CodeIssued> issued =
        issuer_.Request({request->phone(), request->requester(), ChannelLabel(request->channel())});
    if (!issued.ok()) return issued.status();
    response->set_masked_phone(issued->masked_phone);
    response->set_expires_in_seconds(
        static_cast<int32_t>(absl::ToInt64Seconds(issued->expires_in)));
    response->set_resend_after_seconds(static_cast<int32_t>(
        absl::ToInt64Seconds(absl::Ceil(issued->resend_after, absl::Seconds(1)))));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* OtpGrpcService::VerifyOtp(grpc::CallbackServerContext* ctx,
                                                    const v1::VerifyOtpRequest* request,
                                                    v1::VerifyOtpResponse* response) {
  // One pipelined Redis call and no blocking: verification skips the worker pool.
  return server::RunAsync(ctx, [this, request, response](server::Done done) {
    issuer_.VerifyAsync({request->phone(), request->code()},
                        [response, done](absl::StatusOr<CheckResult> result) {
                          if (!result.ok()) return done(result.status());
                          response->set_outcome(ToProto(result->verdict));
                          response->set_attempts_left(result->attempts_left);
                          if (result->verdict == VerifyVerdict::kVerified) {
                            response->set_phone_e164(result->e164);
                          }
                          done(absl::OkStatus());
                        });
  });
}

}  // namespace lindungi::otp
