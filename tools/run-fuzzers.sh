#!/usr/bin/env bash
# Builds every libFuzzer target (tests/fuzz/<name>_fuzz.cc) with clang in build-fuzz/ (or
# $FUZZ_BUILD_DIR) and runs each for a number of seconds, one after another, starting from its
# seed corpus in tests/fuzz/corpus/<name>/. New inputs go to build-fuzz/fuzz-corpus/<name>/,
# crashes to build-fuzz/fuzz-artifacts/<name>/; the seed corpus in the source tree is never
# written to. The targets: query_reader, root_hints, response_classifier, upstream_response (the
# iterator's handling of one reply down to the caches), config_parser, nat64_prefix,
# dns64_synthesizer, relay_list and relay_answer (bootstrap relay lists and relay answers),
# relay_service (relay mode's HTTP requests), state_file (bootstrap-state-file contents),
# h2_server_session (DoH's HTTP/2 server side, frames cut into reads), tcp_framing (DNS over
# TCP's length framing), query_handler (QueryHandler::Handle through the pipeline and packet
# cache), and any other tests/fuzz/*_fuzz.cc.
#
# usage: tools/run-fuzzers.sh [seconds-per-target, default 60] [target-name ...]
# Exits non-zero when any target found a crash, leak, timeout or sanitizer report.
set -euo pipefail

seconds="${1:-60}"
shift || true
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${FUZZ_BUILD_DIR:-${root}/build-fuzz}"

if [[ $# -gt 0 ]]; then
  targets=("$@")
else
  targets=()
  for source in "${root}"/tests/fuzz/*_fuzz.cc; do
    targets+=("$(basename "${source}" .cc)")
  done
fi

mkdir -p "${build}"
CC=clang CXX=clang++ cmake -S "${root}" -B "${build}" -G Ninja \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DREBOUND_FUZZ=ON >"${build}/configure.log" 2>&1 ||
  { cat "${build}/configure.log"; exit 1; }
cmake --build "${build}" --target "${targets[@]}"

# UBSan only prints by default; make its reports crashes libFuzzer keeps.
export UBSAN_OPTIONS="halt_on_error=1:abort_on_error=1:print_stacktrace=1"
export ASAN_OPTIONS="abort_on_error=1:detect_leaks=1"

failed=0
summary=()
for target in "${targets[@]}"; do
  name="${target%_fuzz}"
  corpus="${build}/fuzz-corpus/${name}"
  artifacts="${build}/fuzz-artifacts/${name}"
  log="${build}/fuzz-logs/${name}.log"
  mkdir -p "${corpus}" "${artifacts}" "$(dirname "${log}")"
  seeds=()
  [[ -d "${root}/tests/fuzz/corpus/${name}" ]] && seeds=("${root}/tests/fuzz/corpus/${name}")
  echo "== ${target}: ${seconds}s"
  marker="${artifacts}/.run-started"
  touch "${marker}"
  status=0
  "${build}/tests/fuzz/${target}" -max_total_time="${seconds}" -print_final_stats=1 \
    -artifact_prefix="${artifacts}/" "${corpus}" "${seeds[@]}" >"${log}" 2>&1 || status=$?
  # libFuzzer's final stats: "stat::number_of_executed_units: N".
  execs="$(sed -n 's/^stat::number_of_executed_units: *//p' "${log}" | tail -n 1)"
  if [[ -z "${execs}" ]]; then
    execs="$(sed -n 's/^#\([0-9]*\).*/\1/p' "${log}" | tail -n 1)"
  fi
  # Only what this run found; artifacts of earlier runs stay for reproduction.
  crashes="$(find "${artifacts}" -type f ! -name .run-started -newer "${marker}" | wc -l)"
  if [[ ${status} -ne 0 ]]; then
    failed=1
    echo "   exit ${status}; last lines of ${log}:"
    tail -n 30 "${log}" | sed 's/^/   /'
  fi
  summary+=("$(printf '%-28s executions %-12s crash artifacts %s' "${target}" "${execs:-?}" \
    "${crashes}")")
done

echo
printf '%s\n' "${summary[@]}"
exit "${failed}"
