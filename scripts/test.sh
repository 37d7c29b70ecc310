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
rm -f .tmp/vitest.json .tmp/vitest-lts.json
main_status=0
corepack pnpm exec vitest run --reporter=default --reporter=json --outputFile.json=.tmp/vitest.json || main_status=$?
# The relay's, storage engines' and cluster's tests once more under the current Node LTS, in a
# copy of the tree with its own install (scripts/test-lts.sh; about 2 minutes here).
# Off by default: CI's 20 minutes on 2 cores do not hold it next to everything else. Run it with
# GRASSROOTS_TEST_LTS=1 ./scripts/test.sh, or ./scripts/test-lts.sh alone.
lts_status=0
if [ "${GRASSROOTS_TEST_LTS:-0}" = 1 ]; then
  ./scripts/test-lts.sh --reporter=default --reporter=json --outputFile.json="$PWD/.tmp/vitest-lts.json" || lts_status=$?
fi
# One plain closing line with the counts of both runs, whatever the outcome. A run that failed
# outside its tests (a test worker that died, a failed install) is named: its report may show
# no failed test, or be missing.
MAIN_STATUS=$main_status LTS_STATUS=$lts_status LTS_WANTED=${GRASSROOTS_TEST_LTS:-0} node -e '
  const fs = require("fs");
  let passed = 0;
  let failed = 0;
  const notes = [];
  for (const [file, name, code] of [
    [".tmp/vitest.json", "Node " + process.versions.node.split(".")[0], process.env.MAIN_STATUS],
    [".tmp/vitest-lts.json", "Node LTS", process.env.LTS_STATUS],
  ]) {
    let r = null;
    try {
      r = JSON.parse(fs.readFileSync(file, "utf8"));
    } catch {}
    if (r) {
      passed += r.numPassedTests;
      failed += r.numFailedTests;
    }
    if (!r && name === "Node LTS" && process.env.LTS_WANTED !== "1") continue;
    if (!r) notes.push(`${name}: no test report`);
    else if (code !== "0" && r.numFailedTests === 0) notes.push(`${name}: failed outside its tests`);
  }
  console.log(`Tests: ${passed} passed, ${failed} failed${notes.length ? ` (${notes.join("; ")})` : ""}`);
' || true
[ "$main_status" = 0 ] || exit "$main_status"
exit "$lts_status"
