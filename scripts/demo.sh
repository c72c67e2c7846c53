#!/usr/bin/env bash
# Install Rempart into .venv and run the demo on the embedded default (SQLite + local files).
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Rempart needs Python 3.11 or newer")'
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e '.[bench]'
export REMPART_DATA_DIR="${REMPART_DATA_DIR:-$PWD/.rempart}"
.venv/bin/rempart demo --dir demo-data
echo
echo "Rempart is installed in .venv: try '.venv/bin/rempart --help' (data in $REMPART_DATA_DIR)."
