# Lindungi's gateway as a target of ../shared/bench-peers/run.sh (which sources this file):
#
#   EXTRA_TARGETS=tools/bench-peers/targets.sh bash ../shared/bench-peers/run.sh
#
# Build first: cmake --build build -j2 --target lindungi-gateway. Figures: docs/PERFORMANCE.md.
# The server CPU is one core (run.sh pins it), hence one HTTP thread by default.
LINDUNGI_GATEWAY_TARGET="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/gateway-target"
target lindungi-gateway verify 18090 "$LINDUNGI_GATEWAY_TARGET"
target lindungi-gateway redis  18090 "$LINDUNGI_GATEWAY_TARGET"
