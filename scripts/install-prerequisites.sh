#!/usr/bin/env bash
# Installs, through apt, what the tests start by themselves: PostgreSQL (initdb, pg_ctl),
# nats-server, Node.js (the page's npm packages, the resclient and browser tests), Chromium
# (the browser tests drive it headless through playwright-core), and docker-compose to validate
# docker-compose.yml.
# The tests start private instances of their own on free loopback ports.
set -euo pipefail

missing=()
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && ! command -v initdb >/dev/null 2>&1; then
  missing+=(postgresql)
fi

if ! command -v nats-server >/dev/null 2>&1 && [ ! -x /usr/sbin/nats-server ]; then
  missing+=(nats-server)
fi

# Node.js and npm: building Chat.Web installs the page's pinned npm packages (resclient); the tests
# run resclient and playwright-core.
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  missing+=(nodejs npm)
fi

if ! command -v chromium >/dev/null 2>&1; then
  missing+=(chromium)
fi

# Debian's docker-compose (1.29) resolves and validates docker-compose.yml without a Docker engine.
if ! command -v docker-compose >/dev/null 2>&1; then
  missing+=(docker-compose)
fi

if [ ${#missing[@]} -gt 0 ]; then
  sudo_cmd=()
  if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
  echo "Installing: ${missing[*]}"
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
