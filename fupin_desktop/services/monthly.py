"""Monthly statistics of one township and month: view, type in, submit, approve, return, reopen.

Each township-month is a series of revisions. Drafts are the clerk's working copy; a
returned or approved month is never edited in place: the next change is a new revision,
so what the reviewer saw stays in the history. Only approved revisions count in summaries.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from fupin_desktop.domain import clock
from fupin_desktop.domain.errors import CodeError
from fupin_desktop.domain.formspec import FormSpec
from fupin_desktop.domain.monthly_changes import CellChange, cell_changes
from fupin_desktop.domain.monthly_checks import (
    FIGURES,
    NOT_REPORTED,
    TEXTS,
    RowHistory,
    row_errors,
    row_flags,
)
from fupin_desktop.domain.periods import Period
from fupin_desktop.errors import (
    DatabaseBusy,
    EditConflict,
    FieldProblem,
    KnownError,
    NotFound,
    ValidationFailed,
)
from fupin_desktop.services.context import ServiceContext
from fupin_desktop.services.permissions import Permission
from fupin_desktop.services.versions import who_text
from fupin_desktop.store import audit
from fupin_desktop.store.models import (
    AuditRecord,
    Household,
    Institution,
    Organization,
    Pairing,
    Township,
    User,
    Village,
)
from fupin_desktop.store.models_monthly import MonthlyReport, MonthlyRow
from fupin_desktop.store.serial import serialize

FORM = "monthly"
STATUS_LABELS = {"missing": "未报", "draft": "草稿", "submitted": "待审核", "returned": "已退回", "approved": "已审核"}
HISTORY_MONTHS = 12


@dataclass(frozen=True)
class MonthRow:
    pairing_id: int
    seq: int
    village: str
    organization: str
    values: dict[str, Any]  # content, progress and the figures (fen / counts)
    flags: list[dict[str, str]] = field(default_factory=list)
    source_row: int | None = None
    agreement_no: str = ""
    figures_reported: bool = True  # False: the township's table had no figure columns


@dataclass(frozen=True)
class HandEdit:
    """林晓华 2026-11-18 10:02 第 3 行 晋江市鞋业商会 投入资金：2.00 → 1.80"""

    at: datetime
    who: str
    seq: int | None
    organization: str
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class RevisionInfo:
    revision: int
    status: str
    source: str
    file_name: str | None
    created_at: datetime
    created_by: str
    reviewed_by: str | None
    review_note: str | None
    created_by_name: str = ""  # the people by their names (姓名), for the screen
    reviewed_by_name: str | None = None
    edits: tuple[HandEdit, ...] = ()  # what hands changed in this revision, oldest first


@dataclass(frozen=True)
class MonthView:
    township_id: int
    township: str
    period: str
    revision: int | None
    status: str  # missing | draft | submitted | returned | approved
    received_on: date | None
    filled_on: date | None
    review_note: str | None
    rows: list[MonthRow]
    history: list[RevisionInfo]
    # The newest audit record of this township-month when it was read: a save made on an older
    # one would overwrite what someone else saved since (``save_entry``'s ``expected_stamp``).
    stamp: int = 0

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def editable(self) -> bool:
        return self.status in ("missing", "draft", "returned")

    def totals(self) -> dict[str, int]:
        return {name: sum(int(r.values.get(name) or 0) for r in self.rows) for name in FIGURES}


@dataclass(frozen=True)
class PairingName:
    """A pairing as a monthly row names it: 村（社区） (or the institution) and the organization."""

    id: int
    village: str
    organization: str
    agreement_no: str = ""


def active_pairing_names(session: Session, township_id: int, period: Period) -> list[PairingName]:
    """Pairings of the township whose term overlaps the month, in a stable order (one query)."""
    stmt = (select(Pairing.id, func.coalesce(Village.name, Institution.name), Organization.name, Pairing.agreement_no)
            .join(Organization, Organization.id == Pairing.organization_id)
            .outerjoin(Village, Village.id == Pairing.village_id)
            .outerjoin(Institution, Institution.id == Pairing.institution_id)
            .where(Pairing.township_id == township_id, Pairing.term_start <= period.last_day,
                   Pairing.term_end >= period.first_day)
            .order_by(Pairing.village_id, Pairing.agreement_no))
    return [PairingName(pid, village or "", org, number) for pid, village, org, number in session.execute(stmt)]


def current_report(session: Session, township_id: int, period: Period) -> MonthlyReport | None:
    return session.scalar(select(MonthlyReport).where(
        MonthlyReport.township_id == township_id, MonthlyReport.period == str(period))
        .order_by(MonthlyReport.revision.desc()).limit(1))


def _row_values(row: MonthlyRow) -> dict[str, Any]:
    values = {name: getattr(row, name) for name in (*TEXTS, *FIGURES)}
    if not row.figures_reported:
        values[NOT_REPORTED] = False
    return values


def histories(session: Session, pairing_ids: list[int], period: Period) -> dict[int, RowHistory]:
    """Each pairing's approved figures of the earlier months (oldest first) and its household cap."""
    first = period
    for _ in range(HISTORY_MONTHS):
        first = first.previous()
    approved = (select(MonthlyReport.township_id, MonthlyReport.period, func.max(MonthlyReport.revision).label("rev"))
                .where(MonthlyReport.status == "approved", MonthlyReport.period >= str(first),
                       MonthlyReport.period < str(period))
                .group_by(MonthlyReport.township_id, MonthlyReport.period).subquery())
    stmt = (select(MonthlyReport.period, MonthlyRow)
            .join(MonthlyRow, MonthlyRow.report_id == MonthlyReport.id)
            .join(approved, (approved.c.township_id == MonthlyReport.township_id)
                  & (approved.c.period == MonthlyReport.period) & (approved.c.rev == MonthlyReport.revision))
            .where(MonthlyRow.pairing_id.in_(pairing_ids)).order_by(MonthlyReport.period))
    previous: dict[int, list[dict[str, Any]]] = {pid: [] for pid in pairing_ids}
    for _, row in session.execute(stmt):
        previous[row.pairing_id].append(_row_values(row))
    registered = dict(session.execute(select(Household.village_id, func.count()).group_by(Household.village_id)).all())
    caps: dict[int, int | None] = {}
    for pid, kind, village_id in session.execute(
            select(Pairing.id, Pairing.target_kind, Pairing.village_id).where(Pairing.id.in_(pairing_ids))):
        if kind == "household":
            caps[pid] = 1
        elif kind == "village":
            caps[pid] = registered.get(village_id) or None  # no households registered: no cap
        else:
            caps[pid] = None
    return {pid: RowHistory(previous[pid], caps.get(pid)) for pid in pairing_ids}


Checked = list[tuple[int, dict[str, Any], list[dict[str, str]], int | None]]  # pairing id, values, flags, sheet row


def check_rows(spec: FormSpec, entries: list[tuple[int, dict[str, Any], int | None]],
               hist: dict[int, RowHistory], *, file: str = "", sheet: str = "") -> tuple[Checked, list[FieldProblem]]:
    """Coerce and check each (pairing id, raw values, sheet row); every problem names row and column."""
    checked, problems = [], []
    for n, (pairing_id, raw, source_row) in enumerate(entries, start=1):
        row_no = source_row if source_row is not None else n
        values: dict[str, Any] = {}
        # No figure at all in the row (the seed's own five-column table, a Word table, a row left
        # without numbers): the figures are not reported, which is not the same as zero.
        reported = any(not (raw.get(name) is None or str(raw.get(name)).strip() == "") for name in FIGURES)
        for name in (*TEXTS, *FIGURES):
            f = spec.field(name)
            given = raw.get(name)
            try:
                value = f.coerce(given)
            except CodeError as exc:
                problems.append(FieldProblem(name, f.label, f"{exc}，应填写{'不小于 0 的数字' if name in FIGURES else '文字'}",
                                             row_no, sheet, file))
                continue
            if value is None and name in FIGURES:
                value = 0  # stored as 0; ``figures_reported`` says whether the row had any figure
            if value in (None, "") and f.required:
                problems.append(FieldProblem(name, f.label, "必须填写", row_no, sheet, file))
                continue
            values[name] = value if value is not None else ""
        if len(values) < len(TEXTS) + len(FIGURES):
            continue
        history = hist.get(pairing_id, RowHistory())
        for name, message in row_errors(spec, values, history):
            problems.append(FieldProblem(name, spec.field(name).label, message, row_no, sheet, file))
        if not reported:
            values[NOT_REPORTED] = False
        checked.append((pairing_id, values, [f.as_dict() for f in row_flags(spec, values, history)], source_row))
    return checked, problems


def _hand_edits(session: Session, reports: list[MonthlyReport], names: dict[str, str]) -> dict[int, list[HandEdit]]:
    """The cells each save changed, from the audit log (where they cannot be rewritten)."""
    if not reports:
        return {}
    by_id = {str(r.id): r.id for r in reports}
    records = session.scalars(select(AuditRecord).where(
        AuditRecord.entity == "monthly_report", AuditRecord.action == "save",
        AuditRecord.entity_id.in_(list(by_id))).order_by(AuditRecord.seq)).all()
    wanted = {int(c["pairing_id"]) for rec in records for c in (rec.after or {}).get("changes", [])}
    orgs = dict(session.execute(select(Pairing.id, Organization.name).join(
        Organization, Organization.id == Pairing.organization_id).where(Pairing.id.in_(wanted))).all()) \
        if wanted else {}
    seqs = dict(session.execute(select(MonthlyRow.pairing_id, MonthlyRow.seq).where(
        MonthlyRow.report_id == reports[-1].id)).all()) if wanted else {}
    edits: dict[int, list[HandEdit]] = {}
    for rec in records:
        for c in (rec.after or {}).get("changes", []):
            pid = int(c["pairing_id"])
            edits.setdefault(by_id[rec.entity_id], []).append(HandEdit(
                rec.at, names.get(rec.username, rec.username), seqs.get(pid), orgs.get(pid, ""), str(c.get("label", "")),
                str(c.get("from_text", "")), str(c.get("to_text", ""))))
    return edits


def _view(session: Session, township: Township, period: Period) -> MonthView:
    report = current_report(session, township.id, period)
    reports = list(session.scalars(select(MonthlyReport).where(
        MonthlyReport.township_id == township.id, MonthlyReport.period == str(period))
        .order_by(MonthlyReport.revision)))
    names = dict(session.execute(select(User.username, User.display_name)).all())
    edits = _hand_edits(session, reports, names)
    history = [RevisionInfo(r.revision, r.status, r.source, r.file_name, r.created_at, r.created_by, r.reviewed_by,
                            r.review_note, names.get(r.created_by, r.created_by),
                            names.get(r.reviewed_by, r.reviewed_by) if r.reviewed_by else None,
                            tuple(edits.get(r.id, ()))) for r in reports]
    if report is None:
        rows = [MonthRow(p.id, n, p.village, p.organization, {**dict.fromkeys(TEXTS, ""), **dict.fromkeys(FIGURES, 0)},
                         agreement_no=p.agreement_no)
                for n, p in enumerate(active_pairing_names(session, township.id, period), start=1)]
        return MonthView(township.id, township.name, str(period), None, "missing", None, None, None, rows, history,
                         _stamp(session, reports))
    # Names by join, not through each row's pairing: a township may send thousands of rows.
    stored = session.execute(
        select(MonthlyRow, func.coalesce(Village.name, Institution.name), Organization.name, Pairing.agreement_no)
        .join(Pairing, Pairing.id == MonthlyRow.pairing_id)
        .join(Organization, Organization.id == Pairing.organization_id)
        .outerjoin(Village, Village.id == Pairing.village_id)
        .outerjoin(Institution, Institution.id == Pairing.institution_id)
        .where(MonthlyRow.report_id == report.id).order_by(MonthlyRow.seq))
    rows = [MonthRow(r.pairing_id, r.seq, place or "", org, _row_values(r), list(r.flags or []), r.source_row,
                     number, r.figures_reported)
            for r, place, org, number in stored]
    return MonthView(township.id, township.name, str(period), report.revision, report.status, report.received_on,
                     report.filled_on, report.review_note, rows, history, _stamp(session, reports))


def _last_change(session: Session, reports: list[MonthlyReport]) -> AuditRecord | None:
    if not reports:
        return None
    return session.scalar(select(AuditRecord).where(
        AuditRecord.entity == "monthly_report", AuditRecord.entity_id.in_([str(r.id) for r in reports]))
        .order_by(AuditRecord.seq.desc()).limit(1))


def _stamp(session: Session, reports: list[MonthlyReport]) -> int:
    last = _last_change(session, reports)
    return last.seq if last is not None else 0


def _check_stamp(session: Session, ctx: ServiceContext, township: Township, period: Period,
                 expected: int | None) -> None:
    """Refuse a grid saved over someone else's save of the same township-month since it was opened."""
    if expected is None:
        return
    reports = list(session.scalars(select(MonthlyReport).where(
        MonthlyReport.township_id == township.id, MonthlyReport.period == str(period))))
    last = _last_change(session, reports)
    if last is None or last.seq == expected:
        return
    who = who_text(session, last.username, ctx.user.username)
    raise EditConflict(f"{township.name} {period.label_zh} 的月报在您打开之后已被 {who}于 {last.at:%Y-%m-%d %H:%M} "
                       "修改。为避免覆盖别人的修改，这次没有保存。请重新载入后再改。",
                       entity="monthly_report", entity_id=township.id)


def get_month(ctx: ServiceContext, township_id: int, period: Period) -> MonthView:
    with ctx.db.reading() as s:
        township = s.get(Township, township_id)
        if township is None:
            raise NotFound("找不到这个镇（街道）。")
        return _view(s, township, period)


def locked_message(township: str, period: Period) -> str:
    return (f"{township} {period.label_zh} 的月报已审核，数据已锁定。需要更正时，请审核人在“月度统计”里"
            f"点“重新打开更正”（命令行：fupin monthly reopen --township {township} --period {period} "
            "--reason 原因），更正后重新提交审核；原来的版本会保留在历史里。")


def busy_message(township: str, period: Period, doing: str = "导入") -> str:
    return f"「{township}」{period.label_zh}的月报正在由他人{doing}，请稍后重试。"


@contextmanager
def revision_transaction(ctx: ServiceContext, township_id: int, period: Period,
                         doing: str = "导入") -> Iterator[Session]:
    """A transaction that may add a revision of a township-month, serialized with any other.

    The next revision number is the newest plus one, so two writers (two clerks, two processes, a
    double click) must not both read the same newest: on SQLite the transaction takes the write
    lock first (``Database.transaction``: BEGIN IMMEDIATE; the second waits for the busy timeout;
    on PostgreSQL a named lock per township-month). Should two still meet
    (another database, a lock held too long), the loser gets a plain message, never SQL.
    """
    try:
        with ctx.db.transaction() as s:  # on SQLite it holds the write lock from the start
            serialize(s, f"monthly:{township_id}:{period}")
            yield s
    except IntegrityError as exc:
        text = str(exc.orig)
        if "monthly_report" not in text or not ("UNIQUE" in text.upper() or "duplicate" in text):
            raise
        raise KnownError(busy_message(_township_name(ctx, township_id), period, doing)) from None
    except DatabaseBusy:
        raise KnownError(busy_message(_township_name(ctx, township_id), period, doing)) from None


def _township_name(ctx: ServiceContext, township_id: int) -> str:
    try:
        with ctx.db.reading() as s:
            township = s.get(Township, township_id)
            return township.name if township is not None else "这个镇（街道）"
    except DatabaseBusy:
        return "这个镇（街道）"


def new_revision(session: Session, ctx: ServiceContext, township: Township, period: Period, *, source: str,
                 received_on: date | None = None, file_name: str | None = None, file_sha256: str | None = None,
                 filled_on: date | None = None) -> MonthlyReport:
    last = current_report(session, township.id, period)
    if last is not None and last.status == "approved" and source != "correction":
        raise KnownError(locked_message(township.name, period))
    first_received = session.scalar(select(func.min(MonthlyReport.received_on)).where(
        MonthlyReport.township_id == township.id, MonthlyReport.period == str(period)))
    report = MonthlyReport(
        township_id=township.id, period=str(period), revision=(last.revision + 1) if last else 1, status="draft",
        source=source, file_name=file_name, file_sha256=file_sha256, filled_on=filled_on,
        received_on=first_received or received_on or clock.today(), created_at=clock.now(),
        created_by=ctx.user.username)
    session.add(report)
    session.flush()
    return report


def store_rows(session: Session, report: MonthlyReport, checked: Checked) -> None:
    """Replace the report's rows (a draft saved again) with ``checked``, in bulk."""
    session.flush()
    session.execute(delete(MonthlyRow).where(MonthlyRow.report_id == report.id))
    if checked:
        session.execute(insert(MonthlyRow), [
            {"report_id": report.id, "pairing_id": pid, "seq": n, "source_row": src, "flags": flags,
             "flags_confirmed": False, **{k: v for k, v in values.items() if k != NOT_REPORTED},
             "figures_reported": values.get(NOT_REPORTED, True)}
            for n, (pid, values, flags, src) in enumerate(checked, start=1)])
    session.expire(report, ["rows"])


def save_entry(ctx: ServiceContext, township_id: int, period: Period, rows: list[dict[str, Any]],
               received_on: date | None = None, *, expected_stamp: int | None = None) -> MonthView:
    """Save the data-entry grid: ``rows`` hold ``pairing_id`` and the typed text of each column.

    ``expected_stamp``: the ``MonthView.stamp`` the grid was opened with; a save of the same
    township-month by someone else since is an ``EditConflict`` and nothing is written."""
    ctx.require(Permission.ENTER_MONTHLY)
    spec = ctx.forms[FORM]
    with revision_transaction(ctx, township_id, period, "录入") as s:
        township = s.get(Township, township_id)
        if township is None:
            raise NotFound("找不到这个镇（街道）。")
        _check_stamp(s, ctx, township, period, expected_stamp)
        pairings = {p.id for p in active_pairing_names(s, township_id, period)}
        unknown = [r["pairing_id"] for r in rows if r["pairing_id"] not in pairings]
        if unknown:
            raise KnownError(f"有 {len(unknown)} 行不是{township.name}本月在期的结对，请刷新后再填。")
        entries = [(r["pairing_id"], r, None) for r in rows]
        checked, problems = check_rows(spec, entries, histories(s, list(pairings), period))
        if problems:
            raise ValidationFailed(problems, f"{township.name} {period.label_zh} 月报未保存：有 {len(problems)} 处需要改正。")
        report = current_report(s, township_id, period)
        # The figures as they stood (this draft, or the revision a new one follows): the hand edits.
        before = {r.pairing_id: _row_values(r) for r in report.rows} if report is not None else {}
        if report is None or report.status != "draft":
            if report is not None and report.status == "submitted":
                raise KnownError(f"{township.name} {period.label_zh} 的月报已提交审核，等审核人审核或退回后才能修改。")
            report = new_revision(s, ctx, township, period, source="entry", received_on=received_on)
        changes = cell_changes(before, [(pid, values) for pid, values, _flags, _src in checked])
        store_rows(s, report, checked)
        audit.append(s, username=ctx.user.username, action="save", entity="monthly_report", entity_id=report.id,
                     summary=f"录入 {township.name} {period.label_zh} 月报（第 {report.revision} 版，{len(checked)} 行"
                             + (f"，改动 {len(changes)} 处）" if changes else "）"),
                     after={"township": township.name, "period": str(period), "revision": report.revision,
                            "changes": [_change_record(spec, c) for c in changes]})
        s.flush()
        return _view(s, township, period)


def _change_record(spec: FormSpec, change: CellChange) -> dict[str, Any]:
    """Kept in the audit record with the labels and shown values, so the history reads alone."""
    field_spec = spec.field(change.field)
    unit = field_spec.unit

    def shown(value: Any) -> str:
        text = field_spec.display(value)
        return f"{text}{unit}" if text and unit else text

    return {**change.as_dict(), "label": field_spec.label, "from_text": shown(change.old), "to_text": shown(change.new)}


def _transition(ctx: ServiceContext, township_id: int, period: Period, *, allowed_from: tuple[str, ...],
                to: str, action: str, note: str | None = None) -> MonthView:
    with ctx.db.transaction() as s:
        township = s.get(Township, township_id)
        report = current_report(s, township_id, period)
        if township is None or report is None:
            raise NotFound("这个镇（街道）本月还没有月报。")
        if report.status not in allowed_from:
            raise KnownError(f"{township.name} {period.label_zh} 的月报现在是“{STATUS_LABELS[report.status]}”，"
                             f"不能{action}。")
        before = report.status
        report.status = to
        if to == "submitted":
            report.submitted_at, report.submitted_by = clock.now(), ctx.user.username
        else:
            report.reviewed_at, report.reviewed_by, report.review_note = clock.now(), ctx.user.username, note
        if to == "approved":
            for row in report.rows:
                row.flags_confirmed = True  # the reviewer saw the flags listed before approving
        audit.append(s, username=ctx.user.username, action=action, entity="monthly_report", entity_id=report.id,
                     summary=f"{action} {township.name} {period.label_zh} 月报（第 {report.revision} 版）"
                             + (f"：{note}" if note else ""),
                     before={"status": before}, after={"status": to, "note": note})
        s.flush()
        return _view(s, township, period)


def submit(ctx: ServiceContext, township_id: int, period: Period) -> MonthView:
    ctx.require(Permission.ENTER_MONTHLY)
    return _transition(ctx, township_id, period, allowed_from=("draft",), to="submitted", action="提交")


def approve(ctx: ServiceContext, township_id: int, period: Period, note: str = "") -> MonthView:
    ctx.require(Permission.REVIEW_MONTHLY)
    return _transition(ctx, township_id, period, allowed_from=("submitted",), to="approved", action="审核通过",
                       note=note or None)


def return_month(ctx: ServiceContext, township_id: int, period: Period, reason: str) -> MonthView:
    ctx.require(Permission.REVIEW_MONTHLY)
    if not reason.strip():
        raise KnownError("退回时请写明原因，填报员据此修改。")
    return _transition(ctx, township_id, period, allowed_from=("submitted",), to="returned", action="退回",
                       note=reason.strip())


def reopen(ctx: ServiceContext, township_id: int, period: Period, reason: str) -> MonthView:
    """Correct an approved month: a new draft revision copied from it; the approved one stays."""
    ctx.require(Permission.REVIEW_MONTHLY)
    if not reason.strip():
        raise KnownError("重新打开更正时请写明原因。")
    with revision_transaction(ctx, township_id, period, "更正") as s:
        township = s.get(Township, township_id)
        report = current_report(s, township_id, period)
        if township is None or report is None or report.status != "approved":
            raise KnownError("只有已审核的月报才需要重新打开更正。")
        copy = new_revision(s, ctx, township, period, source="correction", received_on=report.received_on,
                            filled_on=report.filled_on)
        copy.review_note = f"更正：{reason.strip()}"
        copy.rows = [MonthlyRow(pairing_id=r.pairing_id, seq=r.seq, source_row=r.source_row, flags=list(r.flags or []),
                                **_row_values(r)) for r in report.rows]
        audit.append(s, username=ctx.user.username, action="reopen", entity="monthly_report", entity_id=copy.id,
                     summary=f"重新打开更正 {township.name} {period.label_zh} 月报（第 {copy.revision} 版）：{reason.strip()}",
                     before={"revision": report.revision, "status": "approved"},
                     after={"revision": copy.revision, "status": "draft"})
        s.flush()
        return _view(s, township, period)
