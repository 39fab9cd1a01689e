"""年终评估 scores and 典型, the 表彰名单 (its sealed PDF 名单) and the 等级评估加分 workbook (issue 14)."""

from __future__ import annotations

import io
import subprocess
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from fupin_desktop.domain import clock
from fupin_desktop.domain.credit_code import make_credit_code
from fupin_desktop.domain.periods import Period
from fupin_desktop.errors import KnownError, NotFound, PermissionDenied
from fupin_desktop.services import audit_log, commendations, evaluations, pairings, receiving, seal
from fupin_desktop.services.context import ServiceContext
from fupin_desktop.services.records import RecordView
from fupin_desktop.services.settings import bureau

YEAR = clock.today().year  # every demo pairing runs through this year
CASE = ("组织 12 名志愿者每月入村，开设茶叶种植技能培训班 6 期，带动 38 户脱贫户户均增收 4200 元；"
        "协调爱心企业设立助学金，资助在校学生 21 名。")


def _pairings(ctx: ServiceContext, n: int) -> list[RecordView]:
    """``n`` pairings of different organizations, in term this year, with a village as target."""
    seen: set[str] = set()
    out = []
    for v in pairings.list_pairings(ctx):
        if v.values.get("target_kind") == "village" and v.values["organization"] not in seen \
                and v.values["term_start"].year <= YEAR <= v.values["term_end"].year:
            seen.add(v.values["organization"])
            out.append(v)
    assert len(out) >= n
    return out[:n]


def _text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout


def test_scores_are_whole_numbers_from_0_to_100(reviewer) -> None:
    (p,) = _pairings(reviewer, 1)
    no = p.values["agreement_no"]
    for bad in (101, -1, "85.5", "八十"):
        with pytest.raises(KnownError, match="评估得分"):
            evaluations.evaluate(reviewer, no, YEAR, "优秀", score=bad)
    assert evaluations.list_evaluations(reviewer, YEAR) == []  # nothing stored on a refusal
    v = evaluations.evaluate(reviewer, no, YEAR, "优秀", score="９２")  # full-width digits, as typed
    assert v.score == 92
    assert evaluations.evaluate(reviewer, no, YEAR, "优秀", score=0).score == 0
    assert evaluations.evaluate(reviewer, no, YEAR, "优秀", score=100).score == 100
    assert evaluations.evaluate(reviewer, no, YEAR, "优秀").score is None  # saving again replaces it all
    log = audit_log.list_records(reviewer, entity="evaluation", entity_id=v.id)
    assert log[1].after == {"grade": "excellent", "remarks": "", "score": 100}


def test_a_typical_needs_a_case_text_and_a_grade_of_excellent_or_good(reviewer) -> None:
    (p,) = _pairings(reviewer, 1)
    no = p.values["agreement_no"]
    with pytest.raises(KnownError, match=r"需写典型案例.*现为 0 字"):
        evaluations.evaluate(reviewer, no, YEAR, "优秀", typical=True)
    with pytest.raises(KnownError, match=r"现为 8 字"):
        evaluations.evaluate(reviewer, no, YEAR, "优秀", typical=True, case_text="产业帮扶 成效显著")
    with pytest.raises(KnownError, match="最多 2000 字"):
        evaluations.evaluate(reviewer, no, YEAR, "良好", typical=True, case_text="好" * 2001)
    with pytest.raises(KnownError, match="评为合格的结对不能选为典型.*优秀或良好"):
        evaluations.evaluate(reviewer, no, YEAR, "合格", typical=True, case_text=CASE)
    with pytest.raises(KnownError, match="只有选为典型的结对才写典型案例"):
        evaluations.evaluate(reviewer, no, YEAR, "优秀", case_text=CASE)
    assert evaluations.list_evaluations(reviewer, YEAR) == []
    v = evaluations.evaluate(reviewer, no, YEAR, "良好", "按计划完成", score=86, typical=True,
                             case_text=f"  {CASE}\n\n第二段：村民评价很高，持续帮扶。  ")
    assert (v.grade_label, v.score, v.typical) == ("良好", 86, True)
    assert v.case_text == f"{CASE}\n第二段：村民评价很高，持续帮扶。"  # paragraphs kept, blank lines dropped
    (listed,) = evaluations.list_evaluations(reviewer, YEAR)
    assert listed.typical and listed.case_text == v.case_text


def _marked_year(reviewer: ServiceContext) -> tuple[list[RecordView], ServiceContext]:
    a, b, c = _pairings(reviewer, 3)
    evaluations.evaluate(reviewer, a.id, YEAR, "优秀", "成效显著", score=95)
    evaluations.evaluate(reviewer, b.id, YEAR, "良好", score=88, typical=True, case_text=CASE)
    evaluations.evaluate(reviewer, c.id, YEAR, "合格", score=70)
    return [a, b, c], reviewer


def test_propose_suggests_the_excellent_and_typical_organizations_without_adding_them(reviewer) -> None:
    (a, b, c), _ = _marked_year(reviewer)
    proposals = commendations.propose(reviewer, YEAR)
    by_name = {x.organization: x for x in proposals}
    assert set(by_name) == {a.values["organization"], b.values["organization"]}
    first = by_name[a.values["organization"]]
    assert first.pairings[0].agreement_no == a.values["agreement_no"] and first.pairings[0].score == 95
    assert "年终评估为优秀（95分）" in first.reason and a.values["target"] in first.reason
    assert "入选典型案例" in by_name[b.values["organization"]].reason
    assert not first.listed and commendations.list_entries(reviewer, YEAR) == []  # suggested, not added

    entry = commendations.add_unit(reviewer, YEAR, reason=first.reason, organization=first.organization_id,
                                   pairing=first.pairing_id)
    assert (entry.name, entry.agreement_no, entry.credit_code) == (first.organization, a.values["agreement_no"],
                                                                   first.credit_code)
    assert {x.organization: x.listed for x in commendations.propose(reviewer, YEAR)} == {
        a.values["organization"]: True, b.values["organization"]: False}
    assert commendations.propose(reviewer, YEAR - 1) == []


def test_entries_are_added_and_removed_by_the_reviewer_only_and_audited(reviewer, clerk) -> None:
    (a,) = _pairings(reviewer, 1)
    org = a.values["organization"]
    with pytest.raises(PermissionDenied):
        commendations.add_unit(clerk, YEAR, org, "结对帮扶成效显著")
    with pytest.raises(KnownError, match="表彰理由"):
        commendations.add_unit(reviewer, YEAR, org, "  ")
    unit = commendations.add_unit(reviewer, YEAR, org, "结对帮扶成效显著")
    assert unit.organization_id is not None and unit.credit_code  # a name of the register is linked
    with pytest.raises(KnownError, match="已在"):
        commendations.add_unit(reviewer, YEAR, f" {org} ", "再次添加")
    other = commendations.add_unit(reviewer, YEAR, "晋江市恒安爱心企业联合会", "捐资助学")  # any unit by name
    assert other.organization_id is None and other.kind_label == "先进单位"
    with pytest.raises(NotFound, match="名册里没有统一社会信用代码为"):
        commendations.add_unit(reviewer, YEAR, make_credit_code("5", "1", "350582", "MJ000000"), "不存在的代码")
    with pytest.raises(KnownError, match="不是有效的统一社会信用代码"):
        commendations.add_unit(reviewer, YEAR, "51350582MJ000000X0", "校验码不对")
    with pytest.raises(KnownError, match="工作单位"):
        commendations.add_individual(reviewer, YEAR, "陈堃", "", "驻村帮扶三年")
    person = commendations.add_individual(reviewer, YEAR, "陈堃", org, "驻村帮扶三年，带动产业发展")
    assert (person.kind, person.name, person.unit, person.organization_id) == ("individual", "陈堃", org,
                                                                               unit.organization_id)
    with pytest.raises(KnownError, match="已在"):
        commendations.add_individual(reviewer, YEAR, "陈堃", org, "重复")
    listed = commendations.list_entries(clerk, YEAR)
    assert [(e.kind, e.name) for e in listed] == [("unit", org), ("unit", "晋江市恒安爱心企业联合会"),
                                                  ("individual", "陈堃")]
    with pytest.raises(PermissionDenied):
        commendations.remove(clerk, other.id)
    commendations.remove(reviewer, other.id)
    assert [e.id for e in commendations.list_entries(reviewer, YEAR)] == [unit.id, person.id]
    with pytest.raises(NotFound):
        commendations.remove(reviewer, other.id)
    log = audit_log.list_records(reviewer, entity="commendation", entity_id=other.id)
    assert [r.action for r in log] == ["delete", "create"]
    assert log[0].before is not None and log[0].before["name"] == "晋江市恒安爱心企业联合会"


def test_the_sealed_list_has_both_sections_and_the_case_texts_and_the_city_accepts_it(reviewer, city,
                                                                                     tmp_path: Path) -> None:
    with pytest.raises(KnownError, match="表彰名单还是空的"):
        commendations.seal_list(reviewer, YEAR, tmp_path / "usb", "demo")
    (a, b, _c), _ = _marked_year(reviewer)
    for x in commendations.propose(reviewer, YEAR):
        commendations.add_unit(reviewer, YEAR, reason=x.reason, organization=x.organization_id, pairing=x.pairing_id)
    commendations.add_individual(reviewer, YEAR, "王𠮷", b.values["organization"], "带领志愿者驻村服务 200 余天")
    pem, _, fingerprint = seal.export_certificate(reviewer, tmp_path / "county.pem")
    receiving.trust_add(city, pem, bureau(reviewer.db).division_code, confirmed_fingerprint=fingerprint)

    printed = commendations.seal_list(reviewer, YEAR, tmp_path / "usb", "demo")
    assert printed.version == 1 and printed.package.name.endswith(f"_表彰名单_{YEAR}_v1.zip")
    assert printed.pdf.name.endswith(f"{YEAR}年度社会组织参与脱贫攻坚先进单位和先进个人名单_v1.pdf")
    with zipfile.ZipFile(printed.package) as zf:
        assert zf.read("report.pdf") == printed.pdf.read_bytes()  # the signed PDF itself, to print
        book = load_workbook(io.BytesIO(zf.read("report.xlsx")))
    verdict = receiving.verify(city, printed.package)
    assert verdict.ok, verdict.problems
    assert (verdict.report, verdict.period) == ("commendation", str(YEAR))

    text = "".join(_text(printed.pdf).split())
    title = commendations.list_title(YEAR)
    assert f"关于报送{title}的报告" in text and f"附件：{title}" in text
    units, people, cases = text.index("一、先进单位（2个）"), text.index("二、先进个人（1名）"), text.index("三、典型案例")
    assert units < text.index(a.values["organization"], units) < people < text.index("王𠮷") < cases
    assert "".join(CASE.split())[:30] in text[cases:]
    assert f"（一）{b.values['organization']}结对帮扶" in text[cases:]
    cells = {str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row if c.value is not None}
    assert {"先进单位", "先进个人", "王𠮷", a.values["organization"]} <= cells

    again = commendations.seal_list(reviewer, YEAR, tmp_path / "usb", "demo")  # a correction: the next version
    assert again.version == 2 and again.pdf != printed.pdf


def test_the_draft_has_no_seal(reviewer, tmp_path: Path) -> None:
    commendations.add_individual(reviewer, YEAR, "林晓", "晋江市慈善总会", "组织助学活动")
    pdf = commendations.write_draft(reviewer, YEAR, tmp_path)
    assert pdf.name.endswith("_草稿.pdf") and b"/ByteRange" not in pdf.read_bytes()
    text = "".join(_text(pdf).split())
    assert "一、先进单位（0个）" in text and "（无）" in text and "林晓" in text and "典型案例" not in text


def test_the_rating_bonus_workbook_lists_the_marked_organizations(reviewer, clerk, tmp_path: Path) -> None:
    (a, b, c), _ = _marked_year(reviewer)
    rows = commendations.rating_bonus(reviewer, YEAR)
    assert {r.agreement_no for r in rows} == {a.values["agreement_no"], b.values["agreement_no"]}
    with pytest.raises(PermissionDenied):
        commendations.export_rating_bonus(clerk, YEAR, tmp_path / "x.xlsx")
    path = commendations.export_rating_bonus(reviewer, YEAR, tmp_path / "out" / "加分.xlsx")
    ws = load_workbook(path).active
    assert ws.title == "等级评估加分" and "等级评估加分推荐名单" in ws["A1"].value
    assert [c.value for c in ws[3]] == commendations.RATING_HEADERS
    body = [[c.value for c in row] for row in ws.iter_rows(min_row=4)]
    by_no = {r[4]: r for r in body}
    first = by_no[a.values["agreement_no"]]
    assert (first[1], first[6], first[7], first[9]) == (a.values["organization"], "优秀", 95, f"{YEAR}年度年终评估优秀")
    assert by_no[b.values["agreement_no"]][8] == "是" and "入选典型案例" in by_no[b.values["agreement_no"]][9]
    assert c.values["agreement_no"] not in by_no
    assert ws.page_setup.orientation == "landscape" and ws.print_title_rows == "$3:$3"
    empty = load_workbook(commendations.export_rating_bonus(reviewer, YEAR - 1, tmp_path / "e.xlsx")).active
    assert "还没有评为优秀或选为典型的结对" in str(empty["A4"].value)


def test_the_list_is_a_year_report_kind() -> None:
    from fupin_desktop.services.report_kinds import REPORT_KINDS

    kind = REPORT_KINDS["commendation"]
    assert (kind.label, kind.period_kind) == ("表彰名单", "year")
    assert Period.annual(YEAR).kind == kind.period_kind
