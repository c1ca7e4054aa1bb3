#include "support/gateway_fixture.h"

#include "absl/strings/str_cat.h"
#include "lindungi/whatsapp/webhook.h"
#include "nlohmann/json.hpp"
#include "support/test_env.h"

namespace lindungi::testing {

std::string WebhookBody(const std::vector<TextIn>& messages) {
  nlohmann::json contacts = nlohmann::json::array(), list = nlohmann::json::array();
  for (const TextIn& m : messages) {
    contacts.push_back({{"profile", {{"name", "Warga"}}}, {"wa_id", m.from}});
    list.push_back({{"from", m.from},
                    {"id", m.id},
                    {"timestamp", absl::StrCat(m.timestamp)},
                    {"type", "text"},
                    {"text", {{"body", m.text}}}});
  }
  nlohmann::json value = {
      {"messaging_product", "whatsapp"},
      {"metadata",
       {{"display_phone_number", "628119119119"}, {"phone_number_id", kBusinessNumberId}}},
      {"contacts", contacts},
      {"messages", list}};
  return nlohmann::json{
      {"object", "whatsapp_business_account"},
      {"entry",
       {{{"id", "102290129340398"}, {"changes", {{{"field", "messages"}, {"value", value}}}}}}}}
      .dump();
}

absl::StatusOr<std::unique_ptr<GatewayProcess>> GatewayProcess::Start(
    const std::string& dir, const std::string& redis_url, const std::vector<std::string>& flags) {
  WriteFile(dir + "/app-secret", kGatewayAppSecret);
  WriteFile(dir + "/verify-token", std::string(kGatewayVerifyToken) + "\n");
  WriteFile(dir + "/graph-token", kGraphAccessToken);
  std::vector<std::string> all = {"--http_port=0",
                                  "--redis=" + redis_url,
                                  "--whatsapp_app_secret_file=" + dir + "/app-secret",
                                  "--whatsapp_verify_token_file=" + dir + "/verify-token",
                                  "--whatsapp_access_token_file=" + dir + "/graph-token",
                                  std::string("--whatsapp_phone_number_id=") + kBusinessNumberId,
                                  "--bind_host=127.0.0.1"};
  all.insert(all.end(), flags.begin(), flags.end());
  absl::StatusOr<ServiceProcess> service =
      StartService("lindungi-gateway", all, dir + "/gateway.log");
  if (!service.ok()) return service.status();
  auto g = std::unique_ptr<GatewayProcess>(new GatewayProcess());
  g->service_ = *std::move(service);
  for (const std::string& line : g->service_.process->Lines()) {
    if (line.find("webhook listening") == std::string::npos) continue;
    g->http_port_ = nlohmann::json::parse(line).at("http_port").get<int>();
  }
  if (g->http_port_ == 0) return absl::InternalError("the gateway did not log its http_port");
  return g;
}

std::string GatewayProcess::Url(const std::string& path) const {
  return absl::StrCat("http://127.0.0.1:", http_port_, path);
}

http::Response GatewayProcess::PostSigned(const std::string& body) {
  http::Request r;
  r.method = "POST";
  r.url = Url("/webhooks/whatsapp");
  r.headers = {{"Content-Type", "application/json"},
               {"X-Hub-Signature-256", whatsapp::Sign(kGatewayAppSecret, body)}};
  r.body = body;
  absl::StatusOr<http::Response> response = client_.Send(r);
  return response.ok() ? *response : http::Response{};
}

}  // namespace lindungi::testing
