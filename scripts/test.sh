#!/usr/bin/env bash
# Installs everything the tests need (pnpm packages; Debian's Chromium, fonts, poppler-utils,
# PostgreSQL and Redis — the tests start throwaway instances of those two themselves)
# and runs every check and test: type-check, lint, unit, integration and browser tests.
set -euo pipefail
cd "$(dirname "$0")/.."
export COREPACK_ENABLE_DOWNLOAD_PROMPT=0

# Debian packages the browser tests need: Chromium, fonts for Chinese and Uyghur text in
# screenshots and printed PDFs, and poppler-utils (pdftotext/pdftoppm) to read printed PDFs.
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
dpkg -s fonts-noto-cjk >/dev/null 2>&1 || need+=(fonts-noto-cjk)
dpkg -s fonts-noto-core >/dev/null 2>&1 || need+=(fonts-noto-core)
command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
# PostgreSQL and Redis for the storage and fan-out tests (never started as services: each test run
# starts its own on 127.0.0.1 with throwaway data and stops it).
ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || need+=(postgresql)
[ -x /usr/bin/redis-server ] || need+=(redis-server)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "installing Debian packages for the tests: ${need[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  else
    echo "the tests need: sudo apt-get install -y ${need[*]}" >&2
    exit 1
  fi
fi

corepack pnpm install --frozen-lockfile
corepack pnpm check
corepack pnpm build
mkdir -p .tmp
status=0
corepack pnpm exec vitest run --reporter=default --reporter=json --outputFile.json=.tmp/vitest.json || status=$?
# One plain closing line with the counts, whatever the outcome.
node -e '
  const r = JSON.parse(require("fs").readFileSync(".tmp/vitest.json", "utf8"));
  console.log(`Tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed`);
' || true
exit "$status"
