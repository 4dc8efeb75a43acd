#!/usr/bin/env bash
# Install a headless JDK: tests/test_owl_profile.py compiles a small OWL API program with javac to
# run the OWL 2 DL profile check (default-jre-headless has no compiler).
# Idempotent: does nothing when javac is already there.
set -euo pipefail
if command -v javac >/dev/null 2>&1; then
    exit 0
fi
export DEBIAN_FRONTEND=noninteractive
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
$SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq
$SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends default-jdk-headless >/dev/null
command -v javac >/dev/null
