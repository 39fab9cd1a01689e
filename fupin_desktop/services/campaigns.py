"""专项行动: create, edit, close, their phases, and their progress against targets.

Seed 004 (晋政民〔2020〕28号, 百社解千难) sets a campaign's targets (100 organizations, 100 villages)
and its phases with dates (准备阶段: 4月30日前 供需目录; 5月15日前 双向选择; 实施阶段; 总结阶段 in
December). A pairing is reported under one campaign (``Pairing.campaign``) and may count towards
more (``Pairing.also_campaigns``): progress counts a pairing in every campaign it joined.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from fupin_desktop.domain import clock
from fupin_desktop.domain.periods import Period
from fupin_desktop.domain.records import check_record
from fupin_desktop.errors import FieldProblem, KnownError, NotFound, ValidationFailed
from fupin_desktop.services.context import ServiceContext
from fupin_desktop.services.permissions import Permission
from fupin_desktop.services.records import (
    RecordView,
    SaveResult,
    apply_values,
    changed,
    refuse_if_errors,
    snapshot,
)
from fupin_desktop.services.summaries import latest_approved
from fupin_desktop.store import audit
from fupin_desktop.store.models import Campaign, CampaignPhase, Pairing, PairingCampaign, StaffLink
from fupin_desktop.store.models_monthly import MonthlyRow

FORM = "campaign"
MAX_PHASES = 12

# Progress measures and the target each is held against (None: shown without a target).
MEASURES = (("organizations", "target_organizations", "社会组织"), ("villages", "target_villages", "村（社区）"),
            ("households", "target_households", "帮扶户"), ("projects", "target_projects", "项目"),
            ("funds_fen", "target_funds_fen", "已报投入资金"))


@dataclass(frozen=True)
class PhaseDue:
    campaign: str
    name: str
    starts_on: date | None
    due_on: date
    closed: bool


def _members(s: Any) -> dict[int, set[int]]:
    """Campaign id → ids of the active pairings counted in it (its own and those that also joined)."""
    out: dict[int, set[int]] = {}
    for pid, cid in s.execute(select(Pairing.id, Pairing.campaign_id)
                              .where(Pairing.campaign_id.is_not(None), Pairing.status == "active")):
        out.setdefault(cid, set()).add(pid)
    for pid, cid in s.execute(select(PairingCampaign.pairing_id, PairingCampaign.campaign_id)
                              .join(Pairing, Pairing.id == PairingCampaign.pairing_id)
                              .where(Pairing.status == "active")):
        out.setdefault(cid, set()).add(pid)
    return out


def _progress(s: Any, c: Campaign, ids: set[int], staff_links: int) -> dict[str, int]:
    if not ids:
        return {"organizations": 0, "villages": 0, "households": 0, "projects": 0, "funds_fen": 0,
                "budget_fen": 0, "pairings": 0, "remote": 0, "staff_links": staff_links}
    found = list(s.scalars(select(Pairing).where(Pairing.id.in_(ids)).options(selectinload(Pairing.projects))))
    # 已报投入资金: the approved monthly figures (newest revision of each township-month) since the
    # campaign's first year; the agreements' budgets are ``budget_fen``.
    reports = latest_approved(Period.month(c.year, 1), Period.month(max(c.year, clock.today().year), 12))
    funds = s.scalar(select(func.coalesce(func.sum(MonthlyRow.funds_fen), 0))
                     .join(reports, reports.c.report_id == MonthlyRow.report_id)
                     .where(MonthlyRow.pairing_id.in_(ids)))
    return {
        "organizations": len({p.organization_id for p in found}),
        "villages": len({p.village_id for p in found if p.target_kind == "village"}),
        "households": len({p.household_id for p in found if p.household_id}),
        "projects": sum(len(p.projects) for p in found),
        "funds_fen": int(funds or 0),
        "budget_fen": sum(int(x.budget_fen) for p in found for x in p.projects),
        "pairings": len(found),
        "remote": sum(1 for p in found if p.target_kind == "remote"),
        "staff_links": staff_links,
    }


def list_campaigns(ctx: ServiceContext) -> list[RecordView]:
    """Each campaign with its progress (organizations, villages, households, projects, money)."""
    with ctx.db.reading() as s:
        members = _members(s)
        links: dict[int, int] = {}
        for cid in s.scalars(select(StaffLink.campaign_id).where(StaffLink.campaign_id.is_not(None),
                                                                 StaffLink.status == "active")):
            links[cid] = links.get(cid, 0) + 1
        views = []
        for c in s.scalars(select(Campaign).order_by(Campaign.year, Campaign.name)
                           .options(selectinload(Campaign.phases))):
            extra: dict[str, Any] = _progress(s, c, members.get(c.id, set()), links.get(c.id, 0))
            extra["status"] = c.status
            extra["closed_on"] = c.closed_on
            extra["phases"] = [{"seq": p.seq, "name": p.name, "starts_on": p.starts_on, "due_on": p.due_on,
                                "note": p.note or ""} for p in c.phases]
            views.append(RecordView(c.id, snapshot(c, ctx.forms[FORM]), extra))
        return views


def find_campaign(ctx: ServiceContext, ref: str) -> RecordView:
    found = [v for v in list_campaigns(ctx) if str(v.id) == ref or v.values["name"] == ref]
    if not found:
        raise NotFound(f"没有名为或编号为“{ref}”的专项行动（fupin campaign list 列出全部）。")
    return found[0]


def save_campaign(ctx: ServiceContext, raw: dict[str, Any], campaign_id: int | None = None) -> SaveResult:
    ctx.require(Permission.EDIT_REGISTER)
    spec = ctx.forms[FORM]
    checked = check_record(spec, raw)
    with ctx.db.transaction() as s:
        if checked.ok:
            clash = s.scalar(select(Campaign).where(Campaign.name == checked.values["name"]))
            if clash is not None and clash.id != campaign_id:
                checked.add(spec, "name", "已有同名的专项行动")
        refuse_if_errors(checked, "专项行动")
        target = s.get(Campaign, campaign_id) if campaign_id else Campaign()
        if target is None:
            raise NotFound("找不到这个专项行动。")
        before = snapshot(target, spec) if campaign_id else {}
        apply_values(target, spec, checked.values)
        s.add(target)
        s.flush()
        b, a = changed(before, snapshot(target, spec))
        audit.append(s, username=ctx.user.username, action="update" if campaign_id else "create", entity=FORM,
                     entity_id=target.id, summary=f"保存专项行动 {target.name}", before=b, after=a)
        return SaveResult(target.id, campaign_id is None, checked.warnings)


def close_campaign(ctx: ServiceContext, campaign_id: int, on: date | None = None, *, reopen: bool = False) -> None:
    """总结阶段 done: the campaign is closed (its pairings keep running; new ones may not join it)."""
    ctx.require(Permission.EDIT_REGISTER)
    on = on or clock.today()
    with ctx.db.transaction() as s:
        c = s.get(Campaign, campaign_id)
        if c is None:
            raise NotFound("找不到这个专项行动。")
        if reopen == (c.status == "open"):
            raise KnownError(f"专项行动“{c.name}”{'本来就在进行中' if reopen else '已经结束'}。")
        if not reopen and c.starts_on is not None and on < c.starts_on:
            raise ValidationFailed([FieldProblem("closed_on", "结束日期", "不能早于行动开始日期")], "专项行动未结束。")
        before = {"status": c.status, "closed_on": c.closed_on}
        c.status, c.closed_on = ("open", None) if reopen else ("closed", on)
        audit.append(s, username=ctx.user.username, action="update", entity=FORM, entity_id=c.id,
                     summary=f"{'重新开启' if reopen else '结束'}专项行动 {c.name}", before=before,
                     after={"status": c.status, "closed_on": c.closed_on})


def save_phases(ctx: ServiceContext, campaign_id: int, phases: list[dict[str, Any]]) -> None:
    """Replace a campaign's phases: each {name, starts_on?, due_on, note?}, in order."""
    ctx.require(Permission.EDIT_REGISTER)
    problems: list[FieldProblem] = []
    if len(phases) > MAX_PHASES:
        problems.append(FieldProblem("phases", "阶段", f"最多 {MAX_PHASES} 个阶段"))
    cleaned = []
    for n, raw in enumerate(phases, start=1):
        name = str(raw.get("name") or "").strip()
        starts, due = raw.get("starts_on"), raw.get("due_on")
        if not name or len(name) > 40:
            problems.append(FieldProblem(f"phase{n}.name", f"第{n}阶段名称", "必须填写，最多 40 字"))
        if not isinstance(due, date):
            problems.append(FieldProblem(f"phase{n}.due_on", f"第{n}阶段截止日期", "必须填写日期"))
        elif isinstance(starts, date) and starts > due:
            problems.append(FieldProblem(f"phase{n}.starts_on", f"第{n}阶段开始日期", "不能晚于截止日期"))
        cleaned.append({"seq": n, "name": name, "starts_on": starts if isinstance(starts, date) else None,
                        "due_on": due, "note": str(raw.get("note") or "").strip() or None})
    with ctx.db.transaction() as s:
        c = s.get(Campaign, campaign_id)
        if c is None:
            raise NotFound("找不到这个专项行动。")
        for n, p in enumerate(cleaned, start=1):
            if isinstance(p["due_on"], date) and c.ends_on is not None and p["due_on"] > c.ends_on:
                problems.append(FieldProblem(f"phase{n}.due_on", f"第{n}阶段截止日期",
                                             f"晚于行动结束日期 {c.ends_on.isoformat()}"))
        if problems:
            raise ValidationFailed(problems, f"阶段未保存：有 {len(problems)} 处需要改正。")
        before = [{"name": p.name, "due_on": p.due_on} for p in c.phases]
        c.phases.clear()
        s.flush()
        c.phases = [CampaignPhase(**p) for p in cleaned]
        audit.append(s, username=ctx.user.username, action="update", entity=FORM, entity_id=c.id,
                     summary=f"修改专项行动 {c.name} 的阶段", before={"phases": before},
                     after={"phases": [{"name": p["name"], "due_on": p["due_on"]} for p in cleaned]})


def phases_due_in(ctx: ServiceContext, year: int) -> list[PhaseDue]:
    with ctx.db.reading() as s:
        stmt = (select(CampaignPhase, Campaign).join(Campaign, Campaign.id == CampaignPhase.campaign_id)
                .where(CampaignPhase.due_on >= date(year, 1, 1), CampaignPhase.due_on <= date(year, 12, 31))
                .order_by(CampaignPhase.due_on))
        return [PhaseDue(c.name, p.name, p.starts_on, p.due_on, c.status == "closed") for p, c in s.execute(stmt)]
