#include "ack_handler.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace lindungi::gateway {

std::string BusyText(int retry_minutes) {
  return absl::StrCat("Mohon maaf, layanan sedang ramai. Silakan coba lagi dalam ",
                      std::max(retry_minutes, 1), " menit.");
}

absl::StatusOr<Answer> AcknowledgeHandler::Handle(const Turn& turn) {
  Answer answer;
  answer.flow = turn.busy ? "busy" : "ack";
  whatsapp::TextMessage text;
  text.body = turn.busy ? BusyText(turn.retry_minutes) : kAcknowledgementText;
  answer.replies.emplace_back(std::move(text));
  return answer;
}

}  // namespace lindungi::gateway
