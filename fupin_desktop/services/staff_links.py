"""民政系统干部职工挂钩帮扶民政服务机构 (seed 004, 晋政民〔2020〕28号: 民政系统干部职工与民政服务机构
挂钩帮扶): a person of the bureau helps a 福利机构. Not a pairing: the helper is not an organization."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from fupin_desktop.domain.records import check_record
from fupin_desktop.domain.text import match_key
from fupin_desktop.errors import NotFound
from fupin_desktop.services.context import ServiceContext
from fupin_desktop.services.permissions import Permission
from fupin_desktop.services.records import RecordView, SaveResult, changed, refuse_if_errors, snapshot
from fupin_desktop.services.versions import check_version, refusing_stale
from fupin_desktop.store import audit
from fupin_desktop.store.models import Campaign, Institution, StaffLink
from fupin_desktop.store.serial import serialize

FORM = "staff_link"
_SCALARS = ("link_no", "staff_name", "staff_unit", "staff_position", "signed_on", "term_start", "term_end",
            "commitments", "status")


def _view(link: StaffLink) -> RecordView:
    values = {name: getattr(link, name) for name in _SCALARS}
    values.update(institution=link.institution.name, campaign=link.campaign.name if link.campaign else None)
    return RecordView(link.id, values, {"institution_id": link.institution_id, "campaign_id": link.campaign_id},
                      version=link.version)


def _audited(link: StaffLink, spec: Any) -> dict[str, Any]:
    return {**snapshot(link, spec), "institution": link.institution.name if link.institution else None,
            "campaign": link.campaign.name if link.campaign else None}


def list_staff_links(ctx: ServiceContext) -> list[RecordView]:
    with ctx.db.reading() as s:
        stmt = (select(StaffLink).order_by(StaffLink.link_no)
                .options(selectinload(StaffLink.institution), selectinload(StaffLink.campaign)))
        return [_view(x) for x in s.scalars(stmt)]


def _next_number(session: Session, year: int) -> str:
    prefix = f"GG{year}-"
    serialize(session, f"link_no:{year}")
    taken = set(session.scalars(select(StaffLink.link_no).where(StaffLink.link_no.like(prefix + "%"))))
    n = len(taken) + 1
    while f"{prefix}{n:04d}" in taken:
        n += 1
    return f"{prefix}{n:04d}"


def save_staff_link(ctx: ServiceContext, raw: dict[str, Any], link_id: int | None = None, *,
                    expected_version: int | None = None) -> SaveResult:
    ctx.require(Permission.EDIT_REGISTER)
    spec = ctx.forms[FORM]
    checked = check_record(spec, raw)
    with refusing_stale(ctx, StaffLink, link_id), ctx.db.transaction() as s:
        target = s.get(StaffLink, link_id) if link_id else None
        if link_id and target is None:
            raise NotFound("找不到这条挂钩帮扶记录。")
        if target is not None:
            check_version(s, target, expected_version, ctx.user.username)
        v = checked.values
        institution = campaign = None
        if checked.ok:
            key = match_key(v["institution"])
            institution = next((i for i in s.scalars(select(Institution)) if match_key(i.name) == key), None)
            if institution is None:
                checked.add(spec, "institution", f"没有名为“{v['institution']}”的福利机构，请先登记")
            if v.get("campaign"):
                key = match_key(v["campaign"])
                campaign = next((c for c in s.scalars(select(Campaign)) if match_key(c.name) == key), None)
                if campaign is None:
                    checked.add(spec, "campaign", f"没有名为“{v['campaign']}”的专项行动")
            if v.get("link_no"):
                clash = s.scalar(select(StaffLink).where(StaffLink.link_no == v["link_no"]))
                if clash is not None and clash.id != link_id:
                    checked.add(spec, "link_no", "这个挂钩编号已被使用")
        refuse_if_errors(checked, "挂钩帮扶")
        link = target or StaffLink()
        before = _audited(link, spec) if target else {}
        for name in _SCALARS:
            if v.get(name) is not None:
                setattr(link, name, v[name])
        link.link_no = link.link_no or _next_number(s, v["signed_on"].year)
        link.status = link.status or "active"
        link.institution, link.campaign = institution, campaign  # type: ignore[assignment]
        s.add(link)
        s.flush()
        b, a = changed(before, _audited(link, spec))
        audit.append(s, username=ctx.user.username, action="update" if target else "create", entity=FORM,
                     entity_id=link.id, summary=f"保存挂钩帮扶 {link.link_no}：{link.staff_name} ↔ {link.institution.name}",
                     before=b, after=a)
        return SaveResult(link.id, target is None, checked.warnings)
