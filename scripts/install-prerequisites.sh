#!/usr/bin/env bash
# Installs, through apt, what the tests start by themselves: PostgreSQL (initdb, pg_ctl),
# nats-server, Node.js (the page's npm packages, the resclient and browser tests) and Chromium
# (the browser tests drive it headless through playwright-core).
# The tests start private instances of their own on free loopback ports.
set -euo pipefail

missing=()
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && ! command -v initdb >/dev/null 2>&1; then
  missing+=(postgresql)
fi

if ! command -v nats-server >/dev/null 2>&1 && [ ! -x /usr/sbin/nats-server ]; then
  missing+=(nats-server)
fi

# Node.js runs the real resclient npm package in the gateway tests (and builds nothing else).
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  missing+=(nodejs npm)
fi

if ! command -v chromium >/dev/null 2>&1; then
  missing+=(chromium)
fi

if [ ${#missing[@]} -gt 0 ]; then
  sudo_cmd=()
  if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
  echo "Installing: ${missing[*]}"
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
