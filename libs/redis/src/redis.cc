#include "lindungi/redis/redis.h"

#include <hiredis/hiredis.h>
#include <openssl/sha.h>
#include <sys/time.h>

#include <cerrno>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "redis_internal.h"

namespace lindungi::redis {
namespace {

timeval Tv(absl::Duration d) { return absl::ToTimeval(d); }

Reply Convert(const redisReply* r) {
  Reply out;
  switch (r->type) {
    case REDIS_REPLY_INTEGER:
      out.type = Reply::Type::kInteger;
      out.integer = r->integer;
      break;
    case REDIS_REPLY_STRING:
      out.type = Reply::Type::kString;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_STATUS:
      out.type = Reply::Type::kStatus;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_ARRAY:
      out.type = Reply::Type::kArray;
      out.elements.reserve(r->elements);
      for (size_t i = 0; i < r->elements; ++i) out.elements.push_back(Convert(r->element[i]));
      break;
    default:
      out.type = Reply::Type::kNil;
  }
  return out;
}

// The first error reply anywhere in a reply tree (EXEC and scripts nest them).
const redisReply* FindError(const redisReply* r) {
  if (r->type == REDIS_REPLY_ERROR) return r;
  if (r->type == REDIS_REPLY_ARRAY) {
    for (size_t i = 0; i < r->elements; ++i) {
      if (const redisReply* e = FindError(r->element[i])) return e;
    }
  }
  return nullptr;
}

std::string Sha1Hex(absl::string_view data) {
  unsigned char digest[SHA_DIGEST_LENGTH];
  SHA1(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest);
  std::string hex;
  for (unsigned char b : digest) absl::StrAppendFormat(&hex, "%02x", b);
  return hex;
}

}  // namespace

namespace internal {

absl::StatusOr<redisContext*> Connect(const RedisOptions& options) {
  redisContext* ctx =
      redisConnectWithTimeout(options.host.c_str(), options.port, Tv(options.connect_timeout));
  if (ctx == nullptr) return absl::ResourceExhaustedError("redis: cannot allocate a context");
  if (ctx->err) {
    absl::Status s = absl::UnavailableError(absl::StrFormat(
        "redis: cannot connect to %s:%d: %s", options.host, options.port, ctx->errstr));
    redisFree(ctx);
    return s;
  }
  redisSetTimeout(ctx, Tv(options.command_timeout));
  redisEnableKeepAlive(ctx);
  std::vector<std::vector<std::string>> setup;
  if (!options.password.empty()) setup.push_back({"AUTH", options.password});
  if (options.db != 0) setup.push_back({"SELECT", absl::StrCat(options.db)});
  for (const auto& cmd : setup) {
    Append(ctx, cmd);
    void* raw = nullptr;
    if (redisGetReply(ctx, &raw) != REDIS_OK || raw == nullptr) {
      absl::Status s = ConnectionError(ctx, errno);
      redisFree(ctx);
      return s;
    }
    auto* reply = static_cast<redisReply*>(raw);
    const bool failed = reply->type == REDIS_REPLY_ERROR;
    std::string err = failed ? std::string(reply->str, reply->len) : "";
    freeReplyObject(reply);
    if (failed) {
      redisFree(ctx);
      return absl::UnavailableError(absl::StrCat("redis: ", cmd[0], " failed: ", err));
    }
  }
  return ctx;
}

void Append(redisContext* ctx, const std::vector<std::string>& args) {
  std::vector<const char*> argv;
  std::vector<size_t> lens;
  argv.reserve(args.size());
  lens.reserve(args.size());
  for (const auto& a : args) {
    argv.push_back(a.data());
    lens.push_back(a.size());
  }
  redisAppendCommandArgv(ctx, static_cast<int>(argv.size()), argv.data(), lens.data());
}

absl::Status ConnectionError(const redisContext* ctx, int err) {
  if (ctx->err == REDIS_ERR_IO && (err == EAGAIN || err == EWOULDBLOCK)) {
    return absl::UnavailableError("redis: command timed out");
  }
  return absl::UnavailableError(absl::StrCat("redis: ", ctx->errstr));
}

bool ClosedByPeer(const redisContext* ctx, int err) {
  return ctx->err == REDIS_ERR_EOF ||
         (ctx->err == REDIS_ERR_IO && (err == ECONNRESET || err == EPIPE));
}

absl::StatusOr<Reply> ToResult(const redisReply* reply) {
  if (const redisReply* e = FindError(reply)) {
    return absl::InternalError(absl::StrCat("redis: ", absl::string_view(e->str, e->len)));
  }
  return Convert(reply);
}

std::vector<std::string> EvalCommand(const char* verb, const std::string& script,
                                     const std::vector<std::string>& keys,
                                     const std::vector<std::string>& args) {
  std::vector<std::string> cmd;
  cmd.reserve(3 + keys.size() + args.size());
  cmd.push_back(verb);
  cmd.push_back(script);
  cmd.push_back(absl::StrCat(keys.size()));
  cmd.insert(cmd.end(), keys.begin(), keys.end());
  cmd.insert(cmd.end(), args.begin(), args.end());
  return cmd;
}

bool IsNoScript(const absl::Status& status) {
  return absl::StrContains(status.message(), "NOSCRIPT");
}

absl::Status CheckLoaded(const Script& script, const absl::StatusOr<Reply>& reply) {
  if (!reply.ok()) return reply.status();
  if (reply->str != script.sha1()) {
    return absl::InternalError(absl::StrCat("redis: script ", script.name(), " loaded as ",
                                            reply->str, ", expected ", script.sha1()));
  }
  return absl::OkStatus();
}

}  // namespace internal

struct RedisPool::Connection {
  explicit Connection(redisContext* c) : ctx(c) {}
  ~Connection() {
    if (ctx != nullptr) redisFree(ctx);
  }
  redisContext* ctx;
  bool used = false;  // has completed a round trip (so a failure may mean a stale socket)
};

absl::StatusOr<RedisOptions> ParseRedisUrl(absl::string_view url, RedisOptions base) {
  constexpr absl::string_view kScheme = "redis://";
  if (!absl::StartsWith(url, kScheme)) {
    return absl::InvalidArgumentError("--redis must look like redis://host:port/db");
  }
  absl::string_view rest = url.substr(kScheme.size());
  RedisOptions out = base;
  out.password.clear();
  if (size_t at = rest.rfind('@'); at != absl::string_view::npos) {
    absl::string_view userinfo = rest.substr(0, at);
    if (size_t colon = userinfo.find(':'); colon != absl::string_view::npos) {
      out.password = std::string(userinfo.substr(colon + 1));
    }
    rest = rest.substr(at + 1);
  }
  absl::string_view hostport = rest;
  out.db = 0;
  if (size_t slash = rest.find('/'); slash != absl::string_view::npos) {
    hostport = rest.substr(0, slash);
    absl::string_view db = rest.substr(slash + 1);
    if (!db.empty() && (!absl::SimpleAtoi(db, &out.db) || out.db < 0)) {
      return absl::InvalidArgumentError("--redis: the database must be a number, e.g. /0");
    }
  }
  out.port = 6379;
  if (size_t colon = hostport.rfind(':'); colon != absl::string_view::npos) {
    if (!absl::SimpleAtoi(hostport.substr(colon + 1), &out.port) || out.port <= 0 ||
        out.port > 65535) {
      return absl::InvalidArgumentError("--redis: the port must be 1-65535");
    }
    hostport = hostport.substr(0, colon);
  }
  if (hostport.empty()) return absl::InvalidArgumentError("--redis: the host is missing");
  out.host = std::string(hostport);
  return out;
}

Script::Script(std::string name, std::string source)
    : name_(std::move(name)), source_(std::move(source)), sha1_(Sha1Hex(source_)) {}

RedisPool::RedisPool(RedisOptions options) : options_(std::move(options)) {}

RedisPool::~RedisPool() = default;

absl::StatusOr<std::unique_ptr<RedisPool::Connection>> RedisPool::Connect() {
  absl::StatusOr<redisContext*> ctx = internal::Connect(options_);
  if (!ctx.ok()) return ctx.status();
  return std::make_unique<Connection>(*ctx);
}

absl::StatusOr<std::unique_ptr<RedisPool::Connection>> RedisPool::Acquire() {
  {
    std::unique_lock<std::mutex> lock(mu_);
    const auto deadline =
        std::chrono::steady_clock::now() + absl::ToChronoNanoseconds(options_.acquire_timeout);
    while (idle_.empty() && open_ >= options_.pool_size) {
      if (available_.wait_until(lock, deadline) == std::cv_status::timeout && idle_.empty() &&
          open_ >= options_.pool_size) {
        return absl::UnavailableError("redis: every pooled connection is busy");
      }
    }
    if (!idle_.empty()) {
      auto conn = std::move(idle_.back());
      idle_.pop_back();
      return conn;
    }
    ++open_;
  }
  absl::StatusOr<std::unique_ptr<Connection>> conn = Connect();
  if (!conn.ok()) {
    std::lock_guard<std::mutex> lock(mu_);
    --open_;
    available_.notify_one();
  }
  return conn;
}

void RedisPool::Release(std::unique_ptr<Connection> conn, bool healthy) {
  std::lock_guard<std::mutex> lock(mu_);
  if (healthy) {
    idle_.push_back(std::move(conn));
  } else {
    --open_;  // dropped; the next Acquire opens a fresh one
  }
  available_.notify_one();
}

absl::StatusOr<std::vector<Reply>> RedisPool::RoundTrip(
    const std::vector<std::vector<std::string>>& cmds) {
  for (int attempt = 0;; ++attempt) {
    absl::StatusOr<std::unique_ptr<Connection>> acquired = Acquire();
    if (!acquired.ok()) return acquired.status();
    std::unique_ptr<Connection> conn = std::move(*acquired);
    redisContext* ctx = conn->ctx;

    for (const auto& cmd : cmds) internal::Append(ctx, cmd);
    std::vector<Reply> replies;
    replies.reserve(cmds.size());
    absl::Status error;
    for (size_t i = 0; i < cmds.size(); ++i) {
      void* raw = nullptr;
      if (redisGetReply(ctx, &raw) != REDIS_OK || raw == nullptr) {
        const int err = errno;
        // A socket the server closed while it sat idle (Redis restarted) fails before anything
        // ran; one retry on a fresh connection hides that. Timeouts are never retried.
        const bool stale = conn->used && attempt == 0 && i == 0 && internal::ClosedByPeer(ctx, err);
        absl::Status failed = internal::ConnectionError(ctx, err);
        Release(std::move(conn), /*healthy=*/false);
        if (stale) break;
        return failed;
      }
      auto* reply = static_cast<redisReply*>(raw);
      absl::StatusOr<Reply> result = internal::ToResult(reply);
      freeReplyObject(reply);
      if (!result.ok() && error.ok()) error = result.status();
      replies.push_back(result.ok() ? *std::move(result) : Reply());
    }
    if (conn == nullptr) continue;  // stale connection: try again
    conn->used = true;
    Release(std::move(conn), /*healthy=*/true);
    if (!error.ok()) return error;
    return replies;
  }
}

absl::StatusOr<Reply> RedisPool::Command(const std::vector<std::string>& args) {
  absl::StatusOr<std::vector<Reply>> replies = RoundTrip({args});
  if (!replies.ok()) return replies.status();
  return std::move((*replies)[0]);
}

absl::StatusOr<std::vector<Reply>> RedisPool::Pipeline(
    const std::vector<std::vector<std::string>>& cmds) {
  if (cmds.empty()) return std::vector<Reply>{};
  return RoundTrip(cmds);
}

absl::Status RedisPool::Load(const Script& script) {
  return internal::CheckLoaded(script, Command({"SCRIPT", "LOAD", script.source()}));
}

absl::StatusOr<Reply> RedisPool::Eval(const Script& script, const std::vector<std::string>& keys,
                                      const std::vector<std::string>& args) {
  absl::StatusOr<Reply> reply =
      Command(internal::EvalCommand("EVALSHA", script.sha1(), keys, args));
  if (reply.ok() || !internal::IsNoScript(reply.status())) return reply;
  return Command(internal::EvalCommand("EVAL", script.source(), keys, args));
}

absl::Status RedisPool::Ping() {
  absl::StatusOr<Reply> reply = Command({"PING"});
  return reply.status();
}

}  // namespace lindungi::redis
