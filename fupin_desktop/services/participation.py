"""社会组织参与脱贫攻坚情况统计: 在哪扶、扶了谁、扶了多少、效果怎么样 (国开发〔2017〕12号, seeds 001 and 003).

Two editions of the same figures. The bureau's own (``participation``) goes upward; the
public one (``participation-public``) is for publication: aggregates only (no household, no
pairing, no organization listed, no household counts by township, which the county total
would let one difference out), and counts of households and people from 1 to
``THRESHOLD - 1`` shown as ``<5`` — statistical disclosure control — with the people of a
group whose household count is hidden shown as ``*``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from fupin_desktop.documents.report_table import ReportTable, TableColumn
from fupin_desktop.domain.enums import BeneficiaryGroup, VillageFlag
from fupin_desktop.domain.money import format_wan
from fupin_desktop.domain.periods import Period
from fupin_desktop.services import summaries
from fupin_desktop.services.context import ServiceContext
from fupin_desktop.services.report_kinds import ReportContent, ReportKind, _cover, _signature_lines, register
from fupin_desktop.services.settings import bureau
from fupin_desktop.services.year_data import MET_GRADES, YearFacts, grade_counts, year_facts

TITLE = "社会组织参与脱贫攻坚情况统计"
THRESHOLD = 5  # counts of households or people below this are not published
SUPPRESSED = f"<{THRESHOLD}"
SECONDARY = "*"
PUBLIC_NOTE = (f"本表为公开版，只含汇总数，不含任何个人信息；户数、人数为 1–{THRESHOLD - 1} 的以“{SUPPRESSED}”表示，"
               f"户数已隐去的，其人数以“{SECONDARY}”表示。")
FIGURE_ROWS = (("funds_fen", "投入资金", "万元"), ("materials_fen", "物资折款", "万元"), ("jobs", "提供就业岗位", "个"),
               ("trainees", "培训", "人次"), ("volunteers", "志愿服务", "人次"), ("projects_landed", "落地项目", "个"))

Shown = int | str  # a count, or a suppression mark


def suppress(value: int, threshold: int = THRESHOLD) -> Shown:
    """A count of households or people as published: 1..threshold-1 hidden, 0 shown."""
    return SUPPRESSED if 0 < value < threshold else value


def _linked(households: int, people: int) -> tuple[Shown, Shown]:
    """Households and the people in them: if the households are hidden, so are the people."""
    shown = suppress(households)
    return shown, (SECONDARY if shown == SUPPRESSED else suppress(people))


@dataclass(frozen=True)
class _Line:
    aspect: str
    item: str
    value: str
    unit: str
    note: str = ""


def gather(facts: YearFacts) -> dict[str, Any]:
    """Every figure of the report, exact (the bureau's own edition's data.json)."""
    pairings = facts.pairings
    by_township: dict[str, list[dict[str, Any]]] = {}
    for p in pairings:
        by_township.setdefault(p["township"], []).append(p)
    villages: dict[str, dict[str, Any]] = {}
    for p in pairings:
        if p["target_kind"] == "village":
            v = villages.setdefault(p["village_code"], {"code": p["village_code"], "name": p["village"],
                                                        "township": p["township"], "flags": p["village_flags"],
                                                        "pairings": 0})
            v["pairings"] += 1
    flags = {f.label: sorted((v for v in villages.values() if f.label in v["flags"]), key=lambda v: v["code"])
             for f in VillageFlag}
    townships = []
    for name, items in by_township.items():
        codes = {p["village_code"] for p in items if p["target_kind"] == "village"}
        townships.append({
            "township": name, "pairings": len(items), "organizations": len({p["organization_id"] for p in items}),
            "villages": len(codes), "households": len({p["household_id"] for p in items if p["household_id"]}),
            "institutions": len({p["institution"] for p in items if p["institution"]}),
            "flags": {label: sum(1 for v in vs if v["code"] in codes) for label, vs in flags.items()}})
    homes = list(facts.households.values())
    groups = [{"group": g.label, "households": sum(1 for h in homes if g.value in h.groups),
               "people": sum(h.size for h in homes if g.value in h.groups)} for g in BeneficiaryGroup]
    totals = facts.totals()
    evaluated = facts.evaluations
    commended = [{"organization": p["organization"], "agreement_no": p["agreement_no"], "target": p["target"]}
                 for p in pairings if evaluated.get(p["pairing_id"], {}).get("grade") == "excellent"]
    return {
        "organizations": len({p["organization_id"] for p in pairings}), "pairings": len(pairings),
        "where": {"townships": townships, "villages": sorted(villages.values(), key=lambda v: v["code"]),
                  "flags": {label: {"villages": len(vs), "names": [v["name"] for v in vs]} for label, vs in flags.items()}},
        "who": {"households": len(homes), "people": sum(h.size for h in homes), "groups": groups,
                "villages": len(villages), "institutions": len({p["institution"] for p in pairings if p["institution"]}),
                "monthly_households": totals["households"], "monthly_beneficiaries": totals["beneficiaries"]},
        "how_much": {**totals, "budget_fen": sum(p["budget_fen"] for p in pairings),
                     "projects": sum(len(p["projects"]) for p in pairings)},
        "effect": {"evaluated": len(evaluated), "not_evaluated": len(pairings) - len(evaluated),
                   "grades": grade_counts(evaluated), "met": sum(1 for e in evaluated.values() if e["grade"] in MET_GRADES),
                   "reporting": sum(1 for p in pairings if p["pairing_id"] in facts.reported),
                   "commended_organizations": sorted({c["organization"] for c in commended}), "commended": commended},
        "totals": totals,
    }


def public_data(full: dict[str, Any]) -> dict[str, Any]:
    """The public edition's data: aggregates only, small counts of households and people hidden."""
    where, who, effect = full["where"], full["who"], full["effect"]
    townships = [{k: t[k] for k in ("township", "pairings", "organizations", "villages", "institutions", "flags")}
                 for t in where["townships"]]
    households, people = _linked(who["households"], who["people"])
    groups = []
    for g in who["groups"]:
        shown, persons = _linked(g["households"], g["people"])
        groups.append({"group": g["group"], "households": shown, "people": persons})
    return {
        "edition": "public", "threshold": THRESHOLD, "note": PUBLIC_NOTE,
        "organizations": full["organizations"], "pairings": full["pairings"],
        "where": {"townships": townships, "flags": where["flags"]},
        "who": {"households": households, "people": people, "groups": groups,
                "villages": who["villages"], "institutions": who["institutions"],
                "monthly_households": suppress(who["monthly_households"]),
                "monthly_beneficiaries": suppress(who["monthly_beneficiaries"])},
        "how_much": {k: v for k, v in full["how_much"].items() if k not in ("households", "beneficiaries")},
        "effect": {k: v for k, v in effect.items() if k not in ("commended", "commended_organizations")},
    }


def _lines(d: dict[str, Any], public: bool) -> list[_Line]:
    """The table rows, from the full data (``public``: from ``public_data``)."""
    where, who, much, effect = d["where"], d["who"], d["how_much"], d["effect"]
    a = "在哪扶"
    out = [_Line(a, "参与结对的社会组织", str(d["organizations"]), "家",
                 f"结对 {d['pairings']} 对，分布在 {len(where['townships'])} 个镇（街道）")]
    for t in where["townships"]:
        flagged = "、".join(f"{label} {n} 个" for label, n in t["flags"].items() if n)
        parts = [f"结对 {t['pairings']} 对（社会组织 {t['organizations']} 家）",
                 f"帮扶对象 {t['households']} 户" if t.get("households") else "",
                 f"福利机构 {t['institutions']} 个" if t["institutions"] else "", f"其中{flagged}" if flagged else ""]
        out.append(_Line(a, t["township"], str(t["villages"]), "个村（社区）", "；".join(p for p in parts if p)))
    for label, f in where["flags"].items():
        out.append(_Line(a, f"结对村中的{label}", str(f["villages"]), "个", "、".join(f["names"])))
    a = "扶了谁"
    out.append(_Line(a, "结对帮扶的贫困户", str(who["households"]), "户", f"共 {who['people']} 人"))
    out += [_Line(a, f"其中：{g['group']}", str(g["households"]), "户", f"涉及 {g['people']} 人") for g in who["groups"]]
    out += [_Line(a, "结对村（社区）", str(who["villages"]), "个"), _Line(a, "结对福利机构", str(who["institutions"]), "个"),
            # Summed over months: a household helped in three months counts three times (户次, not 户).
            _Line(a, "月报累计帮扶贫困户", str(who["monthly_households"]), "户次", "各结对各月月报“帮扶贫困户”之和"),
            _Line(a, "月报累计受益", str(who["monthly_beneficiaries"]), "人次", "各结对月报“受益人数”之和")]
    a = "扶了多少"
    out += [_Line(a, label, format_wan(much[key]) if key.endswith("_fen") else str(much[key]), unit)
            for key, label, unit in FIGURE_ROWS]
    out.append(_Line(a, "协议计划投入", format_wan(much["budget_fen"]), "万元", f"合作项目 {much['projects']} 个"))
    a = "效果怎么样"
    out.append(_Line(a, "已开展年终评估的结对", str(effect["evaluated"]), "对", f"未评估 {effect['not_evaluated']} 对"))
    out += [_Line(a, f"评估为{label}", str(n), "对") for label, n in effect["grades"].items()]
    out.append(_Line(a, "达到考核标准", str(effect["met"]), "对", "年终评估为合格及以上"))
    out.append(_Line(a, "有经审核月报进展的结对", str(effect["reporting"]), "对", f"在期结对 {d['pairings']} 对"))
    if not public:
        names = effect["commended_organizations"]
        out.append(_Line(a, "评估优秀、建议表扬的社会组织", str(len(names)), "家", "、".join(names)))
    return out


def _paragraphs(d: dict[str, Any]) -> list[str]:
    """一、在哪扶 … 四、效果怎么样: the letter's body, one paragraph each."""
    where, who, much, effect = d["where"], d["who"], d["how_much"], d["effect"]
    flags = "、".join(f"{label} {f['villages']} 个" for label, f in where["flags"].items())
    return [
        f"一、在哪扶。{d['organizations']} 家社会组织结对 {d['pairings']} 对，分布在 {len(where['townships'])} 个镇（街道），"
        f"结对村（社区）{who['villages']} 个，其中{flags}。",
        f"二、扶了谁。结对帮扶贫困户 {who['households']} 户 {who['people']} 人，福利机构 {who['institutions']} 个；"
        f"月报累计帮扶贫困户 {who['monthly_households']} 户次，受益 {who['monthly_beneficiaries']} 人次。",
        f"三、扶了多少。投入资金 {format_wan(much['funds_fen'])} 万元，物资折款 {format_wan(much['materials_fen'])} 万元，"
        f"提供就业岗位 {much['jobs']} 个，培训 {much['trainees']} 人次，志愿服务 {much['volunteers']} 人次，"
        f"落地项目 {much['projects_landed']} 个；协议计划投入 {format_wan(much['budget_fen'])} 万元。",
        f"四、效果怎么样。{effect['evaluated']} 对结对已开展年终评估，{effect['met']} 对达到考核标准，"
        f"其中优秀 {effect['grades'].get('优秀', 0)} 对；未评估 {effect['not_evaluated']} 对。",
    ]


def _build(public: bool) -> Callable[[ServiceContext, Period, date], ReportContent]:
    def build(ctx: ServiceContext, period: Period, today: date) -> ReportContent:
        b = bureau(ctx.db)
        full = gather(year_facts(ctx, period.year))
        incomplete = summaries.summarize(ctx, period, "township").unapproved
        d = public_data(full) if public else full
        edition = "（公开版）" if public else ""
        title = f"{TITLE}（{period.label_zh}{'，公开版' if public else ''}）"
        rows = [{"seq": n, "aspect": x.aspect, "item": x.item, "value": x.value, "unit": x.unit, "note": x.note}
                for n, x in enumerate(_lines(d, public), start=1)]
        intro = (f"根据国开发〔2017〕12号关于每年12月底前统计并公布社会组织参与脱贫攻坚情况的要求，现将"
                 f"{b.name.removesuffix('民政局')}{period.year}年社会组织参与脱贫攻坚情况报告如下。")
        body = _paragraphs(d)
        if incomplete:
            body[-1] += f"另有 {len(incomplete)} 份镇（街道）月报未报或未经审核，其数字未计入。"
        if public:
            body.append(PUBLIC_NOTE)
        notes = ["金额单位：万元；月报数字只计已审核的镇（街道）月报；“结对村”按结对对象为村（社区）的协议统计。"]
        if public:
            notes.append(PUBLIC_NOTE)
        columns = [TableColumn("seq", "序号", weight=0.4), TableColumn("aspect", "方面", weight=0.8),
                   TableColumn("item", "项目", weight=1.7), TableColumn("value", "数量", kind="decimal", weight=0.8),
                   TableColumn("unit", "单位", weight=0.8), TableColumn("note", "说明", weight=3.6)]
        table = ReportTable(title=title, unit_name=b.name, filled_on=today, period_label=period.label_zh,
                            columns=columns, rows=rows, totals=None, notes=notes, **_signature_lines(ctx))
        data = {"year": period.year, **d, "incomplete": [{"township": t, "month": m} for t, m in incomplete]}
        name, label = ("participation-public", "参与脱贫攻坚情况统计公开版") if public else \
            ("participation", "参与脱贫攻坚情况统计")
        cover = _cover(ctx, f"{b.name}关于{period.year}年{TITLE}{edition}的报告", [intro, *body, "特此报告。"], title, today)
        return ReportContent(name, label, period, cover, table, data, incomplete)
    return build


build_participation = _build(public=False)
build_public = _build(public=True)
register(ReportKind("participation", "参与脱贫攻坚情况统计", "year", build_participation))
register(ReportKind("participation-public", "参与脱贫攻坚情况统计公开版", "year", build_public))
