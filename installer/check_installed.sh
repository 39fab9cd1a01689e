#!/usr/bin/env bash
# CI: install the built .deb with dpkg, start the installed program offscreen on a demo folder and
# keep a screenshot of its 首页; fails when any step does or the picture is blank.
#   installer/check_installed.sh DEB SCREENSHOT.png
set -euo pipefail
deb=$(realpath "$1")
shot=$(realpath -m "$2")
sudo=""
[ "$(id -u)" = 0 ] || sudo="sudo"
$sudo apt-get install -y -qq --no-install-recommends "$deb" >/dev/null   # dpkg, with the Depends resolved
dpkg-query -W -f='${Package} ${Version} ${Status}\n' fupin-desktop
data=$(mktemp -d)
export QT_QPA_PLATFORM=offscreen FUPIN_PASSWORD=demo
(cd /tmp && /usr/bin/fupin --data-dir "$data/demo" demo)
FUPIN_QUIT_WHEN_SHOWN=1 FUPIN_SCREENSHOT="$shot" /usr/bin/fupin --data-dir "$data/demo" --user clerk
python3 - "$shot" <<'PY'
import sys, zlib, struct
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
width, height = struct.unpack(">II", data[16:24])
chunks, pos = [], 8
while pos < len(data):
    length, kind = struct.unpack(">I4s", data[pos:pos + 8])
    if kind == b"IDAT":
        chunks.append(data[pos + 8:pos + 8 + length])
    pos += 12 + length
idat = b"".join(chunks)
colours = len(set(zlib.decompress(idat)[::97]))
print(f"screenshot {sys.argv[1]}: {width}×{height}, {colours} distinct byte values sampled")
# A first start shows the window maximized: on the offscreen platform's 800 × 800 screen that is
# 796 × 796, so the size only has to be a window's, not a crumb's; the colours tell it is painted.
assert width >= 780 and height >= 580 and colours > 20, "the window looks blank"
PY
rm -rf "$data"
