#pragma once

// `lindungictl import`: streams the national registry's CSV files to the services that own them
// (DESIGN.md "Data"): citizens.csv to identity-service's ImportCitizens, vaccinations.csv to
// certificate-service's ImportVaccinations. Malformed CSV rows are rejected here, invalid data by
// the service; both are reported with their line number (stderr, and every one in the reject
// file). Rows already imported stay imported if the run stops, and re-running the same file is
// safe: unchanged rows are counted as such.

#include <cstdio>
#include <memory>
#include <string>

#include "grpcpp/channel.h"

namespace lindungi::ctl {

struct ImportOptions {
  std::string file;                // the CSV file
  std::string reject_file;         // "" = <file>.rejects.csv
  std::string actor = "operator";  // who imports, kept in histories
  bool update_existing = false;    // the registry wins over differing stored data
  int streams = 2;                 // parallel import streams
  int batch_rows = 1000;           // rows per message (the services' maximum)
  int max_rejects = 10000;         // rejects listed (the count is always exact)
  int rejects_on_screen = 20;      // rejects also printed to stderr
};

// Exit codes: 0 all rows imported or unchanged; 1 finished with rejected rows; 2 the file cannot
// be used (missing, wrong header); 3 the import stopped (service unreachable, failed mid-way).
int ImportCitizens(const ImportOptions& options, std::shared_ptr<grpc::Channel> identity,
                   std::FILE* out, std::FILE* err, bool terminal);
int ImportVaccinations(const ImportOptions& options, std::shared_ptr<grpc::Channel> certificate,
                       std::FILE* out, std::FILE* err, bool terminal);

}  // namespace lindungi::ctl
