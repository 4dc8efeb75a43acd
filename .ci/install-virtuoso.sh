#!/usr/bin/env bash
# Install Debian's virtuoso-opensource non-interactively, for the remote-backend tests and the
# benchmark (tests/virtuoso.py starts it on loopback with its own ini and a temporary database).
# Idempotent: does nothing when virtuoso-t and isql-vt are already there.
set -euo pipefail
if command -v virtuoso-t >/dev/null 2>&1 && command -v isql-vt >/dev/null 2>&1; then
    exit 0
fi
export DEBIAN_FRONTEND=noninteractive
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
$SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq
# The package asks for the dba password; preseed it so the install never prompts. The daemon the
# package starts is not used by the tests (they start their own instance on other ports).
for pkg in virtuoso-opensource-7 virtuoso-opensource; do
    echo "$pkg $pkg/dba-password password dba" | $SUDO debconf-set-selections
    echo "$pkg $pkg/dba-password-again password dba" | $SUDO debconf-set-selections
done
$SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends virtuoso-opensource >/dev/null
# Debian starts a system-wide instance listening on all interfaces: stop it (we never expose it).
if command -v service >/dev/null 2>&1; then
    $SUDO service virtuoso-opensource-7 stop >/dev/null 2>&1 || true
fi
command -v virtuoso-t >/dev/null && command -v isql-vt >/dev/null
