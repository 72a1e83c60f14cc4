#!/usr/bin/env bash
# Installs the system programs Hall's tests drive for real (Debian/Ubuntu):
# sshd + ssh client (relay), caddy (stand-in for Traefik), wakeonlan (the relay's WoL command),
# chromium (waiting page and dashboard), ping (health probe). Does nothing when all are present.
set -euo pipefail

missing=()
have () { command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ] || [ -x "/usr/bin/$1" ]; }
# python3, make and g++ build better-sqlite3 when npm finds no prebuilt binary for this machine
for cmd in sshd ssh ssh-keygen caddy wakeonlan chromium ping python3 make g++; do
  have "$cmd" || missing+=("$cmd")
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
  openssh-server openssh-client caddy wakeonlan chromium iputils-ping ca-certificates python3 make g++
