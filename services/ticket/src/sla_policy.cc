#include "sla_policy.h"

#include <fstream>
#include <sstream>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "google/protobuf/descriptor.h"

namespace lindungi::ticket {
namespace {

// "TICKET_CATEGORY_CERTIFICATE_MISSING" -> "certificate_missing".
std::string ShortName(const google::protobuf::EnumDescriptor* type, int value,
                      absl::string_view prefix) {
  const google::protobuf::EnumValueDescriptor* v = type->FindValueByNumber(value);
  if (v == nullptr) return "unknown";
  return absl::AsciiStrToLower(absl::StripPrefix(v->name(), prefix));
}

// The enum value named `name` ("normal"), or 0 for "*"; -1 when unknown.
int ValueOf(const google::protobuf::EnumDescriptor* type, absl::string_view prefix,
            absl::string_view name) {
  if (name == "*") return 0;
  const google::protobuf::EnumValueDescriptor* v =
      type->FindValueByName(absl::StrCat(prefix, absl::AsciiStrToUpper(name)));
  if (v == nullptr || v->number() == 0) return -1;
  return v->number();
}

constexpr absl::string_view kCategoryPrefix = "TICKET_CATEGORY_";
constexpr absl::string_view kPriorityPrefix = "TICKET_PRIORITY_";

absl::StatusOr<absl::Duration> ParseDue(absl::string_view text) {
  int64_t days = 0;
  absl::Duration d;
  if (absl::ConsumeSuffix(&text, "d") && absl::SimpleAtoi(text, &days)) {
    d = absl::Hours(24 * days);
  } else if (!absl::ParseDuration(text, &d)) {
    return absl::InvalidArgumentError("not a duration (e.g. 90m, 4h, 3d)");
  }
  if (d <= absl::ZeroDuration() || d > absl::Hours(24 * 365)) {
    return absl::InvalidArgumentError("must be more than 0 and at most 365d");
  }
  return d;
}

}  // namespace

SlaPolicy SlaPolicy::Defaults() {
  SlaPolicy p;
  p.due_[{0, v1::TICKET_PRIORITY_URGENT}] = absl::Hours(4);
  p.due_[{0, v1::TICKET_PRIORITY_HIGH}] = absl::Hours(24);
  p.due_[{0, v1::TICKET_PRIORITY_NORMAL}] = absl::Hours(72);
  p.due_[{0, v1::TICKET_PRIORITY_LOW}] = absl::Hours(120);
  p.due_[{0, 0}] = absl::Hours(72);
  p.default_priority_[v1::TICKET_CATEGORY_OTP_PROBLEM] = v1::TICKET_PRIORITY_HIGH;
  p.default_priority_[v1::TICKET_CATEGORY_PHONE_CHANGE] = v1::TICKET_PRIORITY_HIGH;
  p.default_priority_[v1::TICKET_CATEGORY_OTHER] = v1::TICKET_PRIORITY_LOW;
  return p;
}

absl::StatusOr<SlaPolicy> SlaPolicy::Parse(absl::string_view text) {
  SlaPolicy p = Defaults();
  const auto* categories = v1::TicketCategory_descriptor();
  const auto* priorities = v1::TicketPriority_descriptor();
  int line_number = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++line_number;
    line = absl::StripAsciiWhitespace(line.substr(0, line.find('#')));
    if (line.empty()) continue;
    std::vector<absl::string_view> words = absl::StrSplit(line, ' ', absl::SkipWhitespace());
    auto bad = [&](absl::string_view why) {
      return absl::InvalidArgumentError(absl::StrCat("SLA rules, line ", line_number, ": ", why));
    };
    if (words.size() != 3) {
      return bad(
          "expected <category|*> <priority|*> <due in> or default_priority <category> "
          "<priority>");
    }
    if (words[0] == "default_priority") {
      const int category = ValueOf(categories, kCategoryPrefix, words[1]);
      const int priority = ValueOf(priorities, kPriorityPrefix, words[2]);
      if (category <= 0) return bad(absl::StrCat("unknown category '", words[1], "'"));
      if (priority <= 0) return bad(absl::StrCat("unknown priority '", words[2], "'"));
      p.default_priority_[category] = static_cast<v1::TicketPriority>(priority);
      continue;
    }
    const int category = ValueOf(categories, kCategoryPrefix, words[0]);
    const int priority = ValueOf(priorities, kPriorityPrefix, words[1]);
    if (category < 0) return bad(absl::StrCat("unknown category '", words[0], "'"));
    if (priority < 0) return bad(absl::StrCat("unknown priority '", words[1], "'"));
    absl::StatusOr<absl::Duration> due = ParseDue(words[2]);
    if (!due.ok()) return bad(absl::StrCat("due time '", words[2], "' ", due.status().message()));
    p.due_[{category, priority}] = *due;
  }
  return p;
}

absl::StatusOr<SlaPolicy> SlaPolicy::FromFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::InvalidArgumentError(absl::StrCat("cannot read --sla_file ", path));
  std::stringstream text;
  text << in.rdbuf();
  absl::StatusOr<SlaPolicy> policy = Parse(text.str());
  if (!policy.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--sla_file ", path, ": ", policy.status().message()));
  }
  return policy;
}

v1::TicketPriority SlaPolicy::DefaultPriority(v1::TicketCategory category) const {
  auto it = default_priority_.find(category);
  return it == default_priority_.end() ? v1::TICKET_PRIORITY_NORMAL : it->second;
}

absl::Duration SlaPolicy::DueIn(v1::TicketCategory category, v1::TicketPriority priority) const {
  for (const std::pair<int, int>& key :
       {std::pair<int, int>{category, priority}, {category, 0}, {0, priority}, {0, 0}}) {
    auto it = due_.find(key);
    if (it != due_.end()) return it->second;
  }
  return absl::Hours(72);  // unreachable: Defaults() holds * *
}

std::string CategoryName(v1::TicketCategory category) {
  return ShortName(v1::TicketCategory_descriptor(), category, kCategoryPrefix);
}

std::string PriorityName(v1::TicketPriority priority) {
  return ShortName(v1::TicketPriority_descriptor(), priority, kPriorityPrefix);
}

std::string StatusName(v1::TicketStatus status) {
  return ShortName(v1::TicketStatus_descriptor(), status, "TICKET_STATUS_");
}

}  // namespace lindungi::ticket
