"""供需目录 (issue 14, seed 004 准备阶段): needs and offers added and imported all-or-nothing, the
双向选择 view's ranking and exclusions, a need matched, the printable workbook."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, inspect, select

from fupin_desktop.errors import KnownError, ValidationFailed
from fupin_desktop.services import inspections, organizations, supply_catalog, supply_matching
from fupin_desktop.services.context import Forms
from fupin_desktop.store.models import AuditRecord, Organization, Pairing, Village
from fupin_desktop.store.models_annual import Inspection
from fupin_desktop.store.models_supervision import SupplyNeed, SupplyOffer


@dataclass(frozen=True)
class Scene:
    year: int
    village: str  # a village with a pairing in term
    village_code: str
    township: str
    paired: tuple[int, str, str]  # (id, name, credit code) of the organization paired with it
    free: list[tuple[int, str, str]]  # active organizations not paired with it, no 不合格


@pytest.fixture
def scene(clerk, today: date) -> Scene:  # type: ignore[no-untyped-def]
    year = today.year
    with clerk.db.reading() as s:
        p = s.scalars(select(Pairing).where(Pairing.target_kind == "village", Pairing.status == "active",
                                            Pairing.term_start <= date(year, 12, 31),
                                            Pairing.term_end >= date(year, 1, 1)).order_by(Pairing.id)).first()
        village = s.get(Village, p.village_id)
        near = {x for (x,) in s.execute(select(Pairing.organization_id).where(Pairing.village_id == village.id))}
        failed = {x for (x,) in s.execute(select(Inspection.organization_id).where(Inspection.result == "unqualified"))}
        free = [(o.id, o.name, o.credit_code) for o in s.scalars(select(Organization).where(
            Organization.status == "active").order_by(Organization.id)) if o.id not in near | failed]
        org = p.organization
        return Scene(year, village.name, village.code, village.township.name, (org.id, org.name, org.credit_code),
                     free[:4])


def counts(ctx) -> tuple[int, int, int]:  # type: ignore[no-untyped-def]
    with ctx.db.reading() as s:
        return tuple(s.scalar(select(func.count()).select_from(t)) for t in (SupplyNeed, SupplyOffer, AuditRecord))


def fill(template: Path, target: Path, rows: list[list[object]]) -> Path:
    """The blank template as a township fills it: one row per list, from row 2."""
    book = load_workbook(template)
    ws = book.active
    for r, values in enumerate(rows, start=2):
        for c, value in enumerate(values, start=1):
            ws.cell(r, c).value = value
    book.save(target)
    return target


# -- needs ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("form", "model"), [("supply_need", SupplyNeed), ("supply_offer", SupplyOffer)])
def test_every_plain_field_of_the_forms_is_a_column(form: str, model: type) -> None:
    columns = {c.key for c in inspect(model).columns}
    assert [f.name for f in Forms()[form].fields if f.type != "ref" and f.name not in columns] == []


def test_need_import_with_bad_rows_stores_nothing_and_names_row_and_field(clerk, scene: Scene, tmp_path: Path
                                                                         ) -> None:
    blank = supply_catalog.template(clerk, "need", tmp_path / "需求模板.xlsx")
    assert [c.value for c in load_workbook(blank).active[1]] == [
        "镇（街道）", "村（社区）*", "帮扶领域*", "需求内容*", "资金需求（万元）", "联系人及电话"]
    good = [scene.township, scene.village, "教育", "留守儿童课后辅导", 5, "王主任 13800000000"]
    bad = fill(blank, tmp_path / "安海镇需求.xlsx", [
        good,
        ["", "不存在村", "教育", "修路", 3, ""],
        ["", scene.village_code, "航天", "卫星", 3, ""],
        ["", scene.village, "产业", "茶叶加工", -2, ""],
        ["", scene.village, "健康", "义诊", "三万", ""],
        ["", scene.village, "就业", "", 1, ""],
    ])
    before = counts(clerk)
    with pytest.raises(ValidationFailed) as caught:
        supply_catalog.import_needs(clerk, scene.year, bad)
    problems = caught.value.problems
    assert caught.value.summary == "「安海镇需求.xlsx」有 5 处问题，没有导入任何数据。请改正后重新导入。"
    assert [(p.row, p.label) for p in problems] == [(3, "村（社区）"), (4, "帮扶领域"), (5, "资金需求（万元）"),
                                                   (6, "资金需求（万元）"), (7, "需求内容")]
    text = [str(p) for p in problems]
    assert text[0] == "文件「安海镇需求.xlsx」工作表「帮扶需求目录」第3行「村（社区）」：本县没有名为（或代码为）“不存在村”的村（社区）"
    assert "「航天」不是可选的值" in text[1] and "不能为负数" in text[2] and "应为数字" in text[3]
    assert text[4].endswith("「需求内容」：必须填写")
    assert counts(clerk) == before  # nothing stored, nothing audited

    fixed = fill(blank, tmp_path / "改正后.xlsx", [good, ["", scene.village_code, "产业", "茶叶加工", "2.5", ""]])
    assert supply_catalog.import_needs(clerk, scene.year, fixed) == supply_catalog.ImportResult(created=2)
    again = supply_catalog.import_needs(clerk, scene.year, fixed)  # the same file twice adds nothing
    assert again == supply_catalog.ImportResult(created=0, unchanged=2)
    needs = supply_catalog.list_needs(clerk, scene.year)
    assert [(n.village, n.domain_label, n.budget_fen, n.status_label) for n in needs] == [
        (scene.village, "教育", 5_000_000, "待对接"), (scene.village, "产业", 2_500_000, "待对接")]
    assert needs[0].contact == "王主任 13800000000" and needs[0].budget_wan == "5.00"
    with clerk.db.reading() as s:
        summaries = list(s.scalars(select(AuditRecord.summary).where(AuditRecord.entity == "supply_need")))
    assert summaries == [f"登记 {scene.year} 年度帮扶需求（导入「改正后.xlsx」）：{scene.township}{scene.village}（教育）",
                         f"登记 {scene.year} 年度帮扶需求（导入「改正后.xlsx」）：{scene.township}{scene.village}（产业）"]


def test_the_same_row_twice_in_a_file_is_refused_on_both(clerk, scene: Scene, tmp_path: Path) -> None:
    blank = supply_catalog.template(clerk, "need", tmp_path / "模板.xlsx")
    row = [scene.township, scene.village, "教育", "助学", 1, ""]
    with pytest.raises(ValidationFailed) as caught:
        supply_catalog.import_needs(clerk, scene.year, fill(blank, tmp_path / "重复.xlsx", [row, row]))
    assert [(p.row, p.label) for p in caught.value.problems] == [(2, "需求内容"), (3, "需求内容")]
    assert "与第 3 行是同一条" in caught.value.problems[0].message
    assert supply_catalog.list_needs(clerk, scene.year) == []


def test_add_need_checks_like_the_import(clerk, scene: Scene) -> None:
    need = supply_catalog.add_need(clerk, scene.year, {"village": scene.village, "domain": "健康",
                                                       "description": "村卫生室设备", "budget_fen": "3.5万元"})
    assert (need.id, need.township, need.budget_fen, need.status) == (1, scene.township, 3_500_000, "open")
    with pytest.raises(ValidationFailed, match="已登记过相同的需求（第 1 号）"):
        supply_catalog.add_need(clerk, scene.year, {"village": scene.village_code, "domain": "健康",
                                                    "description": "村卫生室设备"})
    with pytest.raises(ValidationFailed) as caught:
        supply_catalog.add_need(clerk, scene.year + 5, {"village": "", "domain": "x", "description": ""})
    assert [p.label for p in caught.value.problems] == ["年度"]
    with pytest.raises(ValidationFailed) as caught:
        supply_catalog.add_need(clerk, scene.year, {"village": "", "domain": "x", "description": ""})
    assert {p.label for p in caught.value.problems} == {"村（社区）", "帮扶领域", "需求内容"}
    assert len(supply_catalog.list_needs(clerk, scene.year)) == 1


# -- offers -----------------------------------------------------------------------------------

def test_offer_import_by_name_or_credit_code_refuses_unknown_and_deregistered(clerk, scene: Scene,
                                                                              tmp_path: Path) -> None:
    (a, name_a, _), (b, _, code_b), (c, name_c, _) = scene.free[:3]
    organizations.save_organization(clerk, {**organizations.get_organization(clerk, c).values, "status": "已注销"}, c)
    blank = supply_catalog.template(clerk, "offer", tmp_path / "意向模板.xlsx")
    rows = [[name_a, "教育", "助学金", 10, 2], [code_b, "健康", "义诊", "", ""], ["没有这个商会", "教育", "x", 1, 1],
            [name_c, "教育", "y", 1, 1], [name_a, "产业", "z", 1, 0]]
    with pytest.raises(ValidationFailed) as caught:
        supply_catalog.import_offers(clerk, scene.year, fill(blank, tmp_path / "意向.xlsx", rows))
    assert [(p.row, p.label) for p in caught.value.problems] == [(4, "社会组织"), (5, "社会组织"),
                                                                (6, "可结对村（社区）数")]
    assert "名册里没有“没有这个商会”" in caught.value.problems[0].message
    assert "已注销" in caught.value.problems[1].message
    assert supply_catalog.list_offers(clerk, scene.year) == []
    result = supply_catalog.import_offers(clerk, scene.year, fill(blank, tmp_path / "改正.xlsx", rows[:2]))
    assert result.created == 2
    offers = {o.organization_id: o for o in supply_catalog.list_offers(clerk, scene.year)}
    assert (offers[a].budget_fen, offers[a].villages, offers[b].budget_fen, offers[b].villages) == (
        10_000_000, 2, None, None)


# -- 双向选择 ----------------------------------------------------------------------------------

def _offer(ctx, year: int, org: str, domain: str, budget: object = None, villages: object = None):  # type: ignore[no-untyped-def]
    raw = {"organization": org, "domain": domain, "description": f"{domain}帮扶", "budget_fen": budget,
           "villages": villages}
    return supply_catalog.add_offer(ctx, year, raw)


def test_match_view_ranks_same_domain_first_and_leaves_out_the_paired_organization(clerk, scene: Scene) -> None:
    (a, name_a, code_a), (b, name_b, _), (c, name_c, _), (d, name_d, _) = scene.free
    need = supply_catalog.add_need(clerk, scene.year, {"village": scene.village, "domain": "教育",
                                                       "description": "助学", "budget_fen": 5})
    _offer(clerk, scene.year, name_a, "健康", 50)  # other domain, plenty of money
    _offer(clerk, scene.year, code_a, "教育", 3)  # same domain, too little
    _offer(clerk, scene.year, name_b, "教育", 8)  # same domain, enough
    _offer(clerk, scene.year, scene.paired[2], "教育", 100)  # already paired with the village
    _offer(clerk, scene.year, name_c, "教育")  # same domain, amount not known
    _offer(clerk, scene.year, name_d, "教育", 20)
    inspections.save_inspection(clerk, d, scene.year - 1, result="不合格", received_on=date(scene.year, 1, 1))

    view = supply_matching.match_view(clerk, scene.year)
    [m] = view.open_needs
    assert m.need.id == need.id
    assert [(c.offer.organization, c.offer.domain_label) for c in m.candidates] == [
        (name_b, "教育"), (name_c, "教育"), (name_a, "教育"), (name_a, "健康")]
    assert [c.rank for c in m.candidates] == [1, 2, 3, 4]
    assert m.candidates[0].note == "领域相同；计划投入 8.00 万元，足够"
    assert m.candidates[2].note == "领域相同；计划投入 3.00 万元，少于资金需求 5.00 万元"
    assert m.candidates[3].note == "领域不同（健康）；计划投入 50.00 万元，足够" and m.candidates[3].same_domain is False
    paired_name = scene.paired[1]
    assert all(c.offer.organization != paired_name for c in m.candidates)
    assert m.excluded == [(paired_name, f"已与{scene.village}结对（{_agreement(clerk, scene)}）")]
    assert [(o.organization, o.problem) for o in view.unavailable_offers] == [(name_d, f"{scene.year - 1} 年度年检不合格")]
    assert len(view.unmatched_offers) == 6 and view.matched_needs == []


def _agreement(ctx, scene: Scene) -> str:  # type: ignore[no-untyped-def]
    with ctx.db.reading() as s:
        return s.scalar(select(Pairing.agreement_no).where(
            Pairing.organization_id == scene.paired[0], Pairing.village_id == Village.id,
            Village.code == scene.village_code).order_by(Pairing.id))


def test_match_need_is_audited_and_fills_the_offer(clerk, scene: Scene) -> None:
    (a, name_a, code_a), (b, name_b, _) = scene.free[:2]
    first = supply_catalog.add_need(clerk, scene.year, {"village": scene.village, "domain": "教育", "description": "助学"})
    second = supply_catalog.add_need(clerk, scene.year, {"village": scene.village, "domain": "教育",
                                                         "description": "图书室"})
    _offer(clerk, scene.year, name_a, "教育", villages=1)
    _offer(clerk, scene.year, name_b, "教育")
    with pytest.raises(KnownError, match=f"已与{scene.village}结对"):
        supply_matching.match_need(clerk, first.id, scene.paired[2])
    matched = supply_matching.match_need(clerk, first.id, code_a)
    assert (matched.status_label, matched.matched_organization) == ("已对接", name_a)
    with clerk.db.reading() as s:
        rec = s.scalars(select(AuditRecord).where(AuditRecord.entity == "supply_need", AuditRecord.action == "update")
                        ).one()
    assert rec.entity_id == str(first.id) and rec.username == "clerk"
    assert rec.before == {"status": "open", "matched_organization": None}
    assert rec.after["matched_organization"] == name_a and rec.summary.endswith(f"对接 {name_a}")

    view = supply_matching.match_view(clerk, scene.year)
    assert [m.need.id for m in view.open_needs] == [second.id]
    assert [n.id for n in view.matched_needs] == [first.id]
    # a's offer took on the one village it said it could: no longer proposed, and no longer unmatched.
    assert [c.offer.organization for c in view.open_needs[0].candidates] == [name_b]
    assert [(o.organization, o.problem) for o in view.unavailable_offers] == [
        (name_a, "可结对 1 个村（社区），已对接 1 个")]
    assert [o.organization for o in view.unmatched_offers] == [name_b]
    with pytest.raises(KnownError, match="没有第 99 号帮扶需求"):
        supply_matching.match_need(clerk, 99, code_a)
    organizations.save_organization(clerk, {**organizations.get_organization(clerk, b).values, "status": "已注销"}, b)
    with pytest.raises(KnownError, match=f"“{name_b}”已注销，未对接第 {second.id} 号需求"):
        supply_matching.match_need(clerk, second.id, b)
    assert supply_catalog.get_need(clerk, second.id).status == "open"


def test_export_is_print_ready_with_candidates_in_order(clerk, scene: Scene, tmp_path: Path) -> None:
    (a, name_a, _), (b, name_b, _) = scene.free[:2]
    supply_catalog.add_need(clerk, scene.year, {"village": scene.village, "domain": "教育", "description": "助学",
                                                "budget_fen": "2.5", "contact": "=1+1"})
    _offer(clerk, scene.year, name_a, "健康", 9)
    _offer(clerk, scene.year, name_b, "教育", 9)
    path = supply_matching.export_xlsx(clerk, scene.year, tmp_path / "导出" / "对接表.xlsx")
    book = load_workbook(path)
    ws, offers = book["双向选择"], book["未对接的帮扶意向"]
    assert ws["A1"].value == f"{scene.year} 年度供需目录双向选择对接表"
    assert [ws.cell(4, c).value for c in (1, 3, 4, 5, 6, 7, 8)] == [1, scene.village, "教育", "助学", Decimal("2.5"),
                                                                 "=1+1", "待对接"]
    assert ws.cell(4, 7).data_type == "s"  # a contact typed as a formula stays text
    assert ws.cell(4, 9).value.split("\n") == [f"1. {name_b}（领域相同；计划投入 9.00 万元，足够）",
                                               f"2. {name_a}（领域不同（健康）；计划投入 9.00 万元，足够）"]
    for sheet in (ws, offers):
        assert sheet.page_setup.orientation == "landscape" and int(sheet.page_setup.paperSize) == 9
        assert sheet.print_title_rows == "$3:$3" and sheet.sheet_properties.pageSetUpPr.fitToPage
        assert sheet.page_setup.fitToWidth == 1
    assert [offers.cell(r, 2).value for r in (4, 5)] == sorted([name_a, name_b])
