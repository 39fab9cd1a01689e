#!/usr/bin/env bash
# Prepare a machine to run fupin-desktop from this checkout: the system libraries Qt needs
# (Debian/Ubuntu, via apt-get; skipped where they are present or apt is absent) and a
# virtual environment in .venv with the program and its test tools, at the versions and hashes
# of requirements-dev.txt (scripts/lock.sh makes it from pyproject.toml).
#   scripts/bootstrap.sh          program + tests
#   scripts/bootstrap.sh --test   also the tools the tests use (Xvfb, poppler-utils)
set -euo pipefail
cd "$(dirname "$0")/.."

qt_libs=(libegl1 libgl1 libfontconfig1 libdbus-1-3 libglib2.0-0 libxkbcommon0 libx11-xcb1 libxcb-cursor0
  libxcb-glx0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0 libxcb-render-util0 libxcb-render0
  libxcb-shape0 libxcb-shm0 libxcb-sync1 libxcb-util1 libxcb-xfixes0 libxcb-xkb1 libxkbcommon-x11-0)
# The tests render PDFs (poppler), print workbooks with LibreOffice (which needs a CJK font)
# and move the machine date with libfaketime (faketime) to test the real clock.
test_tools=(xvfb xauth poppler-utils fonts-noto-cjk faketime postgresql)  # postgresql: the LAN-mode tests
command -v soffice >/dev/null 2>&1 || test_tools+=(libreoffice-calc-nogui)

wanted=("${qt_libs[@]}")
[ "${1:-}" = "--test" ] && wanted+=("${test_tools[@]}")

if command -v apt-get >/dev/null 2>&1 && command -v dpkg-query >/dev/null 2>&1; then
  missing=()
  for pkg in "${wanted[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    sudo=""
    [ "$(id -u)" = 0 ] || sudo="sudo"
    echo "Installing system packages: ${missing[*]}"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
fi

python=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$python" -m venv .venv
fi
# pip runs only when the dependencies changed: the checkout is installed in place (-e), so code
# changes need no reinstall, and a launch that runs pip costs ~15 s every time.
stamp=.venv/.fupin-installed
wanted_stamp="$(sha256sum pyproject.toml requirements-dev.txt | cut -d' ' -f1 | tr '\n' ' ')$(.venv/bin/python -c 'import sys; print(sys.version)' | head -1)"
if [ "$(cat "$stamp" 2>/dev/null)" != "$wanted_stamp" ]; then
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q --require-hashes -r requirements-dev.txt
  .venv/bin/python -m pip install -q --no-deps -e .
  echo "$wanted_stamp" > "$stamp"
fi
