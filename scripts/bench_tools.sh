#!/usr/bin/env bash
# The load generator `make bench` drives the app with: wrk, from the Debian packages (as root).
# Without it the benchmarks that need it say so and fall back or skip.
set -uo pipefail
if ! command -v wrk >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
fi
exit 0
