// The webhook parser on hostile bodies: Meta's payloads are the gateway's first input from the
// internet (after the signature, but a leaked app secret must not turn into a crash). It must
// never crash or throw, and every message it returns has an id.
#include <cstdint>
#include <cstdlib>

#include "absl/strings/string_view.h"
#include "lindungi/whatsapp/webhook.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view body(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<lindungi::whatsapp::Webhook> w = lindungi::whatsapp::ParseWebhook(body);
  if (w.ok()) {
    for (const auto& m : w->messages) {
      if (m.id.empty()) std::abort();
    }
  }
  (void)lindungi::whatsapp::VerifySignature("secret", body, body);
  return 0;
}
