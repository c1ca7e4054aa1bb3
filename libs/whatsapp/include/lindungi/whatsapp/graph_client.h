#pragma once

// The WhatsApp Cloud API client (Meta's Graph API) for one business number: sends messages,
// marks messages read, uploads media and caches media ids. Blocking and thread-safe; share one
// per business number per process (it keeps the HTTP connections and the rate limit).
//
// Every POST to /messages first takes a slot of the number's rate limit (RateLimiter) and waits
// for it through the sleeper: callers block, in call order. Failed attempts are retried with
// jittered exponential backoff on HTTP 429 and 5xx, on Graph codes 130429, 131056 and 131053 and
// on failures to connect (not on timeouts or connections lost mid-request: the message may have
// gone out), waiting at least Retry-After when the Graph API sends one, within `max_attempts`
// and `max_total` (rate-limit waits included). Everything else (131026, 131047, other 4xx) is permanent and returned at once.
//
// Errors carry the Graph error code for callers to count or act on (GraphCodeOf): status code
//   FAILED_PRECONDITION  131047 (24 h window closed: send a template), 131026 (undeliverable)
//   PERMISSION_DENIED    HTTP 401/403 (token)
//   INVALID_ARGUMENT     a limit broken before sending (nothing sent; no Graph code), other 4xx
//   RESOURCE_EXHAUSTED   still throttled (429, 130429, 131056) after the retries; RetryInfo set
//   UNAVAILABLE          5xx, 131053 or the network, after the retries
//   DEADLINE_EXCEEDED    a request timed out (not retried: it may have gone out)
//   UNKNOWN              the connection failed after the request went out (not retried, idem)
//
// Metrics: lindungi_whatsapp_outbound_total{kind,code} per Graph answer (code "0" on success, a
// fixed set of Graph codes, "other", or "transport"), lindungi_whatsapp_outbound_seconds{kind}
// per HTTP request. Logs carry kinds, codes and attempts, never numbers, ids or message text.

#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "lindungi/clock/clock.h"
#include "lindungi/http/client.h"
#include "lindungi/whatsapp/outbound.h"
#include "lindungi/whatsapp/rate_limiter.h"
#include "nlohmann/json.hpp"

namespace lindungi::whatsapp {

struct GraphConfig {
  std::string base_url = "https://graph.facebook.com";  // no trailing slash
  std::string version = "v21.0";
  std::string phone_number_id;      // the business number's id (digits)
  std::string access_token;         // sent as Authorization: Bearer <token>
  double messages_per_second = 80;  // the number's throughput (Meta: 80 by default, up to 1000)
  int burst = 0;                    // back-to-back sends allowed; 0: a tenth of a second's worth
  // The number's rate shared by every process sending from it (e.g. a GCRA in Redis): answers
  // the wait before the next send. Unset, or when it fails, the client paces itself alone
  // (logged once when that starts and once when the shared rate answers again).
  std::function<absl::StatusOr<absl::Duration>()> shared_rate;
  int max_attempts = 5;                                      // per call, the first included
  absl::Duration initial_backoff = absl::Milliseconds(250);  // doubled per retry, ±50 % jitter
  absl::Duration max_backoff = absl::Seconds(10);            // longest single wait
  absl::Duration max_total = absl::Seconds(30);  // a call gives up rather than wait past this
  absl::Duration request_timeout = absl::Seconds(10);
  absl::Duration upload_timeout = absl::Seconds(60);
  absl::Duration media_ttl = absl::Hours(24 * 29);  // media ids live 30 days at Meta
  size_t max_cached_media = 100000;                 // oldest entries are dropped beyond this
  int max_idle_connections = 16;
};

// The burst a config allows: `burst`, or a tenth of a second's worth of sends (at least 1).
int BurstOf(const GraphConfig& config);

// INVALID_ARGUMENT naming the first bad field.
absl::Status ValidateConfig(const GraphConfig& config);

// A file to upload (certificate PDFs).
struct MediaFile {
  std::string bytes;      // ≤ 100 MB
  std::string mime_type;  // e.g. application/pdf
  std::string filename;   // as sent in the multipart part
};

// The Graph error code a GraphClient error carries (131047, 130429, ...), if any.
std::optional<int> GraphCodeOf(const absl::Status& status);
// A Graph error code as a metric label: the code of a fixed set of known ones, else "other".
std::string GraphCodeLabel(int code);

class GraphClient {
 public:
  using Sleeper = std::function<void(absl::Duration)>;

  // `clock` and `sleep` are the client's only notion of time (rate limit, retry budget, media
  // ages): tests pass a FakeClock and a sleeper that advances it. `clock` must outlive the client.
  static absl::StatusOr<std::unique_ptr<GraphClient>> Create(
      GraphConfig config, const clock::Clock& clock = clock::RealClock(),
      Sleeper sleep = absl::SleepFor);

  // Each send answers the new message's wamid.
  absl::StatusOr<std::string> SendText(const std::string& to, const TextMessage& message);
  absl::StatusOr<std::string> SendButtons(const std::string& to, const ButtonsMessage& message);
  absl::StatusOr<std::string> SendList(const std::string& to, const ListMessage& message);
  absl::StatusOr<std::string> SendDocument(const std::string& to, const DocumentMessage& message);
  absl::StatusOr<std::string> SendTemplate(const std::string& to, const TemplateMessage& message);
  // Best effort: outside the rate limit (a read receipt is not a message) and one attempt only,
  // so that it never delays the reply that follows.
  absl::Status MarkRead(const std::string& message_id, bool typing_indicator = true);

  // Uploads a file (POST /{version}/{phone_number_id}/media, multipart) and answers its media id.
  absl::StatusOr<std::string> UploadMedia(const MediaFile& file);
  // The media id cached under `key` (e.g. the certificate PDF's SHA-256) while younger than
  // media_ttl; else calls `load` and uploads what it returns (`load` runs only on a miss, so the
  // file need not be built when cached). Two concurrent misses of one key may both upload.
  absl::StatusOr<std::string> CachedMediaId(const std::string& key,
                                            const std::function<absl::StatusOr<MediaFile>()>& load);
  // Drops a cached id (e.g. after the Graph API refused it with 131053).
  void ForgetMedia(const std::string& key);

  const GraphConfig& config() const { return config_; }

 private:
  GraphClient(GraphConfig config, const clock::Clock& clock, Sleeper sleep);

  // POSTs a /messages body with rate limit and retries; answers the parsed response.
  absl::StatusOr<nlohmann::json> PostMessage(const char* kind, const nlohmann::json& body);
  absl::StatusOr<nlohmann::json> Post(const char* kind, const std::string& path,
                                      const std::string& content_type, std::string body,
                                      absl::Duration timeout, bool rate_limited, int max_attempts);
  // Sends a built (or refused) message body and answers the wamid.
  absl::StatusOr<std::string> SendBody(const char* kind, absl::StatusOr<nlohmann::json> body);
  // The wait for the next send slot: the shared rate, else (or when it fails) the own limiter.
  absl::Duration ReserveSlot();

  const GraphConfig config_;
  const clock::Clock& clock_;
  const Sleeper sleep_;
  http::HttpClient http_;
  RateLimiter limiter_;
  absl::Mutex pacing_mu_;
  bool pacing_alone_ ABSL_GUARDED_BY(pacing_mu_) = false;  // the shared rate failed last time

  struct CachedMedia {
    std::string id;
    absl::Time uploaded;
  };
  absl::Mutex media_mu_;
  absl::flat_hash_map<std::string, CachedMedia> media_ ABSL_GUARDED_BY(media_mu_);
  std::deque<std::pair<std::string, absl::Time>> media_order_ ABSL_GUARDED_BY(media_mu_);
};

}  // namespace lindungi::whatsapp
