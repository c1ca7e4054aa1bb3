#include "lindungi/redis/asio_redis.h"

#include <hiredis/hiredis.h>

#include <array>
#include <boost/asio/connect.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <deque>
#include <mutex>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "redis_internal.h"

namespace lindungi::redis {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using Strand = asio::strand<asio::io_context::executor_type>;

void AppendHeader(size_t count, std::string* out) { absl::StrAppend(out, "*", count, "\r\n"); }

void AppendBulk(absl::string_view s, std::string* out) {
  absl::StrAppend(out, "$", s.size(), "\r\n", s, "\r\n");
}

// {verb, sha-or-source, numkeys, keys..., args...} without building the argument vector.
std::string EncodeEval(absl::string_view verb, absl::string_view script,
                       const std::vector<std::string>& keys, const std::vector<std::string>& args) {
  std::string out;
  AppendHeader(3 + keys.size() + args.size(), &out);
  AppendBulk(verb, &out);
  AppendBulk(script, &out);
  AppendBulk(absl::StrCat(keys.size()), &out);
  for (const std::string& k : keys) AppendBulk(k, &out);
  for (const std::string& a : args) AppendBulk(a, &out);
  return out;
}

}  // namespace

void AppendCommand(const std::vector<std::string>& args, std::string* out) {
  AppendHeader(args.size(), out);
  for (const std::string& a : args) AppendBulk(a, out);
}

// One socket on its own strand. Everything below runs on that strand. `epoch_` changes whenever
// the connection fails, so completions of an older socket find a different epoch and do nothing.
class AsioRedis::Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(asio::io_context& io, const RedisOptions& options)
      : options_(options),
        strand_(asio::make_strand(io)),
        socket_(strand_),
        resolver_(strand_),
        timer_(strand_) {}

  ~Connection() {
    if (reader_ != nullptr) redisReaderFree(reader_);
  }

  Strand& strand() { return strand_; }

  void Submit(std::string encoded, Callback done) {
    if (closed_) return done(absl::UnavailableError("redis: client closed"));
    if (out_.empty()) {
      out_ = std::move(encoded);
    } else {
      out_ += encoded;
    }
    inflight_.push_back(Pending{
        std::move(done), Clock::now() + absl::ToChronoNanoseconds(options_.command_timeout)});
    ArmTimer();
    switch (state_) {
      case State::kDisconnected:
        return Connect();
      case State::kConnecting:
        return;  // written once connected
      case State::kConnected:
        return ScheduleFlush();
    }
  }

  void Close() {
    closed_ = true;
    Fail(absl::UnavailableError("redis: client closed"));
    timer_.cancel();
  }

 private:
  enum class State { kDisconnected, kConnecting, kConnected };

  struct Pending {
    Callback done;
    Clock::time_point deadline;
  };

  void Connect() {
    state_ = State::kConnecting;
    const uint64_t epoch = ++epoch_;
    connect_deadline_ = Clock::now() + absl::ToChronoNanoseconds(options_.connect_timeout);
    ArmTimer();
    QueueHandshake();
    boost::system::error_code ec;
    const asio::ip::address address = asio::ip::make_address(options_.host, ec);
    if (!ec) {
      socket_.async_connect(tcp::endpoint(address, static_cast<unsigned short>(options_.port)),
                            [self = shared_from_this(), epoch](boost::system::error_code ec) {
                              self->OnConnected(epoch, ec);
                            });
      return;
    }
    resolver_.async_resolve(
        options_.host, std::to_string(options_.port),
        [self = shared_from_this(), epoch](boost::system::error_code ec,
                                           const tcp::resolver::results_type& endpoints) {
          if (epoch != self->epoch_) return;
          if (ec) return self->Fail(absl::UnavailableError("redis: cannot resolve the host"));
          asio::async_connect(self->socket_, endpoints,
                              [self, epoch](boost::system::error_code ec, const tcp::endpoint&) {
                                self->OnConnected(epoch, ec);
                              });
        });
  }

  // AUTH and SELECT go first on a new connection; a refusal fails the connection.
  void QueueHandshake() {
    std::string hello;
    std::deque<Pending> checks;
    const auto check = [this, &checks](std::vector<std::string> command, std::string* out) {
      AppendCommand(command, out);
      checks.push_back(
          Pending{[this, epoch = epoch_](absl::StatusOr<Reply> reply) {
                    if (!reply.ok() && epoch == epoch_) {
                      Fail(absl::UnavailableError(absl::StrCat("redis: connection set-up refused: ",
                                                               reply.status().message())));
                    }
                  },
                  // Bounded like any command once connected: a Redis that accepts the
                  // connection and never answers must still fail it.
                  connect_deadline_ + absl::ToChronoNanoseconds(options_.command_timeout)});
    };
    if (!options_.password.empty()) check({"AUTH", options_.password}, &hello);
    if (options_.db != 0) check({"SELECT", absl::StrCat(options_.db)}, &hello);
    out_.insert(0, hello);
    inflight_.insert(inflight_.begin(), std::make_move_iterator(checks.begin()),
                     std::make_move_iterator(checks.end()));
  }

  void OnConnected(uint64_t epoch, boost::system::error_code ec) {
    if (epoch != epoch_) return;
    if (ec) {
      return Fail(absl::UnavailableError(absl::StrCat("redis: cannot connect to ", options_.host,
                                                      ":", options_.port, ": ", ec.message())));
    }
    boost::system::error_code ignored;
    socket_.set_option(tcp::no_delay(true), ignored);
    socket_.set_option(asio::socket_base::keep_alive(true), ignored);
    state_ = State::kConnected;
    reader_ = redisReaderCreate();
    Read();
    Flush();
  }

  // The first command queued in a turn of the loop posts the flush, so that every command queued
  // in the same turn goes out in the same write.
  void ScheduleFlush() {
    if (flush_scheduled_ || writing_) return;
    flush_scheduled_ = true;
    asio::post(strand_, [self = shared_from_this()] {
      self->flush_scheduled_ = false;
      self->Flush();
    });
  }

  void Flush() {
    if (state_ != State::kConnected || writing_ || out_.empty()) return;
    writing_ = true;
    sending_.clear();
    sending_.swap(out_);
    asio::async_write(
        socket_, asio::buffer(sending_),
        [self = shared_from_this(), epoch = epoch_](boost::system::error_code ec, size_t) {
          if (epoch != self->epoch_) return;
          self->writing_ = false;
          if (ec) {
            return self->Fail(
                absl::UnavailableError(absl::StrCat("redis: write failed: ", ec.message())));
          }
          self->Flush();  // what was queued during the write
        });
  }

  void Read() {
    socket_.async_read_some(asio::buffer(input_), [self = shared_from_this(), epoch = epoch_](
                                                      boost::system::error_code ec, size_t n) {
      if (epoch != self->epoch_) return;
      if (ec) {
        return self->Fail(absl::UnavailableError(
            ec == asio::error::eof ? std::string("redis: connection closed by the server")
                                   : absl::StrCat("redis: read failed: ", ec.message())));
      }
      if (self->Deliver(epoch, n)) self->Read();
    });
  }

  // Feeds `n` new bytes to the reader and answers every complete reply, in order. False when the
  // connection failed meanwhile.
  bool Deliver(uint64_t epoch, size_t n) {
    if (redisReaderFeed(reader_, input_.data(), n) != REDIS_OK) {
      Fail(absl::UnavailableError("redis: reader out of memory"));
      return false;
    }
    for (;;) {
      void* raw = nullptr;
      if (redisReaderGetReply(reader_, &raw) != REDIS_OK) {
        Fail(absl::UnavailableError("redis: protocol error"));
        return false;
      }
      if (raw == nullptr) return true;  // the rest of a reply is still to come
      auto* reply = static_cast<redisReply*>(raw);
      absl::StatusOr<Reply> result = internal::ToResult(reply);
      freeReplyObject(reply);
      if (inflight_.empty()) {
        Fail(absl::UnavailableError("redis: a reply to no command"));
        return false;
      }
      Callback done = std::move(inflight_.front().done);
      inflight_.pop_front();
      done(std::move(result));
      if (epoch != epoch_) return false;  // the callback failed the connection (set-up refused)
    }
  }

  // One timer for the oldest deadline: the connection attempt, else the oldest command (the
  // set-up commands included). It is never re-armed per reply: when it fires early it simply
  // waits for the next deadline.
  void ArmTimer() {
    if (timer_armed_ || closed_) return;
    Clock::time_point deadline;
    if (state_ == State::kConnecting) {
      deadline = connect_deadline_;
    } else if (!inflight_.empty()) {
      deadline = inflight_.front().deadline;
    } else {
      return;
    }
    timer_armed_ = true;
    timer_.expires_at(deadline);
    timer_.async_wait([self = shared_from_this()](boost::system::error_code) {
      self->timer_armed_ = false;
      self->OnTimer();
    });
  }

  void OnTimer() {
    if (closed_) return;
    const Clock::time_point now = Clock::now();
    if (state_ == State::kConnecting && now >= connect_deadline_) {
      return Fail(absl::UnavailableError("redis: connect timed out"));
    }
    if (state_ != State::kConnecting && !inflight_.empty() && now >= inflight_.front().deadline) {
      return Fail(absl::UnavailableError("redis: command timed out"));
    }
    ArmTimer();
  }

  // Closes the socket and fails every command in flight. Their callbacks may queue new commands,
  // which open a new connection.
  void Fail(const absl::Status& status) {
    ++epoch_;
    state_ = State::kDisconnected;
    boost::system::error_code ignored;
    socket_.close(ignored);
    resolver_.cancel();
    if (reader_ != nullptr) {
      redisReaderFree(reader_);
      reader_ = nullptr;
    }
    out_.clear();
    writing_ = false;
    std::deque<Pending> failed;
    failed.swap(inflight_);
    for (Pending& p : failed) p.done(status);
  }

  const RedisOptions options_;
  Strand strand_;
  tcp::socket socket_;
  tcp::resolver resolver_;
  asio::steady_timer timer_;

  State state_ = State::kDisconnected;
  uint64_t epoch_ = 0;
  bool closed_ = false;
  bool timer_armed_ = false;
  bool flush_scheduled_ = false;
  bool writing_ = false;
  Clock::time_point connect_deadline_;
  std::string out_;               // encoded commands not written yet
  std::string sending_;           // the write in progress
  std::deque<Pending> inflight_;  // every command queued or written, not yet answered, in order
  redisReader* reader_ = nullptr;
  std::array<char, 16 * 1024> input_;
};

// What the client shares with the watch of its io_context.
struct AsioRedis::Shared {
  Shared(asio::io_context& io, RedisOptions o)
      : executor(io.get_executor()), options(std::move(o)) {}
  const asio::io_context::executor_type executor;
  const RedisOptions options;
  std::atomic<bool> loop_alive{true};
  std::vector<std::shared_ptr<Connection>> connections;
};

namespace {

// Lives as long as one io_context and tells its clients when it shuts down: their sockets belong
// to it, so they let go of them then, and later calls fail instead of touching a dead loop.
class LoopWatch : public asio::execution_context::service {
 public:
  static asio::execution_context::id id;

  explicit LoopWatch(asio::execution_context& context) : service(context) {}

  void Watch(std::weak_ptr<AsioRedis::Shared> client) {
    std::lock_guard<std::mutex> lock(mu_);
    clients_.push_back(std::move(client));
  }

 private:
  void shutdown() override {
    std::lock_guard<std::mutex> lock(mu_);
    for (const std::weak_ptr<AsioRedis::Shared>& weak : clients_) {
      if (std::shared_ptr<AsioRedis::Shared> client = weak.lock()) {
        client->loop_alive = false;
        client->connections.clear();
      }
    }
    clients_.clear();
  }

  std::mutex mu_;
  std::vector<std::weak_ptr<AsioRedis::Shared>> clients_;
};

asio::execution_context::id LoopWatch::id;

}  // namespace

AsioRedis::AsioRedis(asio::io_context& io, RedisOptions options, int connections)
    : shared_(std::make_shared<Shared>(io, std::move(options))) {
  for (int i = 0; i < std::max(1, connections); ++i) {
    shared_->connections.push_back(std::make_shared<Connection>(io, shared_->options));
  }
  asio::use_service<LoopWatch>(static_cast<asio::execution_context&>(io)).Watch(shared_);
}

AsioRedis::~AsioRedis() {
  if (!shared_->loop_alive) return;
  for (const std::shared_ptr<Connection>& c : shared_->connections) {
    asio::post(c->strand(), [c] { c->Close(); });
  }
}

std::shared_ptr<AsioRedis::Connection> AsioRedis::Pick() {
  if (!shared_->loop_alive) return nullptr;
  return shared_
      ->connections[next_.fetch_add(1, std::memory_order_relaxed) % shared_->connections.size()];
}

void AsioRedis::Dispatch(std::shared_ptr<Connection> c, std::string encoded, Callback done) {
  if (c == nullptr) return done(absl::UnavailableError("redis: event loop stopped"));
  Connection* raw = c.get();
  asio::dispatch(raw->strand(), [c = std::move(c), encoded = std::move(encoded),
                                 done = std::move(done)]() mutable {
    c->Submit(std::move(encoded), std::move(done));
  });
}

void AsioRedis::Later(std::function<void()> fn) {
  if (shared_->loop_alive) asio::post(shared_->executor, std::move(fn));
}

void AsioRedis::Command(std::vector<std::string> args, Callback done) {
  std::string encoded;
  AppendCommand(args, &encoded);
  Dispatch(Pick(), std::move(encoded), std::move(done));
}

void AsioRedis::Eval(const Script& script, std::vector<std::string> keys,
                     std::vector<std::string> args, Callback done) {
  std::shared_ptr<Connection> c = Pick();
  Connection* raw = c.get();
  std::string encoded = EncodeEval("EVALSHA", script.sha1(), keys, args);
  // The fallback runs on the connection's strand (so the connection is alive): it queues EVAL on
  // the same connection.
  Dispatch(std::move(c), std::move(encoded),
           [raw, &script, keys = std::move(keys), args = std::move(args),
            done = std::move(done)](absl::StatusOr<Reply> reply) mutable {
             if (!reply.ok() && internal::IsNoScript(reply.status())) {
               return raw->Submit(EncodeEval("EVAL", script.source(), keys, args), std::move(done));
             }
             done(std::move(reply));
           });
}

}  // namespace lindungi::redis
