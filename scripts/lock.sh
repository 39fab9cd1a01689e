#!/usr/bin/env bash
# Regenerate the dependency locks from pyproject.toml, with the sha256 of every file of each pinned
# release (wheels for every platform and the sdist) and markers for every platform (--universal), so
# the Windows installer build installs from the same files:
#   requirements.txt       the program's dependencies
#   requirements-dev.txt   those + the test extra + PyInstaller (scripts/bootstrap.sh, installer/)
#   scripts/lock.sh             keeps every pinned version that still satisfies pyproject.toml
#   scripts/lock.sh --upgrade   the newest versions pyproject.toml allows (or --upgrade-package NAME)
set -euo pipefail
cd "$(dirname "$0")/.."
tools=$(mktemp -d)
trap 'rm -rf "$tools"' EXIT
"${PYTHON:-python3}" -m venv "$tools"
"$tools/bin/python" -m pip install -q uv==0.13.9
compile() {
  "$tools/bin/uv" pip compile -q --universal --python-version 3.11 --generate-hashes \
    --custom-compile-command scripts/lock.sh "$@"
}
compile pyproject.toml -o requirements.txt "${@}"
echo "pyinstaller>=6.10,<7" | compile pyproject.toml - --extra test -o requirements-dev.txt "${@}"
echo "requirements.txt: $(grep -c '^[A-Za-z]' requirements.txt) packages," \
  "requirements-dev.txt: $(grep -c '^[A-Za-z]' requirements-dev.txt)"
