#!/usr/bin/env bash
# Command 1 of the README: set up, then open the program on the built-in demo county.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
exec .venv/bin/fupin --demo "$@"
