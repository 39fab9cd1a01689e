"""社会组织: list and search, save one (GUI/CLI), and the shared upsert used by the import."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fupin_desktop.domain.formspec import FormSpec
from fupin_desktop.domain.pinyin import search_key
from fupin_desktop.domain.records import check_record
from fupin_desktop.domain.text import match_key
from fupin_desktop.errors import NotFound
from fupin_desktop.services.context import ServiceContext
from fupin_desktop.services.permissions import Permission
from fupin_desktop.services.records import (
    RecordView,
    SaveResult,
    apply_values,
    changed,
    field_error,
    refuse_if_errors,
    snapshot,
)
from fupin_desktop.services.versions import check_version, refusing_stale
from fupin_desktop.store import audit
from fupin_desktop.store.models import Organization, Pairing

FORM = "organization"


def _view(ctx: ServiceContext, org: Organization, pairings: int = 0) -> RecordView:
    return RecordView(org.id, snapshot(org, ctx.forms[FORM], mask_personal=False), {"pairings": pairings},
                      version=org.version)


def _is_subsequence(needle: str, hay: str) -> bool:
    it = iter(hay)
    return all(ch in it for ch in needle)


def matches(query_key: str, org_code: str, key: str) -> int:
    """0 = no match; higher = better. Name part, code part, pinyin initials (also with gaps)."""
    if not query_key:
        return 1
    name_key, _, initials = key.partition(" ")
    if query_key in name_key or query_key.upper() in org_code:
        return 3
    if query_key in initials:
        return 2
    # "jjsmsh" still finds 晋江市某某商会 (jjsmmsh): initials typed with a letter left out.
    if len(query_key) >= 4 and query_key.isascii() and initials[:1] == query_key[:1] and _is_subsequence(query_key, initials):
        return 1
    return 0


def list_organizations(ctx: ServiceContext, query: str = "", *, include_deregistered: bool = True) -> list[RecordView]:
    q = match_key(query)
    with ctx.db.reading() as s:
        counts = _pairing_counts(s)
        scored = []
        for org in s.scalars(select(Organization).order_by(Organization.name)):
            if not include_deregistered and org.status != "active":
                continue
            score = matches(q, org.credit_code, org.search_key)
            if score:
                scored.append((-score, org))
        # Best match first, then in pinyin order as a Chinese list is read (initials stand in for it).
        scored.sort(key=lambda pair: (pair[0], pair[1].search_key.partition(" ")[2], pair[1].name))
        return [_view(ctx, org, counts.get(org.id, 0)) for _, org in scored]


def _pairing_counts(s: Session) -> dict[int, int]:
    return dict(s.execute(select(Pairing.organization_id, func.count()).group_by(Pairing.organization_id)).all())


def get_organization(ctx: ServiceContext, org_id: int) -> RecordView:
    with ctx.db.reading() as s:
        org = s.get(Organization, org_id)
        if org is None:
            raise NotFound("找不到这个社会组织，可能已被删除。")
        return _view(ctx, org, _pairing_counts(s).get(org.id, 0))


def write_organization(session: Session, username: str, spec: FormSpec, values: dict[str, Any],
                       target: Organization | None) -> tuple[int, bool]:
    """Store checked values into ``target`` (None: a new organization) and audit the change."""
    created = target is None
    if target is None:
        target = Organization(status="active")
        before: dict[str, Any] = {}
    else:
        before = snapshot(target, spec)
    apply_values(target, spec, values)
    target.search_key = search_key(target.name)
    if created:
        session.add(target)
    session.flush()
    after = snapshot(target, spec)
    if created:
        audit.append(session, username=username, action="create", entity=FORM, entity_id=target.id,
                     summary=f"新增社会组织 {target.name}", after=after)
    else:
        b, a = changed(before, after)
        if a:
            audit.append(session, username=username, action="update", entity=FORM, entity_id=target.id,
                         summary=f"修改社会组织 {target.name}", before=b, after=a)
    return target.id, created


def save_organization(ctx: ServiceContext, raw: dict[str, Any], org_id: int | None = None, *,
                      expected_version: int | None = None) -> SaveResult:
    """Check and save one organization typed in the dialog or given on the CLI.

    ``expected_version``: the version the user opened; someone else's save since is an
    ``EditConflict`` and nothing is written.
    """
    ctx.require(Permission.EDIT_REGISTER)
    spec = ctx.forms[FORM]
    checked = check_record(spec, raw)
    refuse_if_errors(checked, "社会组织")
    with refusing_stale(ctx, Organization, org_id), ctx.db.transaction() as s:
        target = s.get(Organization, org_id) if org_id is not None else None
        if org_id is not None and target is None:
            raise NotFound("找不到这个社会组织，可能已被删除。")
        if target is not None:  # first: the other problems may be those of a stale copy
            check_version(s, target, expected_version, ctx.user.username)
        clash = s.scalar(select(Organization).where(Organization.credit_code == checked.values["credit_code"]))
        if clash is not None and clash.id != org_id:
            raise field_error(spec, "credit_code", f"这个代码已登记为“{clash.name}”，不能重复登记", "社会组织")
        new_id, created = write_organization(s, ctx.user.username, spec, checked.values, target)
    return SaveResult(new_id, created, checked.warnings)
