"""Writing to a USB stick: a failure halfway leaves no file that looks complete."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from fupin_desktop.documents import package
from fupin_desktop.errors import KnownError


def test_a_complete_write_lands_under_its_name_and_nothing_else(tmp_path: Path) -> None:
    path = package.write_safely(tmp_path / "usb", "350582_月报_v1.zip", b"x" * 1000)
    assert path.read_bytes() == b"x" * 1000
    assert [p.name for p in (tmp_path / "usb").iterdir()] == ["350582_月报_v1.zip"]


def test_a_stick_pulled_out_during_the_write_leaves_nothing_that_looks_complete(tmp_path: Path, monkeypatch) -> None:
    def pulled_out(fd: int) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, "fsync", pulled_out)
    with pytest.raises(KnownError, match="U 盘"):
        package.write_safely(tmp_path, "350582_月报_v1.zip", b"data")
    assert list(tmp_path.iterdir()) == []


def test_bytes_that_do_not_read_back_the_same_are_not_renamed_into_place(tmp_path: Path, monkeypatch) -> None:
    real_read = Path.read_bytes

    def corrupted(self: Path) -> bytes:
        data = real_read(self)
        return data[:-1] + b"?" if self.name.endswith(".part") else data

    monkeypatch.setattr(Path, "read_bytes", corrupted)
    with pytest.raises(KnownError, match="不一致"):
        package.write_safely(tmp_path, "v1.zip", b"abc")
    assert list(tmp_path.iterdir()) == []
