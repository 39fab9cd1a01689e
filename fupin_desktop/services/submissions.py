"""报送: seal a report (signed PDF, Excel, data, manifest) into one package and write it out.

A correction is a new version whose manifest names the hash of the one it replaces; every
version stays in the database so it can be written out again unchanged.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Generator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import select

from fupin_desktop import __version__
from fupin_desktop.documents.bureau_excel import workbook_bytes
from fupin_desktop.documents.gongwen import write_report_pdf
from fupin_desktop.documents.package import (
    build_manifest,
    manifest_bytes,
    package_bytes,
    sha256,
    write_safely,
)
from fupin_desktop.documents.signing import sign_detached, sign_pdf
from fupin_desktop.domain import clock
from fupin_desktop.domain.periods import Period
from fupin_desktop.errors import KnownError, NotFound
from fupin_desktop.intake.package_reader import TrustedCert, verify_package_bytes
from fupin_desktop.services.audit_anchor import record_anchor
from fupin_desktop.services.context import ServiceContext
from fupin_desktop.services.cover_letter import LetterText, apply_letter, number_the_letter
from fupin_desktop.services.permissions import Permission
from fupin_desktop.services.register_import import Progress
from fupin_desktop.services.register_import import run_import as drain
from fupin_desktop.services.report_kinds import AGGREGATE_OF, ReportContent, report_kind
from fupin_desktop.services.seal import seal_image, unlock_seal
from fupin_desktop.services.settings import bureau, get_setting
from fupin_desktop.store import audit
from fupin_desktop.store.models_submission import Submission
from fupin_desktop.store.serial import serialize

DATA_FORMAT = "fupin-data/1"


def incomplete_wording(report: str) -> tuple[str, str]:
    """Who is missing from a report and how: a county's townships, or a city's units under it."""
    if report in AGGREGATE_OF:
        return "下级单位", "还没有报送或没有登记证书"
    return "镇（街道）", "月报未报或未审核"


class IncompleteMonths(KnownError):
    """Township-months (or a city's units) missing: refused unless the reviewer confirms."""

    def __init__(self, months: list[tuple[str, str]], report: str) -> None:
        self.months = months
        self.units, self.what = units, what = incomplete_wording(report)
        listed = "、".join(f"{t}（{m}）" for t, m in months[:30]) + ("……" if len(months) > 30 else "")
        super().__init__(f"有 {len(months)} 个{units}{what}：{listed}。确认仍要报送请勾选“仍然报送”"
                         f"（命令行加 --allow-incomplete），报表里会列出这些{units}。")


@dataclass(frozen=True)
class SubmissionView:
    id: int
    report: str
    period: str
    version: int
    file_name: str
    created_at: datetime
    created_by: str
    corrects: str | None
    incomplete: list[dict[str, str]]
    sent_to: list[dict[str, str]]
    manifest_sha256: str


def _view(s: Submission) -> SubmissionView:
    return SubmissionView(s.id, s.report, s.period, s.version, s.file_name, s.created_at, s.created_by, s.corrects,
                          list(s.incomplete or []), list(s.sent_to or []), s.manifest_sha256)


def _pdf(content: ReportContent) -> tuple[bytes, int, tuple[float, float, float, float]]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "report.pdf"
        box = write_report_pdf(path, content.cover, content.table, attachment=content.attachment)
        return path.read_bytes(), box.page, box.box


SEAL_STAGES = 6


def sealing(ctx: ServiceContext, report: str, period: Period, out_dir: Path, passphrase: str, *,
            allow_incomplete: bool = False, today: date | None = None,
            letter: LetterText | None = None) -> Generator[Progress, None, tuple[SubmissionView, Path]]:
    """Seal one submission, record it, then write it to the stick; yields its stages.

    The package (its bytes) is recorded and committed before anything is written: a kill or a
    pulled stick after that leaves a recorded submission that ``resend`` writes out unchanged,
    never a complete-looking package the database does not know. Closing the generator
    (取消) before the recording stage leaves nothing recorded and nothing written; closing it
    at the last stage leaves the recorded submission to be written with 重新写出.
    A later call for the same report and period is a correction of the recorded version.
    ``letter``: the cover letter's 主送机关, body and 附件 as the reviewer edited them
    (``cover_letter.draft_letter`` gives the generated ones to start from).
    """
    ctx.require(Permission.HOLD_SEAL)
    kind = report_kind(report)
    if period.kind != kind.period_kind:
        raise KnownError(f"{kind.label}的报送期应为{ {'month': '月份', 'quarter': '季度', 'half': '半年', 'year': '年度'}[kind.period_kind]}，"
                         f"而不是 {period}。")
    yield Progress(0, SEAL_STAGES, "正在核对印章口令……")
    key = unlock_seal(ctx, passphrase)  # a wrong passphrase stops here, before any work
    yield Progress(1, SEAL_STAGES, f"正在汇总{kind.label}数据……")
    content = kind.build(ctx, period, today or clock.today())
    if content.incomplete and not allow_incomplete:
        raise IncompleteMonths(content.incomplete, kind.name)
    number = number_the_letter(ctx, content)
    if letter is not None:
        apply_letter(content, letter)
    b = bureau(ctx.db)
    yield Progress(2, SEAL_STAGES, "正在生成报表 PDF……")
    seal_png, placeholder = seal_image(ctx)
    pdf, page, box = _pdf(content)
    yield Progress(3, SEAL_STAGES, "正在盖章（PDF、Excel）……")
    files = {
        "report.pdf": sign_pdf(pdf, key, page=page, box=box, seal_png=seal_png, reason=f"{kind.label}盖章报送",
                               location=b.name),
        "report.xlsx": workbook_bytes(content.table, seal_png=seal_png),
        "data.json": json.dumps({"format": DATA_FORMAT, "report": kind.name, "period": str(period),
                                 "division": b.division_code, "bureau": b.name, "money": "fen", **content.data},
                                ensure_ascii=False, sort_keys=True, default=str).encode("utf-8"),
    }
    yield Progress(4, SEAL_STAGES, "正在打包、复核并记录报送……")
    trusted = [TrustedCert(key.certificate, key.bureau)]
    with ctx.db.transaction() as s:
        serialize(s, f"submission:{kind.name}:{period}")  # two PCs sealing the same report: versions in turn
        previous = s.scalar(select(Submission).where(Submission.report == kind.name, Submission.period == str(period))
                            .order_by(Submission.version.desc()).limit(1))
        version = previous.version + 1 if previous else 1
        seq, head_hash = audit.head(s)
        manifest = build_manifest(
            files, bureau=b.name, division=b.division_code, report=kind.name, report_label=kind.label,
            period=str(period), period_label=period.label_zh, version=version,
            created_at=clock.now().replace(microsecond=0).isoformat(), program=f"fupin-desktop {__version__}",
            corrects=previous.manifest_sha256 if previous else None, audit_head={"seq": seq, "hash": head_hash},
            incomplete=[{"township": t, "month": m} for t, m in content.incomplete], seal_image_placeholder=placeholder,
            signer_fingerprint=key.fingerprint, recipient=get_setting(ctx.db, "recipient") or "")
        signed = manifest_bytes(manifest)
        package = package_bytes(files, manifest, sign_detached(signed, key), _pem(key))
        name = f"{b.division_code}_{b.name}_{kind.label}_{period}_v{version}.zip"
        verdict = verify_package_bytes(name, package, lambda division: trusted)
        if not verdict.ok:
            raise KnownError(f"生成的报送包「{name}」复核未通过（{'；'.join(verdict.problems)}），未记录、未写出。")
        if number and s.scalar(select(Submission.id).where(Submission.doc_number == number)):
            raise KnownError(f"发文字号 {number} 刚被另一次盖章报送用掉了（可能另一台电脑同时盖章），本次未记录、未写出；"
                             "请重新盖章报送，会取下一个号。")
        row = Submission(report=kind.name, period=str(period), version=version, file_name=name, doc_number=number,
                         package_sha256=sha256(package), manifest_sha256=sha256(signed), corrects=manifest["corrects"],
                         manifest=manifest, package=package, created_at=clock.now(), created_by=ctx.user.username,
                         recipient=manifest["recipient"], incomplete=manifest["incomplete"], sent_to=[])
        s.add(row)
        s.flush()
        record_anchor(s, seq, head_hash, f"报送包「{name}」", manifest["created_at"].replace("T", " "))
        audit.append(s, username=ctx.user.username, action="submit", entity="submission", entity_id=row.id,
                     summary=f"盖章报送 {kind.label} {period.label_zh} 第 {version} 版「{name}」"
                             + ("（更正）" if previous else ""),
                     after={"file": name, "sha256": row.package_sha256, "manifest_sha256": row.manifest_sha256})
    # Recorded and committed: from here a cancel or a crash leaves it for 重新写出 (resend).
    yield Progress(5, SEAL_STAGES, f"已记录第 {version} 版，正在写到 U 盘并复核……")
    try:
        path = _write_out(ctx, row.id, Path(out_dir))
    except KnownError as exc:  # a full, pulled or write-protected stick: the recorded version waits
        raise KnownError(f"{exc}\n{not_written_message(name)}") from exc
    with ctx.db.reading() as s:
        stored = s.get(Submission, row.id)
        assert stored is not None
        return _view(stored), path


def submit(ctx: ServiceContext, report: str, period: Period, out_dir: Path, passphrase: str, *,
           allow_incomplete: bool = False, today: date | None = None,
           letter: LetterText | None = None) -> tuple[SubmissionView, Path]:
    """Seal and write one submission (``sealing`` to its end); a later call is a correction."""
    return drain(sealing(ctx, report, period, out_dir, passphrase, allow_incomplete=allow_incomplete, today=today,
                         letter=letter))


def not_written_message(view_or_name: str) -> str:
    return (f"报送已盖章并记录（「{view_or_name}」），但没有写到 U 盘。请在“报送记录”里选中这一次，"
            "点“重新写出”把它原样写出；不要再次盖章报送，否则会成为更正的下一版。")


def _pem(key) -> bytes:  # type: ignore[no-untyped-def]
    from cryptography.hazmat.primitives.serialization import Encoding

    return key.certificate.public_bytes(Encoding.PEM)


def _write_out(ctx: ServiceContext, submission_id: int, folder: Path, *, resent: bool = False) -> Path:
    """Write a recorded package to the stick (temporary name, fsync, read back, rename), then note where."""
    with ctx.db.reading() as s:
        row = s.get(Submission, submission_id)
        if row is None:
            raise NotFound("找不到这次报送。")
        name, package, expected = row.file_name, row.package, row.package_sha256
    if sha256(package) != expected:
        raise KnownError(f"数据库里保存的「{name}」已损坏（校验值不符），不能写出。请从备份恢复。")
    path = write_safely(Path(folder), name, package)
    with ctx.db.transaction() as s:
        row = s.get(Submission, submission_id)
        assert row is not None
        row.sent_to = [*row.sent_to, {"path": str(path), "at": clock.now().isoformat(timespec="seconds")}]
        if resent:
            audit.append(s, username=ctx.user.username, action="resend", entity="submission", entity_id=row.id,
                         summary=f"重新写出「{row.file_name}」到 {path.parent}")
    return path


def list_submissions(ctx: ServiceContext) -> list[SubmissionView]:
    with ctx.db.reading() as s:
        return [_view(x) for x in s.scalars(select(Submission).order_by(Submission.created_at.desc(), Submission.id.desc()))]


def resend(ctx: ServiceContext, submission_id: int, out_dir: Path) -> Path:
    """Write a stored submission again, byte for byte (a lost or broken stick, or one never written)."""
    ctx.require(Permission.HOLD_SEAL)
    return _write_out(ctx, submission_id, Path(out_dir), resent=True)
