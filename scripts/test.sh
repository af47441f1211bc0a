#!/usr/bin/env bash
# Runs every test of the solution on a fresh machine: installs what the tests need, then
# `dotnet test`. The tests start (and stop) their own PostgreSQL on free loopback ports.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-prerequisites.sh
# The tests that run nodes as their own processes run the node as it is shipped: published and
# precompiled (ReadyToRun), like the container image. A plain `dotnet test` runs the debug build instead.
dotnet publish Chat.Web -c Release --use-current-runtime --self-contained false -o Chat.Tests/bin/published-node -v quiet -nologo
export CHAT_TEST_NODE_DIR="$PWD/Chat.Tests/bin/published-node"
# A hung test is killed and reported instead of holding the run forever.
exec dotnet test Chat.Actors.sln --blame-hang-timeout 10m "$@"
