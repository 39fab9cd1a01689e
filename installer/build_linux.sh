#!/usr/bin/env bash
# Linux build: the PyInstaller one-folder bundle and a .deb (x86_64) that installs it.
#   installer/build_linux.sh [OUT]     (default OUT: dist) → OUT/fupin-desktop/, OUT/fupin-desktop_VERSION_amd64.deb
# Also prints the newest GLIBC the bundle needs: 麒麟 V10 and 统信 UOS 20 have glibc 2.28, which
# the PySide6 6.10+ wheels exceed (they need 2.34 or newer); for those, build on a glibc 2.28
# system with PySide6 ≤ 6.9 (README, "Installing").
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(realpath -m "${1:-dist}")
python=${PYTHON:-.venv/bin/python}
version=$("$python" -c 'import fupin_desktop; print(fupin_desktop.__version__)')
"$python" -m pip install -q --require-hashes -r requirements-dev.txt  # PyInstaller, at the locked versions
"$python" -m PyInstaller --noconfirm --log-level WARN --distpath "$out" --workpath "$out/.work" installer/fupin.spec
rm -rf "$out/.work"

glibc=$(find "$out/fupin-desktop" -type f \( -name '*.so*' -o -name 'fupin' -o -name 'fupin-cli' \) -exec objdump -T {} + 2>/dev/null \
  | grep -o 'GLIBC_[0-9.]*' | sort -u -V | tail -1)
echo "$glibc" > "$out/fupin-desktop/GLIBC-REQUIRED"
echo "bundle: $out/fupin-desktop ($(du -sh "$out/fupin-desktop" | cut -f1)), needs $glibc"

root="$out/.deb"
rm -rf "$root"
mkdir -p "$root/DEBIAN" "$root/opt" "$root/usr/bin" "$root/usr/share/applications"
cp -a "$out/fupin-desktop" "$root/opt/fupin-desktop"
ln -s /opt/fupin-desktop/fupin "$root/usr/bin/fupin"
cat > "$root/usr/share/applications/fupin-desktop.desktop" <<DESKTOP
[Desktop Entry]
Type=Application
Name=社会组织参与脱贫攻坚工作管理
Comment=县级民政局社会组织参与脱贫攻坚工作管理（离线）
Exec=/opt/fupin-desktop/fupin
Terminal=false
Categories=Office;
DESKTOP
# The bundle carries Qt and Python; what it takes from the system is what Qt's xcb platform needs.
cat > "$root/DEBIAN/control" <<CONTROL
Package: fupin-desktop
Version: $version
Architecture: amd64
Maintainer: fupin-desktop <fupin-desktop@localhost>
Depends: libc6 (>= ${glibc#GLIBC_}), libegl1, libgl1, libfontconfig1, libxkbcommon0, libxkbcommon-x11-0, libdbus-1-3, libxcb-cursor0, libxcb-icccm4, libxcb-keysyms1, libxcb-shape0
Section: misc
Priority: optional
Description: 县级民政局社会组织参与脱贫攻坚工作管理（离线桌面程序）
 Registers social organizations, pairings and monthly statistics; seals and verifies
 the submissions that go upward. Data stays in each user's data folder (kept on removal).
CONTROL
dpkg-deb --root-owner-group -Zgzip --build "$root" "$out/fupin-desktop_${version}_amd64.deb" >/dev/null
rm -rf "$root"
echo "package: $out/fupin-desktop_${version}_amd64.deb"
