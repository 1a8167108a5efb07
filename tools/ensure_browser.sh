#!/usr/bin/env bash
# Make sure headless Chromium is available for tests/test_render.py.
# Playwright cannot download its own browser here, so the render test drives
# Debian's chromium.  Installs it when we are root on Debian; otherwise says how.
set -euo pipefail
browser="${CHROMIUM:-/usr/bin/chromium}"
if [ -x "$browser" ]; then exit 0; fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian's chromium for the render test (first run only)..."
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  exit 0
fi
echo "Headless Chromium is missing: run 'sudo apt-get install chromium' (or set CHROMIUM=/path/to/chromium), then 'make test' again." >&2
exit 1
