#!/usr/bin/env bash
# Installs everything the tests need (pnpm packages; Debian's Chromium for the browser tests)
# and runs every check and test: type-check, lint, unit, integration and browser tests.
set -euo pipefail
cd "$(dirname "$0")/.."
export COREPACK_ENABLE_DOWNLOAD_PROMPT=0

if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "installing Debian's chromium for the browser tests"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "browser tests need /usr/bin/chromium: run 'sudo apt-get install -y chromium'" >&2
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
