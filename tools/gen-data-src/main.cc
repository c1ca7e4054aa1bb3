// lindungi-gen-data (run it as tools/gen-data): writes a synthetic national registry for
// `lindungictl import`, or the fixed demo set. See registry_generator.h and demo_registry.h.

#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/reflection.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "gen-data-src/demo_registry.h"
#include "gen-data-src/registry_generator.h"
#include "lindungi/config/command_line.h"

ABSL_FLAG(int64_t, citizens, 1000,
          "Number of citizens (good rows in citizens.csv), 1 to 100000000. They come in "
          "households of 1-6 that share a phone number.");
ABSL_FLAG(uint64_t, seed, 1,
          "Random seed. The same seed and flags give byte-identical files on any machine and day.");
ABSL_FLAG(std::string, out, "",
          "Directory to write citizens.csv and vaccinations.csv into (created if missing; files "
          "there are replaced). Required.");
ABSL_FLAG(bool, demo, false,
          "Write the small fixed demo set (tools/demo/README.md lists every citizen) instead of "
          "a generated registry; --citizens, --seed and the other generation flags are then "
          "not allowed.");
ABSL_FLAG(int32_t, vaccinations_per_citizen_max, 4,
          "Most doses any citizen gets, 0 to 6. Citizens get 0-4 following Indonesia's "
          "programme; above 4, a few get further boosters.");
ABSL_FLAG(int64_t, bad_rows_per_million, 0,
          "Mix about this many bad citizen rows per million good ones into citizens.csv (0 to "
          "100000): wrong column count, bad quoting, invalid NIK, impossible birth date, "
          "landline phone, duplicate NIK with another name. Each is listed as "
          "file,line,reason,detail in DIR/expected-rejects.csv for the importer's tests. The "
          "good rows stay exactly those written without this flag.");
ABSL_FLAG(std::string, as_of, "2024-06-30",
          "Snapshot date (YYYY-MM-DD): ages are counted and the last dose may fall on this day. "
          "Fixed by default so that output does not change from day to day.");

namespace {

[[noreturn]] void Fail(const std::string& reason) {
  std::cerr << "gen-data: " << reason << std::endl;
  std::exit(1);
}

// Whether a flag differs from its default (absl 20220623 does not say whether it was given).
bool Changed(absl::string_view flag) {
  const absl::CommandLineFlag* f = absl::FindCommandLineFlag(flag);
  return f != nullptr && f->CurrentValue() != f->DefaultValue();
}

}  // namespace

int main(int argc, char** argv) {
  lindungi::config::ParseCommandLineOrExit(
      argc, argv, "lindungi-gen-data",
      "Writes a synthetic citizen and vaccination registry (citizens.csv, vaccinations.csv) "
      "in the formats of `lindungictl import`.\n"
      "  tools/gen-data --citizens 1000000 --seed 7 --out /tmp/registry\n"
      "  tools/gen-data --demo --out tools/demo");

  const std::string out = absl::GetFlag(FLAGS_out);
  if (out.empty()) Fail("--out is required");
  const auto start = std::chrono::steady_clock::now();

  if (absl::GetFlag(FLAGS_demo)) {
    for (const char* flag :
         {"citizens", "seed", "vaccinations_per_citizen_max", "bad_rows_per_million", "as_of"}) {
      if (Changed(flag)) Fail(std::string("--demo takes no --") + flag);
    }
    absl::StatusOr<lindungi::gendata::RegistryStats> stats =
        lindungi::gendata::WriteDemoRegistry(out);
    if (!stats.ok()) Fail(std::string(stats.status().message()));
    std::cout << absl::StrFormat("gen-data: demo set: %d citizens, %d numbers, %d doses in %s\n",
                                 stats->citizens, stats->phones, stats->vaccinations, out);
    return 0;
  }

  lindungi::gendata::RegistryOptions options;
  options.citizens = absl::GetFlag(FLAGS_citizens);
  options.seed = absl::GetFlag(FLAGS_seed);
  options.vaccinations_per_citizen_max = absl::GetFlag(FLAGS_vaccinations_per_citizen_max);
  options.bad_rows_per_million = absl::GetFlag(FLAGS_bad_rows_per_million);
  if (!absl::ParseCivilTime(absl::GetFlag(FLAGS_as_of), &options.as_of)) {
    Fail("--as_of must be a date YYYY-MM-DD");
  }
  if (absl::Status s = lindungi::gendata::ValidateOptions(options); !s.ok()) {
    Fail(std::string(s.message()));
  }
  // Progress on stderr for runs that take a while; a terminal gets one updating line.
  const bool show_progress = options.citizens >= 200'000;
  const bool tty = ::isatty(STDERR_FILENO) != 0;
  int64_t last_million = 0;
  if (show_progress) {
    options.progress = [&](int64_t done) {
      const double seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      const std::string line = absl::StrFormat(
          "gen-data: %d / %d citizens (%.0f%%), %.0f citizens/s", done, options.citizens,
          100.0 * static_cast<double>(done) / static_cast<double>(options.citizens),
          seconds > 0 ? static_cast<double>(done) / seconds : 0.0);
      if (tty) {
        std::fprintf(stderr, "\r%s", line.c_str());
        if (done == options.citizens) std::fprintf(stderr, "\n");
      } else if (done / 1'000'000 > last_million || done == options.citizens) {
        last_million = done / 1'000'000;
        std::fprintf(stderr, "%s\n", line.c_str());
      }
    };
  }
  absl::StatusOr<lindungi::gendata::RegistryStats> stats =
      lindungi::gendata::WriteRegistry(options, out);
  if (!stats.ok()) Fail(std::string(stats.status().message()));
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cout << absl::StrFormat(
      "gen-data: %d citizens in %d households (%d numbers), %d doses, %d bad rows; %.0f MB in "
      "%s in %.1f s (%.0f citizens/s)\n",
      stats->citizens, stats->households, stats->phones, stats->vaccinations, stats->bad_rows,
      static_cast<double>(stats->bytes) / 1e6, out, seconds,
      static_cast<double>(stats->citizens) / std::max(seconds, 1e-9));
  return 0;
}
