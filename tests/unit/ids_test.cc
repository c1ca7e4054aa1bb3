#include "lindungi/ids/ids.h"

#include <set>
#include <thread>
#include <vector>

#include "absl/time/clock.h"
#include "gtest/gtest.h"

namespace lindungi::ids {
namespace {

TEST(IdsTest, HaveThePrefixAndShapeAndValidate) {
  const std::string id = NewId("c", absl::FromUnixSeconds(1764000000));
  EXPECT_EQ(id.size(), 28u);
  EXPECT_EQ(id.substr(0, 2), "c_");
  EXPECT_TRUE(IsId(id, "c"));
  EXPECT_FALSE(IsId(id, "cr"));
  EXPECT_FALSE(IsId("c_0123456789ABCDEFGHJKMNPQRI", "c"));  // I is not Crockford
  EXPECT_FALSE(IsId("c_short", "c"));
  EXPECT_FALSE(IsId("", "c"));
}

TEST(IdsTest, SortByCreationTimeAndWithinAMillisecond) {
  const absl::Time t = absl::FromUnixMillis(1764000000123);
  std::vector<std::string> ids;
  for (int i = 0; i < 1000; ++i) ids.push_back(NewId("h", t));  // same millisecond
  ids.push_back(NewId("h", t + absl::Milliseconds(1)));
  ids.push_back(NewId("h", t + absl::Seconds(10)));
  for (size_t i = 1; i < ids.size(); ++i) EXPECT_LT(ids[i - 1], ids[i]) << i;
}

TEST(IdsTest, AreUniqueAcrossThreads) {
  std::vector<std::vector<std::string>> made(8);
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 20000; ++i) made[t].push_back(NewId("c", absl::Now()));
    });
  }
  for (auto& th : threads) th.join();
  std::set<std::string> all;
  for (auto& v : made) all.insert(v.begin(), v.end());
  EXPECT_EQ(all.size(), 160000u);
}

}  // namespace
}  // namespace lindungi::ids
