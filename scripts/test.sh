#!/usr/bin/env bash
# Runs every test of the solution on a fresh machine: installs what the tests need, then
# `dotnet test`. The tests start (and stop) their own PostgreSQL on free loopback ports.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-prerequisites.sh
# A hung test is killed and reported instead of holding the run forever.
exec dotnet test Chat.Actors.sln --blame-hang-timeout 10m "$@"
