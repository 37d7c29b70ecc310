#!/usr/bin/env bash
# A local multi-process deployment on one machine, the layout of a prefecture's: PostgreSQL (the
# log), Redis (the bus), two relay processes and nginx in front on one port. nginx sends each
# document's WebSocket to one relay by hashing its path (so most rooms live on one process) and
# to the other when that one is down; the API and the app go to either.
#
#   ./scripts/cluster.sh [--port 4321] [--data ./data/cluster]
#
# Everything listens on 127.0.0.1 only; Ctrl-C stops it all (the data stays in --data).
# Installs postgresql, redis-server and nginx-light with apt-get when missing (as root).
set -euo pipefail
cd "$(dirname "$0")/.."
export COREPACK_ENABLE_DOWNLOAD_PROMPT=0

port=4321
data=./data/cluster
while [ $# -gt 0 ]; do
  case "$1" in
    --port) port="$2"; shift 2 ;;
    --data) data="$2"; shift 2 ;;
    *) echo "usage: scripts/cluster.sh [--port N] [--data DIR]" >&2; exit 2 ;;
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

corepack pnpm install --frozen-lockfile
corepack pnpm build

mkdir -p "$data"
data=$(cd "$data" && pwd)
pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
as_service() { # user, command...
  local user=$1; shift
  if [ "$(id -u)" = 0 ]; then runuser -u "$user" -- "$@"; else "$@"; fi
}

pids=()
stop_all() {
  trap - INT TERM EXIT
  echo "stopping…"
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
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
[ "$(id -u)" = 0 ] && chown postgres:postgres "$data"
as_service postgres "$pg_bin/postgres" -D "$data/postgres" -h 127.0.0.1 -p "$pg_port" -k "$data" &
pids+=($!)
until "$pg_bin/pg_isready" -q -h 127.0.0.1 -p "$pg_port"; do sleep 0.2; done
"$pg_bin/psql" -h 127.0.0.1 -p "$pg_port" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='grassroots'" | grep -q 1 ||
  "$pg_bin/createdb" -h 127.0.0.1 -p "$pg_port" -U postgres grassroots

# Redis: only a bus, nothing on disk.
mkdir -p "$data/redis"
[ "$(id -u)" = 0 ] && chown redis:redis "$data/redis"
as_service redis /usr/bin/redis-server --bind 127.0.0.1 --port "$redis_port" --save '' --appendonly no --dir "$data/redis" >"$data/redis.log" &
pids+=($!)

export DATABASE_URL="postgres://postgres@127.0.0.1:$pg_port/grassroots"
export REDIS_URL="redis://127.0.0.1:$redis_port"
export PUBLIC_URL="http://localhost:$port"
for p in "${relay_ports[@]}"; do
  node server/dist/main.js serve --host 127.0.0.1 --port "$p" --data "$data/relay-$p" >"$data/relay-$p.log" 2>&1 &
  pids+=($!)
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

for p in "${relay_ports[@]}"; do
  until curl -fs "http://127.0.0.1:$p/healthz" >/dev/null 2>&1; do sleep 0.3; done
done
echo "Grassroots cluster at http://localhost:$port/ (relays on ${relay_ports[*]}, PostgreSQL on $pg_port, Redis on $redis_port; logs in $data)"
echo "create a workspace: DATABASE_URL=$DATABASE_URL node server/dist/main.js workspace create \"<name>\" --public-url http://localhost:$port"
wait -n "${pids[@]}" || true
