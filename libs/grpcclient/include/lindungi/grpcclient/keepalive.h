#pragma once

// One keepalive policy for both ends: clients ping idle connections every kClientKeepaliveTime;
// servers accept pings that often (a server that allows fewer answers GOAWAY "too_many_pings").

#include "absl/time/time.h"

namespace lindungi::grpcclient {

inline constexpr absl::Duration kClientKeepaliveTime = absl::Seconds(30);
inline constexpr absl::Duration kClientKeepaliveTimeout = absl::Seconds(10);
// What the server permits: strictly below the client's interval.
inline constexpr absl::Duration kServerMinPingInterval = absl::Seconds(20);
inline constexpr absl::Duration kServerKeepaliveTime = absl::Seconds(60);

}  // namespace lindungi::grpcclient
