#!/usr/bin/env bash
# Installs what rebound needs to build and test on Debian 12. Does nothing when all of it is
# already there, so it also runs on a developer machine without root.
set -euo pipefail

build_packages=(build-essential cmake ninja-build pkg-config libldns-dev libuv1-dev libssl-dev
  libabsl-dev libgtest-dev libgmock-dev libnghttp2-dev nlohmann-json3-dev
  libfstrm-dev libprotobuf-c-dev protobuf-c-compiler)
# Real peers for the integration tests and the demo: NSD (authoritative), unbound (reference
# resolver), dig and kdig (DNS over TLS clients too), and ip for the private network namespace;
# fstrm_capture (fstrm-bin) and dnstap-ldns, a collector and a reader for the dnstap test;
# clang-format for the format check; prometheus for promtool, which checks the /metrics page.
test_packages=(nsd unbound bind9-dnsutils knot-dnsutils iproute2 openssl ca-certificates
  fstrm-bin dnstap-ldns clang-format prometheus)

wanted=("${build_packages[@]}")
if [[ "${1:-}" != "--build-only" ]]; then wanted+=("${test_packages[@]}"); fi

missing=()
for p in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

if [[ $(id -u) -ne 0 ]]; then
  echo "install-deps: missing packages: ${missing[*]}; run this script as root" >&2
  exit 1
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null

# Debian starts unbound and nsd as system services when they are installed. rebound only needs
# their binaries (tests run them in a private namespace), and a system unbound would hold port
# 53 that rebound wants: stop the services this script just installed, if systemd runs them.
if [[ -d /run/systemd/system ]]; then
  for service in unbound nsd; do
    if printf '%s\n' "${missing[@]}" | grep -qx "$service"; then
      systemctl disable --now "$service" >/dev/null 2>&1 || true
      echo "install-deps: disabled the $service system service installed for the tests"
    fi
  done
fi
