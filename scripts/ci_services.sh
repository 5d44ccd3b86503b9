#!/usr/bin/env bash
# Start the machine services the tests need (PostgreSQL on 127.0.0.1:5432) and install Chromium.
set -uo pipefail
if command -v pg_lsclusters >/dev/null 2>&1 && ! pg_isready -h 127.0.0.1 -p 5432 -q; then
  for version in $(ls /etc/postgresql 2>/dev/null); do
    pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  done
fi
if [ -f client/package.json ] && [ ! -x /usr/bin/chromium ] && [ "$(id -u)" = 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
exit 0
