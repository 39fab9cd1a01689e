#!/usr/bin/env bash
# Command 2 of the README: set up, then run the whole test suite (Qt offscreen).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh --test
export QT_QPA_PLATFORM=offscreen
.venv/bin/ruff check fupin_desktop tests scripts bench
exec .venv/bin/python -m pytest "$@"
