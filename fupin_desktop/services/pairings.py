"""结对帮扶协议 with their 1–2 合作项目: check, resolve the names they refer to, save, list."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.attributes import flag_modified

from fupin_desktop.domain.credit_code import parse_credit_code
from fupin_desktop.domain.errors import CodeError
from fupin_desktop.domain.id_number import parse_id_number
from fupin_desktop.domain.records import CheckedRecord, check_record, check_repeats
from fupin_desktop.domain.text import match_key
from fupin_desktop.errors import FieldProblem, NotFound, ValidationFailed
from fupin_desktop.services.context import ServiceContext
from fupin_desktop.services.households import find_by_id_number
from fupin_desktop.services.permissions import Permission
from fupin_desktop.services.places import bureau_county, division_table, find_township, find_villages
from fupin_desktop.services.records import RecordView, SaveResult, changed
from fupin_desktop.services.versions import check_version, refusing_stale
from fupin_desktop.store import audit
from fupin_desktop.store.models import (
    Campaign,
    Household,
    Institution,
    Organization,
    Pairing,
    Project,
    Township,
)
from fupin_desktop.store.personal_key import PersonalDataLocked
from fupin_desktop.store.serial import serialize

FORM, PROJECT_FORM = "pairing", "project"
_SCALARS = ("agreement_no", "target_kind", "signed_on", "term_start", "term_end", "commitments",
            "assessment_standard", "status")


@dataclass
class Resolved:
    """The records a pairing's names point at, once found."""

    organization: Organization
    township: Township | None  # None for 对口支援 and for a partner organization
    target: Any  # Village | Household | Institution | RemoteTarget | PartnerOrganization
    campaign: Campaign | None
    more_campaigns: list[Campaign] = field(default_factory=list)


@dataclass(frozen=True)
class RemoteTarget:
    """对口支援: a unit of the national division table outside the county."""

    code: str
    name: str  # full name, e.g. 四川省甘孜藏族自治州色达县
    id: str = ""  # compared like the county's own targets' ids

    def __post_init__(self) -> None:
        object.__setattr__(self, "id", self.code)


@dataclass(frozen=True)
class PartnerOrganization:
    """The partner of an organization-to-organization pairing (001), often registered elsewhere."""

    name: str
    credit_code: str | None
    id: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "id", self.name)


def find_organization(session: Session, text: str) -> list[Organization]:
    try:
        code = parse_credit_code(text)
    except CodeError:
        code = ""
    if code:
        org = session.scalar(select(Organization).where(Organization.credit_code == code))
        return [org] if org else []
    key = match_key(text)
    return [o for o in session.scalars(select(Organization)) if match_key(o.name) == key]


def _resolve(session: Session, ctx_forms: Any, checked: CheckedRecord) -> Resolved | None:
    spec = ctx_forms[FORM]
    v = checked.values
    orgs = find_organization(session, v.get("organization", ""))
    org = None
    if not orgs:
        checked.add(spec, "organization", f"名册里没有“{v.get('organization')}”，请先登记该社会组织或核对名称/信用代码")
    elif len(orgs) > 1:
        checked.add(spec, "organization", f"“{v.get('organization')}”有 {len(orgs)} 个同名组织，请改填统一社会信用代码")
    else:
        org = orgs[0]
        if org.status != "active":
            checked.add(spec, "organization", f"“{org.name}”已注销，不能新建结对")
    township = None
    if v.get("township"):
        township = find_township(session, v["township"])
        if township is None:
            checked.add(spec, "township", f"本县没有名为“{v['township']}”的镇（街道）")
    target, text = None, v.get("target", "")
    kind = v.get("target_kind")
    if kind == "village":
        villages = find_villages(session, text, township)
        if not villages:
            where = f"{township.name}" if township else "本县"
            checked.add(spec, "target", f"{where}没有名为（或代码为）“{text}”的村（社区）")
        elif len(villages) > 1:
            names = "、".join(f"{x.township.name}{x.name}" for x in villages)
            checked.add(spec, "target", f"“{text}”有重名：{names}；请填“镇（街道）”或 12 位区划代码")
        else:
            target = villages[0]
    elif kind == "household":
        try:
            number = parse_id_number(text).value
        except CodeError as exc:
            checked.add(spec, "target", f"结对对象为帮扶对象时应填户主身份证号：{exc}")
        else:
            target = find_by_id_number(session, number)
            if target is None:
                checked.add(spec, "target", "帮扶对象名单里没有这个身份证号，请先登记该户")
    elif kind == "institution":
        key = match_key(text)
        found = [i for i in session.scalars(select(Institution)) if match_key(i.name) == key]
        if not found:
            checked.add(spec, "target", f"没有名为“{text}”的福利机构，请先登记")
        else:
            target = found[0]
    elif kind == "remote":
        target = _remote_target(session, spec, checked, text)
    elif kind == "organization":
        target = _partner(spec, checked, org, text, v.get("partner_credit_code"))
    if kind in ("remote", "organization") and township is not None:
        checked.add(spec, "township", "对口支援和组织结对不在本县的镇（街道）下，请留空")
    campaign = None
    campaigns = {match_key(c.name): c for c in session.scalars(select(Campaign))}
    if v.get("campaign"):
        campaign = campaigns.get(match_key(v["campaign"]))
        if campaign is None:
            checked.add(spec, "campaign", f"没有名为“{v['campaign']}”的专项行动")
    more: list[Campaign] = []
    for name in split_names(v.get("more_campaigns") or ""):
        found_campaign = campaigns.get(match_key(name))
        if found_campaign is None:
            checked.add(spec, "more_campaigns", f"没有名为“{name}”的专项行动")
        elif found_campaign is not campaign and found_campaign not in more:
            more.append(found_campaign)
    if kind in ("remote", "organization"):
        if not checked.ok or org is None or target is None:
            return None
        return Resolved(org, None, target, campaign, more)
    if target is not None:
        target_township = _target_township(target)
        if township is not None and target_township.id != township.id:
            checked.add(spec, "township", f"结对对象在{target_township.name}，不在{township.name}")
        township = target_township
    if not checked.ok or org is None or target is None or township is None:
        return None
    return Resolved(org, township, target, campaign, more)


def split_names(text: str) -> list[str]:
    """``"百社解千难、三区三州"`` → the names; 顿号, commas and semicolons all separate."""
    return [x.strip() for x in re.split(r"[、，,；;]", text) if x.strip()]


def _remote_target(session: Session, spec: Any, checked: CheckedRecord, text: str) -> RemoteTarget | None:
    """A 对口支援 target: a county, township or village code, or a name the table knows once."""
    table = division_table()
    own = bureau_county(session)
    text = text.strip()
    units = [u for u in [table.get(text)] if u is not None and len(u.code) >= 6] if text.isdigit() else [
        u for u in table.search(text, limit=20) if len(u.code) >= 6
        and (table.full_name(u.code).endswith(text) or text.endswith(u.name))]
    if not units:
        checked.add(spec, "target", f"全国区划代码表里没有“{text}”（填县、乡镇或村的区划代码或全称）")
        return None
    if len(units) > 1:
        names = "、".join(f"{table.full_name(u.code)}（{u.code}）" for u in units[:5])
        checked.add(spec, "target", f"“{text}”有重名：{names}；请填区划代码")
        return None
    unit = units[0]
    if own and unit.code.startswith(own):
        checked.add(spec, "target", f"“{unit.name}”在本县，请选结对对象类型“村（社区）”")
        return None
    return RemoteTarget(unit.code, table.full_name(unit.code))


def _partner(spec: Any, checked: CheckedRecord, org: Organization | None, text: str,
             credit_code: str | None) -> PartnerOrganization | None:
    name = text.strip()
    if not name:
        checked.add(spec, "target", "组织结对时填对方社会组织的名称")
        return None
    if org is not None and (match_key(name) == match_key(org.name) or credit_code == org.credit_code):
        checked.add(spec, "target", "结对的双方不能是同一个社会组织")
        return None
    return PartnerOrganization(name, credit_code)


def _target_township(target: Any) -> Township:
    if isinstance(target, Household):
        return target.village.township
    return target.township


REMOTE_LABEL, PARTNER_LABEL = "对口支援（县外）", "组织结对"


def township_label(p: Pairing) -> str:
    """Where a pairing is reported: its township, or 对口支援（县外） / 组织结对 outside the townships."""
    if p.township is not None:
        return p.township.name
    return REMOTE_LABEL if p.target_kind == "remote" else PARTNER_LABEL


def target_label(p: Pairing) -> str:
    if p.target_kind == "remote":
        return p.remote_name or p.remote_code or ""
    if p.target_kind == "organization":
        return p.partner_name or ""
    if p.target_kind == "village" and p.village is not None:
        return p.village.name
    if p.target_kind == "household" and p.household is not None:
        try:
            name = p.household.head_name
        except PersonalDataLocked:  # no one signed in: the village says enough
            return f"帮扶户（{p.household.village.name}）"
        return f"{name[:1]}{'*' * (len(name) - 1)}户（{p.household.village.name}）"
    if p.institution is not None:
        return p.institution.name
    return ""


def _project_issues(ctx_forms: Any, items: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[FieldProblem]]:
    spec, sub = ctx_forms[FORM], ctx_forms[PROJECT_FORM]
    checked, count_problems = check_repeats(spec, sub, items)
    problems = [FieldProblem("projects", "合作项目", m) for m in count_problems]
    for n, rec in enumerate(checked, start=1):
        for issue in rec.errors:
            problems.append(FieldProblem(f"project{n}.{issue.field}", f"项目{n}{issue.label}", issue.message))
    return [rec.values for rec in checked], problems


@dataclass(frozen=True)
class CheckedPairing:
    values: dict[str, Any]
    projects: list[dict[str, Any]]
    resolved: Resolved


def check_pairing(session: Session, forms: Any, raw: dict[str, Any], projects: list[dict[str, Any]]
                  ) -> tuple[CheckedPairing | None, list[FieldProblem], list[FieldProblem]]:
    """Every problem of one pairing (fields, references, projects) → (checked, errors, warnings)."""
    checked = check_record(forms[FORM], raw)
    resolved = _resolve(session, forms, checked) if checked.ok else None
    project_values, project_problems = _project_issues(forms, projects)
    errors = [FieldProblem(i.field, i.label, i.message) for i in checked.errors] + project_problems
    warnings = [FieldProblem(i.field, i.label, i.message) for i in checked.warnings]
    if errors or resolved is None:
        return None, errors, warnings
    return CheckedPairing(checked.values, project_values, resolved), errors, warnings


def _next_agreement_no(session: Session, year: int) -> str:
    prefix = f"JD{year}-"
    serialize(session, f"agreement_no:{year}")
    taken = set(session.scalars(select(Pairing.agreement_no).where(Pairing.agreement_no.like(prefix + "%"))))
    n = len(taken) + 1
    while f"{prefix}{n:04d}" in taken:
        n += 1
    return f"{prefix}{n:04d}"


def _snapshot(p: Pairing) -> dict[str, Any]:
    values = {name: getattr(p, name) for name in _SCALARS}
    values.update(organization=p.organization.name, township=township_label(p),
                  target=target_label(p), campaign=p.campaign.name if p.campaign else None,
                  more_campaigns="、".join(c.name for c in p.also_campaigns) or None,
                  partner_credit_code=p.partner_credit_code)
    values["projects"] = [
        {"name": x.name, "domain": x.domain, "method": x.method, "budget_fen": x.budget_fen, "indicators": x.indicators}
        for x in p.projects
    ]
    return values


def find_existing(session: Session, cp: CheckedPairing) -> Pairing | None:
    """The pairing an import row means: same agreement number, else same organization and target."""
    number = cp.values.get("agreement_no")
    if number:
        return session.scalar(select(Pairing).where(Pairing.agreement_no == number))
    r = cp.resolved
    column = {"village": Pairing.village_id, "household": Pairing.household_id,
              "institution": Pairing.institution_id, "remote": Pairing.remote_code,
              "organization": Pairing.partner_name}[cp.values["target_kind"]]
    return session.scalar(select(Pairing).where(
        Pairing.organization_id == r.organization.id, column == r.target.id, Pairing.status == "active"))


def write_pairing(session: Session, username: str, cp: CheckedPairing, target: Pairing | None) -> tuple[int, bool]:
    created = target is None
    before = {} if target is None else _snapshot(target)
    p = target or Pairing()
    v, r = cp.values, cp.resolved
    for name in _SCALARS:
        if name in v and v[name] is not None:
            setattr(p, name, v[name])
    if not p.agreement_no:
        p.agreement_no = _next_agreement_no(session, v["signed_on"].year)
    p.status = p.status or "active"
    p.organization, p.township, p.campaign = r.organization, r.township, r.campaign
    if [c.id for c in p.also_campaigns] != [c.id for c in r.more_campaigns]:
        p.also_campaigns = sorted(r.more_campaigns, key=lambda c: c.name)
    p.village = p.household = p.institution = None
    p.remote_code = p.remote_name = p.partner_name = p.partner_credit_code = None
    if v["target_kind"] == "village":
        p.village = r.target
    elif v["target_kind"] == "household":
        p.household, p.village = r.target, r.target.village
    elif v["target_kind"] == "remote":
        p.remote_code, p.remote_name = r.target.code, r.target.name
    elif v["target_kind"] == "organization":
        p.partner_name, p.partner_credit_code = r.target.name, r.target.credit_code
    else:
        p.institution = r.target
    new_projects = [dict(item) for item in cp.projects]
    if target is not None and before.get("projects") != new_projects:
        p.projects.clear()
        session.flush()  # old rows out before the new ones go in: UNIQUE(pairing_id, seq)
    if target is None or before.get("projects") != new_projects:
        p.projects = [Project(seq=n, **item) for n, item in enumerate(new_projects, start=1)]
    if target is not None and before.get("projects") != new_projects:
        # The projects are rows of their own: without this the pairing's UPDATE (and its version
        # bump) is skipped when only they changed, and a stale copy could overwrite them.
        flag_modified(p, "status")
    session.add(p)
    session.flush()
    b, a = changed(before, _snapshot(p))
    if not a:
        return p.id, False
    audit.append(session, username=username, action="create" if created else "update", entity=FORM, entity_id=p.id,
                 summary=f"{'新增' if created else '修改'}结对 {p.agreement_no}：{r.organization.name} ↔ {target_label(p)}",
                 before=b, after=a)
    return p.id, created


def save_pairing(ctx: ServiceContext, raw: dict[str, Any], projects: list[dict[str, Any]],
                 pairing_id: int | None = None, *, expected_version: int | None = None) -> SaveResult:
    """``expected_version``: the version the user opened; someone else's save since is an
    ``EditConflict`` and nothing is written."""
    ctx.require(Permission.EDIT_REGISTER)
    with refusing_stale(ctx, Pairing, pairing_id), ctx.db.transaction() as s:
        target = s.get(Pairing, pairing_id) if pairing_id else None
        if pairing_id and target is None:
            raise NotFound("找不到这份结对协议。")
        if target is not None:  # first: the other problems may be those of a stale copy
            check_version(s, target, expected_version, ctx.user.username)
        cp, errors, warnings = check_pairing(s, ctx.forms, raw, projects)
        if cp is not None and cp.values.get("agreement_no"):
            clash = s.scalar(select(Pairing).where(Pairing.agreement_no == cp.values["agreement_no"]))
            if clash is not None and clash.id != pairing_id:
                errors.append(FieldProblem("agreement_no", "协议编号", "这个协议编号已被另一份结对使用"))
        if errors or cp is None:
            raise ValidationFailed(errors, f"结对未保存：有 {len(errors)} 处需要改正。")
        new_id, created = write_pairing(s, ctx.user.username, cp, target)
    from fupin_desktop.domain.records import Issue

    return SaveResult(new_id, created, [Issue(w.field, w.label, w.message, False) for w in warnings])


def _view(p: Pairing) -> RecordView:
    values = {name: getattr(p, name) for name in _SCALARS}
    values.update(organization=p.organization.name, township=township_label(p),
                  target=target_label(p), campaign=p.campaign.name if p.campaign else None,
                  more_campaigns="、".join(c.name for c in p.also_campaigns) or None,
                  partner_credit_code=p.partner_credit_code)
    projects = [
        {"name": x.name, "domain": x.domain, "method": x.method, "budget_fen": x.budget_fen, "indicators": x.indicators}
        for x in p.projects
    ]
    target_code = p.village.code if p.village is not None else p.remote_code or ""
    return RecordView(p.id, values, {
        "projects": projects, "budget_fen": sum(x["budget_fen"] for x in projects),
        "credit_code": p.organization.credit_code, "target_code": target_code,
        "township_code": p.township.code if p.township else "",
        "organization_id": p.organization_id, "township_id": p.township_id, "village_id": p.village_id,
        "household_id": p.household_id, "institution_id": p.institution_id, "campaign_id": p.campaign_id,
    }, version=p.version)


def list_pairings(ctx: ServiceContext, query: str = "", township_id: int | None = None) -> list[RecordView]:
    q = match_key(query)
    with ctx.db.reading() as s:
        stmt = (select(Pairing).order_by(Pairing.agreement_no)
                .options(selectinload(Pairing.projects), selectinload(Pairing.organization),
                         selectinload(Pairing.township), selectinload(Pairing.village),
                         selectinload(Pairing.household), selectinload(Pairing.institution),
                         selectinload(Pairing.campaign), selectinload(Pairing.also_campaigns)))
        if township_id is not None:
            stmt = stmt.where(Pairing.township_id == township_id)
        views = [_view(p) for p in s.scalars(stmt)]
    if q:
        views = [v for v in views if any(q in match_key(str(v.values.get(k) or ""))
                                          for k in ("organization", "target", "township", "agreement_no"))]
    return views


def get_pairing(ctx: ServiceContext, pairing_id: int) -> RecordView:
    with ctx.db.reading() as s:
        p = s.get(Pairing, pairing_id)
        if p is None:
            raise NotFound("找不到这份结对协议。")
        return _view(p)


def editable_values(view: RecordView) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """A stored pairing as the dialog fills its fields: references as codes, the rest as stored
    values (money in fen), which the dialog shows with ``FieldSpec.display``."""
    values = dict(view.values)
    if values["target_kind"] in ("village", "remote"):
        values["target"] = view.extra["target_code"] or values["target"]
    values["organization"] = view.extra["credit_code"]
    return values, list(view.extra["projects"])
