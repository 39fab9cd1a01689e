#!/usr/bin/env bash
# CI: install the built .deb with dpkg, start the installed program offscreen on a demo folder and
# keep a screenshot of its 首页; fails when any step does or the picture is blank.
#   installer/check_installed.sh DEB SCREENSHOT.png
set -euo pipefail
deb=$(realpath "$1")
shot=$(realpath -m "$2")
sudo=""
[ "$(id -u)" = 0 ] || sudo="sudo"
$sudo apt-get install -y -qq --reinstall --no-install-recommends "$deb" >/dev/null   # dpkg, with the Depends resolved; --reinstall: the same version number built again still replaces the installed files
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
# A batch of packages is verified by worker processes, which are this same installed program
# started again (installer/launch.py calls freeze_support): receive nine copies of a sealed package.
export FUPIN_SEAL_PASSPHRASE=demo
period=$(date -d "$(date +%Y-%m-01) -2 month" +%Y-%m)
/usr/bin/fupin --data-dir "$data/demo" --user reviewer submit monthly --period "$period" -o "$data/usb" --allow-incomplete
fingerprint=$(/usr/bin/fupin --data-dir "$data/demo" --user reviewer seal export-cert -o "$data/cert.pem" | sed -n 's/^SHA-256 指纹：//p')
/usr/bin/fupin --data-dir "$data/city" init --bureau 泉州市民政局 --division 350500 --admin admin
/usr/bin/fupin --data-dir "$data/city" --user admin trust add "$data/cert.pem" --division 350582 --fingerprint "$fingerprint"
mkdir "$data/in"
for i in 1 2 3 4 5 6 7 8 9; do cp "$data"/usb/*.zip "$data/in/copy$i.zip"; done
received=$(/usr/bin/fupin --data-dir "$data/city" --user admin receive "$data"/in/*.zip || true)
echo "$received"
log="$data/city/logs/fupin-cli.log"
[ "$(grep -c '已接收' <<<"$received")" = 1 ] && [ "$(grep -c '已经接收过' <<<"$received")" = 8 ] \
  || { echo "the installed program did not receive the batch as expected" >&2; exit 1; }
[ "$(nproc)" -lt 2 ] || grep -q "started [0-9]* package verification workers" "$log" \
  || { echo "no verification workers were started" >&2; exit 1; }
! grep -q "verification workers failed" "$log" || { echo "the frozen workers failed:" >&2; cat "$log" >&2; exit 1; }
echo "the installed program verified a batch of 9 packages in worker processes"
rm -rf "$data"
