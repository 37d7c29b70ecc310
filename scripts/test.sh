#!/usr/bin/env bash
# Installs everything the tests need (pnpm packages; Debian's Chromium, fonts, poppler-utils,
# PostgreSQL, Redis and nginx — the tests start throwaway instances of those themselves)
# and runs every check and test: type-check, lint, unit, integration and browser tests.
set -euo pipefail
cd "$(dirname "$0")/.."
export COREPACK_ENABLE_DOWNLOAD_PROMPT=0

mkdir -p .tmp
rm -f .tmp/vitest*.json .tmp/failures-*.txt .tmp/test-e2e*.log .tmp/debian-packages.log \
  .tmp/lts-prepare.log
# Each run also writes what failed, in a few lines, to .tmp/failures-<run>.txt (printed at the end).
summary=(--reporter=./tests/support/failureSummary.ts)

# Debian packages the browser tests need: Chromium, fonts for Chinese and Uyghur text in
# screenshots and printed PDFs, and poppler-utils (pdftotext/pdftoppm) to read printed PDFs.
debian_packages() {
  local need=()
  [ -x /usr/bin/chromium ] || need+=(chromium)
  dpkg -s fonts-noto-cjk >/dev/null 2>&1 || need+=(fonts-noto-cjk)
  dpkg -s fonts-noto-core >/dev/null 2>&1 || need+=(fonts-noto-core)
  command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
  # PostgreSQL and Redis for the storage and fan-out tests (never started as services: each test
  # run starts its own on 127.0.0.1 with throwaway data and stops it).
  ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || need+=(postgresql)
  [ -x /usr/bin/redis-server ] || need+=(redis-server)
  # nginx in front of two relays (scripts/cluster.sh, tests/integration/cluster/clusterScript.test.ts).
  command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need+=(nginx-light)
  [ ${#need[@]} -gt 0 ] || return 0
  if [ "$(id -u)" != 0 ]; then
    echo "the tests need: sudo apt-get install -y ${need[*]}" >&2
    return 1
  fi
  echo "installing Debian packages for the tests: ${need[*]}"
  # Their services must not start (PostgreSQL, Redis and nginx would listen on every address);
  # the tests start their own on 127.0.0.1 and stop them.
  local policy=/usr/sbin/policy-rc.d
  local made_policy=0
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy"
    chmod +x "$policy"
    made_policy=1
  fi
  local installed=0
  apt-get update -qq &&
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null &&
    installed=1
  [ "$made_policy" = 0 ] || rm -f "$policy"
  [ "$installed" = 1 ] || { echo "could not install: ${need[*]}" >&2; return 1; }
}

# Setting up on a new machine overlaps: the Debian packages (mostly downloads and unpacking)
# install while pnpm installs (mostly compiling better-sqlite3, one core); the Node LTS pass's
# copy of the tree gets its own install (better-sqlite3 compiled again, for Node 26) while the
# build runs; the type-check and lint (about 75 s of CPU) run beside the tests. Each one's output
# is printed when it is waited for.
# A step that fails ends the script only once what runs beside it has ended (an install cut off
# half-way could leave dpkg or a copy of the tree broken).
trap 'wait || true' EXIT
debian_packages >.tmp/debian-packages.log 2>&1 &
debian_pid=$!
corepack pnpm install --frozen-lockfile
lts_wanted=${GRASSROOTS_TEST_LTS:-1}
if [ "$lts_wanted" = 1 ]; then
  ./scripts/test-lts.sh --prepare >.tmp/lts-prepare.log 2>&1 &
  lts_prepare_pid=$!
fi
corepack pnpm build
corepack pnpm check >.tmp/check.log 2>&1 &
check_pid=$!
debian_status=0
wait "$debian_pid" || debian_status=$?
cat .tmp/debian-packages.log
[ "$debian_status" = 0 ] || exit "$debian_status"
# The browser tests run one file at a time per run, about one core each (the test process and
# Chromium). All but three files start at once, beside everything else: first every
# other test, then the relay's, storage engines' and cluster's tests once more under the current
# Node LTS (26) in a copy of the tree with its own install (scripts/test-lts.sh). Those three
# (the two longest, and one more so that both browser runs end about together) wait for those to
# end and then run beside the other browser tests, on the core they leave.
# GRASSROOTS_TEST_LTS=0 leaves the LTS pass out (a quicker local run). The browser tests' output
# is printed once they end.
late_e2e=(e2e/noKeystrokeLost.test.ts e2e/attachments.test.ts e2e/docLifecycle.test.ts)
e2e_excludes=()
for f in "${late_e2e[@]}"; do e2e_excludes+=(--exclude "$f"); done
e2e_status=0
FAILURE_SUMMARY=.tmp/failures-e2e.txt corepack pnpm exec vitest run --project e2e \
  "${e2e_excludes[@]}" --reporter=default --reporter=json --outputFile.json=.tmp/vitest-e2e.json \
  "${summary[@]}" >.tmp/test-e2e.log 2>&1 &
e2e_pid=$!
main_status=0
FAILURE_SUMMARY=.tmp/failures-main.txt corepack pnpm exec vitest run --project '!e2e' \
  --reporter=default --reporter=json --outputFile.json=.tmp/vitest.json "${summary[@]}" ||
  main_status=$?
lts_status=0
if [ "$lts_wanted" = 1 ]; then
  echo
  echo "── under the Node LTS ──"
  lts_prepare_status=0
  wait "$lts_prepare_pid" || lts_prepare_status=$?
  cat .tmp/lts-prepare.log
  [ "$lts_prepare_status" = 0 ] || exit "$lts_prepare_status"
  FAILURE_SUMMARY="$PWD/.tmp/failures-lts.txt" ./scripts/test-lts.sh --reporter=default \
    --reporter=json --outputFile.json="$PWD/.tmp/vitest-lts.json" "${summary[@]}" || lts_status=$?
fi
e2e_late_status=0
FAILURE_SUMMARY=.tmp/failures-e2e-late.txt corepack pnpm exec vitest run --project e2e \
  "${late_e2e[@]}" --reporter=default --reporter=json --outputFile.json=.tmp/vitest-e2e-late.json \
  "${summary[@]}" >.tmp/test-e2e-late.log 2>&1 || e2e_late_status=$?
wait "$e2e_pid" || e2e_status=$?
check_status=0
wait "$check_pid" || check_status=$?
echo
echo "── type-check and lint ──"
cat .tmp/check.log
echo
echo "── browser tests ──"
cat .tmp/test-e2e.log
echo
echo "── browser tests, the three that wait ──"
cat .tmp/test-e2e-late.log
# What failed, a few lines each, next to the closing line (a long run's first lines scroll away).
for run in main lts e2e e2e-late; do
  if [ -s ".tmp/failures-$run.txt" ]; then
    echo
    echo "── what failed ($run) ──"
    cat ".tmp/failures-$run.txt"
  fi
done
# One plain closing line with the counts of every run, whatever the outcome. A run that failed
# outside its tests (a test worker that died, a failed install) is named: its report may show
# no failed test, or be missing.
CHECK_STATUS=$check_status MAIN_STATUS=$main_status E2E_STATUS=$e2e_status E2E_LATE_STATUS=$e2e_late_status LTS_STATUS=$lts_status LTS_WANTED=$lts_wanted node -e '
  const fs = require("fs");
  let passed = 0;
  let failed = 0;
  const notes = [];
  const node = "Node " + process.versions.node.split(".")[0];
  for (const [file, name, code] of [
    [".tmp/vitest.json", node, process.env.MAIN_STATUS],
    [".tmp/vitest-e2e.json", node + " browser tests", process.env.E2E_STATUS],
    [".tmp/vitest-e2e-late.json", node + " browser tests (the three that wait)", process.env.E2E_LATE_STATUS],
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
  if (process.env.CHECK_STATUS !== "0") notes.push("type-check or lint failed");
  console.log(`Tests: ${passed} passed, ${failed} failed${notes.length ? ` (${notes.join("; ")})` : ""}`);
' || true
[ "$check_status" = 0 ] || exit "$check_status"
[ "$main_status" = 0 ] || exit "$main_status"
[ "$e2e_status" = 0 ] || exit "$e2e_status"
[ "$e2e_late_status" = 0 ] || exit "$e2e_late_status"
exit "$lts_status"
