#!/usr/bin/env bash
# Builds rebound and runs the whole test suite: unit tests and integration tests against real
# NSD and unbound servers. Integration tests need root (a private network namespace with port 53
# on loopback); without root they skip with a message, except under CI=true where that fails.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build="${BUILD_DIR:-$root/build}"

"$root/tools/install-deps.sh"
cmake -S "$root" -B "$build" -G Ninja ${CMAKE_ARGS:-}
cmake --build "$build"
cd "$build"
ctest --output-on-failure --timeout 300 -j2
