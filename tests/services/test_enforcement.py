"""查处 lists (issue 14): planted cases in the demo county are found with their evidence, clean
organizations are not, and a case marked handled shows in the list and in the workbook."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from fupin_desktop.domain.credit_code import make_credit_code
from fupin_desktop.domain.periods import Period
from fupin_desktop.errors import KnownError, NotFound, ValidationFailed
from fupin_desktop.services import enforcement, inspections, organizations
from fupin_desktop.services.enforcement import EnforcementKind, fundraising_mention, yuan
from fupin_desktop.store.models import AuditRecord, Organization, Pairing
from fupin_desktop.store.models_monthly import MonthlyReport, MonthlyRow
from fupin_desktop.store.models_supervision import SpotCheck, SpotCheckSample

FUND = EnforcementKind.FUNDRAISING
IDLE = EnforcementKind.NO_ACTIVITY
GONE = EnforcementKind.DEREGISTERED
FALSE = EnforcementKind.FAILED_VERIFICATION


def _paired(ctx, year: int) -> list[tuple[int, str, int]]:  # type: ignore[no-untyped-def]
    """(organization id, credit code, pairing id) of active organizations with one pairing in term."""
    with ctx.db.reading() as s:
        rows = s.execute(select(Organization.id, Organization.credit_code, func.min(Pairing.id))
                         .join(Pairing, Pairing.organization_id == Organization.id)
                         .where(Organization.status == "active", Pairing.status == "active",
                                Pairing.term_start <= date(year, 12, 31), Pairing.term_end >= date(year, 1, 1))
                         .group_by(Organization.id, Organization.credit_code).order_by(Organization.id))
        return [tuple(r) for r in rows]  # type: ignore[misc]


def _ids(rows: list[enforcement.Case]) -> set[int]:
    return {c.organization_id for c in rows if c.listed}


def _edit_org(ctx, org_id: int, **changes: object) -> None:  # type: ignore[no-untyped-def]
    view = organizations.get_organization(ctx, org_id)
    organizations.save_organization(ctx, {**view.values, **changes}, org_id)


def _report(ctx, pairing_id: int, today: date, *, content: str, funds_fen: int = 0, materials_fen: int = 0,
            status: str = "approved") -> str:  # type: ignore[no-untyped-def]
    """A new revision of this month's report of the pairing's township with one row; its month label."""
    month = Period.of_date(today)
    with ctx.db.transaction() as s:
        p = s.get(Pairing, pairing_id)
        rev = s.scalar(select(func.max(MonthlyReport.revision)).where(
            MonthlyReport.township_id == p.township_id, MonthlyReport.period == str(month))) or 0
        now = datetime.combine(today, datetime.min.time())
        report = MonthlyReport(township_id=p.township_id, period=str(month), revision=rev + 1, status=status,
                               source="entry", received_on=today, created_at=now, created_by="clerk")
        report.rows = [MonthlyRow(pairing_id=pairing_id, seq=1, content=content, progress="按计划推进",
                                  funds_fen=funds_fen, materials_fen=materials_fen)]
        s.add(report)
    return month.label_zh


def _agreement(ctx, pairing_id: int) -> str:  # type: ignore[no-untyped-def]
    with ctx.db.reading() as s:
        return s.get(Pairing, pairing_id).agreement_no


def test_fundraising_words_and_exact_yuan() -> None:
    assert fundraising_mention("本月通过水滴筹为患病儿童筹款") == "“本月通过水滴筹为患病儿童筹款”"
    assert "网络众筹" in (fundraising_mention("在 99公益日 开展网络众筹") or "")
    assert fundraising_mention("面向会员开展定向募捐") is None  # lawful without the qualification
    assert fundraising_mention("本月未开展募捐活动") is None
    assert fundraising_mention("入户走访，发放物资") is None
    assert fundraising_mention(None) is None
    assert yuan(1_234_567) == "12,345.67" and yuan(5) == "0.05" and yuan(0) == "0.00"
    assert yuan(10**15 + 1) == "10,000,000,000,000.01"  # exact, no float


def test_fundraising_without_qualification_found_with_month_agreement_and_money(clerk, today: date) -> None:
    year = today.year
    assert enforcement.cases(clerk, FUND, year) == []  # the demo's texts never speak of fundraising
    (a, _, pa), (b, _, pb), (c, _, pc), (d, _, pd), (e, _, pe), (f, _, pf) = _paired(clerk, year)[:6]
    _edit_org(clerk, a, public_fundraising="否")  # qualification taken away
    month = _report(clerk, pa, today, content="通过水滴筹向社会公开募集善款资助 3 名学生",
                    funds_fen=1_234_567, materials_fen=50_000)
    _edit_org(clerk, b, public_fundraising="是")  # a qualified organization may raise funds publicly
    _report(clerk, pb, today, content="开展网络募捐，筹得善款", funds_fen=300_000)
    _edit_org(clerk, c, public_fundraising="否")
    _report(clerk, pc, today, content="面向理事单位开展定向募捐", funds_fen=100_000)  # lawful: not listed
    _edit_org(clerk, d, public_fundraising="否")
    _report(clerk, pd, today, content="开展99公益日众筹", funds_fen=100_000, status="submitted")  # not approved
    with clerk.db.transaction() as s:  # the agreement itself plans it
        s.get(Pairing, pe).projects[0].indicators = "通过腾讯公益平台众筹 10 万元建设村道路灯"
        s.get(Organization, e).public_fundraising = None
    rows = enforcement.cases(clerk, FUND, year)
    assert _ids(rows) == {a, e}
    first = next(r for r in rows if r.organization_id == a)
    assert first.kind_label == "无公开募捐资格却向社会募集" and not first.handled
    assert _agreement(clerk, pa) in first.reason and f"{month}月报" in first.reason and "水滴筹" in first.reason
    assert "12,345.67 元" in first.reason and "500.00 元" in first.reason and first.amount_yuan == "12,845.67"
    assert "名册中公开募捐资格：无" in first.reason
    planned = next(r for r in rows if r.organization_id == e)
    assert _agreement(clerk, pe) in planned.reason and "腾讯公益" in planned.reason and planned.amount_fen == 0
    assert "公开募捐资格：未登记" in planned.reason
    assert f not in _ids(rows)


def test_no_activity_lists_a_new_organization_with_nothing(clerk, today: date) -> None:
    year = today.year
    before = _ids(enforcement.cases(clerk, IDLE, year))
    paired = {org_id for org_id, _, _ in _paired(clerk, year)}
    assert before and not before & paired  # the demo's organizations without pairings, none with one
    with clerk.db.reading() as s:
        deregistered = set(s.scalars(select(Organization.id).where(Organization.status == "deregistered")))
    assert deregistered and not before & deregistered
    code = make_credit_code("5", "1", "350582", "MA2Y0EMF")
    new = organizations.save_organization(clerk, {"name": "晋江市无为商会", "credit_code": code, "kind": "社会团体"}).id
    rows = enforcement.cases(clerk, IDLE, year)
    assert _ids(rows) == before | {new}
    case = next(r for r in rows if r.organization_id == new)
    assert case.credit_code == code and "没有在期的结对帮扶协议" in case.reason and "已审核月报" in case.reason
    assert "名册中没有该组织的结对帮扶协议" in case.reason


def test_deregistered_or_unqualified_still_in_term(clerk, today: date) -> None:
    year = today.year
    assert enforcement.cases(clerk, GONE, year) == []
    (a, code_a, pa), (b, _, pb), (c, _, pc), (d, _, _) = _paired(clerk, year)[:4]
    _edit_org(clerk, a, status="已注销")
    inspections.save_inspection(clerk, b, year - 1, result="不合格", received_on=date(year, 1, 1))
    _edit_org(clerk, c, status="已注销")
    with clerk.db.transaction() as s:  # c's pairings ended: no longer in a pairing
        for p in s.scalars(select(Pairing).where(Pairing.organization_id == c)):
            p.status = "ended"
    inspections.save_inspection(clerk, d, year - 1, result="基本合格", received_on=date(year, 1, 1))
    rows = enforcement.cases(clerk, GONE, year)
    assert _ids(rows) == {a, b}
    gone = next(r for r in rows if r.organization_id == a)
    assert gone.status_label == "已注销" and gone.credit_code == code_a
    assert f"{today.year}年{today.month}月{today.day}日登记注销" in gone.reason
    assert _agreement(clerk, pa) in gone.reason and "执行中" in gone.reason
    failed = next(r for r in rows if r.organization_id == b)
    assert f"{year - 1} 年度年检结论：不合格" in failed.reason and _agreement(clerk, pb) in failed.reason
    assert _agreement(clerk, pc) not in " ".join(r.reason for r in rows)


def _sample(ctx, year: int, checks: list[tuple[int, bool | None, str]], today: date) -> None:  # type: ignore[no-untyped-def]
    with ctx.db.transaction() as s:
        sample = SpotCheckSample(year=year, size=len(checks), seed="test", pairing_ids=[p for p, _, _ in checks],
                                 by_township={}, created_at=datetime.combine(today, datetime.min.time()),
                                 created_by="reviewer")
        sample.checks = [SpotCheck(pairing_id=p, truthful=truthful, findings=findings, method="实地",
                                   checked_on=today, rectification="补报真实数据" if truthful is False else "",
                                   rectify_by=today)
                         for p, truthful, findings in checks]
        s.add(sample)


def test_failed_verification_names_the_agreement_and_findings(clerk, today: date) -> None:
    year = today.year
    (a, _, pa), (b, _, pb), (c, _, pc), (d, _, pd) = _paired(clerk, year)[:4]
    _sample(clerk, year, [(pa, False, "村委会称未收到所报物资"), (pb, True, "属实"), (pc, None, "")], today)
    _sample(clerk, year - 1, [(pd, False, "去年的抽查")], today)  # another year's sample
    rows = enforcement.cases(clerk, FALSE, year)
    assert _ids(rows) == {a}
    [case] = rows
    assert _agreement(clerk, pa) in case.reason and "村委会称未收到所报物资" in case.reason
    assert "实地核实" in case.reason and "补报真实数据" in case.reason and "不属实" in case.reason
    assert _ids(enforcement.cases(clerk, FALSE, year - 1)) == {d}


def test_mark_handled_refusals_update_and_audit(clerk, reviewer, today: date) -> None:
    year = today.year
    (a, code_a, _), (b, code_b, _) = _paired(clerk, year)[:2]
    _edit_org(clerk, a, status="已注销")
    with pytest.raises(ValidationFailed, match="不能为空"):
        enforcement.mark_handled(clerk, GONE, code_a, year, "  \u3000")
    with pytest.raises(NotFound, match="名册里没有"):
        enforcement.mark_handled(clerk, GONE, make_credit_code("5", "1", "350582", "MA2Y0NMP"), year, "已核查")
    with pytest.raises(KnownError, match="不在"):
        enforcement.mark_handled(clerk, GONE, code_b, year, "已核查")  # b is not on that list
    with pytest.raises(ValidationFailed, match="名单"):
        enforcement.mark_handled(clerk, "别的名单", code_a, year, "已核查")
    with pytest.raises(ValidationFailed, match="年度"):
        enforcement.mark_handled(clerk, GONE, code_a, year + 1, "已核查")

    case = enforcement.mark_handled(clerk, "注销", code_a, year, "已责令终止结对协议")
    assert case.handled and case.note == "已责令终止结对协议" and case.handled_by == "clerk" and case.listed
    again = enforcement.mark_handled(reviewer, GONE, a, year, "协议已于本月终止，已归档")
    assert again.note == "协议已于本月终止，已归档" and again.handled_by == "reviewer"
    [listed] = [c for c in enforcement.cases(clerk, GONE, year) if c.organization_id == a]
    assert listed.handled and listed.note == again.note
    with clerk.db.reading() as s:
        records = list(s.scalars(select(AuditRecord).where(AuditRecord.entity == "enforcement_mark")
                                 .order_by(AuditRecord.seq)))
    assert [r.action for r in records] == ["create", "update"]
    assert records[1].before["note"] == "已责令终止结对协议" and records[1].after["note"] == again.note

    # Put right (active again): the handled case stays on the list, marked as no longer found.
    _edit_org(clerk, a, status="正常")
    [kept] = enforcement.cases(clerk, GONE, year)
    assert kept.organization_id == a and kept.handled and not kept.listed and "不再符合" in kept.reason


def test_export_has_one_sheet_per_list_with_handled_columns(clerk, today: date, tmp_path: Path) -> None:
    year = today.year
    (a, code_a, pa), *_ = _paired(clerk, year)
    _edit_org(clerk, a, public_fundraising="否")
    _report(clerk, pa, today, content="组织义卖筹款", funds_fen=88_800)
    enforcement.mark_handled(clerk, FUND, code_a, year, "已约谈负责人，责令退还善款")
    path = enforcement.export_xlsx(clerk, year, tmp_path / "出" / "查处线索.xlsx")
    book = load_workbook(path)
    assert book.sheetnames == [enforcement.SHEETS[k] for k in EnforcementKind]
    ws = book[enforcement.SHEETS[FUND]]
    assert ws["A1"].value == f"晋江市民政局{year}年度查处线索：无公开募捐资格却向社会募集"
    assert "严肃予以查处" in ws["A2"].value and "已处理 1 个" in ws["A2"].value
    assert [c.value for c in ws[3]] == enforcement.headers_for(FUND)
    row = {h: c.value for h, c in zip(enforcement.headers_for(FUND), ws[4], strict=True)}
    assert row["统一社会信用代码"] == code_a and row["涉及资金及物资（元）"] == "888.00"
    assert row["是否已处理"] == "已处理" and row["处理情况"] == "已约谈负责人，责令退还善款" and row["处理人"] == "clerk"
    assert _agreement(clerk, pa) in row["情形及依据"]
    idle = book[enforcement.SHEETS[IDLE]]
    assert [c.value for c in idle[3]] == enforcement.HEADERS and idle.max_row > 3
    assert book[enforcement.SHEETS[FALSE]]["A4"].value == f"{year} 年度没有发现此类情形。"
    for sheet in book:
        assert sheet.page_setup.orientation == "landscape" and int(sheet.page_setup.paperSize) == 9  # A4
        assert sheet.print_title_rows == "$3:$3"
        # One page wide without shrinking below 11 pt's 9 pt (print_fit), the columns as set.
        assert sheet.sheet_properties.pageSetUpPr.fitToPage and sheet.page_setup.fitToWidth == 1
        assert min(c.font.sz for r in sheet.iter_rows() for c in r if c.value not in (None, "")) >= 11
    one = enforcement.export_xlsx(clerk, year, tmp_path / "一类.xlsx", kinds=["全年未参与扶贫活动"])
    assert load_workbook(one).sheetnames == [enforcement.SHEETS[IDLE]]
