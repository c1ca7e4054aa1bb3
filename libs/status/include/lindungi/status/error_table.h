#pragma once

// Domain errors with a stable name: a table of {enumerator, name, message} per error enum. The
// status is INVALID_ARGUMENT with the message (safe to show a user, never echoing the input) and
// carries the name as a payload at `payload_url`, so callers can recover the enumerator and
// metrics can label by name. Header-only: parsers use it without linking gRPC.

#include <cstddef>
#include <optional>

#include "absl/status/status.h"
#include "absl/strings/cord.h"
#include "absl/strings/string_view.h"

namespace lindungi::status {

template <typename E>
struct ErrorText {
  E error;
  absl::string_view name;     // payload value and metric label, snake_case
  absl::string_view message;  // shown to the user
};

template <typename E, size_t N>
class ErrorTable {
 public:
  constexpr ErrorTable(absl::string_view payload_url, const ErrorText<E> (&texts)[N])
      : payload_url_(payload_url), texts_(texts) {}

  absl::Status Make(E error) const {
    const ErrorText<E>& t = TextOf(error);
    absl::Status status = absl::InvalidArgumentError(t.message);
    status.SetPayload(payload_url_, absl::Cord(t.name));
    return status;
  }

  std::optional<E> Of(const absl::Status& status) const {
    if (status.ok()) return std::nullopt;
    const auto payload = status.GetPayload(payload_url_);
    if (!payload.has_value()) return std::nullopt;
    for (const ErrorText<E>& t : texts_) {
      if (*payload == t.name) return t.error;
    }
    return std::nullopt;
  }

  absl::string_view Name(E error) const { return TextOf(error).name; }

 private:
  const ErrorText<E>& TextOf(E error) const {
    for (const ErrorText<E>& t : texts_) {
      if (t.error == error) return t;
    }
    return texts_[0];  // unreachable while the table covers every enumerator
  }

  absl::string_view payload_url_;
  const ErrorText<E> (&texts_)[N];
};

}  // namespace lindungi::status
