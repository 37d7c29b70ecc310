#!/usr/bin/env bash
# A local multi-process deployment on one machine, the layout of a prefecture's: PostgreSQL (the
# log), Redis (the bus), two relay processes and nginx in front on one port. nginx sends each
# document's WebSocket to one relay by hashing its path (so most rooms live on one process) and
# to the other when that one is down; the API and the app go to either.
#
#   ./scripts/cluster.sh [--port 4321] [--data ./data/cluster] [--no-build]
#
# Uses ports --port to --port+4. Everything listens on 127.0.0.1 only; Ctrl-C (or SIGTERM) stops
# it all (the data stays in --data). A relay that dies leaves the rest running, so failing over to
# the other can be tried (kill one relay: its rooms' clients reconnect through nginx to the
# other). --no-build skips installing and building (uses what `corepack pnpm build` made).
# Installs postgresql, redis-server and nginx-light with apt-get when missing (as root).
set -euo pipefail
cd "$(dirname "$0")/.."
export COREPACK_ENABLE_DOWNLOAD_PROMPT=0

port=4321
data=./data/cluster
build=1
while [ $# -gt 0 ]; do
  case "$1" in
    --port) port="$2"; shift 2 ;;
    --data) data="$2"; shift 2 ;;
    --no-build) build=0; shift ;;
    *) echo "usage: scripts/cluster.sh [--port N] [--data DIR] [--no-build]" >&2; exit 2 ;;
  esac
done
pg_port=$((port + 1))
redis_port=$((port + 2))
relay_ports=($((port + 3)) $((port + 4)))

need=()
ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || need+=(postgresql)
[ -x /usr/bin/redis-server ] || need+=(redis-server)
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need+=(nginx-light)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "cluster.sh needs: sudo apt-get install -y ${need[*]}" >&2
    exit 1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  # Debian starts the packaged services; this deployment runs its own instances.
  service postgresql stop >/dev/null 2>&1 || true
  service redis-server stop >/dev/null 2>&1 || true
  service nginx stop >/dev/null 2>&1 || true
fi

if [ "$build" = 1 ]; then
  corepack pnpm install --frozen-lockfile
  corepack pnpm build
elif [ ! -f server/dist/main.js ]; then
  echo "cluster.sh --no-build: the server is not built yet; run corepack pnpm build first" >&2
  exit 1
elif [ ! -f client/dist/index.html ]; then
  echo "cluster.sh --no-build: the app is not built (client/dist): the relays serve only the API and sync" >&2
fi

mkdir -p "$data"
data=$(cd "$data" && pwd)
# PostgreSQL and Redis run as their own users: they must reach their folders inside (a folder made
# by mktemp is 0700), and PostgreSQL puts its socket in the folder itself.
chmod 755 "$data"
[ "$(id -u)" = 0 ] && chown postgres:postgres "$data"
pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
as_service() { # user, command...: runs it as that user (when root)
  local user=$1; shift
  if [ "$(id -u)" = 0 ]; then setpriv --reuid="$user" --regid="$user" --init-groups -- "$@"; else "$@"; fi
}
# `start_service user command… &`: the same in the background, the shell replaced by the service
# (so $! is the service itself and signals reach it).
start_service() {
  local user=$1; shift
  if [ "$(id -u)" = 0 ]; then exec setpriv --reuid="$user" --regid="$user" --init-groups -- "$@"; else exec "$@"; fi
}

pids=()       # every process started, watched until it exits
front=()      # the relays and nginx, stopped first
pg_pid=
redis_pid=
stop_all() {
  trap - INT TERM EXIT
  echo "stopping…"
  # The relays first (they store what is pending) and nginx, then Redis, then PostgreSQL (fast
  # shutdown: it would otherwise wait for every client to go).
  for pid in "${front[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${front[@]}"; do wait "$pid" 2>/dev/null || true; done
  [ -z "$redis_pid" ] || kill -TERM "$redis_pid" 2>/dev/null || true
  [ -z "$pg_pid" ] || kill -INT "$pg_pid" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap stop_all INT TERM EXIT

# PostgreSQL: a cluster of its own under $data/postgres.
if [ ! -f "$data/postgres/PG_VERSION" ]; then
  mkdir -p "$data/postgres"
  [ "$(id -u)" = 0 ] && chown postgres:postgres "$data/postgres"
  chmod 700 "$data/postgres"
  as_service postgres "$pg_bin/initdb" -D "$data/postgres" -A trust -U postgres -E UTF8 >/dev/null
fi
start_service postgres "$pg_bin/postgres" -D "$data/postgres" -h 127.0.0.1 -p "$pg_port" -k "$data" &
pg_pid=$!
pids+=($!)
# A service that ends while starting (its port taken, say) ends the script, with what it said.
started_or_exit() { # pid, name, log file or "": fails when the process has ended
  kill -0 "$1" 2>/dev/null && return 0
  echo "$2 ended while starting" >&2
  [ -z "$3" ] || tail -n 20 "$3" >&2
  exit 1
}
until "$pg_bin/pg_isready" -q -h 127.0.0.1 -p "$pg_port" -U postgres; do
  started_or_exit "$pg_pid" "PostgreSQL (port $pg_port)" ""
  sleep 0.2
done
"$pg_bin/psql" -h 127.0.0.1 -p "$pg_port" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='grassroots'" | grep -q 1 ||
  "$pg_bin/createdb" -h 127.0.0.1 -p "$pg_port" -U postgres grassroots

# Redis: only a bus, nothing on disk.
mkdir -p "$data/redis"
[ "$(id -u)" = 0 ] && chown redis:redis "$data/redis"
start_service redis /usr/bin/redis-server --bind 127.0.0.1 --port "$redis_port" --save '' --appendonly no --dir "$data/redis" >"$data/redis.log" &
redis_pid=$!
pids+=($!)

export DATABASE_URL="postgres://postgres@127.0.0.1:$pg_port/grassroots"
export REDIS_URL="redis://127.0.0.1:$redis_port"
export PUBLIC_URL="http://localhost:$port"
relays=()
relay_pids=()
for p in "${relay_ports[@]}"; do
  node server/dist/main.js serve --host 127.0.0.1 --port "$p" --data "$data/relay-$p" --trust-proxy 1 >"$data/relay-$p.log" 2>&1 &
  pids+=($!)
  front+=($!)
  relay_pids+=($!)
  relays+=("$p (pid $!)")
done

# nginx: the WebSocket of a document goes to the relay its path hashes to (consistent hashing,
# so adding a relay moves few rooms); a relay that fails is skipped until it answers again.
mkdir -p "$data/nginx"
cat >"$data/nginx/nginx.conf" <<EOF
worker_processes 1;
pid $data/nginx/nginx.pid;
error_log $data/nginx/error.log warn;
daemon off;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $data/nginx;
  proxy_temp_path $data/nginx;
  map \$http_upgrade \$connection_upgrade { default upgrade; '' close; }
  upstream relays_by_room {
    hash \$uri consistent;
    server 127.0.0.1:${relay_ports[0]} max_fails=1 fail_timeout=5s;
    server 127.0.0.1:${relay_ports[1]} max_fails=1 fail_timeout=5s;
  }
  upstream relays {
    server 127.0.0.1:${relay_ports[0]} max_fails=1 fail_timeout=5s;
    server 127.0.0.1:${relay_ports[1]} max_fails=1 fail_timeout=5s;
  }
  server {
    listen 127.0.0.1:$port;
    location /sync/ {
      proxy_pass http://relays_by_room;
      proxy_http_version 1.1;
      proxy_set_header Upgrade \$http_upgrade;
      proxy_set_header Connection \$connection_upgrade;
      proxy_set_header X-Forwarded-For \$remote_addr;
      proxy_read_timeout 1h;
      proxy_next_upstream error timeout;
    }
    location / {
      proxy_pass http://relays;
      proxy_set_header Host \$host;
      proxy_set_header X-Forwarded-For \$remote_addr;
      proxy_next_upstream error timeout;
    }
  }
}
EOF
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)
"$nginx_bin" -c "$data/nginx/nginx.conf" &
pids+=($!)
front+=($!)

nginx_pid=$!
for i in 0 1; do
  p=${relay_ports[$i]}
  until curl -fs --max-time 2 "http://127.0.0.1:$p/healthz" >/dev/null 2>&1; do
    started_or_exit "${relay_pids[$i]}" "the relay on port $p" "$data/relay-$p.log"
    started_or_exit "$redis_pid" "Redis (port $redis_port)" "$data/redis.log"
    started_or_exit "$nginx_pid" "nginx (port $port)" "$data/nginx/error.log"
    sleep 0.3
  done
done
echo "Grassroots cluster at http://localhost:$port/ (relays on ${relays[0]} and ${relays[1]}, PostgreSQL on $pg_port, Redis on $redis_port; logs in $data)"
echo "create a workspace: DATABASE_URL=$DATABASE_URL node server/dist/main.js workspace create \"<name>\" --public-url http://localhost:$port"
# Runs until stopped. A process that exits is reported; the others go on (a relay's rooms move to
# the other one); once none is left, neither is the script.
declare -A names
for pid in "${pids[@]}"; do names[$pid]=$(ps -o args= -p "$pid" 2>/dev/null | cut -c1-70 || true); done
live=("${pids[@]}")
while [ ${#live[@]} -gt 0 ]; do
  ended=
  wait -n -p ended "${live[@]}" && code=0 || code=$?
  [ -n "${ended:-}" ] || break
  echo "exited (code $code): ${names[$ended]:-pid $ended}; logs in $data" >&2
  rest=()
  for pid in "${live[@]}"; do [ "$pid" = "$ended" ] || rest+=("$pid"); done
  live=("${rest[@]}")
done
