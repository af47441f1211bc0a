#!/usr/bin/env bash
# Runs the benchmarks (Chat.Bench) on this machine: installs what they start (PostgreSQL,
# nats-server) through apt when missing, builds Release and runs one profile. The program starts
# a private PostgreSQL and nats-server on free loopback ports and one node in its own process,
# prints progress and a summary table, writes docs/benchmarks/<profile>.json and .md, and stops
# everything it started, also on Ctrl+C.
#
#   scripts/bench.sh                   short profile (a few minutes)
#   scripts/bench.sh --profile long    longer windows, 10,000 WebSocket clients
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-prerequisites.sh

# Every WebSocket connection costs one descriptor in the node's process and one in the client
# process the end-to-end scenario starts, which inherits this limit: raise the soft limit as far as
# the hard limit allows, for both.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

dotnet build Chat.Bench -c Release -v quiet -nologo
export CHAT_BENCH_COMMAND="./scripts/bench.sh${*:+ $*}"
exec dotnet Chat.Bench/bin/Release/net10.0/Chat.Bench.dll "$@"
