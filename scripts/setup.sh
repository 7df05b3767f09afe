#!/usr/bin/env bash
# Installs what harness needs on Debian/Ubuntu: npm packages, and the system
# packages for browser channels (Chromium and its headless shell + a CJK font for screenshots),
# speech (espeak-ng, sox) and SIP interop tests (baresip, sipp).
# Safe to run again: it only installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\033[1m%s\033[0m\n' "$*" >&2; }

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing npm packages…"
  npm ci --no-audit --no-fund --loglevel=error
fi
# The precompiled CLI (npm ci builds it too): again only when a source is newer.
node scripts/build.mjs --if-stale

need=()
have() { command -v "$1" >/dev/null 2>&1; }
have_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }
# Playwright's own Chromium counts too (npx playwright install chromium).
# Conversations run in the headless shell (half the CPU of the full browser
# started headless); the full one is what the browser-switch tests check.
pw="${PLAYWRIGHT_BROWSERS_PATH:-$HOME/.cache/ms-playwright}"
if ! have chromium && [ -z "${HARNESS_CHROMIUM:-}" ] && ! ls "$pw"/chromium-* >/dev/null 2>&1; then need+=(chromium); fi
if ! have chromium-headless-shell && [ -z "${HARNESS_CHROMIUM:-}" ] && ! ls "$pw"/chromium_headless_shell-* >/dev/null 2>&1; then need+=(chromium-headless-shell); fi
have_pkg fonts-wqy-microhei || have_pkg fonts-noto-cjk || need+=(fonts-wqy-microhei)
have espeak-ng || need+=(espeak-ng)
have sox || need+=(sox)
have baresip || need+=(baresip-core)
have sipp || need+=(sip-tester)

if [ ${#need[@]} -gt 0 ]; then
  if ! have apt-get; then
    say "please install: ${need[*]} (Chromium, a CJK font, espeak-ng, sox, baresip, sipp) with your package manager"
    exit 1
  fi
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    if have sudo; then sudo="sudo"; else
      say "root is needed to install ${need[*]}: run 'apt-get install -y ${need[*]}' as root, then this again"
      exit 1
    fi
  fi
  say "installing Debian packages: ${need[*]}…"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
say "setup complete"
