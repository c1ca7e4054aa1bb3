#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "fake_sms_provider.h"

namespace lindungi::fake_sms {

// Binds `endpoint` (port 0 picks a free one) and serves HTTP/1.1 with keep-alive on `io`'s
// threads until `io` stops; `provider` must outlive `io`. Returns the bound port; throws
// boost::system::system_error when it cannot bind.
unsigned short Serve(boost::asio::io_context& io, const boost::asio::ip::tcp::endpoint& endpoint,
                     FakeSmsProvider& provider);

}  // namespace lindungi::fake_sms
