#include "lindungi/status/status.h"

#include "absl/strings/cord.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/any.pb.h"
#include "google/rpc/error_details.pb.h"

namespace lindungi::status {
namespace {

constexpr absl::string_view kTypePrefix = "type.googleapis.com/";

template <typename Message>
std::string TypeUrl() {
  return absl::StrCat(kTypePrefix, Message::descriptor()->full_name());
}

template <typename Message>
absl::Status WithPayload(absl::Status status, const Message& message) {
  status.SetPayload(TypeUrl<Message>(), absl::Cord(message.SerializeAsString()));
  return status;
}

template <typename Message>
std::optional<Message> PayloadOf(const absl::Status& status) {
  auto payload = status.GetPayload(TypeUrl<Message>());
  if (!payload) return std::nullopt;
  Message message;
  if (!message.ParseFromString(std::string(*payload))) return std::nullopt;
  return message;
}

}  // namespace

absl::Status WithRetryAfter(absl::Status status, absl::Duration delay) {
  google::rpc::RetryInfo info;
  const int64_t seconds = absl::ToInt64Seconds(delay);
  info.mutable_retry_delay()->set_seconds(seconds);
  info.mutable_retry_delay()->set_nanos(
      static_cast<int32_t>(absl::ToInt64Nanoseconds(delay - absl::Seconds(seconds))));
  return WithPayload(std::move(status), info);
}

absl::Status WithReason(
    absl::Status status, absl::string_view reason, absl::string_view domain,
    std::initializer_list<std::pair<absl::string_view, absl::string_view>> metadata) {
  google::rpc::ErrorInfo info;
  info.set_reason(std::string(reason));
  info.set_domain(std::string(domain));
  for (const auto& [key, value] : metadata) {
    (*info.mutable_metadata())[std::string(key)] = std::string(value);
  }
  return WithPayload(std::move(status), info);
}

absl::Status WithFieldViolation(absl::Status status, absl::string_view field,
                                absl::string_view description) {
  google::rpc::BadRequest bad =
      PayloadOf<google::rpc::BadRequest>(status).value_or(google::rpc::BadRequest());
  auto* violation = bad.add_field_violations();
  violation->set_field(std::string(field));
  violation->set_description(std::string(description));
  return WithPayload(std::move(status), bad);
}

std::optional<absl::Duration> RetryAfterOf(const absl::Status& status) {
  auto info = PayloadOf<google::rpc::RetryInfo>(status);
  if (!info) return std::nullopt;
  return absl::Seconds(info->retry_delay().seconds()) +
         absl::Nanoseconds(info->retry_delay().nanos());
}

std::optional<std::string> ReasonOf(const absl::Status& status) {
  auto info = PayloadOf<google::rpc::ErrorInfo>(status);
  if (!info) return std::nullopt;
  return info->reason();
}

std::optional<std::string> MetadataOf(const absl::Status& status, absl::string_view key) {
  auto info = PayloadOf<google::rpc::ErrorInfo>(status);
  if (!info) return std::nullopt;
  auto it = info->metadata().find(std::string(key));
  if (it == info->metadata().end()) return std::nullopt;
  return it->second;
}

std::optional<std::pair<std::string, std::string>> FieldViolationOf(const absl::Status& status) {
  auto bad = PayloadOf<google::rpc::BadRequest>(status);
  if (!bad || bad->field_violations().empty()) return std::nullopt;
  return std::make_pair(bad->field_violations(0).field(), bad->field_violations(0).description());
}

absl::Status InvalidField(absl::string_view field, absl::string_view description) {
  return WithFieldViolation(absl::InvalidArgumentError(absl::StrCat(field, ": ", description)),
                            field, description);
}

grpc::Status ToGrpc(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  google::rpc::Status rich;
  rich.set_code(static_cast<int32_t>(status.code()));
  rich.set_message(std::string(status.message()));
  status.ForEachPayload([&rich](absl::string_view type_url, const absl::Cord& payload) {
    if (!absl::StartsWith(type_url, kTypePrefix)) return;
    google::protobuf::Any* any = rich.add_details();
    any->set_type_url(std::string(type_url));
    any->set_value(std::string(payload));
  });
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()), std::string(status.message()),
                      rich.details().empty() ? std::string() : rich.SerializeAsString());
}

absl::Status FromGrpc(const grpc::Status& status) {
  if (status.ok()) return absl::OkStatus();
  absl::Status out(static_cast<absl::StatusCode>(status.error_code()), status.error_message());
  google::rpc::Status rich;
  if (!status.error_details().empty() && rich.ParseFromString(status.error_details())) {
    for (const google::protobuf::Any& any : rich.details()) {
      out.SetPayload(any.type_url(), absl::Cord(any.value()));
    }
  }
  return out;
}

}  // namespace lindungi::status
