"""接收: the receiving bureau's trust list, verification, storing packages and adding counties up."""

from __future__ import annotations

import json
import tempfile
import zipfile
from collections.abc import Callable, Generator
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session, load_only

from fupin_desktop.documents.bureau_excel import workbook_bytes
from fupin_desktop.documents.gongwen import write_report_pdf
from fupin_desktop.documents.package import manifest_bytes, sha256, write_safely
from fupin_desktop.documents.seal_key import cert_bureau, cert_division, cert_fingerprint, load_certificate
from fupin_desktop.domain import clock
from fupin_desktop.domain.division_code import parse_division_code
from fupin_desktop.domain.package_sums import package_sums
from fupin_desktop.domain.periods import Period
from fupin_desktop.errors import KnownError, NotFound
from fupin_desktop.intake.package_reader import TrustedCert, Verification, verify_package
from fupin_desktop.intake.verify_pool import Sums, verify_all
from fupin_desktop.services import attachment_files, expected_units
from fupin_desktop.services.context import ServiceContext
from fupin_desktop.services.permissions import Permission
from fupin_desktop.services.register_import import Progress
from fupin_desktop.services.register_import import run_import as drain
from fupin_desktop.services.report_kinds import REPORT_KINDS, report_kind
from fupin_desktop.services.settings import bureau
from fupin_desktop.store import audit
from fupin_desktop.store.db import EncodedJSON
from fupin_desktop.store.models import User
from fupin_desktop.store.models_submission import ReceivedPackage, TrustEntry

if TYPE_CHECKING:
    from fupin_desktop.services.pending_packages import Recheck


@dataclass(frozen=True)
class TrustView:
    division: str
    bureau: str
    fingerprint: str
    added_at: datetime
    retired_from: date | None
    rechecked: Recheck | None = None  # trust_add: the packages that waited for this certificate (issue 15)


@dataclass(frozen=True)
class Received:
    file: str
    accepted: bool
    message: str
    verification: Verification


@dataclass(frozen=True)
class ReceivedView:
    id: int
    division: str
    bureau: str
    report: str
    report_label: str
    period: str
    version: int
    file_name: str
    received_at: datetime
    received_by: str  # the receiver's display name (the username if the account is gone)
    superseded: bool
    sha256: str
    waiting: bool = False  # a correction held until the version it corrects arrives
    signed_at: str = ""  # when the package says it was sealed: shown beside our own receipt time, never trusted


def certificate_fingerprint(cert_path: Path) -> tuple[str, str, str | None]:
    """(fingerprint, bureau, division) of a certificate file, to compare with the paper register."""
    cert = load_certificate(Path(cert_path).read_bytes())
    return cert_fingerprint(cert), cert_bureau(cert), cert_division(cert)


def trust_add(ctx: ServiceContext, cert_path: Path, division: str, *, confirmed_fingerprint: str, note: str = "",
              retire_previous_from: date | None = None) -> TrustView:
    """Register a county's certificate; the fingerprint read from the paper register must match.

    One division has one active certificate: one registered before for the same division is
    retired from ``retire_previous_from`` (if not given, tomorrow: what was received up to today
    still counts), unless it already is earlier.
    """
    ctx.require(Permission.MANAGE_TRUST)
    parsed = parse_division_code(division)
    # A city (3505) or province (35) is kept as its bureau's 6-digit code (350500), the form its
    # packages carry; a county's code is 6 digits already.
    code = parsed if len(parsed.code) >= 6 else replace(parsed, code=parsed.code.ljust(6, "0"))
    cert = load_certificate(Path(cert_path).read_bytes())
    fingerprint = cert_fingerprint(cert)
    if confirmed_fingerprint.replace(" ", "").upper() != fingerprint.replace(" ", ""):
        raise KnownError(f"证书指纹与登记单上的不一致，未登记。文件里的指纹是：{fingerprint}")
    if cert_division(cert) not in (None, code.code):
        raise KnownError(f"证书写明的区划代码是 {cert_division(cert)}，与所填的 {code.code} 不符，未登记。")
    with ctx.db.transaction() as s:
        if s.scalar(select(TrustEntry.id).where(TrustEntry.fingerprint == fingerprint)):
            raise KnownError("这张证书已经登记过了。")
        entry = TrustEntry(division=code.code, bureau=cert_bureau(cert), fingerprint=fingerprint,
                           cert_pem=Path(cert_path).read_bytes(), added_at=clock.now(), added_by=ctx.user.username,
                           note=note or None)
        retire_from = retire_previous_from or clock.today() + timedelta(days=1)
        for old in s.scalars(select(TrustEntry).where(TrustEntry.division == code.code)):
            if old.retired_from is None or old.retired_from > retire_from:
                before, old.retired_from = old.retired_from, retire_from
                audit.append(s, username=ctx.user.username, action="update", entity="trust",
                             entity_id=old.fingerprint[:20],
                             summary=f"登记新证书，停用 {old.bureau} 原印章证书（自 {retire_from} 起）",
                             before={"retired_from": before}, after={"retired_from": retire_from})
        s.add(entry)
        audit.append(s, username=ctx.user.username, action="create", entity="trust", entity_id=fingerprint[:20],
                     summary=f"登记 {entry.bureau}（{code.code}）的印章证书 {fingerprint}",
                     after={"division": code.code, "bureau": entry.bureau, "fingerprint": fingerprint})
        view = TrustView(entry.division, entry.bureau, fingerprint, entry.added_at, None)
    # After the commit: the packages that waited for this certificate are verified again.
    from fupin_desktop.services import pending_packages

    return replace(view, rechecked=pending_packages.after_trust_added(ctx, view.division))


def trust_list(ctx: ServiceContext) -> list[TrustView]:
    with ctx.db.reading() as s:
        return [TrustView(t.division, t.bureau, t.fingerprint, t.added_at, t.retired_from)
                for t in s.scalars(select(TrustEntry).order_by(TrustEntry.division, TrustEntry.added_at))]


def trust_retire(ctx: ServiceContext, fingerprint: str, from_date: date) -> TrustView:
    """Packages signed on or after ``from_date`` with this certificate are refused from then on."""
    ctx.require(Permission.MANAGE_TRUST)
    wanted = fingerprint.replace(" ", "").upper()
    with ctx.db.transaction() as s:
        found = [t for t in s.scalars(select(TrustEntry)) if t.fingerprint.replace(" ", "").startswith(wanted)]
        if len(found) != 1:
            raise NotFound("没有找到这张证书（或指纹前缀对应多张证书，请写长一些）。")
        entry = found[0]
        before = entry.retired_from
        entry.retired_from = from_date
        audit.append(s, username=ctx.user.username, action="update", entity="trust", entity_id=entry.fingerprint[:20],
                     summary=f"停用 {entry.bureau} 的印章证书（自 {from_date} 起）",
                     before={"retired_from": before}, after={"retired_from": from_date})
        return TrustView(entry.division, entry.bureau, entry.fingerprint, entry.added_at, entry.retired_from)


def trusted_for(ctx: ServiceContext) -> Callable[[str], list[TrustedCert]]:
    entries: dict[str, list[tuple[str, bytes, date | None]]] = {}
    received: dict[str, list[tuple[str, date]]] = {}
    with ctx.db.reading() as s:
        for t in s.scalars(select(TrustEntry)):
            entries.setdefault(t.division, []).append((t.bureau, t.cert_pem, t.retired_from))
        # What this bureau itself received before a retirement is the only evidence of "signed before".
        retiring = {d for d, certs in entries.items() if any(retired for _b, _p, retired in certs)}
        if retiring:
            for d, sha, at in s.execute(select(ReceivedPackage.division, ReceivedPackage.package_sha256,
                                               ReceivedPackage.received_at)):
                if d in retiring:
                    received.setdefault(d, []).append((sha, at.date()))

    def lookup(division: str) -> list[TrustedCert]:
        return [TrustedCert(load_certificate(pem), name, retired,
                            frozenset(sha for sha, on in received.get(division, ()) if retired is not None and on < retired))
                for name, pem, retired in entries.get(division, ())]
    return lookup


def verify(ctx: ServiceContext, path: Path) -> Verification:
    return verify_package(Path(path), trusted_for(ctx))


def receive(ctx: ServiceContext, paths: list[Path], *, workers: int | None = None) -> list[Received]:
    """Verify and keep each package; a newer version replaces the stored one only if it chains to it.

    Many packages are verified on every core (``verify_pool``; ``workers`` overrides how many)
    while this process stores the ones already verified, in the order given."""
    ctx.require(Permission.RECEIVE)
    lookup = trusted_for(ctx)
    results = []
    for checked in verify_all([Path(p) for p in paths], lookup, workers=workers):
        v = checked.verification
        if not v.ok:
            from fupin_desktop.services import pending_packages  # an unregistered signer: kept, not lost

            if pending_packages.can_wait(v):
                results.append(pending_packages.keep(ctx, checked.path, v))
                continue
            results.append(Received(v.file, False, "验证未通过：" + "；".join(v.problems), v))
            continue
        result = _store(ctx, v, checked.sums or package_sums(v.data or {}))
        if result.accepted:  # the package itself, kept by its hash: the sealed PDF opens from it later
            attachment_files.put(ctx, checked.path)
        v.data = v.data_json = None  # stored: a thousand packages' rows are not kept until the end
        results.append(result)
    return results


def package_pdf_bytes(ctx: ServiceContext, package_sha256: str) -> bytes:
    """The sealed report.pdf of a received package, from the kept package (re-hashed first); a
    package received before packages were kept says so."""
    from fupin_desktop.store import blobs

    ctx.require(Permission.RECEIVE)
    try:
        path = attachment_files.open_verified(ctx, blobs.relative_path(package_sha256), package_sha256,
                                              label="报送包")
    except KnownError as exc:
        raise KnownError(f"这个报送包没有留存副本（较早接收的），无法打开其盖章 PDF：{exc}") from None
    with zipfile.ZipFile(path) as z:
        return z.read("report.pdf")


def package_pdf(ctx: ServiceContext, package_sha256: str, folder: Path) -> Path:
    """``package_pdf_bytes`` written to ``folder``, for the system's PDF reader."""
    target = Path(folder) / f"{package_sha256[:12]}_report.pdf"
    content = package_pdf_bytes(ctx, package_sha256)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(content)
    return target


def package_rows(ctx: ServiceContext, division: str, report: str, period: Period) -> tuple[ReceivedView, list[dict[str, Any]]]:
    """The counted package of a unit and the rows of its data file (a county's detail under a city total)."""
    ctx.require(Permission.RECEIVE)
    found = [r for r in list_received(ctx) if r.division == division and r.report == report
             and r.period == str(period) and not r.superseded and not r.waiting]
    if not found:
        raise NotFound(f"没有收到 {division} 的 {period} 报送。")
    with ctx.db.reading() as s:
        data = s.scalar(select(ReceivedPackage.data).where(ReceivedPackage.package_sha256 == found[0].sha256))
    return found[0], list((data or {}).get("rows") or [])


def list_received(ctx: ServiceContext) -> list[ReceivedView]:
    """Every package received so far, newest first; a replaced version stays listed as superseded."""
    with ctx.db.reading() as s:
        rows = s.execute(select(ReceivedPackage, User.display_name)
                         .outerjoin(User, User.username == ReceivedPackage.received_by)
                         .order_by(ReceivedPackage.received_at.desc(), ReceivedPackage.id.desc()))
        return [ReceivedView(p.id, p.division, p.bureau, p.report,
                             REPORT_KINDS[p.report].label if p.report in REPORT_KINDS else p.report, p.period,
                             p.version, p.file_name, p.received_at, name or p.received_by, p.superseded,
                             p.package_sha256, p.waiting, str(p.manifest.get("created_at", "")).replace("T", " ")[:16])
                for p, name in rows]


def _store(ctx: ServiceContext, v: Verification, sums: Sums) -> Received:
    assert v.manifest is not None and v.data_json is not None
    m = v.manifest
    manifest_hash = sha256(manifest_bytes(m))  # the same bytes the county signed and chained
    totals, breakdown = sums
    c = ReceivedPackage
    with ctx.db.transaction() as s:
        # Every version held of this report and period, in one query, without their data: the same
        # bytes, the counted version and one with the same number are among them.
        held = list(s.scalars(select(c).where(c.division == v.division, c.report == v.report, c.period == v.period)
                              .options(load_only(c.id, c.version, c.superseded, c.waiting, c.manifest_sha256,
                                                 c.package_sha256, c.file_name, c.corrects))))
        if any(h.package_sha256 == v.sha256 for h in held):
            return Received(v.file, False, "这个报送包已经接收过。", v)
        current = next((h for h in held if not h.superseded and not h.waiting), None)
        note = ""
        waiting = current is None and bool(m.get("corrects"))
        if waiting:
            # Nothing of this report is held here: the original it corrects must come first, and
            # this correction must not keep the genuine original out (issue 10, case 4).
            note = "。这是对未收到的版本的更正，暂存为“等待原版”，不计入汇总；收到原版后自动核对更正链"
        elif current is not None:
            if v.version <= current.version:
                return Received(v.file, False, f"已有第 {current.version} 版，这是第 {v.version} 版（旧版或重复），未接收。", v)
            if m.get("corrects") != current.manifest_sha256:
                return Received(v.file, False, f"第 {v.version} 版没有指向已接收的第 {current.version} 版"
                                               "（更正链不符），未接收。请联系报送单位。", v)
            current.superseded = True
            note = f"，替代第 {current.version} 版"
        same = next((h for h in held if h.version == v.version), None)
        if same is not None:
            if waiting or not same.waiting:
                return Received(v.file, False, f"已有另一份第 {v.version} 版（{same.file_name}），未接收。请联系报送单位。", v)
            # A waiting correction of a version this chain never had: a dead branch, never counted.
            # The one that fits the chain takes its number; the audit keeps what was dropped.
            audit.append(s, username=ctx.user.username, action="delete", entity="received_package",
                         entity_id=same.package_sha256[:20],
                         summary=f"移除等待原版的第 {same.version} 版「{same.file_name}」：它更正的版本不在已核对的更正链上",
                         before={"file": same.file_name, "sha256": same.package_sha256, "corrects": same.corrects})
            s.delete(same)
            s.flush()
            note += f"；原先等待原版的另一份第 {v.version} 版不在更正链上，已移除"
        head = m.get("audit_head") or {}
        s.add(ReceivedPackage(
            division=v.division, bureau=v.bureau, report=v.report, period=v.period, version=v.version, file_name=v.file,
            package_sha256=v.sha256, manifest_sha256=manifest_hash, corrects=m.get("corrects"), manifest=m,
            data=EncodedJSON(v.data_json.decode("utf-8")), audit_seq=head.get("seq"), audit_hash=head.get("hash"), received_at=clock.now(),
            received_by=ctx.user.username, waiting=waiting, totals=totals, breakdown=breakdown))
        audit.append(s, username=ctx.user.username, action="receive", entity="received_package", entity_id=v.sha256[:20],
                     summary=f"接收 {v.bureau} {v.report} {v.period} 第 {v.version} 版{note}",
                     after={"file": v.file, "sha256": v.sha256})
        if not waiting:
            note += _complete_chain(s, ctx, v, manifest_hash)
    return Received(v.file, True, f"已接收{note}。", v)


def _complete_chain(s: Session, ctx: ServiceContext, v: Verification, manifest_hash: str) -> str:
    """Corrections that waited for the version just stored take its place, one after another."""
    note, head_hash, head_version = "", manifest_hash, v.version
    while True:
        nxt = s.scalar(select(ReceivedPackage).where(
            ReceivedPackage.division == v.division, ReceivedPackage.report == v.report,
            ReceivedPackage.period == v.period, ReceivedPackage.waiting.is_(True),
            ReceivedPackage.corrects == head_hash, ReceivedPackage.version > head_version))
        if nxt is None:
            return note
        for older in s.scalars(select(ReceivedPackage).where(
                ReceivedPackage.division == v.division, ReceivedPackage.report == v.report,
                ReceivedPackage.period == v.period, ReceivedPackage.superseded.is_(False),
                ReceivedPackage.waiting.is_(False))):
            older.superseded = True
        nxt.waiting = False
        audit.append(s, username=ctx.user.username, action="receive", entity="received_package",
                     entity_id=nxt.package_sha256[:20],
                     summary=f"更正链已核对：{nxt.bureau} {nxt.report} {nxt.period} 第 {nxt.version} 版替代第 {head_version} 版")
        note += f"；等待原版的第 {nxt.version} 版已核对更正链并生效"
        head_hash, head_version = nxt.manifest_sha256, nxt.version


@dataclass(frozen=True)
class Aggregate:
    pdf: Path
    xlsx: Path
    counties: list[dict[str, Any]]
    # (division, name) of every expected unit with nothing counted: 未报, 更正中 or 无证书 (issue 15)
    missing: list[tuple[str, str]]
    statuses: list[Any] = field(default_factory=list)  # expected_units.UnitStatus of every expected unit
    changed: list[str] = field(default_factory=list)  # units whose counted package changed since the last aggregate


AGGREGATE_STAGES = 4


def aggregate(ctx: ServiceContext, report: str, period: Period, out_dir: Path, *, today: date | None = None) -> Aggregate:
    """The city-level consolidation by county, as PDF and Excel, with who has not submitted."""
    return drain(aggregating(ctx, report, period, out_dir, today=today))


def aggregating(ctx: ServiceContext, report: str, period: Period, out_dir: Path, *,
                today: date | None = None) -> Generator[Progress, None, Aggregate]:
    """``aggregate`` in stages. Both files are made in memory first and written in the last stage
    with nothing yielded between them: 取消 before it writes nothing, and never one file of two."""
    from fupin_desktop.services.aggregate_reports import (
        aggregate_content,
        changed_note,
        changed_since_last,
        record_run,
    )

    ctx.require(Permission.RECEIVE)
    kind = report_kind(report)
    yield Progress(0, AGGREGATE_STAGES, "正在读取已接收的报送包……")
    me = bureau(ctx.db)
    day = today or clock.today()
    try:
        statuses = expected_units.reporting_status(ctx, kind.name, period, today=day)
    except expected_units.NotAReceiver:
        statuses = []
    content = aggregate_content(ctx, kind.name, period, day, statuses=statuses)
    table, cover = content.table, content.cover
    counties = [{**r, "version": int(str(r["version"]).strip("第版"))} for r in content.data["rows"]]
    missing = [(str(m["division"]), str(m["name"])) for m in content.data["missing"]]
    changed = changed_since_last(ctx, kind.name, period, content.data["sources"])
    if changed:  # corrections since the last aggregate made here: said, so nobody compares by hand
        changed_note(table, changed)
    out = Path(out_dir)
    base = f"{me.division_code}_{me.name}_{kind.label}汇总_{period}"
    yield Progress(1, AGGREGATE_STAGES, f"正在生成汇总表 PDF（{len(counties)} 个单位）……")
    with tempfile.TemporaryDirectory() as tmp:
        write_report_pdf(Path(tmp) / "a.pdf", cover, table)
        pdf_bytes = (Path(tmp) / "a.pdf").read_bytes()
    yield Progress(2, AGGREGATE_STAGES, "正在生成汇总表 Excel……")
    xlsx_bytes = workbook_bytes(table, sheet_name="汇总")
    yield Progress(3, AGGREGATE_STAGES, f"正在写出到「{out}」……")
    pdf = write_safely(out, base + ".pdf", pdf_bytes)
    xlsx = write_safely(out, base + ".xlsx", xlsx_bytes)
    record_run(ctx, kind.name, period, content.data["sources"])
    return Aggregate(pdf, xlsx, counties, missing, statuses, changed)


def received_heads(ctx: ServiceContext, division: str) -> list[tuple[int, str]]:
    with ctx.db.reading() as s:
        return [(int(seq), str(h)) for seq, h in s.execute(
            select(ReceivedPackage.audit_seq, ReceivedPackage.audit_hash)
            .where(ReceivedPackage.division == division, ReceivedPackage.audit_seq.is_not(None)))]


def check_audit_export(ctx: ServiceContext, path: Path) -> tuple[str, int, list[str]]:
    """(division, heads checked, problems) for a county's exported audit log."""
    try:
        exported = json.loads(Path(path).read_text(encoding="utf-8"))
        division, records = str(exported["division"]), list(exported["records"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise KnownError(f"「{Path(path).name}」不是 fupin audit export 导出的日志文件。") from exc
    heads = received_heads(ctx, division)
    return division, len(heads), audit.check_export(records, heads)
