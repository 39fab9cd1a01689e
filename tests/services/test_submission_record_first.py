"""A submission is recorded (with its bytes) before it is written: a crash between the two leaves a
recorded submission that ``resend`` writes out, never a complete-looking package nobody recorded."""

from __future__ import annotations

from pathlib import Path

import pytest

from fupin_desktop.domain import clock
from fupin_desktop.domain.periods import Period
from fupin_desktop.intake.package_reader import TrustedCert, verify_package
from fupin_desktop.services import seal, submissions


def _month() -> Period:
    return Period.of_date(clock.today()).previous().previous()  # approved in the demo county


class Crash(BaseException):
    """Stands for SIGKILL: nothing after it runs, no except KnownError catches it."""


def _trusted(reviewer):  # type: ignore[no-untyped-def]
    key = seal.unlock_seal(reviewer, "demo")
    return lambda division: [TrustedCert(key.certificate, key.bureau)]


def test_a_crash_while_writing_leaves_a_recorded_submission_that_resend_heals(reviewer, tmp_path: Path,
                                                                              monkeypatch) -> None:
    stick = tmp_path / "usb"
    stick.mkdir()

    def crash_halfway(folder: Path, name: str, data: bytes, **_kw) -> Path:  # type: ignore[no-untyped-def]
        (Path(folder) / f".{name}.part").write_bytes(data[: len(data) // 2])  # what a kill leaves
        raise Crash

    monkeypatch.setattr(submissions, "write_safely", crash_halfway)
    with pytest.raises(Crash):
        submissions.submit(reviewer, "monthly", _month(), stick, "demo")
    monkeypatch.undo()

    recorded = submissions.list_submissions(reviewer)
    assert [(v.version, v.sent_to) for v in recorded] == [(1, [])]
    assert not list(stick.glob("*.zip")), "no file with a final package name"

    path = submissions.resend(reviewer, recorded[0].id, stick)
    assert path.name == recorded[0].file_name
    verdict = verify_package(path, _trusted(reviewer))
    assert verdict.ok, verdict.problems
    assert verdict.version == 1
    assert submissions.list_submissions(reviewer)[0].sent_to

    # The next submission of the period corrects the recorded version: no second v1.
    view, second = submissions.submit(reviewer, "monthly", _month(), stick, "demo")
    assert view.version == 2 and view.corrects == recorded[0].manifest_sha256
    assert verify_package(second, _trusted(reviewer)).ok


def test_a_package_that_fails_its_check_is_neither_recorded_nor_written(reviewer, tmp_path: Path,
                                                                         monkeypatch) -> None:
    from fupin_desktop.intake.package_reader import Verification

    monkeypatch.setattr(submissions, "verify_package_bytes",
                        lambda name, data, trusted: Verification(file=name, problems=["测试：签名无效"]))
    with pytest.raises(submissions.KnownError, match="复核未通过"):
        submissions.submit(reviewer, "monthly", _month(), tmp_path / "usb", "demo")
    assert submissions.list_submissions(reviewer) == []
    assert not (tmp_path / "usb").exists() or not list((tmp_path / "usb").iterdir())


def test_a_stick_that_cannot_be_written_says_the_submission_is_recorded_for_resend(reviewer, tmp_path: Path,
                                                                                    monkeypatch) -> None:
    def full_stick(folder: Path, name: str, data: bytes, **_kw) -> Path:  # type: ignore[no-untyped-def]
        raise submissions.KnownError(f"无法写入「{name}」：设备上没有空间。")

    monkeypatch.setattr(submissions, "write_safely", full_stick)
    with pytest.raises(submissions.KnownError) as caught:
        submissions.submit(reviewer, "monthly", _month(), tmp_path / "usb", "demo")
    [view] = submissions.list_submissions(reviewer)
    assert "没有空间" in str(caught.value) and "重新写出" in str(caught.value) and view.file_name in str(caught.value)
