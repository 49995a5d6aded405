#!/usr/bin/env bash
# Installs Debian's Chromium for the browser tests (marker `browser`) when it is missing.
set -euo pipefail

if [[ -x /usr/bin/chromium ]]; then
    exit 0
fi
if [[ "$(id -u)" != 0 ]] || ! command -v apt-get >/dev/null; then
    echo "ensure_chromium: /usr/bin/chromium is missing; install Debian's chromium" >&2
    exit 1
fi
echo "ensure_chromium: installing chromium"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
/usr/bin/chromium --version
