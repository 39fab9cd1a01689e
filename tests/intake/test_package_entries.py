"""A package stuffed with entries is refused at once with one sentence (it used to take minutes
and print a line per entry); duplicate names are found in one pass."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from fupin_desktop.intake.package_reader import MAX_ENTRIES, verify_package


def stuffed(path: Path, names: list[str]) -> Path:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as archive:
        for name in names:
            archive.writestr(name, b"x")
    path.write_bytes(buf.getvalue())
    return path


def test_twenty_thousand_entries_are_one_plain_refusal(tmp_path: Path) -> None:
    package = stuffed(tmp_path / "晋江市_月报.zip", [f"f{i}.txt" for i in range(20_000)])
    verdict = verify_package(package, lambda _division: [])
    assert not verdict.ok and len(verdict.problems) == 1
    assert "晋江市_月报.zip" in verdict.problems[0] and "20000 个文件" in verdict.problems[0]
    assert f"最多 {MAX_ENTRIES} 个" in verdict.problems[0]


def test_duplicate_names_are_named_once(tmp_path: Path) -> None:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about the duplicate it is told to write
        package = stuffed(tmp_path / "p.zip", ["manifest.json", "a.pdf", "a.pdf", "a.pdf"])
    verdict = verify_package(package, lambda _division: [])
    assert not verdict.ok and verdict.problems == ["「p.zip」里有重名的文件（a.pdf），已拒绝。"]
