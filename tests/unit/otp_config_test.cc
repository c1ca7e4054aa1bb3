// otp-service configuration rules and the registered-number allow-list.
#include "otp_config.h"

#include "gmock/gmock.h"
#include "phone_registry.h"

namespace lindungi::otp {
namespace {

using ::testing::HasSubstr;

OtpConfig Valid() {
  OtpConfig c;
  c.pepper = std::string(32, 'p');
  c.registered_phones_file = "/etc/lindungi/phones.txt";
  return c;
}

TEST(OtpConfigTest, DefaultsAreValidInDevelopment) { EXPECT_TRUE(Validate(Valid()).ok()); }

TEST(OtpConfigTest, ProductionRefusesTheOutboxAndPlainHttp) {
  OtpConfig c = Valid();
  c.env = config::Env::kProduction;
  EXPECT_THAT(Validate(c).message(), HasSubstr("refused with --env=production"));
  c.delivery.provider = Provider::kHttp;
  c.delivery.sms_url = "http://sms.example/v1/messages";
  EXPECT_THAT(Validate(c).message(), HasSubstr("https://"));
  c.delivery.sms_url = "https://sms.example/v1/messages";
  EXPECT_TRUE(Validate(c).ok());
}

TEST(OtpConfigTest, RefusesUnsafeOrNonsensicalSettings) {
  struct Case {
    void (*mutate)(OtpConfig&);
    const char* says;
  };
  const Case cases[] = {
      {[](OtpConfig& c) { c.pepper = "short"; }, "at least 32 bytes"},
      {[](OtpConfig& c) { c.registered_phones_file.clear(); }, "exactly one of --identity_addr"},
      {[](OtpConfig& c) { c.identity_addr = "identity:50051"; }, "exactly one of --identity_addr"},
      {[](OtpConfig& c) { c.limits.code_ttl = absl::Seconds(5); }, "--otp_ttl"},
      {[](OtpConfig& c) { c.limits.max_wrong_attempts = 0; }, "--otp_max_attempts"},
      {[](OtpConfig& c) { c.limits.resend_cooldown_max = absl::Seconds(1); }, "cooldown"},
      {[](OtpConfig& c) { c.limits.global_limit = 0; }, "--otp_*_limit"},
      {[](OtpConfig& c) { c.limits.phone_window = absl::ZeroDuration(); }, "--otp_*_window"},
      {[](OtpConfig& c) { c.delivery.provider = Provider::kHttp; }, "--sms_url"},
      {[](OtpConfig& c) {
         c.delivery.provider = Provider::kWhatsApp;
         c.delivery.whatsapp_template.clear();
       },
       "--whatsapp_otp_template"},
      {[](OtpConfig& c) { c.delivery.threads = 0; }, "--delivery_threads"},
  };
  for (const Case& test : cases) {
    OtpConfig c = Valid();
    test.mutate(c);
    const absl::Status s = Validate(c);
    EXPECT_FALSE(s.ok()) << test.says;
    EXPECT_THAT(s.message(), HasSubstr(test.says));
  }
}

TEST(AllowListTest, NormalizesEveryFormAndSkipsCommentsAndBlanks) {
  auto registry = AllowListRegistry::Parse("# demo\n\n0812-3456-7890\n+62 857 1111 2222\r\n");
  ASSERT_TRUE(registry.ok()) << registry.status();
  EXPECT_EQ((*registry)->size(), 2u);
  EXPECT_TRUE(*(*registry)->IsRegistered("+6281234567890"));
  EXPECT_TRUE(*(*registry)->IsRegistered("+6285711112222"));
  EXPECT_FALSE(*(*registry)->IsRegistered("+6281300000000"));
}

TEST(AllowListTest, ABadLineNamesItsNumberButNotItsContent) {
  auto registry = AllowListRegistry::Parse("081234567890\n021-5551234\n");
  ASSERT_FALSE(registry.ok());
  EXPECT_THAT(registry.status().message(), HasSubstr("line 2"));
  EXPECT_THAT(registry.status().message(), ::testing::Not(HasSubstr("5551234")));
}

}  // namespace
}  // namespace lindungi::otp
