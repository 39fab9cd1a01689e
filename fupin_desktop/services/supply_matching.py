"""双向选择 of the 供需目录 (issue 14): for each open need of a year, the offers ranked; the pair
chosen recorded; the table to print for the meeting.

Seed 004 (../shared/seeds/004_91e17e8b4e54ce05.txt, 晋政民〔2020〕28号「百社解千难」实施方案,
四、组织实施（一）准备阶段), l. 55: "2.双向选择结成对子。5月15日前，市民政局和各乡镇（街道）加强协调对接，
指导村（社区）与社会组织共商结对事宜。" The lists come from ``services.supply_catalog`` (l. 53: 形成供需目录).

How the offers for an open need are ranked (``match_view``):

* left out, with the reason: an organization that is not 正常 (已注销), whose annual inspection
  of the year or the year before concluded 不合格 (as the 查处 list ``services.enforcement``), or
  whose offer in that domain has taken on as many villages as it said it could (needs of the year
  matched to it in that domain) — these for every need; and, for one need, an organization that
  already has a village pairing with that village still 执行中 or in term in the year (one
  organization, one village: 004 l. 35 "一对一");
* then ordered: the need's own domain first; within that, an offer whose 计划投入 covers the 资金需求
  before one whose amount is not known, before one that falls short (shown and marked, not
  hidden: a smaller offer may still be agreed); then by organization name.

``match_need`` records the pair chosen (the need becomes 已对接, audited; an organization 已注销,
不合格 or already paired with the village is refused, a full offer is not: the meeting decides);
the agreement itself is then entered as usual (``fupin pairing add``).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from fupin_desktop.domain import clock
from fupin_desktop.domain.money import fen_to_wan
from fupin_desktop.errors import KnownError, NotFound
from fupin_desktop.services.context import ServiceContext
from fupin_desktop.services.pairings import find_organization
from fupin_desktop.services.supply_catalog import (
    NEED_ENTITY,
    PERMISSION,
    NeedView,
    OfferView,
    check_year,
    domain_label,
    failed_inspections,
    matched_counts,
    need_view,
    needs_of,
    offer_view,
    offers_of,
    organization_problem,
    unavailable,
    wan_text,
    writing,
)
from fupin_desktop.services.year_data import in_term
from fupin_desktop.store import audit
from fupin_desktop.store.models import Organization, Pairing
from fupin_desktop.store.models_supervision import SupplyNeed

__all__ = ["TOP_CANDIDATES", "Candidate", "MatchView", "NeedMatch", "export_xlsx", "match_need", "match_view"]


@dataclass(frozen=True)
class Candidate:
    rank: int
    offer: OfferView
    same_domain: bool
    budget_fits: bool | None  # None: an amount is not known
    note: str  # 领域相同；计划投入 8.00 万元，足够 …


@dataclass(frozen=True)
class NeedMatch:
    need: NeedView
    candidates: list[Candidate]
    excluded: list[tuple[str, str]]  # (organization, why) for offers left out for this village only


@dataclass(frozen=True)
class MatchView:
    year: int
    open_needs: list[NeedMatch]  # 待对接, each with its ranked candidates
    matched_needs: list[NeedView]
    unmatched_offers: list[OfferView]  # no need of the year matched to the organization in its domain
    unavailable_offers: list[OfferView]  # not proposed for any need (``problem`` says why)

    @property
    def counts_text(self) -> str:
        return (f"{self.year} 年度需求 {len(self.open_needs) + len(self.matched_needs)} 条（已对接 "
                f"{len(self.matched_needs)} 条，待对接 {len(self.open_needs)} 条）；尚未对接的帮扶意向 "
                f"{len(self.unmatched_offers)} 条，其中不宜推荐 {len(self.unavailable_offers)} 条")


# -- the view ---------------------------------------------------------------------------------

def _paired(s: Session, year: int) -> dict[tuple[int, int], str]:
    """(organization, village) → agreement number, for village pairings 执行中 or in term in the year."""
    stmt = select(Pairing).where(Pairing.target_kind == "village", Pairing.village_id.is_not(None),
                                 or_(Pairing.status == "active", in_term(year)))
    return {(p.organization_id, p.village_id): p.agreement_no for p in s.scalars(stmt) if p.village_id is not None}


def _candidates(need: SupplyNeed, offers: list[OfferView], paired: dict[tuple[int, int], str]
                ) -> tuple[list[Candidate], list[tuple[str, str]]]:
    ranked: list[tuple[tuple[int, int, str, int], OfferView, bool, bool | None]] = []
    excluded: list[tuple[str, str]] = []
    for offer in offers:
        agreement = paired.get((offer.organization_id, need.village_id))
        if agreement is not None:
            excluded.append((offer.organization, f"已与{need.village.name}结对（{agreement}）"))
            continue
        same = offer.domain == need.domain
        fits = None if need.budget_fen is None or offer.budget_fen is None else offer.budget_fen >= need.budget_fen
        budget_rank = {True: 0, None: 1, False: 2}[fits]
        ranked.append(((0 if same else 1, budget_rank, offer.organization, offer.id), offer, same, fits))
    ranked.sort(key=lambda item: item[0])
    candidates = []
    for rank, (_, offer, same, fits) in enumerate(ranked, start=1):
        notes = ["领域相同" if same else f"领域不同（{offer.domain_label}）"]
        if fits is False:
            notes.append(f"计划投入 {offer.budget_wan} 万元，少于资金需求 {wan_text(need.budget_fen)} 万元")
        elif offer.budget_wan:
            notes.append(f"计划投入 {offer.budget_wan} 万元" + ("，足够" if fits else ""))
        candidates.append(Candidate(rank, offer, same, fits, "；".join(notes)))
    return candidates, excluded


def match_view(ctx: ServiceContext, year: int) -> MatchView:
    """The year's open needs, each with the offers ranked for it; matched needs; offers not yet matched."""
    with ctx.db.reading() as s:
        needs, offers = needs_of(s, year), offers_of(s, year)
        counts = matched_counts(s, year)
        problems = unavailable(s, year, offers, counts)
        views = [offer_view(o, counts.get((o.organization_id, o.domain), 0), problems.get(o.id, "")) for o in offers]
        available = [v for v in views if not v.problem]
        paired = _paired(s, year)
        open_needs = [NeedMatch(need_view(n), *_candidates(n, available, paired)) for n in needs if n.status == "open"]
        return MatchView(year, open_needs, [need_view(n) for n in needs if n.status == "matched"],
                         [v for v in views if v.matched == 0], [v for v in views if v.problem])


def _find_org(s: Session, organization: int | str) -> Organization:
    if isinstance(organization, int) or (organization.strip().isdigit() and len(organization.strip()) < 18):
        org = s.get(Organization, int(organization))
        if org is None:
            raise NotFound(f"名册里没有编号为 {organization} 的社会组织。")
        return org
    found = find_organization(s, organization)
    if len(found) != 1:
        detail = f"有 {len(found)} 个同名组织，请改用统一社会信用代码" if found else "名册里没有这个社会组织"
        raise NotFound(f"“{organization}”：{detail}。")
    return found[0]


def match_need(ctx: ServiceContext, need_id: int, organization_id: int | str) -> NeedView:
    """Record that need ``need_id`` is taken on by the organization (its id, name or 统一社会信用代码);
    audited. A need already matched to another organization is moved (the record says from whom)."""
    ctx.require(PERMISSION)
    with ctx.db.transaction() as s:
        need = s.get(SupplyNeed, need_id)
        if need is None:
            raise NotFound(f"没有第 {need_id} 号帮扶需求（fupin supply need list --year 年份 列出全部）。")
        org = _find_org(s, organization_id)
        label = f"第 {need.id} 号需求（{need.village.township.name}{need.village.name}，{domain_label(need.domain)}）"
        if need.status == "closed":
            raise KnownError(f"{label}已关闭，不能再对接。")
        if need.matched_organization_id == org.id:
            return need_view(need)
        problem = organization_problem(org, failed_inspections(s, need.year, {org.id}).get(org.id))
        agreement = _paired(s, need.year).get((org.id, need.village_id))
        if agreement is not None:
            problem = f"已与{need.village.name}结对（{agreement}），不需要再对接"
        if problem:
            raise KnownError(f"“{org.name}”{problem}，未对接{label}。")
        before = {"status": need.status, "matched_organization": need.matched_organization.name
                  if need.matched_organization else None}
        need.status, need.matched_organization_id = "matched", org.id
        s.flush()
        s.refresh(need)
        audit.append(s, username=ctx.user.username, action="update", entity=NEED_ENTITY, entity_id=need.id,
                     summary=f"{label}对接 {org.name}", before=before,
                     after={"status": "matched", "matched_organization": org.name, "credit_code": org.credit_code})
        return need_view(need)


# -- the workbook ---------------------------------------------------------------------------

TOP_CANDIDATES = 3  # in the printed table: the first three, as a meeting can talk them through


def _wan(fen: int | None) -> Decimal | str:
    return "" if fen is None else fen_to_wan(fen)  # a number in the sheet: it can be summed


def _candidate_text(c: Candidate) -> str:
    return f"{c.rank}. {c.offer.organization}（{c.note}）"


def export_xlsx(ctx: ServiceContext, year: int, path: Path) -> Path:
    """The 双向选择 view as a workbook to print: the needs with their candidates, then the offers not matched."""
    # openpyxl only when used
    from fupin_desktop.documents.supply_workbook import TableSheet, write_supply_workbook
    from fupin_desktop.services.settings import bureau

    check_year(year, "未导出。")
    view = match_view(ctx, year)
    name = bureau(ctx.db).name
    day = clock.today()
    today = f"{day.year}年{day.month}月{day.day}日"
    needs = [[n, m.need.township, m.need.village, m.need.domain_label, m.need.description, _wan(m.need.budget_fen),
              m.need.contact, m.need.status_label, "\n".join(_candidate_text(c) for c in m.candidates[:TOP_CANDIDATES])
              or "暂无合适的帮扶意向", ""] for n, m in enumerate(view.open_needs, start=1)]
    start = len(needs)
    needs += [[start + n, x.township, x.village, x.domain_label, x.description, _wan(x.budget_fen), x.contact,
               x.status_label, x.matched_organization, ""] for n, x in enumerate(view.matched_needs, start=1)]
    offers = [[n, o.organization, o.credit_code, o.domain_label, o.description, _wan(o.budget_fen),
               "" if o.villages is None else o.villages, o.problem] for n, o in enumerate(view.unmatched_offers, start=1)]
    sheets = [
        TableSheet("双向选择", f"{year} 年度供需目录双向选择对接表",
                   f"{name}　{today}导出　待对接的需求在前，候选社会组织按匹配程度排列（同领域在前，计划投入足够的在前）",
                   ["序号", "镇（街道）", "村（社区）", "帮扶领域", "需求内容", "资金需求（万元）", "联系人及电话", "状态",
                    f"候选社会组织（前 {TOP_CANDIDATES} 个）或已对接的社会组织", "对接意见"],
                   [5, 10, 11, 9, 28, 9, 14, 7, 46, 12], needs, [view.counts_text]),
        TableSheet("未对接的帮扶意向", f"{year} 年度尚未对接的社会组织帮扶意向", f"{name}　{today}导出",
                   ["序号", "社会组织", "统一社会信用代码", "帮扶领域", "可提供的帮扶", "计划投入（万元）", "可结对村（社区）数",
                    "不宜推荐的原因"],
                   [5, 26, 20, 9, 40, 9, 9, 24], offers, [f"共 {len(offers)} 条"]),
    ]
    path = Path(path)
    with writing(path):
        path.parent.mkdir(parents=True, exist_ok=True)
        return write_supply_workbook(path, sheets)
