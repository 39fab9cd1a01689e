"""年检年报: one inspection per organization and year, its attachments, the checklist of
what is missing, and the pre-filled 上一年度参与脱贫攻坚工作情况 draft.

An organization that took part in poverty work in a year (a pairing whose term overlaps
it) must hand in two attachments: 上一年度参与脱贫攻坚工作情况 and 年度工作计划. Files are
kept by content (``services/attachment_files``: the data folder, or the database on a LAN server); their type is read from their bytes.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from fupin_desktop.domain import clock
from fupin_desktop.domain.cost_share import parse_costs, share_text
from fupin_desktop.domain.enums import AttachmentRole, InspectionResult
from fupin_desktop.domain.money import format_wan
from fupin_desktop.domain.monthly_checks import FIGURES
from fupin_desktop.domain.periods import Period
from fupin_desktop.domain.text import clean_text, match_key
from fupin_desktop.errors import FieldProblem, KnownError, NotFound, ValidationFailed, os_error_message
from fupin_desktop.intake.attachment_type import MAX_ATTACHMENT_BYTES, check_file
from fupin_desktop.services import attachment_files
from fupin_desktop.services.context import ServiceContext
from fupin_desktop.services.pairings import find_organization, target_label, township_label
from fupin_desktop.services.permissions import Permission
from fupin_desktop.services.places import find_township
from fupin_desktop.services.settings import bureau
from fupin_desktop.store import audit, blobs
from fupin_desktop.store.models import Organization, Pairing
from fupin_desktop.store.models_annual import Attachment, Inspection, InspectionAttachment
from fupin_desktop.store.models_monthly import MonthlyReport, MonthlyRow

REQUIRED_ROLES = (AttachmentRole.WORK_REPORT, AttachmentRole.WORK_PLAN)
NO_RECORD = "年检记录（未登记）"
MIN_YEAR = 2000
_ENTITY = "inspection"
_BAD_NAME_CHARS = str.maketrans({c: "_" for c in '\\/:*?"<>|\0'})


@dataclass(frozen=True)
class AttachmentView:
    id: int  # the link (inspection_attachment) id
    inspection_id: int
    role: str
    role_label: str
    original_name: str
    kind: str
    size: int
    sha256: str
    added_at: datetime
    added_by: str
    already_present: bool = False  # the same content was already attached in this role


@dataclass(frozen=True)
class InspectionView:
    id: int
    organization_id: int
    organization: str
    credit_code: str
    year: int
    received_on: date | None
    result: str | None
    result_label: str
    remarks: str
    created_at: datetime
    created_by: str
    attachments: list[AttachmentView]
    required: bool  # took part in poverty work that year: the two attachments are due
    missing: list[str]  # labels of the required attachments not yet here
    activity_cost_fen: int | None = None  # 业务活动成本
    poverty_cost_fen: int | None = None  # 其中用于脱贫攻坚

    @property
    def cost_share(self) -> str:
        """业务活动成本中用于脱贫攻坚的比例, e.g. "12.50%"; "" when not given."""
        return share_text(self.activity_cost_fen, self.poverty_cost_fen)


@dataclass(frozen=True)
class ChecklistRow:
    year: int
    organization_id: int
    organization: str
    credit_code: str
    contact_person: str
    contact_phone: str
    supervising_unit: str
    townships: list[str]
    inspection_id: int | None
    missing: list[str]

    @property
    def missing_text(self) -> str:
        return "、".join(self.missing)


@dataclass(frozen=True)
class AttachmentProblem:
    attachment_id: int
    stored_path: str
    sha256: str
    problem: str  # missing | changed
    message: str
    used_by: list[str] = field(default_factory=list)  # "组织名 2026 年度年检：原文件名（用途）"


@dataclass(frozen=True)
class CheckStep:
    done: int
    total: int
    problem: AttachmentProblem | None


def _data_dir(ctx: ServiceContext) -> Path:
    if ctx.data_dir is None:
        raise KnownError("没有数据文件夹，无法保存或读取附件。")
    return ctx.data_dir


@contextmanager
def _writing(target: Path) -> Iterator[None]:
    # A full disk or a workbook left open in Excel (Windows locks it) is a message, not a crash.
    try:
        yield
    except OSError as exc:
        raise KnownError(f"无法写入「{target}」：{os_error_message(exc)}如果文件正在 Excel 或 WPS 中打开，请先关闭。") from exc


def _role(value: AttachmentRole | str) -> AttachmentRole:
    role = value if isinstance(value, AttachmentRole) else AttachmentRole.from_text(clean_text(str(value)))
    if not isinstance(role, AttachmentRole):
        labels = "、".join(r.label for r in AttachmentRole)
        raise ValidationFailed([FieldProblem("role", "附件用途", f"应为 {labels} 之一，而不是“{value}”")],
                               "附件未保存。")
    return role


def _year_bounds(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


def _in_term(year: int) -> Any:
    first, last = _year_bounds(year)
    return (Pairing.term_start <= last) & (Pairing.term_end >= first)


def _participants(s: Session, year: int) -> set[int]:
    return set(s.scalars(select(Pairing.organization_id).where(_in_term(year)).distinct()))


def _find_org(s: Session, ref: int | str) -> Organization:
    if isinstance(ref, int):
        org = s.get(Organization, ref)
        if org is None:
            raise NotFound("找不到这个社会组织，可能已被删除。")
        return org
    found = find_organization(s, ref)
    if not found:
        raise NotFound(f"名册里没有“{ref}”，请核对统一社会信用代码或名称。")
    if len(found) > 1:
        raise KnownError(f"“{ref}”有 {len(found)} 个同名组织，请改用统一社会信用代码。")
    return found[0]


def _attachment_view(link: InspectionAttachment, already: bool = False) -> AttachmentView:
    role = AttachmentRole(link.role)
    a = link.attachment
    return AttachmentView(link.id, link.inspection_id, link.role, role.label, link.original_name, a.kind, a.size,
                          a.sha256, link.added_at, link.added_by, already)


def _missing(roles: set[str]) -> list[str]:
    return [r.label for r in REQUIRED_ROLES if r.value not in roles]


def _view(insp: Inspection, required: bool) -> InspectionView:
    org = insp.organization
    result = InspectionResult(insp.result) if insp.result else None
    roles = {link.role for link in insp.attachments}
    return InspectionView(insp.id, org.id, org.name, org.credit_code, insp.year, insp.received_on, insp.result,
                          result.label if result else "", insp.remarks or "", insp.created_at, insp.created_by,
                          [_attachment_view(link) for link in insp.attachments], required,
                          _missing(roles) if required else [], insp.activity_cost_fen, insp.poverty_cost_fen)


def _snapshot(insp: Inspection) -> dict[str, Any]:
    return {"year": insp.year, "received_on": insp.received_on, "result": insp.result, "remarks": insp.remarks,
            "activity_cost_fen": insp.activity_cost_fen, "poverty_cost_fen": insp.poverty_cost_fen}


def _check_fields(year: int, result: InspectionResult | str | None, received_on: date | None,
                  costs: tuple[str, str] | None = None) -> InspectionResult | None:
    """None result: materials received, conclusion not decided yet (the usual order in spring)."""
    problems, today = [], clock.today()
    if not MIN_YEAR <= year <= today.year:
        problems.append(FieldProblem("year", "年度", f"应在 {MIN_YEAR}–{today.year} 之间，现为 {year}"))
    undecided = result is None or (isinstance(result, str) and not clean_text(result))
    parsed = result if isinstance(result, InspectionResult) else (
        None if undecided else InspectionResult.from_text(clean_text(str(result))))
    if not undecided and not isinstance(parsed, InspectionResult):
        problems.append(FieldProblem("result", "年检结论", f"应为 合格、基本合格 或 不合格，而不是“{result}”"))
    if received_on is not None and received_on > today:
        problems.append(FieldProblem("received_on", "收到日期", f"{received_on} 还没到"))
    elif received_on is not None and received_on.year < year:
        problems.append(FieldProblem("received_on", "收到日期", f"{year} 年度的年检材料不会在 {received_on} 收到"))
    if costs is not None:
        for name, message in parse_costs(*costs)[2].items():
            problems.append(FieldProblem(name, "业务活动成本" if name == "activity_cost" else "其中用于脱贫攻坚", message))
    if problems:
        raise ValidationFailed(problems, "年检记录未保存。")
    return parsed if isinstance(parsed, InspectionResult) else None


def save_inspection(ctx: ServiceContext, credit_code_or_org_id: int | str, year: int, *,
                    result: InspectionResult | str | None, received_on: date | None = None,
                    remarks: str | None = None, costs: tuple[str, str] | None = None) -> InspectionView:
    """Create or update the organization's inspection of ``year``.

    ``received_on`` None keeps the stored date (today for a new record); ``remarks`` None
    keeps the stored remarks, "" clears them. ``costs``: (业务活动成本, 其中用于脱贫攻坚) in 元 as
    typed ("" = not given); None keeps the stored ones.
    """
    ctx.require(Permission.EDIT_INSPECTIONS)
    parsed = _check_fields(year, result, received_on, costs)
    with ctx.db.transaction() as s:
        org = _find_org(s, credit_code_or_org_id)
        insp = s.scalar(select(Inspection).where(Inspection.organization_id == org.id, Inspection.year == year))
        created = insp is None
        if insp is None:
            insp = Inspection(organization=org, year=year, received_on=received_on or clock.today(),
                              created_at=clock.now().replace(microsecond=0), created_by=ctx.user.username)
            s.add(insp)
            before: dict[str, Any] = {}
        else:
            before = _snapshot(insp)
            if received_on is not None:
                insp.received_on = received_on
        insp.result = parsed.value if parsed is not None else None
        if remarks is not None:
            insp.remarks = clean_text(remarks) or None
        if costs is not None:
            insp.activity_cost_fen, insp.poverty_cost_fen, _problems = parse_costs(*costs)
        s.flush()
        after = _snapshot(insp)
        changed = {k for k in after if before.get(k) != after[k]}
        if changed:
            audit.append(s, username=ctx.user.username, action="create" if created else "update", entity=_ENTITY,
                         entity_id=insp.id, summary=f"{'登记' if created else '修改'}{org.name} {year} 年度年检（{parsed.label if parsed else '结论未定'}）",
                         before={k: before[k] for k in changed if k in before} or None,
                         after={k: after[k] for k in changed})
        return _view(insp, org.id in _participants(s, year))


def add_attachment(ctx: ServiceContext, inspection_id: int, path: Path, role: AttachmentRole | str) -> AttachmentView:
    """Attach a file: type from its bytes, size limit, stored once per content."""
    ctx.require(Permission.EDIT_INSPECTIONS)
    role_ = _role(role)
    path = Path(path)
    kind, _ = check_file(path)
    data_dir = _data_dir(ctx)
    with ctx.db.reading() as s:
        if s.get(Inspection, inspection_id) is None:
            raise NotFound("找不到这条年检记录，可能已被删除。")
    # Stored before the transaction: a file left over by a failed commit is harmless (same content, same place).
    with _writing(data_dir / blobs.ATTACHMENTS):
        sha, relative, size = attachment_files.put(ctx, path, max_bytes=MAX_ATTACHMENT_BYTES)
    now = clock.now().replace(microsecond=0)
    with ctx.db.transaction() as s:
        insp = s.get(Inspection, inspection_id)
        if insp is None:
            raise NotFound("找不到这条年检记录，可能已被删除。")
        stored = s.scalar(select(Attachment).where(Attachment.sha256 == sha))
        if stored is None:
            stored = Attachment(sha256=sha, size=size, kind=kind, stored_path=relative, created_at=now)
            s.add(stored)
            s.flush()
        same = next((x for x in insp.attachments if x.attachment_id == stored.id and x.role == role_.value), None)
        if same is not None:
            return _attachment_view(same, already=True)
        link = InspectionAttachment(inspection=insp, attachment=stored, role=role_.value,
                                    original_name=path.name[:255], added_at=now, added_by=ctx.user.username)
        s.add(link)
        s.flush()
        audit.append(s, username=ctx.user.username, action="attach", entity=_ENTITY, entity_id=insp.id,
                     summary=f"{insp.organization.name} {insp.year} 年度年检：附上「{link.original_name}」（{role_.label}）",
                     after={"link_id": link.id, "role": role_.value, "original_name": link.original_name,
                            "sha256": sha, "size": size, "kind": kind})
        return _attachment_view(link)


def remove_attachment(ctx: ServiceContext, link_id: int) -> None:
    """Detach a file from its inspection; the stored content stays (it may serve other links)."""
    ctx.require(Permission.EDIT_INSPECTIONS)
    with ctx.db.transaction() as s:
        link = s.get(InspectionAttachment, link_id)
        if link is None:
            raise NotFound("找不到这个附件，可能已被移除。")
        insp = link.inspection
        audit.append(s, username=ctx.user.username, action="detach", entity=_ENTITY, entity_id=insp.id,
                     summary=f"{insp.organization.name} {insp.year} 年度年检：移除「{link.original_name}」"
                             f"（{AttachmentRole(link.role).label}）",
                     before={"link_id": link.id, "role": link.role, "original_name": link.original_name,
                             "sha256": link.attachment.sha256})
        s.delete(link)


def _loaded() -> Any:
    return select(Inspection).options(selectinload(Inspection.organization), selectinload(
        Inspection.attachments).selectinload(InspectionAttachment.attachment))


def get_inspection(ctx: ServiceContext, org: int | str, year: int) -> InspectionView | None:
    """The organization's inspection of ``year`` (org: id, credit code or exact name), or None."""
    with ctx.db.reading() as s:
        found = _find_org(s, org)
        insp = s.scalar(_loaded().where(Inspection.organization_id == found.id, Inspection.year == year))
        return None if insp is None else _view(insp, found.id in _participants(s, year))


def list_inspections(ctx: ServiceContext, year: int) -> list[InspectionView]:
    with ctx.db.reading() as s:
        joined = _participants(s, year)
        rows = s.scalars(_loaded().join(Organization).where(Inspection.year == year).order_by(Organization.name))
        return [_view(insp, insp.organization_id in joined) for insp in rows]


def attachment_path(ctx: ServiceContext, link_id: int) -> Path:
    """The stored file of an attachment, re-hashed: the UI opens it with the system viewer."""
    with ctx.db.reading() as s:
        link = s.get(InspectionAttachment, link_id)
        if link is None:
            raise NotFound("找不到这个附件，可能已被移除。")
        stored, name = link.attachment, link.original_name
    return attachment_files.open_verified(ctx, stored.stored_path, stored.sha256, label=name)


def _free_name(folder: Path, name: str, taken: set[str]) -> Path:
    safe = Path(name.translate(_BAD_NAME_CHARS)).name.strip(" .") or "附件"
    stem, suffix = Path(safe).stem, Path(safe).suffix
    candidate, n = safe, 1
    # Case-insensitive: Windows folders do not tell a.pdf from A.PDF.
    while candidate.casefold() in taken or (folder / candidate).exists():
        n += 1
        candidate = f"{stem} ({n}){suffix}"
    taken.add(candidate.casefold())
    return folder / candidate


def export_attachments(ctx: ServiceContext, inspection_id: int, folder: Path) -> list[Path]:
    """Copy every attachment of the inspection to ``folder`` under its original name.

    All files are verified before anything is copied; names that repeat get " (2)", " (3)".
    """
    with ctx.db.reading() as s:
        insp = s.scalar(_loaded().where(Inspection.id == inspection_id))
        if insp is None:
            raise NotFound("找不到这条年检记录，可能已被删除。")
        items = [(x.original_name, x.attachment.stored_path, x.attachment.sha256) for x in insp.attachments]
    sources = [(name, attachment_files.open_verified(ctx, rel, sha, label=name)) for name, rel, sha in items]
    folder, taken, out = Path(folder), set[str](), list[Path]()
    with _writing(folder):
        folder.mkdir(parents=True, exist_ok=True)
        for name, source in sources:
            target = _free_name(folder, name, taken)
            shutil.copyfile(source, target)  # content only: the copy is not read-only like the store
            out.append(target)
    return out


def check_attachments_steps(ctx: ServiceContext) -> Iterator[CheckStep]:
    """Re-hash every stored file, yielding progress after each (a long job for the UI)."""
    with ctx.db.reading() as s:
        stored = list(s.scalars(select(Attachment).order_by(Attachment.id)))
        users: dict[int, list[tuple[str, str]]] = {}
        stmt = (select(InspectionAttachment.attachment_id, Organization.name, Inspection.year,
                       InspectionAttachment.original_name, InspectionAttachment.role)
                .join(Inspection, Inspection.id == InspectionAttachment.inspection_id)
                .join(Organization, Organization.id == Inspection.organization_id))
        for att_id, org, year, name, role in s.execute(stmt):
            users.setdefault(att_id, []).append((name, f"{org} {year} 年度年检：{name}（{AttachmentRole(role).label}）"))
    for done, a in enumerate(stored, start=1):
        names = users.get(a.id, [])
        used_by = [use for _, use in names]
        found = attachment_files.check(ctx, a.stored_path, a.sha256, label=names[0][0] if names else "")
        problem = None if found is None else AttachmentProblem(a.id, a.stored_path, a.sha256, found.problem,
                                                               found.message, used_by)
        yield CheckStep(done, len(stored), problem)


def check_attachments(ctx: ServiceContext) -> list[AttachmentProblem]:
    """Every stored attachment whose file is missing or whose bytes no longer match its hash."""
    return [step.problem for step in check_attachments_steps(ctx) if step.problem is not None]


def checklist(ctx: ServiceContext, year: int, township: str | None = None,
              supervising_unit: str | None = None) -> list[ChecklistRow]:
    """Organizations that took part in poverty work in ``year`` and lack an inspection record
    or a required attachment; optionally only those with a pairing in ``township`` or under
    ``supervising_unit``."""
    with ctx.db.reading() as s:
        town_id = None
        if township:
            found = find_township(s, township)
            if found is None:
                raise NotFound(f"本县没有名为“{township}”的镇（街道）。")
            town_id = found.id
        pairings = s.scalars(select(Pairing).options(selectinload(Pairing.organization), selectinload(
            Pairing.township)).where(_in_term(year)))
        orgs: dict[int, tuple[Organization, set[str], bool]] = {}
        for p in pairings:
            org, names, here = orgs.get(p.organization_id, (p.organization, set(), False))
            orgs[p.organization_id] = (org, names | {township_label(p)}, here or p.township_id == town_id)
        roles: dict[int, tuple[int, set[str]]] = {
            insp.organization_id: (insp.id, {x.role for x in insp.attachments})
            for insp in s.scalars(select(Inspection).options(selectinload(Inspection.attachments))
                                  .where(Inspection.year == year))}
        unit_key = match_key(supervising_unit) if supervising_unit else None
        rows = []
        for org, towns, here in orgs.values():
            if (town_id is not None and not here) or (unit_key is not None
                                                     and match_key(org.supervising_unit) != unit_key):
                continue
            inspection_id, have = roles.get(org.id, (None, set()))
            missing = ([NO_RECORD] if inspection_id is None else []) + _missing(have)
            if missing:
                rows.append(ChecklistRow(year, org.id, org.name, org.credit_code, org.contact_person or "",
                                         org.contact_phone or "", org.supervising_unit or "", sorted(towns),
                                         inspection_id, missing))
        order = {o.id: o.search_key.partition(" ")[2] for o, _, _ in orgs.values()}
        rows.sort(key=lambda r: (order[r.organization_id], r.organization))
        return rows


def write_checklist_xlsx(ctx: ServiceContext, rows: list[ChecklistRow], path: Path) -> Path:
    """The checklist as a workbook for the phone calls: who to call, and what they still owe."""
    from fupin_desktop.documents.inspection_documents import (
        write_checklist_workbook,  # the 首页 needs no writer
    )

    year = f"{rows[0].year}年度" if rows else ""
    headers = ["序号", "社会组织名称", "统一社会信用代码", "联系人", "联系电话", "业务主管单位", "结对所在镇（街道）",
               "缺少的材料", "联系情况"]
    table = [[str(n), r.organization, r.credit_code, r.contact_person, r.contact_phone, r.supervising_unit,
              "、".join(r.townships), r.missing_text, ""] for n, r in enumerate(rows, start=1)]
    title, path = f"{bureau(ctx.db).name}{year}年检年报材料缺漏清单", Path(path)
    with _writing(path):
        path.parent.mkdir(parents=True, exist_ok=True)
        return write_checklist_workbook(path, title, f"共 {len(rows)} 个社会组织　生成日期：{clock.today():%Y年%m月%d日}",
                                        headers, table)


def _approved_year(s: Session, org_id: int, year: int) -> tuple[dict[int, dict[str, int]], list[str]]:
    """Approved monthly figures of the organization's pairings in ``year``, summed per pairing
    (newest approved revision of each township-month), and the months they came from."""
    months = [str(m) for m in Period.annual(year).months()]
    newest = (select(MonthlyReport.township_id, MonthlyReport.period, func.max(MonthlyReport.revision).label("rev"))
              .where(MonthlyReport.status == "approved", MonthlyReport.period.in_(months))
              .group_by(MonthlyReport.township_id, MonthlyReport.period).subquery())
    stmt = (select(MonthlyReport.period, MonthlyRow)
            .join(MonthlyRow, MonthlyRow.report_id == MonthlyReport.id)
            .join(newest, (newest.c.township_id == MonthlyReport.township_id)
                  & (newest.c.period == MonthlyReport.period) & (newest.c.rev == MonthlyReport.revision))
            .join(Pairing, Pairing.id == MonthlyRow.pairing_id).where(Pairing.organization_id == org_id))
    sums: dict[int, dict[str, int]] = {}
    seen: set[str] = set()
    for month, row in s.execute(stmt):
        seen.add(month)
        into = sums.setdefault(row.pairing_id, dict.fromkeys(FIGURES, 0))
        for name in FIGURES:
            into[name] += int(getattr(row, name) or 0)
    return sums, sorted(seen)


def _figure_text(spec: Any, name: str, value: int) -> str:
    return f"{format_wan(value)} 万元" if name.endswith("_fen") else f"{value} {spec.field(name).unit or ''}".strip()


def write_work_report_draft(ctx: ServiceContext, org_id: int | str, year: int, folder: Path) -> tuple[Path, Path]:
    """A pre-filled 上一年度参与脱贫攻坚工作情况 for the organization to complete and sign: (PDF, .xlsx)."""
    from fupin_desktop.documents.inspection_documents import (
        DraftPairing,
        WorkReportDraft,
        write_draft_pdf,
        write_draft_xlsx,
    )

    org_spec, monthly_spec = ctx.forms["organization"], ctx.forms["monthly"]
    with ctx.db.reading() as s:
        org = _find_org(s, org_id)
        details = [(org_spec.field(n).label, org_spec.field(n).display(getattr(org, n))) for n in (
            "name", "credit_code", "kind", "supervising_unit", "legal_representative", "contact_person",
            "contact_phone", "address")]
        sums, months = _approved_year(s, org.id, year)
        pairings = []
        for p in s.scalars(select(Pairing).where(Pairing.organization_id == org.id, _in_term(year))
                           .order_by(Pairing.term_start, Pairing.agreement_no)):
            projects = [f"{x.name}（预算 {format_wan(x.budget_fen)} 万元{'；' + x.indicators if x.indicators else ''}）"
                        for x in p.projects]
            pairings.append(DraftPairing(p.agreement_no, township_label(p), target_label(p),
                                         f"{p.term_start:%Y.%m.%d}—{p.term_end:%Y.%m.%d}", projects,
                                         format_wan(sums.get(p.id, {}).get("funds_fen", 0))))
        name = org.name
    totals = {n: sum(x[n] for x in sums.values()) for n in FIGURES}
    figures = [(monthly_spec.field(n).label, _figure_text(monthly_spec, n, totals[n])) for n in FIGURES]
    where = (f"{Period.parse(months[0]).label_zh}至{Period.parse(months[-1]).label_zh}共 {len(months)} 个月"
             if months else "无")
    b = bureau(ctx.db)
    draft = WorkReportDraft(name, year, b.name, details, pairings, figures,
                            f"以上数据取自{b.name}已审核的月度统计（{where}），如有出入请在下文说明。")
    folder = Path(folder)
    base = f"{name.translate(_BAD_NAME_CHARS)}_{year}年度参与脱贫攻坚工作情况_草稿"
    with _writing(folder):
        folder.mkdir(parents=True, exist_ok=True)
        return write_draft_pdf(draft, folder / f"{base}.pdf"), write_draft_xlsx(draft, folder / f"{base}.xlsx")
