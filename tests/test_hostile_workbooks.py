"""Hostile files through the real command: refused with a message naming the file, in bounded memory.

Each import runs as its own process so its peak memory (ru_maxrss) can be read.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import xlwt
from openpyxl import Workbook

LIMIT_MB = 400  # issue 10: no workbook may cost more
SHEET = "xl/worksheets/sheet1.xml"
NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def _with_sheet(path: Path, write_sheet) -> Path:  # type: ignore[no-untyped-def]
    buf = io.BytesIO()
    Workbook().save(buf)
    with zipfile.ZipFile(buf) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            if item.filename != SHEET:
                zout.writestr(item, zin.read(item.filename))
        info = zipfile.ZipInfo(SHEET, (2020, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        with zout.open(info, "w", force_zip64=True) as w:
            w.write(f'<worksheet xmlns="{NS}"><sheetData>'.encode())
            write_sheet(w)
            w.write(b"</sheetData></worksheet>")
    return path


def _million_rows(w) -> None:  # type: ignore[no-untyped-def]
    w.write(b"".join(b'<row r="%d"><c r="A%d"><v>1</v></c></row>' % (r, r) for r in range(1, 1_000_001)))


def _zip_bomb(w) -> None:  # type: ignore[no-untyped-def]
    row = b'<row><c t="inlineStr"><is><t>' + b"a" * 48 + b"</t></is></c></row>"
    chunk = row * (1024 * 1024 // len(row))
    for _ in range(200):  # 200 MB declared, about 1 MB on disk
        w.write(chunk)


def _make(kind: str, folder: Path) -> Path:
    if kind == "not_a_spreadsheet":
        path = folder / "青阳街道6月统计表.xlsx"
        path.write_text("这不是表格，是一封信。\n" * 100, encoding="utf-8")
        return path
    if kind == "entity_bomb":
        path = folder / "entity.xlsx"
        buf = io.BytesIO()
        Workbook().save(buf)
        bomb = (f'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
                '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
                '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
                f'<worksheet xmlns="{NS}"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol3;</t></is>'
                "</c></row></sheetData></worksheet>").encode()
        with zipfile.ZipFile(buf) as zin, zipfile.ZipFile(path, "w") as zout:
            for item in zin.infolist():
                zout.writestr(item, bomb if item.filename == SHEET else zin.read(item.filename))
        return path
    if kind == "zip_bomb":
        return _with_sheet(folder / "bomb.xlsx", _zip_bomb)
    if kind == "dense_xls":  # 8 sheets, A1 and IV65536 filled: 4.7 GB once, before it was refused
        book = xlwt.Workbook()
        for n in range(8):
            ws = book.add_sheet(f"S{n + 1}")
            ws.write(0, 0, "x")
            ws.write(65535, 255, "y")
        path = folder / "dense.xls"
        book.save(str(path))
        return path
    return _with_sheet(folder / "million.xlsx", _million_rows)


# VmHWM, not ru_maxrss: on Linux ru_maxrss of a child started from a big pytest process
# carries the parent's peak over the exec.
PROBE = """
import sys
from fupin_desktop.cli import main
code = main(sys.argv[1:])
with open("/proc/self/status") as status:
    peak_kb = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
print(f"RSS_MB={peak_kb / 1024:.0f}", file=sys.stderr)
sys.exit(code)
"""


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["not_a_spreadsheet", "entity_bomb", "zip_bomb", "million_rows", "dense_xls"])
def test_hostile_workbook_is_refused_in_bounded_memory(demo_dir: Path, tmp_path: Path, kind: str) -> None:
    path = _make(kind, tmp_path)
    if kind in ("zip_bomb", "dense_xls"):
        assert path.stat().st_size < 2 * 1024 * 1024
    env = dict(os.environ, FUPIN_PASSWORD="demo")
    done = subprocess.run(
        [sys.executable, "-c", PROBE, "--data-dir", str(demo_dir), "monthly", "import", str(path), "--user", "clerk",
         "--township", "青阳街道", "--period", "2020-06"],
        capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 1
    assert path.name in done.stderr  # the message names the file
    assert "Traceback" not in done.stderr
    peak = int(done.stderr.rsplit("RSS_MB=", 1)[1])
    assert peak < LIMIT_MB, f"peak memory {peak} MB"
