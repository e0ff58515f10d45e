#!/usr/bin/env bash
# Helpers every benchmark script shares, sourced (never run): `machine` names the machine a
# figure was measured on, `peer_venv` makes sure the peers' Python venv (bench/.venv) exists
# and sets $venv to it. Sourcing this builds nothing; common.sh adds the release build.
machine() {
  printf '%s, %s cores, %s GiB RAM, %s\n' \
    "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')" "$(nproc)" \
    "$(awk '/MemTotal/ {printf "%.0f", $2/1048576}' /proc/meminfo)" "$(uname -sr)"
}
peer_venv() {
  venv="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/.venv"
  if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
  fi
}
