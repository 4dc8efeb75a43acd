#!/usr/bin/env bash
# The parts the end-to-end browser test (tests/test_browser.py) needs outside Python: headless
# Chromium and its WebDriver from Debian (Selenium, in the [test] extra, is pointed at
# /usr/bin/chromedriver, so nothing downloads a browser build), and the YASGUI editor from the
# npm registry (scripts/fetch-yasgui.sh), which the SPARQL editor page serves.
set -euo pipefail
cd "$(dirname "$0")/.."
missing=()
command -v chromium >/dev/null || missing+=(chromium)
command -v chromedriver >/dev/null || missing+=(chromium-driver)
command -v npm >/dev/null || missing+=(npm)
if [ "${#missing[@]}" -gt 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
fi
bash scripts/fetch-yasgui.sh
