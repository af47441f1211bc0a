#!/usr/bin/env bash
# Runs the whole system on this machine, without Docker: a private PostgreSQL and nats-server
# (installed through apt when missing), then one chat node. Data stays in .run/ between runs
# (CHAT_RUN_DIR to put it elsewhere).
# Ctrl+C stops everything this script started, and nothing else.
#
#   scripts/run.sh                    HTTP on 127.0.0.1:8080 (CHAT_HTTP_PORT to change)
#   scripts/run.sh --nodes 3          three nodes in one cluster: HTTP on 8080, 8081, 8082 and cluster
#                                     remoting on 4053, 4054, 4055 (CHAT_CLUSTER_PORT to change), each
#                                     listing every node as a seed; nodes after the first log to .run/node-N.log
#   scripts/run.sh --Chat:Rooms:GracePeriod=00:01:00   extra arguments go to every node
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
state="${CHAT_RUN_DIR:-$root/.run}"
mkdir -p "$state"

nodes=1
node_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --nodes) nodes=${2:?--nodes needs a number}; shift 2 ;;
    --nodes=*) nodes=${1#--nodes=}; shift ;;
    *) node_args+=("$1"); shift ;;
  esac
done
if ! [[ "$nodes" =~ ^[1-9][0-9]?$ ]]; then echo "--nodes must be a number from 1 to 99." >&2; exit 2; fi

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
cluster_port=${CHAT_CLUSTER_PORT:-4053}

node_pids=()
nats_pid=""
pg_started=""
stop_all() {
  trap - INT TERM EXIT
  echo
  echo "Stopping..."
  # Every node first, so they leave together; then wait for each.
  for pid in "${node_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${node_pids[@]}"; do wait "$pid" 2>/dev/null || true; done
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
"$nats_bin" -c nats.conf -a 127.0.0.1 -p "$nats_port" >"$state/nats.log" 2>&1 &
nats_pid=$!

echo "PostgreSQL on 127.0.0.1:$pg_port, NATS on 127.0.0.1:$nats_port; building the node..."
# Published as the container ships it: precompiled (ReadyToRun), so a restarted node is back sooner.
dotnet publish Chat.Web -c Release --use-current-runtime --self-contained false -o "$state/node" -v quiet -nologo >/dev/null
node_common=(
  --ConnectionStrings:Chat "Host=127.0.0.1;Port=$pg_port;Username=chat;Database=chat"
  --Nats:Url "nats://127.0.0.1:$nats_port"
)
if [ "$nodes" -eq 1 ]; then
  dotnet "$state/node/Chat.Web.dll" \
    --urls "http://127.0.0.1:$http_port" \
    "${node_common[@]}" \
    "${node_args[@]}" &
  node_pids+=($!)
else
  # One cluster: consecutive HTTP and remoting ports. Every node lists every node as a seed, in the same
  # order (as docker-compose.yml does), so a restarted first node joins the others instead of forming a
  # cluster of its own.
  seeds=()
  for i in $(seq 0 $((nodes - 1))); do
    seeds+=("--Chat:Cluster:SeedNodes:$i" "akka.tcp://chat@127.0.0.1:$((cluster_port + i))")
  done
  # Runs in the background subshell `&` makes; exec makes the node that subshell, so its PID is the node's.
  start_cluster_node() {
    exec dotnet "$state/node/Chat.Web.dll" \
      --urls "http://127.0.0.1:$((http_port + $1))" \
      "${node_common[@]}" \
      --Chat:Cluster:Hostname 127.0.0.1 \
      --Chat:Cluster:Port "$((cluster_port + $1))" \
      "${seeds[@]}" \
      "${node_args[@]}"
  }
  start_cluster_node 0 &
  node_pids+=($!)
  for i in $(seq 1 $((nodes - 1))); do
    start_cluster_node "$i" >"$state/node-$((i + 1)).log" 2>&1 &
    node_pids+=($!)
  done
fi

# Ready when /health answers 200: cluster up, PostgreSQL and NATS reachable.
healthy() {
  local reply
  reply=$( (exec 3<>"/dev/tcp/127.0.0.1/$1" && printf 'GET /health HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&3 && head -n 1 <&3) 2>/dev/null) || return 1
  [[ "$reply" == *" 200 "* ]]
}
for i in "${!node_pids[@]}"; do
  port=$((http_port + i))
  for _ in $(seq 1 240); do
    if healthy "$port"; then break; fi
    if ! kill -0 "${node_pids[$i]}" 2>/dev/null; then echo "Node $((i + 1)) exited; see the messages above (or .run/node-$((i + 1)).log)." >&2; exit 1; fi
    sleep 0.5
  done
  if ! healthy "$port"; then echo "Node $((i + 1)) did not become healthy within two minutes." >&2; exit 1; fi
done
echo
if [ "$nodes" -gt 1 ]; then
  for i in "${!node_pids[@]}"; do
    echo "Node $((i + 1)): http://127.0.0.1:$((http_port + i))   cluster akka.tcp://chat@127.0.0.1:$((cluster_port + i))   pid ${node_pids[$i]}"
  done
fi
echo "Chat is running: http://127.0.0.1:$http_port   (health: /health; Ctrl+C stops everything)"
wait "${node_pids[@]}"
