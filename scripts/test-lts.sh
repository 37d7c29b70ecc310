#!/usr/bin/env bash
# Runs the relay's, the storage engines' and the cluster's tests under the current Node LTS (Node 20,
# the machine's, is past its end of life). The LTS comes from the npm registry's `node` package; a
# copy of the sources gets its own install built by that Node (better-sqlite3 compiled for its ABI
# against the headers the package ships), so nothing of the main install changes.
#   scripts/test-lts.sh [--vitest-options…] [filters…]     NODE_LTS=26 by default (the active LTS)
#   scripts/test-lts.sh --prepare      only the install and build (the test command runs it early,
#                                      in the background; the run after it finds them done)
# Without filters it runs server/src/{relay,storage} and tests/integration/{relay,cluster} except
# the SIGKILL crash loop (relay/chaos.test.ts): see the README ("Node versions") for why.
set -euo pipefail
cd "$(dirname "$0")/.."
export COREPACK_ENABLE_DOWNLOAD_PROMPT=0
lts=${NODE_LTS:-26}
root=$PWD/.tmp/node-$lts
if [ ! -x "$root/node_modules/node/bin/node" ]; then
  npm install --prefix "$root" --no-save --no-audit --no-fund --loglevel=error "node@$lts" >/dev/null
fi
node_bin=$root/node_modules/node/bin
nodedir=$(ls -d "$root"/node_modules/node/node_modules/node-linux-* | head -1)
echo "Node LTS: $("$node_bin/node" --version)"

# One copy per Node line: its install holds better-sqlite3 built for that line's ABI.
copy=$PWD/.tmp/lts-tree-$lts
mkdir -p "$copy"
# Keep only the install of an earlier copy: a file since deleted or renamed must not run there.
find "$copy" -mindepth 1 -name node_modules -prune -o ! -type d -exec rm -f {} +
# The working tree as it is (tracked and new files, not what git ignores).
git ls-files -z --cached --others --exclude-standard | tar --null -T - -cf - | (cd "$copy" && tar -xf -)
cd "$copy"
export PATH="$node_bin:$PATH"
export npm_config_nodedir="$nodedir"
# better-sqlite3 is compiled at -O1 for this pass (gcc takes 32 s of CPU for SQLite there, about
# 70 s at the package's -O3): these tests check behaviour under Node 26, not speed.
CFLAGS="${CFLAGS:-} -O1" CXXFLAGS="${CXXFLAGS:-} -O1" corepack pnpm install --frozen-lockfile --reporter=silent
# The production server (plain JavaScript) that one of the relay tests runs.
corepack pnpm exec vite build --config server/vite.config.ts
[ "${1:-}" != --prepare ] || exit 0
options=()
filters=()
for arg in "$@"; do
  case "$arg" in --*) options+=("$arg") ;; *) filters+=("$arg") ;; esac
done
if [ ${#filters[@]} -eq 0 ]; then
  filters=(relay/ cluster/ storage/)
  options+=(--exclude '**/relay/chaos.test.ts')
fi
exec corepack pnpm exec vitest run --project server --project integration "${options[@]}" "${filters[@]}"
