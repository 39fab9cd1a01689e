"""供需目录 (issue 14): what villages need and what organizations offer, year by year (the 双向选择
that pairs them is ``services.supply_matching``).

Seed 004 (../shared/seeds/004_91e17e8b4e54ce05.txt, 晋政民〔2020〕28号「百社解千难」实施方案,
四、组织实施（一）准备阶段), l. 53: "1.做好调研和摸底。4月30日前，市民政局和各乡镇（街道）实施帮扶合作
村（社区）和社会组织需求信息的调研、采集工作，……形成供需目录。" and l. 55: "2.双向选择结成对子。
5月15日前，……指导村（社区）与社会组织共商结对事宜。"

The two lists are the forms ``forms/supply_need.toml`` (a village's need: domain, 需求内容, 资金需求
in 万元, contact) and ``forms/supply_offer.toml`` (an organization's offer: domain, 可提供的帮扶,
计划投入 in 万元, how many villages it can take on). Adding one, importing a workbook of them
(all rows or none: every problem names the file, sheet, row and column) and matching a need
need ``PERMISSION``, the one register edits use; every write is audited. A need or offer that is
already listed for the year (same village or organization, domain and text) is not added twice:
importing the same file again adds nothing.

The offer list already says which offers the 双向选择 will not propose, and why (``unavailable``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from fupin_desktop.domain import clock
from fupin_desktop.domain.enums import AidDomain, InspectionResult
from fupin_desktop.domain.formspec import FormSpec
from fupin_desktop.domain.money import format_wan_exact
from fupin_desktop.domain.records import CheckedRecord, check_record
from fupin_desktop.domain.text import match_key
from fupin_desktop.errors import FieldProblem, KnownError, NotFound, ValidationFailed, os_error_message
from fupin_desktop.services.context import ServiceContext
from fupin_desktop.services.households import resolve_village
from fupin_desktop.services.inspections import MIN_YEAR
from fupin_desktop.services.pairings import find_organization
from fupin_desktop.services.permissions import Permission
from fupin_desktop.store import audit
from fupin_desktop.store.models import Organization, Village
from fupin_desktop.store.models_annual import Inspection
from fupin_desktop.store.models_supervision import SupplyNeed, SupplyOffer

__all__ = ["PERMISSION", "ImportResult", "NeedView", "OfferView", "add_need", "add_offer", "get_need", "import_needs",
           "import_offers", "list_needs", "list_offers", "template",
           # shared with services.supply_matching
           "NEED_ENTITY", "check_year", "domain_label", "failed_inspections", "matched_counts", "need_view",
           "needs_of", "offer_view", "offers_of", "organization_problem", "unavailable", "wan_text", "writing"]

PERMISSION = Permission.EDIT_REGISTER
NEED_FORM, OFFER_FORM = "supply_need", "supply_offer"
Kind = Literal["need", "offer"]
STATUS_LABELS = {"open": "待对接", "matched": "已对接", "closed": "已关闭"}
NEED_ENTITY, _OFFER = "supply_need", "supply_offer"


@dataclass(frozen=True)
class NeedView:
    id: int
    year: int
    township: str
    village: str
    village_code: str
    domain: str  # AidDomain value
    domain_label: str
    description: str
    budget_fen: int | None
    budget_wan: str  # "" when not given
    contact: str
    status: str  # open | matched | closed
    status_label: str
    matched_organization: str
    matched_organization_id: int | None
    created_at: datetime
    created_by: str


@dataclass(frozen=True)
class OfferView:
    id: int
    year: int
    organization_id: int
    organization: str
    credit_code: str
    domain: str
    domain_label: str
    description: str
    budget_fen: int | None
    budget_wan: str
    villages: int | None  # how many villages it can take on; None: not limited
    matched: int  # needs of the year matched to the organization in this domain
    problem: str  # why it is not proposed at all ("" when it is)
    created_at: datetime
    created_by: str


@dataclass
class ImportResult:
    created: int = 0
    unchanged: int = 0  # already listed: the same village or organization, domain and text


# -- checks ---------------------------------------------------------------------------------

def check_year(year: int, what: str = "未保存。") -> None:
    last = clock.today().year + 1  # the 准备阶段 of next year's campaign may start this autumn
    if not MIN_YEAR <= year <= last:
        raise ValidationFailed([FieldProblem("year", "年度", f"应在 {MIN_YEAR}–{last} 之间，现为 {year}")], what)


def wan_text(fen: int | None) -> str:
    return "" if fen is None else format_wan_exact(fen)


def domain_label(value: str) -> str:
    member = AidDomain.from_text(value)
    return member.label if member else value


def _text_key(domain: str, description: str) -> tuple[str, str]:
    return domain, match_key(description)


def need_view(n: SupplyNeed) -> NeedView:
    org = n.matched_organization
    return NeedView(n.id, n.year, n.village.township.name, n.village.name, n.village.code, n.domain,
                    domain_label(n.domain), n.description, n.budget_fen, wan_text(n.budget_fen), n.contact or "",
                    n.status, STATUS_LABELS.get(n.status, n.status), org.name if org else "", n.matched_organization_id,
                    n.created_at, n.created_by)


def offer_view(o: SupplyOffer, matched: int = 0, problem: str = "") -> OfferView:
    org = o.organization
    return OfferView(o.id, o.year, org.id, org.name, org.credit_code, o.domain, domain_label(o.domain),
                     o.description, o.budget_fen, wan_text(o.budget_fen), o.villages, matched, problem, o.created_at,
                     o.created_by)


def _resolve_organization(s: Session, spec: FormSpec, checked: CheckedRecord) -> Organization | None:
    text = checked.values.get("organization") or ""
    if not text:
        return None
    found = find_organization(s, text)
    if not found:
        checked.add(spec, "organization", f"名册里没有“{text}”，请先登记该社会组织或核对名称/统一社会信用代码")
    elif len(found) > 1:
        checked.add(spec, "organization", f"“{text}”有 {len(found)} 个同名组织，请改填统一社会信用代码")
    elif found[0].status != "active":
        checked.add(spec, "organization", f"“{found[0].name}”已注销，不能登记帮扶意向")
    else:
        return found[0]
    return None


@dataclass
class _Checked:
    record: CheckedRecord
    owner: Village | Organization | None

    def row(self, year: int, username: str, now: datetime) -> SupplyNeed | SupplyOffer:
        v = self.record.values
        common: dict[str, Any] = {"year": year, "domain": v["domain"], "description": v["description"],
                                  "budget_fen": v.get("budget_fen"), "created_at": now, "created_by": username}
        if isinstance(self.owner, Village):
            return SupplyNeed(village_id=self.owner.id, contact=v.get("contact") or None, status="open", **common)
        assert isinstance(self.owner, Organization)
        return SupplyOffer(organization_id=self.owner.id, villages=v.get("villages"), **common)

    @property
    def key(self) -> tuple[int, str, str]:
        assert self.owner is not None
        return (self.owner.id, *_text_key(self.record.values["domain"], self.record.values["description"]))


def _check(s: Session, kind: Kind, spec: FormSpec, raw: dict[str, Any]) -> _Checked:
    record = check_record(spec, raw)
    if kind == "need":
        owner: Village | Organization | None = resolve_village(s, spec, record, record.values.get("township") or "")
    else:
        owner = _resolve_organization(s, spec, record)
    return _Checked(record, owner if record.ok else None)


def _listed(s: Session, kind: Kind, year: int) -> dict[tuple[int, str, str], int]:
    """What the year already lists: (village or organization, domain, text key) → id."""
    if kind == "need":
        needs = s.scalars(select(SupplyNeed).where(SupplyNeed.year == year))
        return {(n.village_id, *_text_key(n.domain, n.description)): n.id for n in needs}
    offers = s.scalars(select(SupplyOffer).where(SupplyOffer.year == year))
    return {(o.organization_id, *_text_key(o.domain, o.description)): o.id for o in offers}


def _audit_created(s: Session, username: str, row: SupplyNeed | SupplyOffer, how: str = "") -> None:
    after: dict[str, Any]
    if isinstance(row, SupplyNeed):
        entity, who = NEED_ENTITY, f"{row.village.township.name}{row.village.name}"
        after = {"village": row.village.name, "village_code": row.village.code, "contact": row.contact}
        what = "帮扶需求"
    else:
        entity, who = _OFFER, row.organization.name
        after = {"organization": row.organization.name, "credit_code": row.organization.credit_code,
                 "villages": row.villages}
        what = "帮扶意向"
    after.update(year=row.year, domain=row.domain, description=row.description, budget_fen=row.budget_fen)
    audit.append(s, username=username, action="create", entity=entity, entity_id=row.id,
                 summary=f"登记 {row.year} 年度{what}{how}：{who}（{domain_label(row.domain)}）", after=after)


def _add(ctx: ServiceContext, kind: Kind, year: int, raw: dict[str, Any]) -> int:
    ctx.require(PERMISSION)
    what = "需求" if kind == "need" else "帮扶意向"
    check_year(year, f"{what}未保存。")
    spec = ctx.forms[NEED_FORM if kind == "need" else OFFER_FORM]
    with ctx.db.transaction() as s:
        checked = _check(s, kind, spec, raw)
        rec = checked.record
        if checked.owner is not None:
            same = _listed(s, kind, year).get(checked.key)
            if same is not None:
                rec.add(spec, "description", f"{year} 年度已登记过相同的{what}（第 {same} 号）")
        if not rec.ok:
            raise ValidationFailed([FieldProblem(i.field, i.label, i.message) for i in rec.errors], f"{what}未保存。")
        row = checked.row(year, ctx.user.username, clock.now().replace(microsecond=0))
        s.add(row)
        s.flush()
        _audit_created(s, ctx.user.username, row)
        return row.id


def add_need(ctx: ServiceContext, year: int, raw: dict[str, Any]) -> NeedView:
    """Add one village's need for ``year``; ``raw`` holds the form's fields as typed (村 by name or code)."""
    need_id = _add(ctx, "need", year, raw)
    return get_need(ctx, need_id)


def add_offer(ctx: ServiceContext, year: int, raw: dict[str, Any]) -> OfferView:
    """Add one organization's offer for ``year`` (组织 by name or 统一社会信用代码)."""
    offer_id = _add(ctx, "offer", year, raw)
    return next(o for o in list_offers(ctx, year) if o.id == offer_id)


# -- lists ----------------------------------------------------------------------------------

def needs_of(s: Session, year: int) -> list[SupplyNeed]:
    rows = s.scalars(select(SupplyNeed).where(SupplyNeed.year == year).options(
        selectinload(SupplyNeed.village).selectinload(Village.township), selectinload(SupplyNeed.matched_organization)))
    return sorted(rows, key=lambda n: (n.village.code, n.id))


def offers_of(s: Session, year: int) -> list[SupplyOffer]:
    rows = s.scalars(select(SupplyOffer).where(SupplyOffer.year == year).options(
        selectinload(SupplyOffer.organization)))
    return sorted(rows, key=lambda o: (o.organization.name, o.id))


def get_need(ctx: ServiceContext, need_id: int) -> NeedView:
    with ctx.db.reading() as s:
        need = s.get(SupplyNeed, need_id)
        if need is None:
            raise NotFound(f"没有第 {need_id} 号帮扶需求（fupin supply need list --year 年份 列出全部）。")
        return need_view(need)


def list_needs(ctx: ServiceContext, year: int, status: str | None = None) -> list[NeedView]:
    """The year's needs by village code; ``status`` open / matched / closed keeps only those."""
    with ctx.db.reading() as s:
        return [need_view(n) for n in needs_of(s, year) if status is None or n.status == status]


def list_offers(ctx: ServiceContext, year: int) -> list[OfferView]:
    with ctx.db.reading() as s:
        offers, counts = offers_of(s, year), matched_counts(s, year)
        problems = unavailable(s, year, offers, counts)
        return [offer_view(o, counts.get((o.organization_id, o.domain), 0), problems.get(o.id, "")) for o in offers]


# -- import and templates -------------------------------------------------------------------

def template(ctx: ServiceContext, kind: Kind, path: Path) -> Path:
    """The blank workbook a township (needs) or an organization (offers) fills in."""
    from fupin_desktop.documents.register_template import write_template  # openpyxl only when used

    ctx.require(PERMISSION)
    path = Path(path)
    with writing(path):
        write_template(ctx.forms[NEED_FORM if kind == "need" else OFFER_FORM], path)
    return path


def _import(ctx: ServiceContext, kind: Kind, year: int, path: Path) -> ImportResult:
    from fupin_desktop.intake.register_sheet import read_records
    from fupin_desktop.intake.workbook import read_workbook

    ctx.require(PERMISSION)
    check_year(year, "没有导入任何数据。")
    spec = ctx.forms[NEED_FORM if kind == "need" else OFFER_FORM]
    book = read_workbook(Path(path))
    records = read_records(book, spec)
    file = book.file_name

    def at(row: int | None, key: str, fallback: str, message: str) -> FieldProblem:
        label = records.columns.get(key) or (spec.field(key).label if spec.has_field(key) else fallback)
        return FieldProblem(key, label, message, row, records.sheet, file)

    def refuse(problems: list[FieldProblem]) -> ValidationFailed:
        problems = sorted(problems, key=lambda p: p.row or 0)
        return ValidationFailed(problems, f"「{file}」有 {len(problems)} 处问题，没有导入任何数据。请改正后重新导入。")

    if records.problems:
        raise refuse(records.problems)
    if not records.rows:
        raise refuse([at(records.header_row, "", "", f"工作表「{records.sheet}」在表头（第 {records.header_row} 行）"
                                                     "下面没有数据行")])
    result, problems = ImportResult(), []
    with ctx.db.transaction() as s:  # checks and writes in one: the villages found are the ones written to
        listed = _listed(s, kind, year)
        by_key: dict[tuple[int, str, str], list[int]] = {}
        fresh: list[_Checked] = []
        for sheet_row in records.rows:
            checked = _check(s, kind, spec, sheet_row.raw)
            problems += [at(sheet_row.row, i.field, i.label, i.message) for i in checked.record.errors]
            if checked.owner is None:
                continue
            by_key.setdefault(checked.key, []).append(sheet_row.row)
            if checked.key in listed:
                result.unchanged += 1
            elif len(by_key[checked.key]) == 1:
                fresh.append(checked)
        for numbers in by_key.values():
            for number in numbers if len(numbers) > 1 else ():
                others = "、".join(str(r) for r in numbers if r != number)
                problems.append(at(number, "description", "", f"与第 {others} 行是同一条（同一{'村' if kind == 'need' else '组织'}、"
                                                          "同一领域、同样内容），只能填一行"))
        if problems:
            raise refuse(problems)
        now = clock.now().replace(microsecond=0)
        for checked in fresh:
            row = checked.row(year, ctx.user.username, now)
            s.add(row)
            s.flush()
            _audit_created(s, ctx.user.username, row, f"（导入「{file}」）")
            result.created += 1
    return result


def import_needs(ctx: ServiceContext, year: int, path: Path) -> ImportResult:
    """Every row of a 帮扶需求目录 workbook for ``year``, or none (``ValidationFailed`` names each problem)."""
    return _import(ctx, "need", year, path)


def import_offers(ctx: ServiceContext, year: int, path: Path) -> ImportResult:
    """Every row of a 帮扶意向目录 workbook for ``year``, or none."""
    return _import(ctx, "offer", year, path)


# -- which offers can be proposed -----------------------------------------------------------

def matched_counts(s: Session, year: int) -> dict[tuple[int, str], int]:
    """(organization, domain) → needs of the year matched to it."""
    counts: dict[tuple[int, str], int] = {}
    for n in s.scalars(select(SupplyNeed).where(SupplyNeed.year == year, SupplyNeed.status == "matched",
                                                SupplyNeed.matched_organization_id.is_not(None))):
        assert n.matched_organization_id is not None
        key = (n.matched_organization_id, n.domain)
        counts[key] = counts.get(key, 0) + 1
    return counts


def failed_inspections(s: Session, year: int, org_ids: set[int]) -> dict[int, int]:
    """Organization → the latest of the years Y−1 and Y whose inspection concluded 不合格."""
    failed: dict[int, int] = {}
    for insp in s.scalars(select(Inspection).where(Inspection.year.in_((year - 1, year)),
                                                   Inspection.result == InspectionResult.UNQUALIFIED.value,
                                                   Inspection.organization_id.in_(org_ids))):
        failed[insp.organization_id] = max(failed.get(insp.organization_id, 0), insp.year)
    return failed


def organization_problem(org: Organization, failed_year: int | None) -> str:
    """Why an organization is not proposed for any village ("" when it may be)."""
    if org.status != "active":
        return "已注销"
    if failed_year is not None:
        return f"{failed_year} 年度年检不合格"
    return ""


def unavailable(s: Session, year: int, offers: list[SupplyOffer], counts: dict[tuple[int, str], int]
                ) -> dict[int, str]:
    """Offer → why it is not proposed for any need (已注销, 不合格, as many villages as it said it could)."""
    failed = failed_inspections(s, year, {o.organization_id for o in offers})
    problems: dict[int, str] = {}
    for o in offers:
        problem = organization_problem(o.organization, failed.get(o.organization_id))
        taken = counts.get((o.organization_id, o.domain), 0)
        if not problem and o.villages is not None and taken >= o.villages:
            problem = f"可结对 {o.villages} 个村（社区），已对接 {taken} 个"
        if problem:
            problems[o.id] = problem
    return problems


@contextmanager
def writing(target: Path) -> Iterator[None]:
    # A full disk or a workbook left open in Excel (Windows locks it) is a message, not a crash.
    try:
        yield
    except OSError as exc:
        raise KnownError(f"无法写入「{target}」：{os_error_message(exc)}如果文件正在 Excel 或 WPS 中打开，请先关闭。") from exc
