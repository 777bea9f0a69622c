# shellcheck shell=bash
# Sourced by ops/bench/compare: the other daemons, the load generator and
# the seeder's Python environment, installed when missing.

# install_compare_packages
#   qbittorrent-nox, transmission-daemon and wrk from Debian. Debian's
#   transmission-daemon package starts a system service on install (every
#   interface, DHT on); a policy-rc.d that forbids starting services is put
#   in place for the install when none exists, and removed afterwards.
install_compare_packages() {
  local pkg missing=()
  for pkg in qbittorrent-nox transmission-daemon wrk; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
      missing+=("$pkg")
    fi
  done
  ((${#missing[@]})) || return 0
  echo "ops/bench/compare: installing ${missing[*]}"
  local sudo="" policy=/usr/sbin/policy-rc.d placed=""
  if [[ $(id -u) -ne 0 ]]; then sudo="sudo"; fi
  if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\nexit 101\n' | $sudo tee "$policy" >/dev/null
    $sudo chmod 755 "$policy"
    placed=1
  fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
  if [[ -n $placed ]]; then $sudo rm -f "$policy"; fi
}

# make_bench_venv DIR
#   A private venv with PyPI's libtorrent 2.1 (its own bundled build, not
#   Debian's 2.0.8) and requests; reused when it already imports both.
make_bench_venv() {
  local venv=$1
  if [[ -x $venv/bin/python ]] && "$venv/bin/python" -c 'import libtorrent, requests' 2>/dev/null; then
    return 0
  fi
  echo "ops/bench/compare: creating $venv"
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q 'libtorrent>=2.1,<2.2' 'requests>=2.28,<3'
  "$venv/bin/python" -c 'import libtorrent, requests'
}
