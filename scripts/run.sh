#!/usr/bin/env bash
# Runs the whole system on this machine, without Docker: a private PostgreSQL and nats-server
# (installed through apt when missing), then one chat node. Data stays in .run/ between runs
# (CHAT_RUN_DIR to put it elsewhere).
# Ctrl+C stops everything this script started, and nothing else.
#
#   scripts/run.sh                    HTTP on 127.0.0.1:8080 (CHAT_HTTP_PORT to change)
#   scripts/run.sh --Chat:Rooms:GracePeriod=00:01:00   extra arguments go to the node
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
state="${CHAT_RUN_DIR:-$root/.run}"
mkdir -p "$state"

scripts/install-prerequisites.sh

# A port nothing listens on, starting from $1.
free_port() {
  local port=$1
  while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
  echo "$port"
}

pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
run_as=()
if [ "$(id -u)" -eq 0 ]; then run_as=(runuser -u postgres --); fi

pg_port=${CHAT_PG_PORT:-$(free_port 54329)}
nats_port=${CHAT_NATS_PORT:-$(free_port 42229)}
http_port=${CHAT_HTTP_PORT:-8080}

node_pid=""
nats_pid=""
pg_started=""
stop_all() {
  trap - INT TERM EXIT
  echo
  echo "Stopping..."
  if [ -n "$node_pid" ]; then kill "$node_pid" 2>/dev/null || true; wait "$node_pid" 2>/dev/null || true; fi
  if [ -n "$nats_pid" ]; then kill "$nats_pid" 2>/dev/null || true; wait "$nats_pid" 2>/dev/null || true; fi
  if [ -n "$pg_started" ]; then "${run_as[@]}" "$pg_bin/pg_ctl" -D "$state/pg" -m fast -w stop >/dev/null || true; fi
  echo "Stopped."
}
trap stop_all INT TERM EXIT

if [ ! -f "$state/pg/PG_VERSION" ]; then
  echo "Creating the PostgreSQL cluster in .run/pg"
  if [ ${#run_as[@]} -gt 0 ]; then chown -R postgres:postgres "$state"; fi
  "${run_as[@]}" "$pg_bin/initdb" -D "$state/pg" -U chat --auth=trust -E UTF8 >/dev/null
fi
if [ ${#run_as[@]} -gt 0 ]; then chown -R postgres:postgres "$state"; fi
"${run_as[@]}" "$pg_bin/pg_ctl" -D "$state/pg" -l "$state/postgres.log" -w \
  -o "-p $pg_port -k $state -c listen_addresses=127.0.0.1" start >/dev/null
pg_started=yes
"$pg_bin/psql" -h 127.0.0.1 -p "$pg_port" -U chat -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'chat'" | grep -q 1 \
  || "$pg_bin/psql" -h 127.0.0.1 -p "$pg_port" -U chat -d postgres -qc "CREATE DATABASE chat"

nats_bin=$(command -v nats-server || echo /usr/sbin/nats-server)
"$nats_bin" -a 127.0.0.1 -p "$nats_port" >"$state/nats.log" 2>&1 &
nats_pid=$!

echo "PostgreSQL on 127.0.0.1:$pg_port, NATS on 127.0.0.1:$nats_port; building the node..."
dotnet build Chat.Web -c Release -v quiet -nologo >/dev/null
dotnet Chat.Web/bin/Release/net10.0/Chat.Web.dll \
  --urls "http://127.0.0.1:$http_port" \
  --ConnectionStrings:Chat "Host=127.0.0.1;Port=$pg_port;Username=chat;Database=chat" \
  --Nats:Url "nats://127.0.0.1:$nats_port" \
  "$@" &
node_pid=$!

# Ready when /health answers 200: cluster up, PostgreSQL and NATS reachable.
healthy() {
  local reply
  reply=$( (exec 3<>"/dev/tcp/127.0.0.1/$http_port" && printf 'GET /health HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&3 && head -n 1 <&3) 2>/dev/null) || return 1
  [[ "$reply" == *" 200 "* ]]
}
for _ in $(seq 1 240); do
  if healthy; then break; fi
  if ! kill -0 "$node_pid" 2>/dev/null; then echo "The node exited; see the messages above." >&2; exit 1; fi
  sleep 0.5
done
if ! healthy; then echo "The node did not become healthy within two minutes." >&2; exit 1; fi
echo
echo "Chat is running: http://127.0.0.1:$http_port   (health: /health; Ctrl+C stops everything)"
wait "$node_pid"
