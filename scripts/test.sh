#!/usr/bin/env bash
# Install everything the tests need (PostgreSQL server and Chromium from Debian, Python packages),
# check lint, format and types, and run the whole suite. Extra arguments go to pytest, e.g.
# `bash scripts/test.sh -m "not slow"` for the fast subset of daily work.
set -euo pipefail
cd "$(dirname "$0")/.."
SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
missing=()
ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || missing+=(postgresql)
command -v chromium >/dev/null || missing+=(chromium)
if [ ${#missing[@]} -gt 0 ]; then
  $SUDO apt-get update -qq
  # In containers the package's own service start can fail; the tests start their own server,
  # so only the binaries matter, and they are checked right after.
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null || true
fi
ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || { echo "PostgreSQL could not be installed" >&2; exit 1; }
command -v chromium >/dev/null || { echo "Chromium could not be installed" >&2; exit 1; }
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e '.[dev]'
# Lint, format and types first: a failure here fails the run like a failing test.
.venv/bin/ruff check src tests bench
.venv/bin/ruff format --check src tests bench
.venv/bin/mypy
# The store tests must run against a real PostgreSQL server as well as SQLite: never skip them here.
export REMPART_REQUIRE_POSTGRES=1
# The report is tested in real headless Chromium: never skip that here either.
export REMPART_REQUIRE_BROWSER=1
exec .venv/bin/python -m pytest -q "$@"
