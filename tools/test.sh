#!/usr/bin/env bash
# Checks the formatting (tools/check-format.sh), builds rebound and runs the whole test suite
# twice: as built for use (unit, replay and integration tests against real NSD and unbound
# servers), then built with AddressSanitizer and
# UndefinedBehaviorSanitizer (REBOUND_SANITIZE), where any report from a test or from a rebound a
# test started fails the run. Integration tests need root (a private network namespace with port
# 53 on loopback); without root they skip with a message, except under CI=true where that fails.
#
# usage: tools/test.sh [--plain | --sanitize]
#   --plain     only the ordinary build ($BUILD_DIR, default build/)
#   --sanitize  only the sanitizer build ($SANITIZE_BUILD_DIR, default build-asan/)
# $CMAKE_ARGS is passed to both configurations.
#
# Under the sanitizers every test runs but exhaustion_test, whose memory bound measures RSS,
# which ASan's shadow memory and quarantine make meaningless (it runs in the plain pass).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
plain=1
sanitize=1
case "${1:-}" in
  "") ;;
  --plain) sanitize=0 ;;
  --sanitize) plain=0 ;;
  *) echo "usage: $0 [--plain | --sanitize]" >&2; exit 2 ;;
esac

"$root/tools/install-deps.sh"
# A misformatted file fails the suite before anything is built.
"$root/tools/check-format.sh"

if ((plain)); then
  build="${BUILD_DIR:-$root/build}"
  echo "== plain build in $build"
  # shellcheck disable=SC2086  # CMAKE_ARGS is a list of words
  cmake -S "$root" -B "$build" -G Ninja ${CMAKE_ARGS:-}
  cmake --build "$build"
  (cd "$build" && ctest --output-on-failure --timeout 300 -j2)
fi

if ((sanitize)); then
  build="${SANITIZE_BUILD_DIR:-$root/build-asan}"
  echo "== ASan+UBSan build in $build"
  # -O1: compiles markedly faster than -O2 and keeps the instrumented tests fast enough; no
  # NDEBUG, so DCHECKs run too.
  # shellcheck disable=SC2086
  cmake -S "$root" -B "$build" -G Ninja -DREBOUND_SANITIZE=ON -DCMAKE_BUILD_TYPE=Sanitize \
    -DCMAKE_CXX_FLAGS_SANITIZE="-O1 -g" -DCMAKE_C_FLAGS_SANITIZE="-O1 -g" ${CMAKE_ARGS:-}
  cmake --build "$build"
  # Every instrumented process, test binaries and the rebounds they start alike, writes its
  # reports to a file here; a report fails the run even when the process that wrote it was a
  # child whose exit status no test looks at.
  reports="$build/sanitizer-reports"
  rm -rf "$reports"
  mkdir -p "$reports"
  export ASAN_OPTIONS="log_path=$reports/asan:detect_leaks=1:abort_on_error=1:strict_string_checks=1"
  export UBSAN_OPTIONS="log_path=$reports/ubsan:print_stacktrace=1:halt_on_error=1"
  status=0
  (cd "$build" && ctest --output-on-failure --timeout 600 -j2 -E '^exhaustion_test$') || status=$?
  if compgen -G "$reports/*" >/dev/null; then
    echo "sanitizer reports:" >&2
    for report in "$reports"/*; do
      echo "---- $report" >&2
      head -n 60 "$report" >&2
    done
    status=1
  fi
  exit "$status"
fi
