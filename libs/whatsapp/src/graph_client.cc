#include "lindungi/whatsapp/graph_client.h"

#include <algorithm>
#include <cmath>
#include <random>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "lindungi/crypto/random.h"
#include "lindungi/log/log.h"
#include "lindungi/metrics/metrics.h"
#include "lindungi/status/status.h"

namespace lindungi::whatsapp {
namespace {

using Json = nlohmann::json;

constexpr absl::string_view kDomain = "whatsapp.lindungi";
constexpr absl::string_view kCodeKey = "graph_code";

constexpr int kThroughput = 130429;
constexpr int kPairRate = 131056;
constexpr int kMediaError = 131053;
constexpr int kUndeliverable = 131026;
constexpr int kWindowClosed = 131047;

bool Throttled(long http_status, std::optional<int> code) {
  return http_status == 429 || code == kThroughput || code == kPairRate;
}

bool Retryable(long http_status, std::optional<int> code) {
  return Throttled(http_status, code) || http_status >= 500 || code == kMediaError;
}

// The `code` label: a fixed set, so a new Graph code cannot grow the series without bound.
std::string CodeLabel(long http_status, std::optional<int> code) {
  if (!code) return http_status >= 500 ? "http_5xx" : "http_4xx";
  return GraphCodeLabel(*code);
}

void Count(const char* kind, const std::string& code) {
  static auto& family = metrics::CounterFamily(
      "lindungi_whatsapp_outbound_total",
      "WhatsApp Cloud API answers by request kind and Graph error code (0: success)");
  family.Add({{"kind", kind}, {"code", code}}).Increment();
}

void Observe(const char* kind, absl::Duration latency) {
  static auto& family = metrics::HistogramFamily("lindungi_whatsapp_outbound_seconds",
                                                 "WhatsApp Cloud API request latency, per attempt");
  family.Add({{"kind", kind}}, metrics::LatencyBuckets()).Observe(absl::ToDoubleSeconds(latency));
}

absl::Duration Jitter(absl::Duration d) {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  std::uniform_real_distribution<double> factor(0.5, 1.5);
  return d * factor(rng);
}

absl::Status GraphError(long http_status, std::optional<int> code) {
  absl::StatusCode status_code = absl::StatusCode::kInvalidArgument;
  if (code == kUndeliverable || code == kWindowClosed) {
    status_code = absl::StatusCode::kFailedPrecondition;
  } else if (Throttled(http_status, code)) {
    status_code = absl::StatusCode::kResourceExhausted;
  } else if (Retryable(http_status, code)) {
    status_code = absl::StatusCode::kUnavailable;
  } else if (http_status == 401 || http_status == 403) {
    status_code = absl::StatusCode::kPermissionDenied;
  }
  const std::string code_text = code ? absl::StrCat(*code) : "";
  const std::string http_text = absl::StrCat(http_status);
  // Graph's own message is not repeated: its details can quote what was sent.
  return status::WithReason(
      absl::Status(status_code, absl::StrCat("graph api: HTTP ", http_status,
                                             code ? absl::StrCat(", code ", *code) : "")),
      "GRAPH_ERROR", kDomain, {{kCodeKey, code_text}, {"http_status", http_text}});
}

absl::Status TransportError(const absl::Status& status) {
  return status::WithReason(absl::Status(status.code(), status.message()), "TRANSPORT", kDomain);
}

// A multipart part's header value stays on its line and inside its quotes.
std::string HeaderSafe(absl::string_view value) {
  return absl::StrReplaceAll(value, {{"\r", ""}, {"\n", ""}, {"\"", ""}});
}

}  // namespace

std::string GraphCodeLabel(int code) {
  static const auto* known = new absl::flat_hash_set<int>{
      1,      2,      4,      10,     100,    190,    368,    130429, 130472, 131000, 131005,
      131008, 131009, 131021, 131026, 131031, 131042, 131045, 131047, 131051, 131052, 131053,
      131056, 132000, 132001, 132005, 132007, 132012, 132015, 132016, 133010};
  return known->contains(code) ? absl::StrCat(code) : "other";
}

std::optional<int> GraphCodeOf(const absl::Status& status) {
  std::optional<std::string> text = status::MetadataOf(status, kCodeKey);
  int code = 0;
  if (!text || !absl::SimpleAtoi(*text, &code)) return std::nullopt;
  return code;
}

absl::Status ValidateConfig(const GraphConfig& c) {
  if (!absl::StartsWith(c.base_url, "http://") && !absl::StartsWith(c.base_url, "https://")) {
    return status::InvalidField("base_url", "must be an http:// or https:// URL");
  }
  if (absl::EndsWith(c.base_url, "/")) return status::InvalidField("base_url", "trailing slash");
  if (c.version.size() < 2 || c.version[0] != 'v') {
    return status::InvalidField("version", "must look like v21.0");
  }
  if (c.phone_number_id.empty() ||
      !std::all_of(c.phone_number_id.begin(), c.phone_number_id.end(),
                   [](char ch) { return absl::ascii_isdigit(static_cast<unsigned char>(ch)); })) {
    return status::InvalidField("phone_number_id", "must be digits");
  }
  if (c.access_token.empty()) return status::InvalidField("access_token", "is required");
  if (!(c.messages_per_second > 0 && c.messages_per_second <= 1000)) {
    return status::InvalidField("messages_per_second", "must be in (0, 1000]");
  }
  if (c.burst < 0) return status::InvalidField("burst", "must not be negative");
  if (c.max_attempts < 1 || c.max_attempts > 20) {
    return status::InvalidField("max_attempts", "must be 1 to 20");
  }
  if (c.initial_backoff <= absl::ZeroDuration() || c.max_backoff < c.initial_backoff) {
    return status::InvalidField("initial_backoff", "must be positive and at most max_backoff");
  }
  if (c.max_total <= absl::ZeroDuration()) return status::InvalidField("max_total", "positive");
  if (c.request_timeout <= absl::ZeroDuration() || c.upload_timeout <= absl::ZeroDuration()) {
    return status::InvalidField("request_timeout", "must be positive");
  }
  if (c.media_ttl <= absl::ZeroDuration() || c.media_ttl >= absl::Hours(24 * 30)) {
    return status::InvalidField("media_ttl", "must be shorter than the 30 days media ids live");
  }
  if (c.max_cached_media < 1) return status::InvalidField("max_cached_media", "at least 1");
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<GraphClient>> GraphClient::Create(GraphConfig config,
                                                                 const clock::Clock& clock,
                                                                 Sleeper sleep) {
  if (absl::Status s = ValidateConfig(config); !s.ok()) return s;
  return std::unique_ptr<GraphClient>(new GraphClient(std::move(config), clock, std::move(sleep)));
}

GraphClient::GraphClient(GraphConfig config, const clock::Clock& clock, Sleeper sleep)
    : config_(std::move(config)),
      clock_(clock),
      sleep_(std::move(sleep)),
      http_(config_.max_idle_connections),
      limiter_(config_.messages_per_second, BurstOf(config_), clock) {}

int BurstOf(const GraphConfig& config) {
  return config.burst > 0
             ? config.burst
             : std::max(1, static_cast<int>(std::ceil(config.messages_per_second / 10)));
}

absl::Duration GraphClient::ReserveSlot() {
  if (config_.shared_rate) {
    // One line when the shared rate fails and one when it answers again: not one per send.
    // The lock keeps the lines in the order of the changes they report.
    absl::StatusOr<absl::Duration> shared = config_.shared_rate();
    absl::MutexLock lock(&pacing_mu_);
    if (shared.ok()) {
      if (pacing_alone_) {
        pacing_alone_ = false;
        log::Info("whatsapp: the shared send rate answers again; pacing with the other processes");
      }
      return *shared;
    }
    if (!pacing_alone_) {
      pacing_alone_ = true;
      log::Warn("whatsapp: the shared send rate is unavailable; pacing this process alone",
                {{"status", absl::StatusCodeToString(shared.status().code())}});
    }
  }
  return limiter_.Reserve();
}

absl::StatusOr<Json> GraphClient::Post(const char* kind, const std::string& path,
                                       const std::string& content_type, std::string body,
                                       absl::Duration timeout, bool rate_limited,
                                       int max_attempts) {
  http::Request request;
  request.method = "POST";
  request.url =
      absl::StrCat(config_.base_url, "/", config_.version, "/", config_.phone_number_id, "/", path);
  request.headers = {{"Authorization", absl::StrCat("Bearer ", config_.access_token)},
                     {"Content-Type", content_type}};
  request.body = std::move(body);
  request.timeout = timeout;

  const absl::Time start = clock_.Now();
  absl::Duration backoff = config_.initial_backoff;
  absl::Status last;
  absl::Duration wait;
  for (int attempt = 1;; ++attempt) {
    if (rate_limited) {
      const absl::Duration slot = ReserveSlot();
      if (slot > absl::ZeroDuration()) {
        if (clock_.Now() - start + slot > config_.max_total) {
          return status::WithRetryAfter(
              absl::ResourceExhaustedError("graph api: rate limit queue longer than max_total"),
              slot);
        }
        sleep_(slot);
      }
    }
    const absl::Time sent = absl::Now();  // real time: the network's latency, whatever `clock_`
    absl::StatusOr<http::Response> response = http_.Send(request);
    Observe(kind, absl::Now() - sent);

    std::optional<int> code;
    if (!response.ok()) {
      Count(kind, "transport");
      last = TransportError(response.status());
      // A timeout, or a connection lost after the request went out, may come after the platform
      // took the message: resending could send it twice.
      if (response.status().code() == absl::StatusCode::kDeadlineExceeded ||
          response.status().code() == absl::StatusCode::kUnknown) {
        log::Warn("whatsapp: graph api outcome unknown (timeout or connection lost)",
                  {{"kind", kind}, {"attempt", attempt}});
        return last;
      }
      wait = std::min(Jitter(backoff), config_.max_backoff);
    } else {
      Json json = Json::parse(response->body, nullptr, /*allow_exceptions=*/false);
      if (response->status >= 200 && response->status < 300) {
        Count(kind, "0");
        return json;
      }
      if (json.is_object() && json.contains("error") && json["error"].is_object() &&
          json["error"].contains("code") && json["error"]["code"].is_number_integer()) {
        code = json["error"]["code"].get<int>();
      }
      Count(kind, CodeLabel(response->status, code));
      last = GraphError(response->status, code);
      if (!Retryable(response->status, code)) {
        log::Warn("whatsapp: graph api refused the request", {{"kind", kind},
                                                              {"http_status", response->status},
                                                              {"graph_error", code.value_or(0)},
                                                              {"attempt", attempt}});
        return last;
      }
      wait = http::RetryAfter(*response, std::min(Jitter(backoff), config_.max_backoff));
    }
    if (attempt >= max_attempts) break;
    if (clock_.Now() - start + wait > config_.max_total) break;
    log::Info("whatsapp: graph api retry",
              {{"kind", kind},
               {"http_status", response.ok() ? response->status : 0L},
               {"graph_error", code.value_or(0)},
               {"attempt", attempt},
               {"wait_ms", static_cast<long>(absl::ToInt64Milliseconds(wait))}});
    sleep_(wait);
    backoff = std::min(backoff * 2, config_.max_backoff);
  }
  log::Warn("whatsapp: graph api gave up", {{"kind", kind},
                                            {"status", absl::StatusCodeToString(last.code())},
                                            {"graph_error", GraphCodeOf(last).value_or(0)}});
  return status::WithRetryAfter(std::move(last), wait);
}

absl::StatusOr<Json> GraphClient::PostMessage(const char* kind, const Json& body) {
  return Post(kind, "messages", "application/json", body.dump(), config_.request_timeout,
              /*rate_limited=*/true, config_.max_attempts);
}

absl::StatusOr<std::string> GraphClient::SendBody(const char* kind, absl::StatusOr<Json> body) {
  if (!body.ok()) return body.status();
  absl::StatusOr<Json> answer = PostMessage(kind, *body);
  if (!answer.ok()) return answer.status();
  const Json& j = *answer;
  if (j.is_object() && j.contains("messages") && j["messages"].is_array() &&
      !j["messages"].empty() && j["messages"][0].is_object() && j["messages"][0].contains("id") &&
      j["messages"][0]["id"].is_string()) {
    return j["messages"][0]["id"].get<std::string>();
  }
  log::Error("whatsapp: graph api answered without a message id", {{"kind", kind}});
  return absl::InternalError("graph api: success without a message id");
}

absl::StatusOr<std::string> GraphClient::SendText(const std::string& to,
                                                  const TextMessage& message) {
  return SendBody("text", TextBody(to, message));
}

absl::StatusOr<std::string> GraphClient::SendButtons(const std::string& to,
                                                     const ButtonsMessage& message) {
  return SendBody("buttons", ButtonsBody(to, message));
}

absl::StatusOr<std::string> GraphClient::SendList(const std::string& to,
                                                  const ListMessage& message) {
  return SendBody("list", ListBody(to, message));
}

absl::StatusOr<std::string> GraphClient::SendDocument(const std::string& to,
                                                      const DocumentMessage& message) {
  return SendBody("document", DocumentBody(to, message));
}

absl::StatusOr<std::string> GraphClient::SendTemplate(const std::string& to,
                                                      const TemplateMessage& message) {
  return SendBody("template", TemplateBody(to, message));
}

absl::Status GraphClient::MarkRead(const std::string& message_id, bool typing_indicator) {
  absl::StatusOr<Json> body = MarkReadBody(message_id, typing_indicator);
  if (!body.ok()) return body.status();
  // Best effort: a read receipt is not a message (outside the rate limit) and is not worth
  // delaying the reply for (one attempt).
  return Post("read", "messages", "application/json", body->dump(), config_.request_timeout,
              /*rate_limited=*/false, /*max_attempts=*/1)
      .status();
}

absl::StatusOr<std::string> GraphClient::UploadMedia(const MediaFile& file) {
  if (file.bytes.empty()) return status::InvalidField("file", "is empty");
  if (file.bytes.size() > kMaxDocumentBytes) return status::InvalidField("file", "over 100 MB");
  if (file.mime_type.empty()) return status::InvalidField("mime_type", "is required");
  std::string boundary;
  do {
    absl::StatusOr<std::string> random = crypto::RandomBytes(16);
    if (!random.ok()) return random.status();
    boundary = absl::StrCat("lindungi-", absl::BytesToHexString(*random));
  } while (absl::StrContains(file.bytes, boundary));
  const std::string mime = HeaderSafe(file.mime_type);
  const std::string filename = HeaderSafe(file.filename.empty() ? "file" : file.filename);
  std::string body;
  body.reserve(file.bytes.size() + 512);
  absl::StrAppend(&body, "--", boundary,
                  "\r\nContent-Disposition: form-data; name=\"messaging_product\"\r\n\r\n"
                  "whatsapp\r\n");
  absl::StrAppend(&body, "--", boundary,
                  "\r\nContent-Disposition: form-data; name=\"type\"\r\n\r\n", mime, "\r\n");
  absl::StrAppend(&body, "--", boundary,
                  "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"", filename,
                  "\"\r\nContent-Type: ", mime, "\r\n\r\n");
  body.append(file.bytes);
  absl::StrAppend(&body, "\r\n--", boundary, "--\r\n");

  absl::StatusOr<Json> answer =
      Post("media", "media", absl::StrCat("multipart/form-data; boundary=", boundary),
           std::move(body), config_.upload_timeout, /*rate_limited=*/false, config_.max_attempts);
  if (!answer.ok()) return answer.status();
  if (answer->is_object() && answer->contains("id") && (*answer)["id"].is_string()) {
    return (*answer)["id"].get<std::string>();
  }
  log::Error("whatsapp: graph api answered an upload without a media id");
  return absl::InternalError("graph api: upload without a media id");
}

absl::StatusOr<std::string> GraphClient::CachedMediaId(
    const std::string& key, const std::function<absl::StatusOr<MediaFile>()>& load) {
  {
    absl::MutexLock lock(&media_mu_);
    auto it = media_.find(key);
    if (it != media_.end() && clock_.Now() - it->second.uploaded < config_.media_ttl) {
      return it->second.id;
    }
  }
  absl::StatusOr<MediaFile> file = load();
  if (!file.ok()) return file.status();
  const absl::Time uploaded = clock_.Now();  // before the upload: the id is at most this old
  absl::StatusOr<std::string> id = UploadMedia(*file);
  if (!id.ok()) return id.status();

  absl::MutexLock lock(&media_mu_);
  media_[key] = CachedMedia{*id, uploaded};
  media_order_.emplace_back(key, uploaded);
  // Oldest first: expired entries, then any beyond the size bound. An order entry whose key was
  // uploaded again since is stale and only dropped.
  const absl::Time now = clock_.Now();
  while (!media_order_.empty() && (media_.size() > config_.max_cached_media ||
                                   now - media_order_.front().second >= config_.media_ttl)) {
    auto it = media_.find(media_order_.front().first);
    if (it != media_.end() && it->second.uploaded == media_order_.front().second) media_.erase(it);
    media_order_.pop_front();
  }
  return *id;
}

void GraphClient::ForgetMedia(const std::string& key) {
  absl::MutexLock lock(&media_mu_);
  media_.erase(key);
}

}  // namespace lindungi::whatsapp
