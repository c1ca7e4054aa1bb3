#pragma once

// hiredis plumbing shared by RedisPool, RedisPipeline and AsioRedis.

#include <hiredis/hiredis.h>

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "lindungi/redis/redis.h"

namespace lindungi::redis::internal {

// Opens a blocking connection with the connect and command timeouts, keepalive, AUTH and SELECT.
absl::StatusOr<redisContext*> Connect(const RedisOptions& options);
// Appends one command to the context's output buffer.
void Append(redisContext* ctx, const std::vector<std::string>& args);
// The status for a failed read or write; `err` is errno right after the failure.
absl::Status ConnectionError(const redisContext* ctx, int err);
// True when the failure means the server had closed the socket (EOF, reset, broken pipe).
bool ClosedByPeer(const redisContext* ctx, int err);
// A reply as a Reply, or INTERNAL for an error reply anywhere in it.
absl::StatusOr<Reply> ToResult(const redisReply* reply);
// {verb, sha-or-source, numkeys, keys..., args...}
std::vector<std::string> EvalCommand(const char* verb, const std::string& script,
                                     const std::vector<std::string>& keys,
                                     const std::vector<std::string>& args);
// True for Redis's answer to EVALSHA of a script it does not hold (then EVAL it once).
bool IsNoScript(const absl::Status& status);
// Checks the reply of SCRIPT LOAD against the script's SHA-1.
absl::Status CheckLoaded(const Script& script, const absl::StatusOr<Reply>& reply);

}  // namespace lindungi::redis::internal
