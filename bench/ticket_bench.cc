// ticket-bench: ticket-service with a million tickets in the store (issue 5). Two modes:
//
//   ticket-bench --seed=1000000 --db=sqlite:///tmp/t/ticket.db --pii_key_file=/tmp/t/pii.key
//   ticket-bench --target=127.0.0.1:50040 --scenario=overdue-queue --concurrency=4 --duration=20s
//
// --seed fills a fresh store in process, through TicketDesk (the same calls and transactions the
// RPCs make), with a FakeClock that replays --history of call-centre life ending now: tickets
// open at an even pace from WhatsApp, 119 calls and e-mail, --agents agents pick them up, work
// on them, sometimes wait for the citizen or write notes, resolve or reject most within their
// SLA, some late, a few never (the backlog); resolved tickets close two days later, and the SLA
// sweep runs every 15 simulated minutes. Actions run in time order, so ids, events and index
// inserts arrive as they would in production; only the commits are grouped (--seed_batch). It
// prints progress (tickets/s and desk writes/s), then how the tickets ended up.
//
// --target measures over gRPC against lindungi-ticket serving that store, with a closed loop of
// --concurrency calls for --duration:
//   create         CreateTicket, each with a new random client_request_id (as if derived from a
//                  WhatsApp message id); a call counts as failed unless it created an OPEN ticket
//   overdue-queue  ListTickets{assignee, overdue_only, page_size} for each of the --agents agents
//                  in turn (in a fixed shuffled order); a call counts as failed unless every ticket
//                  is that agent's, overdue and unresolved, in (sla_due_at, ticket_id) order
// Output: ClosedLoop's line (calls, ops/s, p50/p99/p99.9; failed calls as "status -1"), then a
// line about what the calls returned.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <memory>
#include <mutex>
#include <queue>
#include <random>
#include <string>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "closed_loop.h"
#include "grpcpp/create_channel.h"
#include "lindungi/clock/clock.h"
#include "lindungi/config/command_line.h"
#include "lindungi/config/config.h"
#include "lindungi/crypto/pii_vault.h"
#include "lindungi/ids/ids.h"
#include "lindungi/log/log.h"
#include "lindungi/store/migrations.h"
#include "lindungi/store/store.h"
#include "lindungi/store/store_flags.h"
#include "lindungi/ticket/v1/ticket.grpc.pb.h"
#include "ticket_desk.h"
#include "ticket_schema.h"
#include "ticket_server.h"

ABSL_FLAG(int64_t, seed, 0,
          "Seed mode: fill the store named by --db (which must hold no tickets) with this many "
          "tickets through TicketDesk, encrypted with --pii_key_file, then exit");
ABSL_FLAG(absl::Duration, history, absl::Hours(8 * 7 * 24),
          "Seed mode: the tickets open evenly over this much time, ending now");
ABSL_FLAG(int, agents, 500,
          "Agents (agent-001 ...) who own the tickets; the overdue-queue scenario rotates over "
          "the same names");
ABSL_FLAG(int, seed_batch, 50000,
          "Seed mode: desk calls per store transaction (1 = each call commits alone, as in the "
          "service); a bulk load groups them, as lindungictl import does");
ABSL_FLAG(uint64_t, rng_seed, 1, "Seed mode: pseudo-random seed, so a store can be made again");
ABSL_FLAG(std::string, target, "",
          "Load mode: lindungi-ticket's gRPC address, e.g. 127.0.0.1:50040");
ABSL_FLAG(std::string, scenario, "overdue-queue", "Load mode: create or overdue-queue");
ABSL_FLAG(int, concurrency, 1, "Load mode: calls in flight");
ABSL_FLAG(absl::Duration, duration, absl::Seconds(20), "Load mode: how long to run");
ABSL_FLAG(int, page_size, 50, "Load mode: ListTickets page size for overdue-queue");

namespace {

using namespace lindungi;  // NOLINT: a benchmark's main file
namespace v1 = lindungi::ticket::v1;
using lindungi::common::v1::Actor;
using lindungi::common::v1::Channel;

std::string AgentName(int i) { return absl::StrFormat("agent-%03d", i + 1); }

bool Unresolved(v1::TicketStatus s) {
  return s == v1::TICKET_STATUS_OPEN || s == v1::TICKET_STATUS_IN_PROGRESS ||
         s == v1::TICKET_STATUS_WAITING_CITIZEN;
}

int64_t Ms(const google::protobuf::Timestamp& t) {
  return t.seconds() * 1000 + t.nanos() / 1000000;
}

// ---------------------------------------------------------------------------------------------
// What complaints look like: enough variety for realistic body sizes (descriptions of about
// 80 to 400 characters; contact details by channel).

constexpr const char* kSentences[] = {
    "Sertifikat vaksin dosis kedua saya belum muncul di aplikasi.",
    "Saya sudah vaksin booster bulan lalu di puskesmas tetapi datanya tidak ada.",
    "Nama saya di sertifikat salah eja, mohon diperbaiki sesuai KTP.",
    "Tanggal lahir di data vaksinasi berbeda dengan KTP saya.",
    "Kode OTP tidak pernah masuk ke nomor saya walaupun sudah dicoba berkali-kali.",
    "Nomor HP lama saya sudah tidak aktif dan saya ingin menggantinya.",
    "Saya perlu sertifikat untuk perjalanan ke luar negeri minggu depan.",
    "Di aplikasi tertulis belum vaksin padahal saya sudah dua kali.",
    "Mohon bantuannya, saya sudah menunggu beberapa hari.",
    "NIK saya terdaftar atas nama orang lain.",
    "QR code di sertifikat tidak bisa dipindai di bandara.",
    "Saya tidak bisa mengunduh PDF sertifikat, selalu gagal.",
    "Orang tua saya sudah vaksin tetapi datanya tidak ditemukan.",
    "Terima kasih atas bantuannya.",
};

constexpr const char* kResolutions[] = {
    "Data vaksinasi sudah dilengkapi dan sertifikat dikirim ulang ke nomor terdaftar.",
    "Perbaikan data disetujui; sertifikat baru sudah terbit.",
    "Nomor HP sudah diganti setelah verifikasi identitas.",
    "Kode OTP berhasil diterima setelah gangguan operator selesai.",
};

constexpr const char* kRejections[] = {
    "Laporan ganda; ditangani di tiket lain.",
    "Data pendukung tidak sesuai; warga diminta datang ke fasilitas kesehatan.",
};

constexpr const char* kNotes[] = {
    "Sudah dicek di data faskes, menunggu konfirmasi dinas kesehatan.",
    "Warga diminta mengirim foto KTP melalui WhatsApp resmi.",
    "Dihubungi lewat telepon, tidak diangkat; dicoba lagi besok.",
    "Eskalasi ke tim data.",
};

template <size_t N>
const char* Pick(const char* const (&options)[N], std::mt19937_64& rng) {
  return options[std::uniform_int_distribution<size_t>(0, N - 1)(rng)];
}

std::string Digits(std::mt19937_64& rng, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out.push_back(static_cast<char>('0' + rng() % 10));
  return out;
}

std::string HexId(std::mt19937_64& rng, int bytes) {
  std::string out;
  for (int i = 0; i < bytes; ++i) absl::StrAppendFormat(&out, "%02x", rng() & 0xff);
  return out;
}

// A new complaint as the gateway or an agent would file it.
v1::CreateTicketRequest NewComplaint(std::mt19937_64& rng, absl::Time now,
                                     const std::string& request_id) {
  v1::CreateTicketRequest r;
  r.set_client_request_id(request_id);
  const int channel_roll = static_cast<int>(rng() % 100);
  const Channel channel = channel_roll < 70   ? lindungi::common::v1::CHANNEL_WHATSAPP
                          : channel_roll < 95 ? lindungi::common::v1::CHANNEL_CALL_CENTER
                                              : lindungi::common::v1::CHANNEL_EMAIL;
  r.set_channel(channel);
  static const std::discrete_distribution<int> kCategory({0, 30, 20, 20, 10, 10, 10});
  std::discrete_distribution<int> category = kCategory;
  r.set_category(static_cast<v1::TicketCategory>(category(rng)));
  const int priority_roll = static_cast<int>(rng() % 100);
  if (priority_roll < 5) {
    r.set_priority(v1::TICKET_PRIORITY_URGENT);
  } else if (priority_roll < 15) {
    r.set_priority(v1::TICKET_PRIORITY_HIGH);
  }  // else the category's default
  if (rng() % 100 < 80) r.set_citizen_id(ids::NewId("c", now));
  if (r.category() == v1::TICKET_CATEGORY_DATA_CORRECTION && rng() % 100 < 70) {
    r.set_change_request_id(ids::NewId("cr", now));
  }
  const std::string phone = "0812" + Digits(rng, 8);
  if (channel == lindungi::common::v1::CHANNEL_EMAIL) {
    r.mutable_contact()->set_email(absl::StrCat("warga", Digits(rng, 6), "@example.id"));
  } else {
    r.mutable_contact()->set_phone(phone);
    if (channel == lindungi::common::v1::CHANNEL_WHATSAPP) {
      r.mutable_contact()->set_wa_id("62" + phone.substr(1));
    }
  }
  std::string text;
  const int sentences = 1 + static_cast<int>(rng() % 4);
  for (int i = 0; i < sentences; ++i) absl::StrAppend(&text, i ? " " : "", Pick(kSentences, rng));
  r.set_description(text);
  Actor* actor = r.mutable_actor();
  if (channel == lindungi::common::v1::CHANNEL_WHATSAPP) {
    actor->set_id("chatbot");
    actor->set_role(lindungi::common::v1::ROLE_SYSTEM);
  } else {
    actor->set_id(absl::StrFormat("agent-%03d", 1 + rng() % 500));
    actor->set_role(lindungi::common::v1::ROLE_AGENT);
  }
  actor->set_channel(channel);
  return r;
}

// ---------------------------------------------------------------------------------------------
// Seed mode.

// Groups the desk's write transactions for a bulk load: Write() calls share one store
// transaction, committed every `batch` calls and at Flush(). The desk runs the same statements;
// only the commits are fewer. A failed call cannot be rolled back alone, so seeding stops at the
// first error (the store is a throwaway).
class BatchingDatabase final : public store::Database {
 public:
  BatchingDatabase(store::Database& db, int batch) : db_(db), batch_(batch) {}
  ~BatchingDatabase() override { (void)Flush(); }

  absl::StatusOr<std::unique_ptr<store::Transaction>> BeginWrite() override {
    if (open_ == nullptr) {
      absl::StatusOr<std::unique_ptr<store::Transaction>> tx = db_.BeginWrite();
      if (!tx.ok()) return tx.status();
      open_ = *std::move(tx);
    }
    return std::unique_ptr<store::Transaction>(new Shared(*this));
  }
  absl::StatusOr<std::unique_ptr<store::Transaction>> BeginRead() override {
    return db_.BeginRead();  // sees what was flushed
  }
  std::string backend() const override { return db_.backend(); }

  absl::Status Flush() {
    calls_ = 0;
    if (open_ == nullptr) return absl::OkStatus();
    absl::Status s = open_->Commit();
    open_.reset();
    return s;
  }

 private:
  class Shared final : public store::Transaction {
   public:
    explicit Shared(BatchingDatabase& owner) : owner_(owner) {}
    absl::StatusOr<int64_t> Execute(absl::string_view sql, store::Params params) override {
      return owner_.open_->Execute(sql, params);
    }
    absl::Status Query(absl::string_view sql, store::Params params,
                       store::RowCallback on_row) override {
      return owner_.open_->Query(sql, params, on_row);
    }
    absl::Status ExecuteScript(absl::string_view sql) override {
      return owner_.open_->ExecuteScript(sql);
    }
    absl::Status Commit() override {
      return ++owner_.calls_ >= owner_.batch_ ? owner_.Flush() : absl::OkStatus();
    }
    bool is_write() const override { return true; }

   private:
    BatchingDatabase& owner_;
  };

  store::Database& db_;
  const int batch_;
  int calls_ = 0;
  std::unique_ptr<store::Transaction> open_;
};

enum class Step { kAssign, kStart, kWait, kResume, kNote, kResolve, kReject, kClose };

struct Pending {
  int64_t at_ms;
  uint64_t order;  // ties in creation order, so a run is repeatable
  int64_t ticket;
  Step step;
  int agent;
  bool operator>(const Pending& o) const {
    return std::tie(at_ms, order) > std::tie(o.at_ms, o.order);
  }
};

struct Live {
  std::string ticket_id;
  int64_t version = 0;
  int open_steps = 0;  // steps still queued; the entry goes when it reaches 0
};

class Seeder {
 public:
  Seeder(ticket::TicketDesk& desk, clock::FakeClock& clock, absl::Time end, int64_t tickets,
         int agents, uint64_t rng_seed)
      : desk_(desk),
        clock_(clock),
        end_ms_(absl::ToUnixMillis(end)),
        start_ms_(absl::ToUnixMillis(end - absl::GetFlag(FLAGS_history))),
        tickets_(tickets),
        agents_(agents),
        rng_(rng_seed) {}

  absl::Status Run() {
    const absl::Time wall_start = absl::Now();
    absl::Time last_report = wall_start;
    int64_t created = 0;
    int64_t next_sweep_ms = start_ms_ + kSweepEveryMs;
    for (;;) {
      const int64_t create_ms = created < tickets_ ? CreateTime(created) : INT64_MAX;
      const int64_t pending_ms = queue_.empty() ? INT64_MAX : queue_.top().at_ms;
      const int64_t next = std::min({create_ms, pending_ms, next_sweep_ms});
      if (next > end_ms_) break;
      clock_.Set(absl::FromUnixMillis(next));
      if (next == next_sweep_ms) {
        absl::StatusOr<int> n = desk_.SweepSla();
        if (!n.ok()) return n.status();
        breaches_ += *n;
        ++writes_;
        next_sweep_ms += kSweepEveryMs;
      } else if (next == create_ms) {
        if (absl::Status s = Create(created, next); !s.ok()) return s;
        ++created;
      } else {
        Pending p = queue_.top();
        queue_.pop();
        if (absl::Status s = Apply(p); !s.ok()) return s;
      }
      if ((writes_ & 1023) == 0 && absl::Now() - last_report >= absl::Seconds(10)) {
        last_report = absl::Now();
        Progress(created, wall_start, next);
      }
    }
    clock_.Set(absl::FromUnixMillis(end_ms_));
    absl::StatusOr<int> n = desk_.SweepSla();
    if (!n.ok()) return n.status();
    breaches_ += *n;
    Progress(created, wall_start, end_ms_);
    const double secs = absl::ToDoubleSeconds(absl::Now() - wall_start);
    std::printf("seeded %" PRId64 " tickets with %" PRId64
                " writes in %.1f s: %.0f tickets/s, "
                "%.0f writes/s (%" PRId64 " SLA breaches recorded)\n",
                created, writes_, secs, created / secs, writes_ / secs, breaches_);
    return absl::OkStatus();
  }

 private:
  static constexpr int64_t kSweepEveryMs = 15 * 60 * 1000;
  static constexpr int64_t kMinute = 60 * 1000;
  static constexpr int64_t kHour = 60 * kMinute;

  // Even pace with jitter inside each slot, so creation times only grow.
  int64_t CreateTime(int64_t i) {
    const double slot = static_cast<double>(end_ms_ - start_ms_) / tickets_;
    return start_ms_ + static_cast<int64_t>(slot * (i + jitter_(rng_) * 0.9));
  }

  void Progress(int64_t created, absl::Time wall_start, int64_t sim_ms) {
    const double secs = absl::ToDoubleSeconds(absl::Now() - wall_start);
    std::printf(
        "  %8.1f s  %9" PRId64 " tickets  %10" PRId64
        " writes  %7.0f tickets/s  "
        "%7.0f writes/s  simulated %s\n",
        secs, created, writes_, created / secs, writes_ / secs,
        absl::FormatTime("%Y-%m-%d %H:%M", absl::FromUnixMillis(sim_ms), absl::UTCTimeZone())
            .c_str());
    std::fflush(stdout);
  }

  int64_t Exp(double mean) {
    return static_cast<int64_t>(std::exponential_distribution<>(1.0 / mean)(rng_));
  }

  void Queue(int64_t ticket, int64_t at_ms, Step step, int agent = 0) {
    queue_.push(Pending{at_ms, order_++, ticket, step, agent});
    ++live_[ticket].open_steps;
  }

  absl::Status Create(int64_t i, int64_t now_ms) {
    v1::CreateTicketRequest req =
        NewComplaint(rng_, absl::FromUnixMillis(now_ms), "wamid." + HexId(rng_, 16));
    v1::CreateTicketResponse resp;
    if (absl::Status s = desk_.CreateTicket(req, &resp); !s.ok()) return s;
    ++writes_;
    const v1::Ticket& t = resp.ticket();
    live_[i] = Live{t.ticket_id(), t.version(), 0};
    // The plan of its life; steps after the end of the history simply do not happen (yet).
    const int64_t due = Ms(t.sla_due_at()) - now_ms;
    const int agent = static_cast<int>(rng_() % agents_);
    const int64_t assign = now_ms + 2 * kMinute + Exp(2.0 * kHour);
    const int64_t start = assign + kMinute + Exp(30.0 * kMinute);
    Queue(i, assign, Step::kAssign, agent);
    Queue(i, start, Step::kStart);
    const int fate = static_cast<int>(rng_() % 1000);
    int64_t resolve = 0;
    if (fate < 30) {
      resolve = -1;  // 3 %: the backlog, never resolved
    } else if (fate < 150) {
      resolve = now_ms + due + std::max<int64_t>(kHour, Exp(0.5 * due));  // 12 %: late
    } else {
      std::uniform_real_distribution<> share(0.05, 0.95);
      resolve = std::max(start + kMinute, now_ms + static_cast<int64_t>(share(rng_) * due));
    }
    if (resolve > 0) resolve = std::max(resolve, start + kMinute);  // an urgent one, picked late
    const int64_t until = resolve > 0 ? resolve : start + 2 * due;
    if (rng_() % 100 < (resolve > 0 ? 15 : 40)) {  // waits for the citizen's answer
      Queue(i, start + (until - start) * 3 / 10, Step::kWait);
      if (resolve > 0) Queue(i, start + (until - start) * 6 / 10, Step::kResume);
    }
    if (rng_() % 100 < 40) Queue(i, start + (until - start) / 2, Step::kNote);
    if (resolve > 0) {
      Queue(i, resolve, rng_() % 10 == 0 ? Step::kReject : Step::kResolve);
      Queue(i, resolve + 48 * kHour, Step::kClose);
    }
    return absl::OkStatus();
  }

  absl::Status Apply(const Pending& p) {
    auto it = live_.find(p.ticket);
    Live& live = it->second;
    Actor agent;
    agent.set_id(AgentName(p.agent));
    agent.set_role(lindungi::common::v1::ROLE_AGENT);
    agent.set_channel(lindungi::common::v1::CHANNEL_CALL_CENTER);
    absl::Status s;
    if (p.step == Step::kAssign) {
      assignee_[p.ticket] = p.agent;
      v1::AssignTicketRequest req;
      req.set_ticket_id(live.ticket_id);
      req.set_assignee(AgentName(p.agent));
      req.set_expected_version(live.version);
      req.mutable_actor()->set_id("supervisor-01");
      req.mutable_actor()->set_role(lindungi::common::v1::ROLE_SUPERVISOR);
      req.mutable_actor()->set_channel(lindungi::common::v1::CHANNEL_CALL_CENTER);
      v1::AssignTicketResponse resp;
      s = desk_.AssignTicket(req, &resp);
      live.version = resp.ticket().version();
    } else if (p.step == Step::kNote) {
      agent.set_id(AgentName(assignee_[p.ticket]));
      v1::AddNoteRequest req;
      req.set_ticket_id(live.ticket_id);
      req.set_text(Pick(kNotes, rng_));
      req.set_visibility(rng_() % 4 == 0 ? v1::NOTE_VISIBILITY_CITIZEN
                                         : v1::NOTE_VISIBILITY_INTERNAL);
      *req.mutable_actor() = agent;
      v1::AddNoteResponse resp;
      s = desk_.AddNote(req, &resp);
      live.version = resp.event().ticket().version();
    } else {
      agent.set_id(AgentName(assignee_[p.ticket]));
      v1::TransitionTicketRequest req;
      req.set_ticket_id(live.ticket_id);
      req.set_expected_version(live.version);
      switch (p.step) {
        case Step::kStart:
        case Step::kResume:
          req.set_target_status(v1::TICKET_STATUS_IN_PROGRESS);
          break;
        case Step::kWait:
          req.set_target_status(v1::TICKET_STATUS_WAITING_CITIZEN);
          break;
        case Step::kResolve:
          req.set_target_status(v1::TICKET_STATUS_RESOLVED);
          req.set_resolution(Pick(kResolutions, rng_));
          break;
        case Step::kReject:
          req.set_target_status(v1::TICKET_STATUS_REJECTED);
          req.set_resolution(Pick(kRejections, rng_));
          break;
        default:  // kClose, by the nightly job
          req.set_target_status(v1::TICKET_STATUS_CLOSED);
          agent.set_id("ticket-closer");
          agent.set_role(lindungi::common::v1::ROLE_SYSTEM);
          agent.set_channel(lindungi::common::v1::CHANNEL_OPERATOR);
          break;
      }
      *req.mutable_actor() = agent;
      v1::TransitionTicketResponse resp;
      s = desk_.TransitionTicket(req, &resp);
      live.version = resp.ticket().version();
    }
    if (!s.ok()) {
      return absl::InternalError(absl::StrCat("seeding step ", static_cast<int>(p.step), " of ",
                                              live.ticket_id, ": ", s.ToString()));
    }
    ++writes_;
    if (--live.open_steps == 0) {
      live_.erase(it);
      assignee_.erase(p.ticket);
    }
    return absl::OkStatus();
  }

  ticket::TicketDesk& desk_;
  clock::FakeClock& clock_;
  const int64_t end_ms_;
  const int64_t start_ms_;
  const int64_t tickets_;
  const int agents_;
  std::mt19937_64 rng_;
  std::uniform_real_distribution<> jitter_{0.0, 1.0};
  std::priority_queue<Pending, std::vector<Pending>, std::greater<Pending>> queue_;
  uint64_t order_ = 0;
  std::unordered_map<int64_t, Live> live_;
  std::unordered_map<int64_t, int> assignee_;
  int64_t writes_ = 0;
  int64_t breaches_ = 0;
};

// How the seeded tickets ended up: by status, overdue, and the overdue queues' lengths.
absl::Status Describe(store::Database& db, absl::Time now, int agents) {
  return db.Read([&](store::Transaction& tx) -> absl::Status {
    std::printf("tickets by status:");
    absl::Status s = tx.Query(
        "SELECT status, COUNT(*) FROM tickets GROUP BY status", {}, [](const store::Row& r) {
          std::printf(" %s %" PRId64,
                      ticket::StatusName(static_cast<v1::TicketStatus>(r.Int(0))).c_str(),
                      r.Int(1));
          return true;
        });
    if (!s.ok()) return s;
    std::printf("\n");
    std::vector<int64_t> per_agent(agents, 0);
    int64_t overdue = 0, unassigned = 0;
    s = tx.Query(
        "SELECT assignee, COUNT(*) FROM tickets WHERE status IN (1, 2, 3) AND sla_due_at < ? "
        "GROUP BY assignee",
        {absl::ToUnixMillis(now)}, [&](const store::Row& r) {
          overdue += r.Int(1);
          int n = 0;
          if (r.TextView(0).empty()) {
            unassigned += r.Int(1);
          } else if (std::sscanf(r.Text(0).c_str(), "agent-%d", &n) == 1 && n >= 1 && n <= agents) {
            per_agent[n - 1] = r.Int(1);
          }
          return true;
        });
    if (!s.ok()) return s;
    std::sort(per_agent.begin(), per_agent.end());
    std::printf("overdue (unresolved, past due): %" PRId64 " (%" PRId64
                " unassigned); per agent min %" PRId64 ", median %" PRId64 ", max %" PRId64 "\n",
                overdue, unassigned, per_agent.front(), per_agent[per_agent.size() / 2],
                per_agent.back());
    s = tx.Query("SELECT COUNT(*), COUNT(DISTINCT assignee) FROM tickets", {},
                 [&](const store::Row& r) {
                   std::printf("tickets %" PRId64 ", distinct assignees %" PRId64 " (with none)",
                               r.Int(0), r.Int(1));
                   return false;
                 });
    if (!s.ok()) return s;
    return tx.Query("SELECT COUNT(*) FROM ticket_events", {}, [](const store::Row& r) {
      std::printf(", events %" PRId64 "\n", r.Int(0));
      return false;
    });
  });
}

int Seed() {
  absl::StatusOr<ticket::TicketConfig> config = ticket::TicketConfigFromFlags();
  if (!config.ok()) config::ExitBadConfig("ticket-bench", config.status());
  absl::StatusOr<store::StoreConfig> store_config = store::StoreConfigFromFlags();
  if (!store_config.ok()) config::ExitBadConfig("ticket-bench", store_config.status());
  absl::StatusOr<std::unique_ptr<crypto::PiiVault>> vault =
      crypto::PiiVault::Create(config->pii_key, "ticket");
  if (!vault.ok()) config::ExitBadConfig("ticket-bench", vault.status());
  absl::StatusOr<std::unique_ptr<store::Database>> db =
      store::OpenDatabase(config->db_url, store_config->options);
  if (!db.ok()) config::ExitBadConfig("ticket-bench", db.status());
  if (absl::Status s = store::Migrate(**db, ticket::TicketMigrations()); !s.ok()) {
    config::ExitBadConfig("ticket-bench", s);
  }
  int64_t existing = -1;
  absl::Status counted = (*db)->Read([&](store::Transaction& tx) {
    return tx.Query("SELECT COUNT(*) FROM tickets", {}, [&](const store::Row& r) {
      existing = r.Int(0);
      return false;
    });
  });
  if (!counted.ok() || existing != 0) {
    std::fprintf(stderr, "ticket-bench: --seed needs a store without tickets\n");
    return 2;
  }
  const int batch = absl::GetFlag(FLAGS_seed_batch);
  if (batch < 1) {
    std::fprintf(stderr, "ticket-bench: --seed_batch must be at least 1\n");
    return 2;
  }
  BatchingDatabase batched(**db, batch);
  const absl::Time end = absl::FromUnixSeconds(absl::ToUnixSeconds(absl::Now()));
  clock::FakeClock clock(end - absl::GetFlag(FLAGS_history));
  absl::StatusOr<std::unique_ptr<ticket::TicketDesk>> desk =
      ticket::TicketDesk::Open(batched, **vault, clock, config->desk);
  if (!desk.ok()) config::ExitBadConfig("ticket-bench", desk.status());
  std::printf("seeding %" PRId64
              " tickets over %s ending %s, %d agents, %d desk calls per "
              "transaction\n",
              absl::GetFlag(FLAGS_seed), absl::FormatDuration(absl::GetFlag(FLAGS_history)).c_str(),
              absl::FormatTime("%Y-%m-%d %H:%M:%S UTC", end, absl::UTCTimeZone()).c_str(),
              absl::GetFlag(FLAGS_agents), batch);
  Seeder seeder(**desk, clock, end, absl::GetFlag(FLAGS_seed), absl::GetFlag(FLAGS_agents),
                absl::GetFlag(FLAGS_rng_seed));
  absl::Status seeded = seeder.Run();
  if (seeded.ok()) seeded = batched.Flush();
  if (!seeded.ok()) {
    std::fprintf(stderr, "ticket-bench: %s\n", seeded.ToString().c_str());
    return 1;
  }
  if (absl::Status s = Describe(**db, end, absl::GetFlag(FLAGS_agents)); !s.ok()) {
    std::fprintf(stderr, "ticket-bench: %s\n", s.ToString().c_str());
    return 1;
  }
  return 0;
}

// ---------------------------------------------------------------------------------------------
// Load mode.

int Load() {
  const std::string scenario = absl::GetFlag(FLAGS_scenario);
  if (scenario != "create" && scenario != "overdue-queue") {
    std::fprintf(stderr, "ticket-bench: --scenario must be create or overdue-queue\n");
    return 2;
  }
  const int agents = absl::GetFlag(FLAGS_agents);
  const int concurrency = absl::GetFlag(FLAGS_concurrency);
  const int page_size = absl::GetFlag(FLAGS_page_size);
  auto stub = v1::TicketService::NewStub(
      grpc::CreateChannel(absl::GetFlag(FLAGS_target), grpc::InsecureChannelCredentials()));
  // Agents in a shuffled order, the same in every run.
  std::vector<std::string> queue_owners;
  for (int i = 0; i < agents; ++i) queue_owners.push_back(AgentName(i));
  std::shuffle(queue_owners.begin(), queue_owners.end(), std::mt19937(7));

  // Each call's request is made before it starts (not timed: ClosedLoop times Start to Done).
  std::mutex rng_mu;
  std::mt19937_64 rng(std::random_device{}());
  auto create_request = [&] {
    std::lock_guard<std::mutex> lock(rng_mu);
    return NewComplaint(rng, absl::Now(), "wamid." + HexId(rng, 16));
  };
  std::atomic<int64_t> tickets_listed{0}, full_pages{0}, empty_pages{0}, pages{0};
  // 0 when the page is right; -1 otherwise.
  auto check_page = [&](const std::string& agent, const v1::ListTicketsResponse& resp) {
    ++pages;
    tickets_listed += resp.tickets_size();
    if (resp.tickets_size() == page_size) ++full_pages;
    if (resp.tickets_size() == 0) ++empty_pages;
    const int64_t now_ms = absl::ToUnixMillis(absl::Now());
    for (int i = 0; i < resp.tickets_size(); ++i) {
      const v1::Ticket& t = resp.tickets(i);
      if (t.assignee() != agent || !t.overdue() || !Unresolved(t.status()) ||
          Ms(t.sla_due_at()) >= now_ms) {
        return -1;
      }
      if (i > 0) {
        const v1::Ticket& p = resp.tickets(i - 1);
        if (std::make_pair(Ms(p.sla_due_at()), p.ticket_id()) >=
            std::make_pair(Ms(t.sla_due_at()), t.ticket_id())) {
          return -1;
        }
      }
    }
    return 0;
  };
  auto list_request = [&](uint64_t n) {
    v1::ListTicketsRequest req;
    req.set_assignee(queue_owners[n % queue_owners.size()]);
    req.set_overdue_only(true);
    req.set_page_size(page_size);
    return req;
  };

  // Warm-up, so connection set-up and cold caches of the first calls do not count.
  for (int i = 0; i < 100; ++i) {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    grpc::Status s;
    if (scenario == "create") {
      v1::CreateTicketResponse resp;
      s = stub->CreateTicket(&ctx, create_request(), &resp);
    } else {
      v1::ListTicketsResponse resp;
      s = stub->ListTickets(&ctx, list_request(1000000 + i), &resp);
    }
    if (!s.ok()) {
      std::fprintf(stderr, "ticket-bench: warm-up call failed: %s\n", s.error_message().c_str());
      return 1;
    }
  }
  tickets_listed = full_pages = empty_pages = pages = 0;

  lindungi::bench::ClosedLoop loop(UINT64_MAX, absl::Now() + absl::GetFlag(FLAGS_duration));
  if (scenario == "create") {
    struct Call {
      grpc::ClientContext ctx;
      v1::CreateTicketRequest request;
      v1::CreateTicketResponse response;
    };
    loop.Run(concurrency, [&](uint64_t, lindungi::bench::ClosedLoop::Done done) {
      auto* call = new Call();
      call->request = create_request();
      call->ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
      stub->async()->CreateTicket(
          &call->ctx, &call->request, &call->response, [call, done](grpc::Status s) {
            const int code = s.ok() && !(call->response.created() &&
                                         call->response.ticket().status() == v1::TICKET_STATUS_OPEN)
                                 ? -1
                                 : s.error_code();
            delete call;
            done(code);
          });
    });
  } else {
    struct Call {
      grpc::ClientContext ctx;
      v1::ListTicketsRequest request;
      v1::ListTicketsResponse response;
    };
    loop.Run(concurrency, [&](uint64_t n, lindungi::bench::ClosedLoop::Done done) {
      auto* call = new Call();
      call->request = list_request(n);
      call->ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
      stub->async()->ListTickets(
          &call->ctx, &call->request, &call->response, [call, done, &check_page](grpc::Status s) {
            const int code =
                s.ok() ? check_page(call->request.assignee(), call->response) : s.error_code();
            delete call;
            done(code);
          });
    });
  }
  const std::string label = absl::StrFormat(
      "%s c=%d", scenario == "create" ? "CreateTicket" : "ListTickets(overdue queue)", concurrency);
  loop.Report(label.c_str());
  if (scenario == "overdue-queue" && pages > 0) {
    std::printf("  pages %" PRId64 ": %.1f tickets each on average, %" PRId64 " full (%d), %" PRId64
                " empty\n",
                pages.load(), static_cast<double>(tickets_listed) / pages, full_pages.load(),
                page_size, empty_pages.load());
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  lindungi::config::ParseCommandLineOrExit(
      argc, argv, "ticket-bench",
      "ticket-service with a million tickets: --seed=N fills a store through TicketDesk; "
      "--target=HOST:PORT --scenario=create|overdue-queue measures CreateTicket or an agent's "
      "overdue queue (ListTickets) over gRPC (bench/run-ticket-bench runs both; "
      "docs/PERFORMANCE.md).");
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);  // as the services do
  lindungi::log::Configure("ticket-bench", lindungi::log::Level::kWarn);
  if (absl::GetFlag(FLAGS_agents) < 1) {
    std::fprintf(stderr, "ticket-bench: --agents must be at least 1\n");
    return 2;
  }
  if (absl::GetFlag(FLAGS_seed) > 0) return Seed();
  if (absl::GetFlag(FLAGS_target).empty()) {
    std::fprintf(stderr, "ticket-bench: give --seed=N (with --db, --pii_key_file) or --target\n");
    return 2;
  }
  return Load();
}
