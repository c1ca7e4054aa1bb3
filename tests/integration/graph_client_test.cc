// whatsapp::GraphClient against tools/fake-graph-api as a process: every message kind arrives as
// the shared fixtures say, retries (429 with Retry-After, 5xx, 130429/131056/131053) and
// permanent errors (131026, 131047), the retry budget, the rate limit, the media id cache, limit
// validation, metrics and logs. Time is a FakeClock moved by the injected sleeper: nothing waits.
#include "lindungi/whatsapp/graph_client.h"

#include <fcntl.h>
#include <unistd.h>

#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/synchronization/mutex.h"
#include "gmock/gmock.h"
#include "lindungi/log/log.h"
#include "lindungi/metrics/metrics.h"
#include "lindungi/status/status.h"
#include "support/fake_graph.h"
#include "support/test_env.h"

namespace lindungi::whatsapp {
namespace {

using ::lindungi::testing::FakeGraph;
using ::testing::ElementsAre;
using Json = nlohmann::json;

constexpr char kToken[] = "graph-token-xyz";
constexpr char kNumberId[] = "1234567890";
constexpr char kTo[] = "6281234567890";  // the fixtures' recipient
constexpr char kMessagesPath[] = "/v21.0/1234567890/messages";

// A fixture of ../shared/fixtures/whatsapp/outbound, or null when the folder is absent.
Json Fixture(const std::string& name) {
  const std::string path = testing::SharedDir() + "/fixtures/whatsapp/outbound/" + name;
  if (testing::SharedDir().empty() || !std::filesystem::exists(path)) return nullptr;
  return Json::parse(testing::ReadFileOrDie(path));
}

// The value of one series of the process's registry, 0 when absent.
double Series(const std::string& name, const std::map<std::string, std::string>& labels) {
  for (const auto& family : metrics::Registry().Collect()) {
    if (family.name != name) continue;
    for (const auto& metric : family.metric) {
      std::map<std::string, std::string> have;
      for (const auto& label : metric.label) have[label.name] = label.value;
      if (have != labels) continue;
      if (family.type == prometheus::MetricType::Histogram) {
        return static_cast<double>(metric.histogram.sample_count);
      }
      return metric.counter.value;
    }
  }
  return 0;
}

class GraphClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::MakeTempDir();
    auto fake = FakeGraph::Start(dir_, kToken);
    ASSERT_TRUE(fake.ok()) << fake.status();
    fake_ = std::move(*fake);
    client_ = MakeClient([](GraphConfig&) {});
  }

  std::unique_ptr<GraphClient> MakeClient(const std::function<void(GraphConfig&)>& tweak) {
    GraphConfig config;
    config.base_url = fake_->base_url();
    config.phone_number_id = kNumberId;
    config.access_token = kToken;
    tweak(config);
    auto client = GraphClient::Create(config, clock_, [this](absl::Duration d) {
      absl::MutexLock lock(&mu_);
      sleeps_.push_back(d);
      clock_.Advance(d);
    });
    EXPECT_TRUE(client.ok()) << client.status();
    return client.ok() ? std::move(*client) : nullptr;
  }

  // What the log says while `fn` runs.
  std::string CaptureLog(const std::function<void()>& fn) {
    const std::string path = dir_ + "/log.jsonl";
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    EXPECT_GE(fd, 0);
    log::SetOutputFd(fd);
    fn();
    log::SetOutputFd(2);
    ::close(fd);
    return testing::ReadFileOrDie(path);
  }

  static int Occurrences(absl::string_view text, absl::string_view what) {
    int n = 0;
    for (size_t at = text.find(what); at != absl::string_view::npos; at = text.find(what, at + 1)) {
      ++n;
    }
    return n;
  }

  std::vector<absl::Duration> Sleeps() {
    absl::MutexLock lock(&mu_);
    return sleeps_;
  }

  std::string dir_;
  std::unique_ptr<FakeGraph> fake_;
  clock::FakeClock clock_;
  absl::Mutex mu_;
  std::vector<absl::Duration> sleeps_;
  std::unique_ptr<GraphClient> client_;
};

TEST_F(GraphClientTest, EveryMessageKindArrivesAsTheFixturesWithTheToken) {
  if (Fixture("text.json").is_null()) GTEST_SKIP() << "no ../shared/fixtures/whatsapp";

  auto text = client_->SendText(
      kTo, {"Masukkan nomor HP yang terdaftar di PeduliLindungi (contoh: 081234567890)."});
  ASSERT_TRUE(text.ok()) << text.status();
  EXPECT_TRUE(absl::StartsWith(*text, "wamid.")) << *text;

  ButtonsMessage buttons;
  buttons.body = "Pilih sertifikat yang ingin diunduh:";
  buttons.buttons = {{"dose.1", "Dosis 1"}, {"dose.2", "Dosis 2"}, {"dose.3", "Booster"}};
  ASSERT_TRUE(client_->SendButtons(kTo, buttons).ok());

  ListMessage list;
  list.header = "Sertifikat Vaksin";
  list.body = "Silakan pilih layanan yang Anda butuhkan.";
  list.footer = "Balas 0 untuk kembali ke menu";
  list.button = "Pilih Menu";
  list.sections = {{"Layanan",
                    {{"menu.cert.download", "Unduh Sertifikat", "Sertifikat vaksin PDF"},
                     {"menu.cert.status", "Status Vaksinasi", "Cek dosis yang tercatat"},
                     {"menu.profile.edit", "Ubah Info Diri", "Perbaiki nama / nomor HP"}}}};
  ASSERT_TRUE(client_->SendList(kTo, list).ok());

  ASSERT_TRUE(client_
                  ->SendDocument(kTo, {"1013859600285441", "sertifikat-vaksin-dosis-2.pdf",
                                       "Sertifikat Vaksin COVID-19 Dosis 2"})
                  .ok());
  ASSERT_TRUE(
      client_->MarkRead("wamid.HBgNNjI4MTIzNDU2Nzg5MBUCABIYFjNFQjBDNzg5QTFCMkMzRDRFNUY2AA==").ok());
  ASSERT_TRUE(client_->SendTemplate(kTo, {"sertifikat_siap", "id", {"Budi", "Dosis 2"}}).ok());

  const Json requests = fake_->Requests();
  ASSERT_EQ(requests.size(), 6u) << requests.dump();
  const std::vector<std::string> fixtures = {"text.json", "buttons.json", "list_main_menu.json",
                                             "document_by_id.json", "mark_read_typing.json"};
  for (size_t i = 0; i < requests.size(); ++i) {
    EXPECT_EQ(requests[i]["method"], "POST");
    EXPECT_EQ(requests[i]["path"], kMessagesPath);
    EXPECT_EQ(requests[i]["headers"]["authorization"], std::string("Bearer ") + kToken);
    EXPECT_EQ(requests[i]["headers"]["content-type"], "application/json");
    EXPECT_EQ(requests[i]["status"], 200) << requests[i].dump();
    if (i < fixtures.size()) {
      EXPECT_EQ(requests[i]["json"], Fixture(fixtures[i])) << fixtures[i];
    }
  }
  // No template fixture: Meta's reference shape.
  EXPECT_EQ(requests[5]["json"], Json::parse(R"({
    "messaging_product": "whatsapp", "recipient_type": "individual", "to": "6281234567890",
    "type": "template",
    "template": {"name": "sertifikat_siap", "language": {"code": "id"},
                 "components": [{"type": "body", "parameters": [
                   {"type": "text", "text": "Budi"}, {"type": "text", "text": "Dosis 2"}]}]}})"));
  EXPECT_TRUE(Sleeps().empty());  // six sends fit in the default burst
}

TEST_F(GraphClientTest, AnAuthenticationTemplateCarriesTheCodeInItsBodyAndCopyButton) {
  TemplateMessage otp{"lindungi_otp", "id", {"482913"}};
  otp.copy_code = "482913";
  ASSERT_TRUE(client_->SendTemplate(kTo, otp).ok());
  const Json requests = fake_->Requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0]["json"]["template"], Json::parse(R"({
    "name": "lindungi_otp", "language": {"code": "id"},
    "components": [{"type": "body", "parameters": [{"type": "text", "text": "482913"}]},
                   {"type": "button", "sub_type": "url", "index": "0",
                    "parameters": [{"type": "text", "text": "482913"}]}]})"));
  otp.copy_code = std::string(16, '1');
  EXPECT_EQ(client_->SendTemplate(kTo, otp).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(fake_->Requests().size(), 1u) << "a broken limit sends nothing";
}

TEST_F(GraphClientTest, A429IsRetriedAfterItsRetryAfter) {
  fake_->Inject({{"status", 429}, {"code", 130429}, {"retry_after", 3}});
  auto wamid = client_->SendText(kTo, {"Halo"});
  ASSERT_TRUE(wamid.ok()) << wamid.status();
  const Json requests = fake_->Requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0]["status"], 429);
  EXPECT_EQ(requests[1]["status"], 200);
  EXPECT_EQ(requests[0]["json"], requests[1]["json"]);
  EXPECT_THAT(Sleeps(), ElementsAre(absl::Seconds(3)));
}

TEST_F(GraphClientTest, ThrottlingAndMediaCodesAreRetried) {
  for (int code : {130429, 131056, 131053}) {
    fake_->Reset();
    fake_->Inject({{"status", 400}, {"code", code}});
    auto wamid = client_->SendText(kTo, {"Halo"});
    EXPECT_TRUE(wamid.ok()) << code << ": " << wamid.status();
    EXPECT_EQ(fake_->Requests().size(), 2u) << code;
  }
}

TEST_F(GraphClientTest, UndeliverableAndClosedWindowAreNeverRetried) {
  for (int code : {131026, 131047}) {
    const std::map<std::string, std::string> series = {{"kind", "text"},
                                                       {"code", std::to_string(code)}};
    const double before = Series("lindungi_whatsapp_outbound_total", series);
    fake_->Reset();
    fake_->Inject({{"status", 400}, {"code", code}, {"count", 3}});
    auto wamid = client_->SendText(kTo, {"Halo"});
    ASSERT_FALSE(wamid.ok());
    EXPECT_EQ(wamid.status().code(), absl::StatusCode::kFailedPrecondition) << wamid.status();
    EXPECT_EQ(GraphCodeOf(wamid.status()), code);
    EXPECT_EQ(fake_->Requests().size(), 1u) << code;
    EXPECT_EQ(Series("lindungi_whatsapp_outbound_total", series) - before, 1);
  }
  // Another 4xx (a bad token here) is permanent too.
  auto bad_token = MakeClient([](GraphConfig& c) { c.access_token = "wrong"; });
  fake_->Reset();
  auto wamid = bad_token->SendText(kTo, {"Halo"});
  EXPECT_EQ(wamid.status().code(), absl::StatusCode::kPermissionDenied) << wamid.status();
  EXPECT_EQ(GraphCodeOf(wamid.status()), 190);
  EXPECT_EQ(fake_->Requests().size(), 1u);
  EXPECT_TRUE(Sleeps().empty());
}

TEST_F(GraphClientTest, ServerErrorsAreRetriedUpToTheLimitWithJitteredBackoff) {
  auto client = MakeClient([](GraphConfig& c) {
    c.max_attempts = 4;
    c.initial_backoff = absl::Milliseconds(200);
  });
  const double errors_before =
      Series("lindungi_whatsapp_outbound_total", {{"kind", "text"}, {"code", "1"}});
  const double latencies_before = Series("lindungi_whatsapp_outbound_seconds", {{"kind", "text"}});
  const double ok_before =
      Series("lindungi_whatsapp_outbound_total", {{"kind", "text"}, {"code", "0"}});
  fake_->Inject({{"status", 500}, {"count", 10}});
  auto wamid = client->SendText(kTo, {"Halo"});
  ASSERT_FALSE(wamid.ok());
  EXPECT_EQ(wamid.status().code(), absl::StatusCode::kUnavailable) << wamid.status();
  EXPECT_EQ(GraphCodeOf(wamid.status()), 1);
  EXPECT_EQ(fake_->Requests().size(), 4u);
  const std::vector<absl::Duration> sleeps = Sleeps();
  ASSERT_EQ(sleeps.size(), 3u);
  absl::Duration backoff = absl::Milliseconds(200);
  for (absl::Duration d : sleeps) {  // doubling, ±50 %
    EXPECT_GE(d, backoff / 2);
    EXPECT_LE(d, backoff * 3 / 2);
    backoff *= 2;
  }
  EXPECT_EQ(
      Series("lindungi_whatsapp_outbound_total", {{"kind", "text"}, {"code", "1"}}) - errors_before,
      4);
  EXPECT_EQ(Series("lindungi_whatsapp_outbound_seconds", {{"kind", "text"}}) - latencies_before, 4);

  // Then the platform recovers: success is counted as code "0".
  fake_->Reset();
  ASSERT_TRUE(client->SendText(kTo, {"Halo"}).ok());
  EXPECT_EQ(
      Series("lindungi_whatsapp_outbound_total", {{"kind", "text"}, {"code", "0"}}) - ok_before, 1);
}

TEST_F(GraphClientTest, ARetryAfterBeyondTheBudgetEndsTheCallWithRetryInfo) {
  auto client = MakeClient([](GraphConfig& c) { c.max_total = absl::Seconds(5); });
  fake_->Inject({{"status", 429}, {"code", 130429}, {"retry_after", 60}});
  auto wamid = client->SendText(kTo, {"Halo"});
  ASSERT_FALSE(wamid.ok());
  EXPECT_EQ(wamid.status().code(), absl::StatusCode::kResourceExhausted) << wamid.status();
  EXPECT_EQ(GraphCodeOf(wamid.status()), 130429);
  EXPECT_EQ(status::RetryAfterOf(wamid.status()), absl::Seconds(60));
  EXPECT_EQ(fake_->Requests().size(), 1u);
  EXPECT_TRUE(Sleeps().empty());
}

TEST_F(GraphClientTest, TheRateLimitSpacesSends) {
  auto client = MakeClient([](GraphConfig& c) {
    c.messages_per_second = 10;
    c.burst = 2;
  });
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(client->SendText(kTo, {"Halo"}).ok());
  // Two back to back, then one per 100 ms of (fake) time.
  EXPECT_THAT(Sleeps(), ElementsAre(absl::Milliseconds(100), absl::Milliseconds(100),
                                    absl::Milliseconds(100)));
  EXPECT_EQ(fake_->Requests().size(), 5u);
}

TEST_F(GraphClientTest, ASharedRateIsUsedAndWhenItFailsTheClientPacesItselfAlone) {
  auto shared = MakeClient([](GraphConfig& c) {
    c.shared_rate = [] { return absl::StatusOr<absl::Duration>(absl::Milliseconds(250)); };
  });
  ASSERT_TRUE(shared->SendText(kTo, {"Halo"}).ok());
  EXPECT_THAT(Sleeps(), ElementsAre(absl::Milliseconds(250)));
  auto alone = MakeClient([](GraphConfig& c) {
    c.messages_per_second = 10;
    c.burst = 1;
    c.shared_rate = [] { return absl::StatusOr<absl::Duration>(absl::UnavailableError("down")); };
  });
  ASSERT_TRUE(alone->SendText(kTo, {"Halo"}).ok());
  ASSERT_TRUE(alone->SendText(kTo, {"Halo"}).ok());
  // The first slot of the own limiter is free, the second 100 ms later.
  EXPECT_THAT(Sleeps(), ElementsAre(absl::Milliseconds(250), absl::Milliseconds(100)));
}

TEST_F(GraphClientTest, AnOutageOfTheSharedRateIsLoggedWhenItStartsAndEndsNotPerSend) {
  auto up = std::make_shared<std::atomic<bool>>(false);
  auto client = MakeClient([up](GraphConfig& c) {
    c.shared_rate = [up]() -> absl::StatusOr<absl::Duration> {
      if (*up) return absl::ZeroDuration();
      return absl::UnavailableError("down");
    };
  });
  auto send = [&](int n) {
    for (int i = 0; i < n; ++i) ASSERT_TRUE(client->SendText(kTo, {"Halo"}).ok());
  };
  const std::string logged = CaptureLog([&] {
    send(3);
    *up = true;
    send(2);
    *up = false;
    send(2);
  });
  EXPECT_EQ(Occurrences(logged, "shared send rate is unavailable"), 2) << logged;
  EXPECT_EQ(Occurrences(logged, "shared send rate answers again"), 1) << logged;
}

TEST_F(GraphClientTest, ReadReceiptsAreBestEffortOutsideTheRateLimit) {
  auto client = MakeClient([](GraphConfig& c) {
    c.messages_per_second = 10;
    c.burst = 1;
  });
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(client->MarkRead("wamid.X").ok());
  EXPECT_THAT(Sleeps(), ElementsAre()) << "read receipts waited for the message rate limit";
  fake_->Inject({{"status", 503}});
  EXPECT_EQ(client->MarkRead("wamid.Y").code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(fake_->Requests().size(), 4u) << "a failed read receipt was retried";
  EXPECT_THAT(Sleeps(), ElementsAre());
}

TEST_F(GraphClientTest, MediaIsUploadedOnceAndReusedUntilItAges) {
  int loads = 0;
  const std::string pdf = "%PDF-1.7\n\x01\x02 certificate bytes \r\n--not-a-boundary\r\n";
  auto load = [&]() -> absl::StatusOr<MediaFile> {
    ++loads;
    return MediaFile{pdf, "application/pdf", "sertifikat.pdf"};
  };
  auto first = client_->CachedMediaId("sha256:abc", load);
  ASSERT_TRUE(first.ok()) << first.status();
  clock_.Advance(absl::Hours(24 * 28));
  auto second = client_->CachedMediaId("sha256:abc", load);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(*second, *first);
  EXPECT_EQ(loads, 1);
  ASSERT_TRUE(client_->SendDocument(kTo, {*second, "sertifikat.pdf", ""}).ok());

  Json requests = fake_->Requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0]["path"], "/v21.0/1234567890/media");
  EXPECT_EQ(requests[0]["headers"]["authorization"], std::string("Bearer ") + kToken);
  EXPECT_TRUE(absl::StartsWith(requests[0]["headers"]["content-type"].get<std::string>(),
                               "multipart/form-data; boundary="));
  const std::string body = requests[0]["body"];
  EXPECT_TRUE(absl::StrContains(body, "name=\"messaging_product\"\r\n\r\nwhatsapp\r\n"));
  EXPECT_TRUE(absl::StrContains(body, "name=\"type\"\r\n\r\napplication/pdf\r\n"));
  EXPECT_TRUE(absl::StrContains(body, "filename=\"sertifikat.pdf\""));
  EXPECT_TRUE(absl::StrContains(body, pdf));
  EXPECT_EQ(requests[1]["json"]["document"]["id"], *first);

  // Past 30 days the id may be gone at Meta: uploaded again, a new id.
  clock_.Advance(absl::Hours(24 * 2));
  auto third = client_->CachedMediaId("sha256:abc", load);
  ASSERT_TRUE(third.ok());
  EXPECT_NE(*third, *first);
  EXPECT_EQ(loads, 2);
  // Another key is another upload; a forgotten key too.
  ASSERT_TRUE(client_->CachedMediaId("sha256:def", load).ok());
  client_->ForgetMedia("sha256:abc");
  ASSERT_TRUE(client_->CachedMediaId("sha256:abc", load).ok());
  EXPECT_EQ(loads, 4);
  EXPECT_EQ(fake_->Requests().size(), 5u);
}

TEST_F(GraphClientTest, BrokenLimitsAreRefusedAndNothingIsSent) {
  const auto invalid = [](const absl::Status& s) {
    return s.code() == absl::StatusCode::kInvalidArgument;
  };
  EXPECT_TRUE(invalid(client_->SendText(kTo, {std::string(4097, 'a')}).status()));
  EXPECT_TRUE(invalid(client_->SendText(kTo, {""}).status()));
  EXPECT_TRUE(invalid(client_->SendText("+62 812", {"Halo"}).status()));
  EXPECT_TRUE(invalid(client_->MarkRead("")));

  ButtonsMessage buttons{"", "Pilih", "", {}};
  EXPECT_TRUE(invalid(client_->SendButtons(kTo, buttons).status()));  // none
  buttons.buttons = {{"a", "A"}, {"b", "B"}, {"c", "C"}, {"d", "D"}};
  EXPECT_TRUE(invalid(client_->SendButtons(kTo, buttons).status()));  // four
  buttons.buttons = {{"a", std::string(21, 'x')}};
  EXPECT_TRUE(invalid(client_->SendButtons(kTo, buttons).status()));  // title too long
  buttons.buttons = {{"a", "Sama"}, {"b", "Sama"}};
  EXPECT_TRUE(invalid(client_->SendButtons(kTo, buttons).status()));  // titles not unique
  buttons.buttons = {{"a", "A"}};
  buttons.body = std::string(1025, 'x');
  EXPECT_TRUE(invalid(client_->SendButtons(kTo, buttons).status()));  // body too long
  buttons.body = "Pilih";
  buttons.footer = std::string(61, 'x');
  EXPECT_TRUE(invalid(client_->SendButtons(kTo, buttons).status()));  // footer too long

  ListSection six{"Satu", {}};
  for (int i = 0; i < 6; ++i) six.rows.push_back({"r" + std::to_string(i), "Row", ""});
  ListSection other = six;
  for (auto& row : other.rows) row.id += "b";
  ListMessage list{"", "Pilih", "", "Menu", {six, other}};
  EXPECT_TRUE(invalid(client_->SendList(kTo, list).status()));  // 12 rows
  list.sections = {{"", {{"r", std::string(25, 'x'), ""}}}};
  EXPECT_TRUE(invalid(client_->SendList(kTo, list).status()));  // row title
  list.sections = {{"", {{"r", "Row", std::string(73, 'x')}}}};
  EXPECT_TRUE(invalid(client_->SendList(kTo, list).status()));  // row description
  list.sections = {{"", {{"r", "Row", ""}}}};
  list.button = std::string(21, 'x');
  EXPECT_TRUE(invalid(client_->SendList(kTo, list).status()));  // button text
  list.button = "Menu";
  list.header = std::string(61, 'x');
  EXPECT_TRUE(invalid(client_->SendList(kTo, list).status()));  // header

  EXPECT_TRUE(invalid(client_->SendDocument(kTo, {"", "a.pdf", ""}).status()));
  EXPECT_TRUE(invalid(client_->SendDocument(kTo, {"1", "a.pdf", std::string(1025, 'x')}).status()));
  EXPECT_TRUE(invalid(client_->SendTemplate(kTo, {"", "id", {}}).status()));
  EXPECT_TRUE(invalid(client_->UploadMedia({"", "application/pdf", "a.pdf"}).status()));

  EXPECT_EQ(fake_->Requests(), Json::array());

  // At the limits exactly (counted in characters, not bytes): accepted.
  std::string long_text;
  for (int i = 0; i < kMaxTextBody; ++i) long_text += "\xC3\xA9";  // é
  EXPECT_TRUE(TextBody(kTo, {long_text}).ok());
  EXPECT_TRUE(ButtonsBody(kTo, {"", "b", "", {{"a", std::string(20, 'x')}}}).ok());
}

TEST_F(GraphClientTest, LogsCarryNeitherNumbersNorText) {
  fake_->Inject({{"status", 503}});
  fake_->Inject({{"status", 400}, {"code", 131026}});
  const std::string logged =
      CaptureLog([&] { EXPECT_FALSE(client_->SendText(kTo, {"Rahasia pribadi"}).ok()); });
  EXPECT_TRUE(absl::StrContains(logged, "\"graph_error\":131026")) << logged;
  EXPECT_FALSE(absl::StrContains(logged, kTo)) << logged;
  EXPECT_FALSE(absl::StrContains(logged, "Rahasia")) << logged;
}

TEST(RateLimiterTest, HandsOutSlotsOneIntervalApartAfterTheBurst) {
  clock::FakeClock clock;
  RateLimiter limiter(80, 1, clock);
  EXPECT_EQ(limiter.Reserve(), absl::ZeroDuration());
  EXPECT_EQ(limiter.Reserve(), absl::Microseconds(12500));
  EXPECT_EQ(limiter.Reserve(), absl::Microseconds(25000));
  clock.Advance(absl::Seconds(1));  // idle: the debt is paid, no credit beyond the burst
  EXPECT_EQ(limiter.Reserve(), absl::ZeroDuration());
  EXPECT_EQ(limiter.Reserve(), absl::Microseconds(12500));
}

TEST(RateLimiterTest, ABurstGoesOutAtOnceThenTheRateHolds) {
  clock::FakeClock clock;
  RateLimiter limiter(80, 8, clock);
  for (int i = 0; i < 8; ++i) EXPECT_EQ(limiter.Reserve(), absl::ZeroDuration()) << i;
  EXPECT_EQ(limiter.Reserve(), absl::Microseconds(12500));
  // Over a long run no more than the rate (plus the burst) gets a slot within each second.
  int within_a_second = 9;
  for (int i = 0; i < 1000; ++i) within_a_second += limiter.Reserve() < absl::Seconds(1);
  EXPECT_EQ(within_a_second, 80 + 8 - 1);  // slots starting in [0 s, 1 s)
}

TEST(GraphConfigTest, BadSettingsAreRefused) {
  GraphConfig config;
  config.phone_number_id = kNumberId;
  config.access_token = kToken;
  EXPECT_TRUE(ValidateConfig(config).ok());
  for (auto tweak : std::vector<std::function<void(GraphConfig&)>>{
           [](GraphConfig& c) { c.access_token = ""; },
           [](GraphConfig& c) { c.phone_number_id = "12a"; },
           [](GraphConfig& c) { c.base_url = "ftp://x"; },
           [](GraphConfig& c) { c.messages_per_second = 0; },
           [](GraphConfig& c) { c.max_attempts = 0; },
           [](GraphConfig& c) { c.media_ttl = absl::Hours(24 * 30); },
       }) {
    GraphConfig bad = config;
    tweak(bad);
    EXPECT_EQ(ValidateConfig(bad).code(), absl::StatusCode::kInvalidArgument);
  }
}

}  // namespace
}  // namespace lindungi::whatsapp
