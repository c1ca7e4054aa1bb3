#pragma once

// Where things are for tests, and small helpers shared by every test.

#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace lindungi::testing {

std::string BinDir();     // build/bin
std::string SourceDir();  // the repository root
// ../shared next to the repository, or "" when absent (tests that need it skip).
std::string SharedDir();
// A fresh private directory under $TMPDIR, removed when the process exits normally.
std::string MakeTempDir();
// A TCP port on 127.0.0.1 that was free a moment ago.
int FreePort();
void WriteFile(const std::string& path, const std::string& content);
std::string ReadFileOrDie(const std::string& path);
// GET http://127.0.0.1:<port><path> and return the body (any status).
absl::StatusOr<std::string> HttpGet(const std::string& url);
absl::StatusOr<std::string> HttpPost(const std::string& url, const std::string& json);

// Polls `condition` until it holds or `timeout` passes. For waiting on another process's side
// effect (a file line, a recorded request) - never as a substitute for synchronisation.
bool Eventually(const std::function<bool()>& condition, absl::Duration timeout = absl::Seconds(10));

}  // namespace lindungi::testing

namespace lindungi::testing {
// The value of one Prometheus series (exact name and labels as exposed), 0 when absent.
double MetricValue(const std::string& exposition, const std::string& series);
// Scrapes http://127.0.0.1:<port>/metrics.
std::string Scrape(int port);
}  // namespace lindungi::testing
