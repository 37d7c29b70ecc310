#!/usr/bin/env bash
# Installs what the app needs, builds the client and the server (plain JavaScript, run by node
# without a TypeScript loader) and starts the relay on one port (default 4321, SQLite under
# ./data). Extra arguments go to `grassroots serve`.
set -euo pipefail
cd "$(dirname "$0")/.."
export COREPACK_ENABLE_DOWNLOAD_PROMPT=0
corepack pnpm install --frozen-lockfile
corepack pnpm build
exec node server/dist/main.js serve "$@"
