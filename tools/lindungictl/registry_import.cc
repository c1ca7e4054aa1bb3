#include "registry_import.h"

#include <condition_variable>
#include <deque>
#include <fstream>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "lindungi/certificate/v1/certificate.grpc.pb.h"
#include "lindungi/csv/csv_reader.h"
#include "lindungi/identity/v1/identity.grpc.pb.h"
#include "progress.h"

namespace lindungi::ctl {
namespace {

namespace idv1 = lindungi::identity::v1;
namespace certv1 = lindungi::certificate::v1;

// What differs between the registry's files: columns, messages, and the RPC that takes them.
struct CitizensFile {
  using Service = idv1::IdentityService;
  using Request = idv1::ImportCitizensRequest;
  using Response = idv1::ImportCitizensResponse;
  static constexpr const char* kWhat = "citizens";
  static constexpr const char* kColumns[] = {"nik", "full_name", "birth_date", "sex", "phone"};
  static auto Open(Service::Stub& stub, grpc::ClientContext* ctx, Response* response) {
    return stub.ImportCitizens(ctx, response);
  }
  static void AddRow(int64_t line, std::vector<std::string>& f, Request* batch) {
    idv1::CitizenRow* row = batch->add_rows();
    row->set_line_number(line);
    row->set_nik(std::move(f[0]));
    row->set_full_name(std::move(f[1]));
    row->set_birth_date(std::move(f[2]));
    row->set_sex(std::move(f[3]));
    row->set_phone(std::move(f[4]));
  }
  static std::string ReasonName(int reason) {
    return idv1::RowRejectReason_Name(static_cast<idv1::RowRejectReason>(reason));
  }
};

struct VaccinationsFile {
  using Service = certv1::CertificateService;
  using Request = certv1::ImportVaccinationsRequest;
  using Response = certv1::ImportVaccinationsResponse;
  static constexpr const char* kWhat = "vaccinations";
  static constexpr const char* kColumns[] = {
      "nik",           "dose_number", "vaccine_code", "manufacturer_code",
      "vaccinated_on", "batch",       "facility",     "country"};
  static auto Open(Service::Stub& stub, grpc::ClientContext* ctx, Response* response) {
    return stub.ImportVaccinations(ctx, response);
  }
  static void AddRow(int64_t line, std::vector<std::string>& f, Request* batch) {
    certv1::VaccinationRow* row = batch->add_rows();
    row->set_line_number(line);
    row->set_nik(std::move(f[0]));
    row->set_dose_number(std::move(f[1]));
    row->set_vaccine_code(std::move(f[2]));
    row->set_manufacturer_code(std::move(f[3]));
    row->set_vaccinated_on(std::move(f[4]));
    row->set_batch(std::move(f[5]));
    row->set_facility(std::move(f[6]));
    row->set_country(std::move(f[7]));
  }
  static std::string ReasonName(int reason) {
    return certv1::RowRejectReason_Name(static_cast<certv1::RowRejectReason>(reason));
  }
};

// A bounded hand-off from the CSV reader to a stream sender.
template <typename Request>
class BatchQueue {
 public:
  explicit BatchQueue(size_t capacity) : capacity_(capacity) {}

  // False once the import is being abandoned.
  bool Push(Request batch) {
    std::unique_lock<std::mutex> lock(mu_);
    room_.wait(lock, [this] { return abandoned_ || queue_.size() < capacity_; });
    if (abandoned_) return false;
    queue_.push_back(std::move(batch));
    ready_.notify_one();
    return true;
  }
  std::optional<Request> Pop() {
    std::unique_lock<std::mutex> lock(mu_);
    ready_.wait(lock, [this] { return abandoned_ || closed_ || !queue_.empty(); });
    if (abandoned_ || queue_.empty()) return std::nullopt;
    Request batch = std::move(queue_.front());
    queue_.pop_front();
    room_.notify_one();
    return batch;
  }
  void Close() {
    std::lock_guard<std::mutex> lock(mu_);
    closed_ = true;
    ready_.notify_all();
  }
  void Abandon() {
    std::lock_guard<std::mutex> lock(mu_);
    abandoned_ = true;
    ready_.notify_all();
    room_.notify_all();
  }

 private:
  const size_t capacity_;
  std::mutex mu_;
  std::condition_variable ready_, room_;
  std::deque<Request> queue_;
  bool closed_ = false;
  bool abandoned_ = false;
};

struct Reject {
  int64_t line;
  std::string reason;
  std::string description;
};

// "ROW_REJECT_REASON_INVALID_NIK" -> "invalid_nik"
std::string ShortReason(const std::string& enum_name) {
  return absl::AsciiStrToLower(enum_name.substr(sizeof("ROW_REJECT_REASON_") - 1));
}

std::string CsvField(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  return out + "\"";
}

// One import stream, fed from its queue until it closes.
template <typename File>
struct Sender {
  grpc::ClientContext ctx;
  typename File::Response response;
  grpc::Status status;
  int64_t rows_sent = 0;
};

template <typename File>
void RunSender(typename File::Service::Stub& stub, BatchQueue<typename File::Request>& queue,
               const ImportOptions& o, Sender<File>& sender, std::atomic<bool>& failed,
               std::vector<std::unique_ptr<BatchQueue<typename File::Request>>>& all_queues) {
  auto writer = File::Open(stub, &sender.ctx, &sender.response);
  bool first = true;
  while (std::optional<typename File::Request> batch = queue.Pop()) {
    if (first) {
      batch->mutable_actor()->set_id(o.actor);
      batch->mutable_actor()->set_role(lindungi::common::v1::ROLE_ADMIN);
      batch->mutable_actor()->set_channel(lindungi::common::v1::CHANNEL_OPERATOR);
      batch->set_source_name(o.file.substr(o.file.find_last_of('/') + 1));
      batch->set_update_existing(o.update_existing);
      batch->set_max_rejects(o.max_rejects);
      first = false;
    }
    const int rows = batch->rows_size();
    if (!writer->Write(*batch)) break;  // the stream broke: Finish says why
    sender.rows_sent += rows;
  }
  writer->WritesDone();
  sender.status = writer->Finish();
  if (!sender.status.ok()) {
    failed = true;
    for (auto& q : all_queues) q->Abandon();
  }
}

template <typename File>
int RunImport(const ImportOptions& o, std::shared_ptr<grpc::Channel> channel, std::FILE* out,
              std::FILE* err, bool terminal) {
  using Request = typename File::Request;
  constexpr size_t kColumnCount = std::size(File::kColumns);
  absl::StatusOr<std::unique_ptr<csv::CsvReader>> opened = csv::CsvReader::Open(o.file);
  if (!opened.ok()) {
    std::fprintf(err, "lindungictl import: %s\n", std::string(opened.status().message()).c_str());
    return 2;
  }
  csv::CsvReader& reader = **opened;
  csv::CsvRecord record;
  if (!reader.Next(&record) || !record.error.empty() || record.fields.size() != kColumnCount ||
      !std::equal(record.fields.begin(), record.fields.end(), std::begin(File::kColumns),
                  [](const std::string& a, const char* b) {
                    return absl::AsciiStrToLower(absl::StripAsciiWhitespace(a)) == b;
                  })) {
    std::fprintf(err, "lindungictl import: %s must start with the header line %s\n", o.file.c_str(),
                 absl::StrJoin(File::kColumns, ",").c_str());
    return 2;
  }

  // Rows go to streams by NIK: every row of one NIK travels in one stream, in file order, so
  // the service sees a repeated NIK after the first (the earlier line wins, the later one is a
  // duplicate) whatever the streams' relative speed.
  auto stub = File::Service::NewStub(channel);
  std::atomic<bool> failed{false};
  std::vector<std::unique_ptr<BatchQueue<Request>>> queues;
  std::vector<std::unique_ptr<Sender<File>>> senders;
  std::vector<std::thread> threads;
  for (int i = 0; i < o.streams; ++i) {
    queues.push_back(std::make_unique<BatchQueue<Request>>(2));
    senders.push_back(std::make_unique<Sender<File>>());
  }
  for (int i = 0; i < o.streams; ++i) {
    threads.emplace_back(
        [&, i] { RunSender<File>(*stub, *queues[i], o, *senders[i], failed, queues); });
  }

  std::vector<Reject> rejects;
  int64_t local_rejects = 0, rows = 0;
  auto reject_locally = [&](int64_t line, std::string reason, std::string description) {
    ++local_rejects;
    if (static_cast<int>(rejects.size()) < o.max_rejects) {
      rejects.push_back({line, std::move(reason), std::move(description)});
    }
  };
  Progress progress(absl::StrCat("importing ", File::kWhat), reader.total_bytes(), err, terminal);
  std::vector<Request> batches(o.streams);
  while (!failed && reader.Next(&record)) {
    ++rows;
    if (!record.error.empty()) {
      reject_locally(record.line, "malformed_csv", record.error);
    } else if (record.fields.size() != kColumnCount) {
      reject_locally(
          record.line, "wrong_column_count",
          absl::StrCat("expected ", kColumnCount, " columns, found ", record.fields.size()));
    } else {
      const size_t stream =
          std::hash<std::string>{}(std::string(absl::StripAsciiWhitespace(record.fields[0]))) %
          batches.size();
      Request& batch = batches[stream];
      File::AddRow(record.line, record.fields, &batch);
      if (batch.rows_size() >= o.batch_rows) {
        if (!queues[stream]->Push(std::move(batch))) break;
        batch = Request();
      }
    }
    progress.Update(reader.bytes_read(), rows);
  }
  for (size_t i = 0; i < batches.size(); ++i) {
    if (batches[i].rows_size() > 0 && !failed) queues[i]->Push(std::move(batches[i]));
    queues[i]->Close();
  }
  for (auto& t : threads) t.join();
  progress.Done(reader.bytes_read(), rows);

  typename File::Response total;
  for (const auto& s : senders) {
    const typename File::Response& r = s->response;
    total.set_rows_created(total.rows_created() + r.rows_created());
    total.set_rows_updated(total.rows_updated() + r.rows_updated());
    total.set_rows_unchanged(total.rows_unchanged() + r.rows_unchanged());
    total.set_rows_rejected(total.rows_rejected() + r.rows_rejected());
    for (const auto& rj : r.rejects()) {
      if (static_cast<int>(rejects.size()) < o.max_rejects) {
        rejects.push_back(
            {rj.line_number(), ShortReason(File::ReasonName(rj.reason())), rj.description()});
      }
    }
  }
  std::sort(rejects.begin(), rejects.end(),
            [](const Reject& a, const Reject& b) { return a.line < b.line; });
  const int64_t rejected = local_rejects + total.rows_rejected();

  const std::string reject_file = o.reject_file.empty() ? o.file + ".rejects.csv" : o.reject_file;
  if (rejected > 0) {
    std::ofstream file(reject_file, std::ios::trunc);
    file << "line,reason,description\n";
    for (const Reject& r : rejects) {
      file << r.line << "," << r.reason << "," << CsvField(r.description) << "\n";
    }
    for (int i = 0; i < static_cast<int>(rejects.size()) && i < o.rejects_on_screen; ++i) {
      std::fprintf(err, "line %ld: %s: %s\n", static_cast<long>(rejects[i].line),
                   rejects[i].reason.c_str(), rejects[i].description.c_str());
    }
    if (rejected > o.rejects_on_screen) {
      std::fprintf(
          err, "... %s rejected rows in all; %s in %s\n", Progress::Thousands(rejected).c_str(),
          static_cast<int64_t>(rejects.size()) < rejected ? "the first ones are" : "every one is",
          reject_file.c_str());
    }
  }

  for (const auto& s : senders) {
    if (!s->status.ok()) {
      std::fprintf(err,
                   "lindungictl import: the import stopped: %s\n"
                   "Rows already written stay imported; running the same command again is safe "
                   "(unchanged rows are skipped).\n",
                   s->status.error_message().c_str());
      return 3;
    }
  }
  std::fprintf(out, "%s rows read: %s created, %s updated, %s unchanged, %s rejected%s\n",
               Progress::Thousands(rows).c_str(), Progress::Thousands(total.rows_created()).c_str(),
               Progress::Thousands(total.rows_updated()).c_str(),
               Progress::Thousands(total.rows_unchanged()).c_str(),
               Progress::Thousands(rejected).c_str(),
               rejected > 0 ? absl::StrCat(" (see ", reject_file, ")").c_str() : "");
  return rejected > 0 ? 1 : 0;
}

}  // namespace

int ImportCitizens(const ImportOptions& options, std::shared_ptr<grpc::Channel> identity,
                   std::FILE* out, std::FILE* err, bool terminal) {
  return RunImport<CitizensFile>(options, std::move(identity), out, err, terminal);
}

int ImportVaccinations(const ImportOptions& options, std::shared_ptr<grpc::Channel> certificate,
                       std::FILE* out, std::FILE* err, bool terminal) {
  return RunImport<VaccinationsFile>(options, std::move(certificate), out, err, terminal);
}

}  // namespace lindungi::ctl
