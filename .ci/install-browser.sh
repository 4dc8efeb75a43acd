#!/usr/bin/env bash
# The parts the end-to-end browser test (tests/test_browser.py) needs outside Python: headless
# Chromium and its WebDriver from Debian (Selenium, in the [test] extra, is pointed at
# /usr/bin/chromedriver, so nothing downloads a browser build). The pages' own browser code
# (YASGUI, Swagger UI, Redoc) comes with `pip install` itself (hatch_build.py).
set -euo pipefail
missing=()
command -v chromium >/dev/null || missing+=(chromium)
command -v chromedriver >/dev/null || missing+=(chromium-driver)
if [ "${#missing[@]}" -gt 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
fi
