#!/usr/bin/env bash
# Install Rempart into .venv and run the demo on the embedded default (SQLite + local files).
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Rempart needs Python 3.11 or newer")'
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e '.[bench]'
# The same data folder as the rempart command itself (~/.rempart, or REMPART_DATA_DIR if you set it),
# so the demo's "try it yourself" line works as printed.
.venv/bin/rempart demo --dir demo-data
echo
echo "Rempart is installed in .venv: 'source .venv/bin/activate', then 'rempart --help' (data in ${REMPART_DATA_DIR:-$HOME/.rempart})."
