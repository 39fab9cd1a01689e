"""暂存: packages that arrived before their unit's certificate was registered here (issue 15).

A package whose only problem is that its signer is not (yet) among the certificates this bureau
registered for the division it claims is not refused and lost: ``receiving.receive`` keeps its
bytes here (``PendingPackage``), once per content. Registering a certificate (``trust_add``,
one by one or ``trust_import``) verifies every package waiting for that division again through
the ordinary path (``receiving.receive`` of the same bytes): one that now passes is stored as
received, dated when it arrived here (this bureau's own record, so neither the 逾期 count nor a
retirement date holds the registration's delay against the county), and leaves the list; one that
still fails — signed by another key than the one registered — stays, with the reason.

Nothing a pending package says is counted or trusted: it is not in ``ReceivedPackage`` until it
has passed every check.
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select

from fupin_desktop.documents.package import SIGNER, sha256
from fupin_desktop.documents.seal_key import cert_fingerprint, load_certificate
from fupin_desktop.domain import clock
from fupin_desktop.errors import KnownError, NotFound, os_error_message
from fupin_desktop.intake.package_reader import Verification, open_package_bytes, verify_package_bytes
from fupin_desktop.services import receiving
from fupin_desktop.services.context import ServiceContext
from fupin_desktop.services.permissions import Permission
from fupin_desktop.services.report_kinds import REPORT_KINDS
from fupin_desktop.store import audit
from fupin_desktop.store.models import User
from fupin_desktop.store.models_submission import PendingPackage, ReceivedPackage, TrustEntry

WAITING_FOR_CERTIFICATE = "等待登记该单位的证书"
GONE = "这个暂存的报送包已不在列表中（可能已被接收或删除），请刷新。"


def pending_message(division: str) -> str:
    return f"已暂存：登记该单位（{division}）的证书后自动重新验证"


@dataclass(frozen=True)
class PendingView:
    id: int
    file_name: str
    sha256: str
    division: str  # as the package claims: nothing it says is verified yet
    bureau: str
    report: str
    report_label: str
    period: str
    version: int
    arrived_at: datetime
    arrived_by: str  # display name (the username if the account is gone)
    signer_fingerprint: str  # of signer.pem, to compare with the unit's paper register
    reason: str  # why it still waits: no certificate yet, or what the registered one says


@dataclass(frozen=True)
class Recheck:
    """What registering a certificate did to the packages waiting for its division."""

    checked: int = 0
    accepted: int = 0  # passed and stored as received
    settled: int = 0  # passed, but not stored (already held, an older version …): no longer waiting
    messages: tuple[str, ...] = ()  # one line per package: 「file」：what became of it

    @property
    def still_pending(self) -> int:
        return self.checked - self.accepted - self.settled

    def __add__(self, other: Recheck) -> Recheck:
        return Recheck(self.checked + other.checked, self.accepted + other.accepted, self.settled + other.settled,
                       self.messages + other.messages)

    def summary(self) -> str:
        if not self.checked:
            return "没有需要重新验证的暂存报送包。" if not self.messages else "暂存的报送包未能重新验证。"
        text = f"重新验证了 {self.checked} 个暂存的报送包：{self.accepted} 个已接收"
        if self.settled:
            text += f"，{self.settled} 个验证通过但未接收（见下）"
        return text + (f"，{self.still_pending} 个仍暂存。" if self.still_pending else "。")


def can_wait(v: Verification) -> bool:
    """Intact, and nothing wrong but an unregistered signer: worth keeping until it can be judged."""
    return (v.unknown_signer and v.intact and len(v.problems) == 1 and v.data_json is not None
            and bool(re.fullmatch(r"\d{6}", v.division)) and v.version > 0 and 0 < len(v.period) <= 10
            and 0 < len(v.report) <= 40 and bool(v.sha256))


def keep(ctx: ServiceContext, path: Path, v: Verification) -> receiving.Received:
    """Keep the bytes of a package ``can_wait`` allowed; the same bytes twice are one entry."""
    ctx.require(Permission.RECEIVE)
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise KnownError(f"未暂存「{v.file}」：{os_error_message(exc)}") from exc
    if sha256(raw) != v.sha256:
        return receiving.Received(v.file, False, "文件在验证之后被改动过，未暂存。请重新验证。", v)
    with ctx.db.transaction() as s:
        if s.scalar(select(ReceivedPackage.id).where(ReceivedPackage.package_sha256 == v.sha256)):
            return receiving.Received(v.file, False, "这个报送包已经接收过。", v)
        earlier = s.scalar(select(PendingPackage).where(PendingPackage.sha256 == v.sha256))
        if earlier is not None:
            return receiving.Received(v.file, False, f"{pending_message(v.division)}（{earlier.arrived_at:%Y-%m-%d %H:%M} "
                                                     "已暂存过同一个包，未重复保存）。", v)
        fingerprint = _signer_fingerprint(v.file, raw)
        s.add(PendingPackage(file_name=v.file[:255], sha256=v.sha256, division=v.division, bureau=v.bureau[:100],
                             report=v.report, period=v.period, version=v.version, content=raw,
                             arrived_at=clock.now(), arrived_by=ctx.user.username))
        audit.append(s, username=ctx.user.username, action="create", entity="pending_package", entity_id=v.sha256[:20],
                     summary=f"暂存 {v.bureau}（{v.division}）{_label(v.report)} {v.period} 第 {v.version} 版："
                             f"签章证书（指纹 {fingerprint}）尚未登记",
                     after={"file": v.file, "sha256": v.sha256, "signer_fingerprint": fingerprint})
    return receiving.Received(v.file, False, f"{pending_message(v.division)}。签章证书指纹 {fingerprint}，"
                                             "请与该单位纸质登记单上的指纹核对后登记。", v)


def list_pending(ctx: ServiceContext) -> list[PendingView]:
    """Every package still waiting, oldest first, each with why it waits now."""
    return _views(ctx)


def _views(ctx: ServiceContext, only: int | None = None) -> list[PendingView]:
    """The waiting packages (or the one with id ``only``), each verified again for its reason."""
    ctx.require(Permission.RECEIVE)
    query = (select(PendingPackage, User.display_name).outerjoin(User, User.username == PendingPackage.arrived_by)
             .order_by(PendingPackage.arrived_at, PendingPackage.id))
    with ctx.db.reading() as s:
        rows = list(s.execute(query if only is None else query.where(PendingPackage.id == only)))
        registered = set(s.scalars(select(TrustEntry.division)))
    lookup = receiving.trusted_for(ctx) if any(p.division in registered for p, _n in rows) else None
    out = []
    for p, name in rows:
        reason = WAITING_FOR_CERTIFICATE
        if lookup is not None and p.division in registered:
            v = verify_package_bytes(p.file_name, p.content, lookup)
            reason = "；".join(v.problems) or "现在可以通过验证：请重新验证暂存的报送包"
        out.append(PendingView(p.id, p.file_name, p.sha256, p.division, p.bureau, p.report, _label(p.report), p.period,
                               p.version, p.arrived_at, name or p.arrived_by, _signer_fingerprint(p.file_name, p.content),
                               reason))
    return out


def pending_count(ctx: ServiceContext) -> int:
    with ctx.db.reading() as s:
        return int(s.scalar(select(func.count(PendingPackage.id))) or 0)


def recheck(ctx: ServiceContext, divisions: list[str] | None = None) -> Recheck:
    """Verify the waiting packages of ``divisions`` (all when None) again; the passed ones are received."""
    ctx.require(Permission.RECEIVE)
    with ctx.db.reading() as s:
        query = select(PendingPackage.id, PendingPackage.file_name, PendingPackage.sha256)
        if divisions is not None:
            query = query.where(PendingPackage.division.in_(divisions))
        # Versions in order, so a correction finds the version it corrects already stored.
        waiting = list(s.execute(query.order_by(PendingPackage.report, PendingPackage.period, PendingPackage.version,
                                                PendingPackage.arrived_at, PendingPackage.id)))
    result = Recheck()
    for pending_id, file_name, digest in waiting:
        result += _recheck_one(ctx, pending_id, file_name, digest)
    return result


def after_trust_added(ctx: ServiceContext, division: str) -> Recheck:
    """The hook at the end of ``receiving.trust_add``: the packages that waited for this certificate.

    The certificate is registered by then: trouble here is said, never taken for a failed registration.
    """
    if not ctx.can(Permission.RECEIVE):
        return Recheck()
    try:
        return recheck(ctx, [division])
    except KnownError as exc:
        return Recheck(messages=(f"重新验证暂存的报送包时出错，稍后可再试（fupin trust pending --recheck）：{exc}",))


def discard(ctx: ServiceContext, pending_id: int, reason: str) -> str:
    """An administrator's decision that a waiting package will never be received (signed by a key
    the unit never registered, sent here by mistake …): its bytes go, the audit log keeps its hash,
    signer and the reason. Returns what was discarded, for the message."""
    ctx.require(Permission.MANAGE_TRUST)
    reason = reason.strip()
    if not reason:
        raise KnownError("请写明删除这个暂存报送包的原因（例如：不是本局下级单位的报送包）。")
    with ctx.db.transaction() as s:
        row = s.get(PendingPackage, pending_id)
        if row is None:
            raise NotFound(GONE)
        what = f"{row.bureau}（{row.division}）{_label(row.report)} {row.period} 第 {row.version} 版「{row.file_name}」"
        audit.append(s, username=ctx.user.username, action="delete", entity="pending_package", entity_id=row.sha256[:20],
                     summary=f"删除暂存的报送包 {what}：{reason[:200]}",
                     before={"file": row.file_name, "sha256": row.sha256, "arrived_at": row.arrived_at,
                             "signer_fingerprint": _signer_fingerprint(row.file_name, row.content), "reason": reason})
        s.delete(row)
    return what


def find(ctx: ServiceContext, key: str) -> PendingView:
    """A waiting package by the start of its hash (8 or more hex digits) or its file name, for the CLI."""
    ctx.require(Permission.RECEIVE)
    key = key.strip()
    with ctx.db.reading() as s:  # names and hashes only: not every package's bytes, nor their verification
        waiting = list(s.execute(select(PendingPackage.id, PendingPackage.file_name, PendingPackage.sha256)))
    hits = [p.id for p in waiting if p.file_name == key]
    if not hits and re.fullmatch(r"[0-9a-fA-F]{8,64}", key):
        hits = [p.id for p in waiting if p.sha256.startswith(key.lower())]
    if not hits:
        raise NotFound(f"没有哈希以「{key}」开头或文件名为「{key}」的暂存报送包（fupin trust pending 列出全部）。")
    if len(hits) > 1:
        raise KnownError(f"「{key}」对应 {len(hits)} 个暂存的报送包，请写出更长的哈希。")
    found = _views(ctx, hits[0])
    if not found:
        raise NotFound(GONE)
    return found[0]


def _recheck_one(ctx: ServiceContext, pending_id: int, file_name: str, digest: str) -> Recheck:
    with ctx.db.reading() as s:
        content = s.scalar(select(PendingPackage.content).where(PendingPackage.id == pending_id))
    if content is None:  # another PC took it meanwhile
        return Recheck()
    with tempfile.TemporaryDirectory(prefix="fupin-pending-") as tmp:
        path = Path(tmp) / _safe_file_name(file_name)
        path.write_bytes(content)
        got = receiving.receive(ctx, [path])[0]
    v = got.verification
    if not v.ok:  # still not verified: it stays, and says why
        return Recheck(1, 0, 0, (f"「{file_name}」仍暂存：{'；'.join(v.problems)}",))
    with ctx.db.transaction() as s:
        row = s.get(PendingPackage, pending_id)
        if row is None:
            return Recheck()
        stored = s.scalar(select(ReceivedPackage).where(ReceivedPackage.package_sha256 == digest))
        if got.accepted and stored is not None:
            # This bureau has held these bytes since they arrived: that is its receipt.
            stored.received_at, stored.received_by = row.arrived_at, row.arrived_by
        audit.append(s, username=ctx.user.username, action="delete", entity="pending_package", entity_id=digest[:20],
                     summary=f"暂存的「{row.file_name}」（{row.arrived_at:%Y-%m-%d %H:%M} 到达）已通过验证：{got.message}",
                     before={"file": row.file_name, "sha256": digest, "arrived_at": row.arrived_at})
        s.delete(row)
    return Recheck(1, int(got.accepted), int(not got.accepted), (f"「{file_name}」验证通过：{got.message}",))


def _signer_fingerprint(label: str, raw: bytes) -> str:
    try:
        return cert_fingerprint(load_certificate(open_package_bytes(label, raw).files[SIGNER]))
    except Exception:  # noqa: BLE001 — only ever shown; a damaged package was never kept
        return "（无法读取）"


def _safe_file_name(name: str) -> str:
    base = re.sub(r'[\\/:*?"<>|\x00-\x1f]', "_", Path(name.replace("\\", "/")).name).strip(". ")
    return base[:200] or "package.zip"


def _label(report: str) -> str:
    return REPORT_KINDS[report].label if report in REPORT_KINDS else report
