#!/usr/bin/env bash
# Command 2 of the README: set up, then run the whole test suite (Qt offscreen) in random order.
#   scripts/test.sh [pytest options]     FUPIN_TEST_SEED=N repeats an order; FUPIN_TEST_TODAY=YYYY-MM-DD
#                                        runs the suite on another fixed day (tests/conftest.py).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh --test
export QT_QPA_PLATFORM=offscreen
.venv/bin/ruff check fupin_desktop tests scripts bench
.venv/bin/mypy --strict fupin_desktop/domain fupin_desktop/store
seed=${FUPIN_TEST_SEED:-$(( (RANDOM << 15) | RANDOM ))}
echo "random test order, seed $seed (again in this order: FUPIN_TEST_SEED=$seed scripts/test.sh)"
exec .venv/bin/python -m pytest -p randomly --randomly-seed="$seed" "$@"
