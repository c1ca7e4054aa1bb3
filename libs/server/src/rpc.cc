#include "lindungi/server/rpc.h"

#include "lindungi/grpcclient/channel.h"

namespace lindungi::server {

std::string RequestIdOf(const grpc::ServerContextBase& ctx) {
  const auto& md = ctx.client_metadata();
  auto it = md.find(grpcclient::kRequestIdHeader);
  if (it != md.end() && !it->second.empty() && it->second.size() <= 64) {
    std::string id(it->second.data(), it->second.size());
    bool printable = true;
    for (char c : id) printable &= (c > 0x20 && c < 0x7f && c != '"' && c != '\\');
    if (printable) return id;
  }
  return log::NewRequestId();
}

}  // namespace lindungi::server
