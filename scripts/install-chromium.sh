#!/usr/bin/env bash
# Debian's chromium, which the browser tests drive with Playwright (Playwright's own browser
# download is not used). Skipped when chromium is already installed.
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then
  exit 0
fi
SUDO=()
if [ "$(id -u)" -ne 0 ]; then
  if ! command -v sudo >/dev/null 2>&1; then
    echo "browser: chromium is missing. Install Debian's chromium package as root: apt-get install chromium" >&2
    exit 1
  fi
  SUDO=(sudo)
fi
echo "browser: installing Debian's chromium"
"${SUDO[@]}" apt-get update -qq
"${SUDO[@]}" apt-get install -y -qq --no-install-recommends chromium >/dev/null
