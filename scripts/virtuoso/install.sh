#!/usr/bin/env bash
# Install Virtuoso Open Source 7 (server binary + isql) from Debian's packages.
#
# Idempotent: does nothing if virtuoso-t and isql-vt are already installed.
# Non-interactive: only the *-bin / *-common packages are installed. They have
# no debconf questions and no init script, so nothing is started on the
# default ports 1111/8890 (the full `virtuoso-opensource-7` package would ask
# for a dba password via debconf and start a system-wide server from its
# postinst). Our own server is started by start.sh with scripts/virtuoso/virtuoso.ini.
#
# Usage: scripts/virtuoso/install.sh            (as root, or with sudo available)
set -euo pipefail

PKGS=(virtuoso-opensource-7-bin virtuoso-opensource-7-common curl)   # curl: start.sh's readiness probe

have_all() {
  command -v virtuoso-t >/dev/null 2>&1 && command -v isql-vt >/dev/null 2>&1 \
    && command -v curl >/dev/null 2>&1
}

if have_all; then
  echo "virtuoso already installed: $(command -v virtuoso-t) ($(dpkg-query -W -f='${Version}' virtuoso-opensource-7-bin 2>/dev/null || echo '?'))"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "install.sh: need root (or sudo) to apt-get install ${PKGS[*]}" >&2; exit 1
  fi
fi

export DEBIAN_FRONTEND=noninteractive
# apt-get update is bounded so a broken mirror cannot hang CI forever.
timeout 300 $SUDO apt-get update -q
timeout 600 $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
  --no-install-recommends \
  -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
  "${PKGS[@]}"

if ! have_all; then
  echo "install.sh: virtuoso-t / isql-vt still missing after install" >&2
  exit 1
fi
echo "virtuoso installed: $(command -v virtuoso-t) ($(dpkg-query -W -f='${Version}' virtuoso-opensource-7-bin))"
