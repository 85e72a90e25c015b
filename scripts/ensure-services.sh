#!/usr/bin/env bash
# Make sure what the test suite needs is on this machine and running, installing it
# from Debian's packages when missing: Chromium, nginx (the reverse-proxy test runs its own
# on a loopback port, never the system service), the Pango and font packages WeasyPrint
# draws the board report's PDF with (and poppler-utils, to look at its pages),
# PostgreSQL 15 and Redis. Idempotent.
set -euo pipefail

apt_install() {
  if [ -z "${APT_UPDATED:-}" ]; then
    apt-get update -qq
    APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

[ -x /usr/bin/chromium ] || { echo "Installing Chromium..."; apt_install chromium; }
[ -x /usr/sbin/nginx ] || { echo "Installing nginx..."; apt_install nginx; }
if ! ldconfig -p | grep -q 'libpangoft2-1.0.so.0' || ! ldconfig -p | grep -q 'libharfbuzz-subset.so.0' \
   || [ ! -d /usr/share/fonts/truetype/dejavu ] || ! command -v pdftoppm >/dev/null 2>&1; then
  echo "Installing WeasyPrint's libraries, fonts and poppler-utils..."
  apt_install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core poppler-utils
fi

if ! command -v pg_ctlcluster >/dev/null 2>&1; then
  echo "Installing PostgreSQL..."
  apt_install postgresql
fi
if ! pg_isready -h 127.0.0.1 -q; then
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
  for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -q && break; sleep 1; done
fi
if ! psql -h 127.0.0.1 -U postgres -d postgres -tAc 'select 1' >/dev/null 2>&1; then
  # Loopback asked for a password: switch it to trust, as on the project's machines.
  hba="/etc/postgresql/$(ls /etc/postgresql | head -1)/main/pg_hba.conf"
  sed -i -E 's/^(host\s+all\s+all\s+(127\.0\.0\.1\/32|::1\/128)\s+)\S+/\1trust/' "$hba"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main reload || true
fi
psql -h 127.0.0.1 -U postgres -d postgres -tAc "select 1 from pg_database where datname='test'" | grep -q 1 \
  || psql -h 127.0.0.1 -U postgres -d postgres -c 'create database test' >/dev/null

command -v redis-server >/dev/null 2>&1 || { echo "Installing Redis..."; apt_install redis-server; }
redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 \
  || redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no

echo "Services ready: Chromium $(/usr/bin/chromium --version 2>/dev/null | awk '{print $2}'), PostgreSQL on 127.0.0.1:5432, Redis on 127.0.0.1:6379."
