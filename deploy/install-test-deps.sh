#!/usr/bin/env bash
# Installs the system programs Hall's tests drive for real (Debian/Ubuntu):
# sshd + ssh client (relay), caddy and nginx (proxies in front of Hall, standing in for Traefik),
# wakeonlan (the relay's WoL command), chromium (waiting page and admin), ping (health probe),
# systemd-analyze (checks deploy/hall.service), openssl (test certificates), git (the deployed-
# checkout test), promtool and prometheus (the /metrics output checked and scraped). Node.js 22
# or 24 itself is not installed here. Installs only what is missing: nothing when all are present.
# Where services can start, Debian starts nginx on :80 after installing it; the tests do not use
# that one, they run their own on a free loopback port.
set -euo pipefail

missing=()
have () { command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ] || [ -x "/usr/bin/$1" ]; }
# command -> the Debian package providing it
declare -A package=(
  [sshd]=openssh-server [ssh]=openssh-client [ssh-keygen]=openssh-client [caddy]=caddy [nginx]=nginx
  [wakeonlan]=wakeonlan [chromium]=chromium [ping]=iputils-ping [systemd-analyze]=systemd
  [openssl]=openssl [git]=git [promtool]=prometheus
)
packages=()
for cmd in sshd ssh ssh-keygen caddy nginx wakeonlan chromium ping systemd-analyze openssl git promtool; do
  if ! have "$cmd"; then
    missing+=("$cmd")
    [[ " ${packages[*]} " == *" ${package[$cmd]} "* ]] || packages+=("${package[$cmd]}")
  fi
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-test-deps: all present"
  exit 0
fi
echo "install-test-deps: missing ${missing[*]}; installing with apt-get"

if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-test-deps: no apt-get; install these by hand: ${missing[*]}" >&2
  exit 1
fi
SUDO=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || { echo "install-test-deps: not root and no sudo" >&2; exit 1; }
  SUDO=(sudo)
fi

${SUDO[@]+"${SUDO[@]}"} apt-get update
${SUDO[@]+"${SUDO[@]}"} env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
  ca-certificates "${packages[@]}"
