"""专项行动 and their progress against targets (e.g. 百社解千难: 100 organizations)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import distinct, func, select

from fupin_desktop.domain.records import check_record
from fupin_desktop.errors import NotFound
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
from fupin_desktop.store import audit
from fupin_desktop.store.models import Campaign, Pairing

FORM = "campaign"


def list_campaigns(ctx: ServiceContext) -> list[RecordView]:
    """Each campaign with its progress: organizations and villages paired, pairings."""
    with ctx.db.reading() as s:
        progress = {
            cid: (orgs, villages, pairings)
            for cid, orgs, villages, pairings in s.execute(
                select(Pairing.campaign_id, func.count(distinct(Pairing.organization_id)),
                       func.count(distinct(Pairing.village_id)), func.count())
                .where(Pairing.campaign_id.is_not(None), Pairing.status == "active")
                .group_by(Pairing.campaign_id)
            )
        }
        views = []
        for c in s.scalars(select(Campaign).order_by(Campaign.year, Campaign.name)):
            orgs, villages, pairings = progress.get(c.id, (0, 0, 0))
            views.append(RecordView(c.id, snapshot(c, ctx.forms[FORM]),
                                    {"organizations": orgs, "villages": villages, "pairings": pairings}))
        return views


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
