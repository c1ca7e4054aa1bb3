// libs/records: page tokens round-trip for any filters and refuse anything else.
#include "lindungi/records/records.h"

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace lindungi::records {
namespace {

std::unique_ptr<crypto::PiiVault> Vault() {
  auto vault = crypto::PiiVault::Create(std::string(48, 'k'), "test");
  EXPECT_TRUE(vault.ok());
  return std::move(*vault);
}

TEST(PageTokenTest, EveryTokenParsesBackWhateverTheFiltersDigestIs) {
  // The digest of one filter string in ~32 contains a newline byte; all must round-trip.
  const auto vault = Vault();
  for (int i = 0; i < 2000; ++i) {
    const std::string filters = absl::StrCat("filters-", i);
    const std::string cursor = absl::StrCat(1700000000000 + i, "\ntk_", i);
    const std::string token = PageToken(*vault, "tickets", filters, cursor);
    absl::StatusOr<std::string> parsed = ParsePageToken(*vault, token, "tickets", filters);
    ASSERT_TRUE(parsed.ok()) << i << ": " << parsed.status();
    EXPECT_EQ(*parsed, cursor);
  }
}

TEST(PageTokenTest, ATokenIsRefusedForOtherFiltersAnotherKindOrWhenAltered) {
  const auto vault = Vault();
  const std::string token = PageToken(*vault, "tickets", "a", "42");
  EXPECT_FALSE(ParsePageToken(*vault, token, "tickets", "b").ok());
  EXPECT_FALSE(ParsePageToken(*vault, token, "events", "a").ok());
  std::string altered = token;
  altered[altered.size() / 2] = altered[altered.size() / 2] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(ParsePageToken(*vault, altered, "tickets", "a").ok());
  EXPECT_FALSE(ParsePageToken(*vault, "", "tickets", "a").ok());
  EXPECT_EQ(ParsePageToken(*vault, "garbage!", "tickets", "a").status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace lindungi::records
