"""半年通报 addressed downward (下行文) to the townships and the organizations (notice 004).

Notice 004 (../shared/seeds/004_91e17e8b4e54ce05.txt, 五（二）) sets up “季度汇总、半年通报、年终评估”:
the half-year's work is made known (通报) to those doing it, with the problems found and what is
expected next. The ``half-year`` report kind (``report_kinds``) is the same half's summary sent
upward as a 报告; this is the bureau's own 公文 to 各镇人民政府、街道办事处 and 各有关社会组织:

- 发文机关 the bureau, 主送 the townships (by the kinds of township the county has: 镇, 乡, 街道)
  and the organizations; 抄送 the bureau's upward 主送机关 and its own 抄送 setting;
- 一、总体情况: the half's approved monthly figures (``summaries.summarize`` by township, so the
  figures are those of every other summary), the visits and the spot checks of the half;
- 二、好的做法和经验: what the visits of the half found worth spreading (``visits`` findings);
- 三、存在的问题: the visits' problems and 整改, the spot checks found untrue or with a 整改, the
  townships whose months are missing or unapproved, and the 整改 overdue on the notice's date;
- 四、下半年工作要求 (下一步 after the second half), closed by 特此通报。;
- 附件: the figures by township (the landscape table the other reports carry).

It is written as an unsealed draft (PDF and workbook, like ``year_reports.write_draft``): a
downward notice is not a 报送 package, so it has no place in ``submit`` (whose letters are
upward 报告 with 签发人); the bureau prints, numbers and stamps it as it does its other 公文.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from fupin_desktop.documents.bureau_excel import workbook_bytes
from fupin_desktop.documents.gongwen import CoverLetter, write_report_pdf
from fupin_desktop.documents.package import write_safely
from fupin_desktop.documents.report_table import ReportTable, TableColumn
from fupin_desktop.domain import clock
from fupin_desktop.domain.money import format_wan
from fupin_desktop.domain.periods import Period
from fupin_desktop.errors import KnownError
from fupin_desktop.services import spotcheck, summaries, visits
from fupin_desktop.services.context import ServiceContext
from fupin_desktop.services.places import list_townships
from fupin_desktop.services.report_kinds import (
    SEED_004,
    ReportContent,
    _figure_columns,
    _sentence,
    _signature_lines,
)
from fupin_desktop.services.settings import bureau, get_setting
from fupin_desktop.services.spotcheck import CheckView
from fupin_desktop.services.visits import VisitView

KIND, LABEL = "notice-half", "半年工作通报"
ORGANIZATIONS = "各有关社会组织"
LISTED = 8  # items named under 好的做法 and 存在的问题; more are counted
_NUMBERS = "一二三四五六七八九十"


def recipients(ctx: ServiceContext) -> str:
    """主送: the townships by the kinds the county has (镇, 乡, 街道 from their codes; a 开发区 by its
    name and 管委会), then the organizations: 各镇人民政府、街道办事处，各有关社会组织."""
    kinds: dict[str, list[str]] = {}
    for t in list_townships(ctx):
        kinds.setdefault(str(t.extra.get("kind") or ""), []).append(t.values["name"])
    governments = [g for k, g in (("乡", "乡"), ("镇", "镇")) if k in kinds]
    parts = [f"各{''.join(governments)}人民政府"] if governments else []
    if "街道" in kinds:
        parts.append("街道办事处" if parts else "各街道办事处")
    groups = ["、".join(parts)] if parts else []
    groups += [f"{name}管委会" for name in kinds.get("开发区等", [])]
    return "，".join([*(groups or ["各镇（街道）"]), ORGANIZATIONS])


def _ended(period: Period, today: date) -> None:
    if period.kind != "half":
        raise KnownError(f"半年工作通报的期间应为半年，如 {today.year}-H1 或 {today.year}年上半年，而不是 {period}。")
    if period.last_day >= today:
        raise KnownError(f"{period.label_zh}到 {period.last_day} 才结束：半年工作通报在半年结束后印发"
                         f"（今天是 {today}）。")


def _own_bureau(county: str) -> str:
    """How the bureau names itself in its text: 市民政局, 县民政局 or 区民政局."""
    return f"{county[-1]}民政局" if county[-1:] in "市县区旗" else "本局"


def _scope(county: str) -> str:
    return "全" + (county[-1] if county[-1:] in "市县区旗" else "县")


def _in(period: Period, day: date | None) -> bool:
    return day is not None and period.first_day <= day <= period.last_day


def _visit_where(v: VisitView) -> str:
    return f"{v.township}{v.organization}与{v.target}结对" if v.pairing_id else v.township


def _check_where(c: CheckView) -> str:
    return f"{c.township}{c.organization}与{c.target}结对"


def _sentence_end(text: str) -> str:
    text = text.strip().rstrip("；;，,")
    return text if text.endswith(("。", "！", "？")) else text + "。"


def _items(lines: list[str]) -> list[str]:
    """（一）…（八）, then how many more; past 十 the numbers go on as （十一）."""
    def number(n: int) -> str:
        if n <= 10:
            return _NUMBERS[n - 1]
        return ("" if n < 20 else _NUMBERS[n // 10 - 1]) + "十" + (_NUMBERS[n % 10 - 1] if n % 10 else "")
    shown = [f"（{number(n)}）{line}" for n, line in enumerate(lines[:LISTED], start=1)]
    if len(lines) > LISTED:
        shown.append(f"另有 {len(lines) - LISTED} 项，不再一一列举。")
    return shown


def _rectify_text(requirement: str, deadline: date | None, done: str, today: date) -> str:
    """整改要求 and where it stands: ``done`` says it was done ("" while open)."""
    if not requirement:
        return ""
    text = f"整改要求：{_sentence_end(requirement)}"
    if done:
        return text + done
    if deadline is not None and deadline < today:
        return text + f"整改期限 {deadline.month}月{deadline.day}日已过，尚未整改完成。"
    return text + (f"请于 {deadline.month}月{deadline.day}日前整改完成。" if deadline else "")


def _visit_rectify(v: VisitView, today: date) -> str:
    done = f"已于 {v.rectified_on.month}月{v.rectified_on.day}日整改完成。" if v.rectified_on else ""
    return _rectify_text(v.rectification, v.rectify_by, done, today)


def _half_checks(ctx: ServiceContext, period: Period) -> list[CheckView]:
    return [c for s in spotcheck.list_samples(ctx, period.year) for c in spotcheck.get_sample(ctx, s.id).checks
            if _in(period, c.checked_on)]


def build_half_notice(ctx: ServiceContext, period: Period, today: date) -> ReportContent:
    """The 通报 of one ended half-year, dated ``today``; its table is the 附件."""
    _ended(period, today)
    b = bureau(ctx.db)
    county = b.name.removesuffix("民政局")
    scope, own = _scope(county), _own_bureau(county)
    summary = summaries.summarize(ctx, period, "township")
    totals = dict(summary.total.figures)
    half_visits = [v for v in visits.list_visits(ctx, period.year) if _in(period, v.visited_on)]
    checks = _half_checks(ctx, period)
    overdue = visits.overdue_rectifications(ctx, today)
    reporting = [r for r in summary.rows if r.pairings]
    half = "上半年" if period.index == 1 else "下半年"

    # 一、总体情况
    overall = (f"{half}，{scope}共有 {len(reporting)} 个镇（街道）的 {summary.total.pairings} 对结对报送了经审核的"
               f"月报，累计{_sentence(totals)}。")
    leading = [r for r in summary.rows if r.figures["funds_fen"] > 0][:3]
    if leading:
        overall += "投入资金较多的是" + "、".join(f"{r.label}（{format_wan(r.figures['funds_fen'])}万元）"
                                             for r in leading) + "。"
    counted = {k: sum(1 for v in half_visits if v.kind == k) for k in visits.KINDS}
    did = "、".join(f"{visits.KINDS[k]} {n} 次" for k, n in counted.items() if n)
    checked = [c for c in checks if c.truthful is not None]
    untrue = [c for c in checks if c.truthful is False]
    work = f"{own}开展{did}" if did else f"{own}{half}未登记年初部署、年中检查"
    work += (f"，信息核对抽查 {len(checks)} 对结对（已核定属实 {len(checked) - len(untrue)} 对、不属实 {len(untrue)} 对）。"
             if checks else "。")
    overall_paragraphs = [overall, work]

    # 二、好的做法和经验
    good = [f"{_visit_where(v)}：{_sentence_end(v.findings)}" for v in half_visits if v.findings]
    good_paragraphs = _items(good) or [f"{half}的检查未登记可推广的做法和经验。各镇（街道）要注意发现和总结结对帮扶中的"
                                       f"好做法、好经验，及时报送{own}。"]

    # 三、存在的问题
    # "某某结对，年中检查发现：…" (not "某某结对（年中检查）：", whose "）：" could start a line).
    problems = [f"{_visit_where(v)}，{v.kind_label}发现：{_sentence_end(v.problems) if v.problems else '需要整改。'}"
                f"{_visit_rectify(v, today)}" for v in half_visits if v.problems or v.rectification]
    for c in checks:
        if c.truthful is False or c.rectification:
            found = _sentence_end(c.findings) if c.findings else ""
            verdict = "信息核对抽查发现帮扶情况与报送不符" if c.truthful is False else "信息核对抽查发现问题"
            # A spot check's 整改 counts as done once its 跟进情况 is written (it has no date of its own).
            need = _rectify_text(c.rectification, c.rectify_by, "已跟进整改。" if c.follow_up else "", today)
            problems.append(f"{_check_where(c)}，{verdict}：{found or '需要整改。'}{need}")
    missing = sorted({t for t, _m in summary.unapproved})
    if missing:
        problems.append(f"月报报送不及时：{'、'.join(missing)}共 {len(missing)} 个镇（街道）有 {len(summary.unapproved)} "
                        "份月报未报或未经审核，未计入本通报的数字。")
    problem_paragraphs = _items(problems) or [f"{half}的检查和抽查未发现需要通报的问题。"]
    if overdue:
        problem_paragraphs.append(f"截至 {today.month}月{today.day}日，尚有 {len(overdue)} 项整改逾期未完成，"
                                  "有关镇（街道）和社会组织要抓紧整改。")

    # 四、工作要求
    asks = [f"抓好问题整改。对本通报指出的问题，有关镇（街道）和社会组织要对照整改要求，在整改期限内整改到位，"
            f"整改情况及时报{own}。",
            f"按时报送月报。各镇（街道）社会事务办要在每月 5 日前汇总填写《合作村社帮扶工作开展情况统计表》，"
            f"经审核后报送{own}，不得迟报、漏报。",
            "推广好的做法。各结对社会组织与村（社区）要相互取经，学习借鉴本通报推介的做法和经验，促进帮扶活动出成效。"]
    if period.index == 1:
        asks.append(f"做好年终验收准备。{own}将于 12 月采取年终验收的方法，全面评估总结结对帮扶工作的开展情况和成效，"
                    "选定有代表性的村社共建典型。各结对双方要对照协议和合作方案，梳理全年帮扶成效，做好迎检准备。")
    else:
        asks.append("做好年度总结。各结对双方要总结全年帮扶成效和经验，帮扶成效显著的社会组织，"
                    "在社会组织等级评估时给予加分奖励，在政府购买服务等方面给予政策倾斜。")
    next_heading = "四、下半年工作要求" if period.index == 1 else "四、下一步工作要求"

    title = f"{b.name}关于{period.label_zh}社会组织结对帮扶工作情况的通报"
    attachment = f"{period.label_zh}各镇（街道）社会组织结对帮扶工作情况统计表"
    paragraphs = [f"按照{SEED_004}“季度汇总、半年通报、年终评估”的工作机制，现将{period.label_zh}{scope}社会组织结对"
                  "帮扶工作情况通报如下：",
                  "一、总体情况", *overall_paragraphs, "二、好的做法和经验", *good_paragraphs,
                  "三、存在的问题", *problem_paragraphs, next_heading, *_items(asks), "特此通报。"]
    copy_to = "，".join(dict.fromkeys(x for x in (get_setting(ctx.db, "recipient") or "",
                                                   get_setting(ctx.db, "copy_to") or "") if x.strip()))
    cover = CoverLetter(issuer=b.name, doc_number="", title=title, recipient=recipients(ctx), paragraphs=paragraphs,
                        signed_on=today, attachments=[attachment], copy_to=copy_to,
                        printed_by=get_setting(ctx.db, "printed_by") or "")
    rows = [{"seq": n, "township": r.label, "pairings": r.pairings, **r.figures}
            for n, r in enumerate(summary.rows, start=1)]
    columns = [TableColumn("seq", "序号", weight=0.45), TableColumn("township", "镇（街道）", weight=1.2),
               TableColumn("pairings", "报送结对数", kind="count", weight=0.8), *_figure_columns(ctx)]
    table = ReportTable(title=attachment, unit_name=b.name, filled_on=today, period_label=period.label_zh,
                        columns=columns, rows=rows, totals={"seq": "合计", "pairings": summary.total.pairings, **totals},
                        notes=["金额单位：万元；只计已审核的镇（街道）月报，每个镇（街道）每月取最新审核版本。"],
                        **_signature_lines(ctx))
    data = {"rows": rows, "totals": totals, "recipients": cover.recipient,
            "visits": [v.id for v in half_visits], "spot_checks": [c.id for c in checks],
            "good": good, "problems": problems, "overdue": len(overdue),
            "incomplete": [{"township": t, "month": m} for t, m in summary.unapproved]}
    return ReportContent(KIND, LABEL, period, cover, table, data, summary.unapproved)


def write_half_notice(ctx: ServiceContext, period: Period, folder: Path,
                      today: date | None = None) -> tuple[Path, Path]:
    """The 通报 as an unsealed PDF (公文 and its 附件) and the 附件's workbook, in ``folder``."""
    content = build_half_notice(ctx, period, today or clock.today())
    b = bureau(ctx.db)
    base = f"{b.division_code}_{b.name}_{LABEL}_{period}_草稿"
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    temp = folder / f".{base}.pdf.tmp"
    try:
        write_report_pdf(temp, content.cover, content.table)
        pdf = write_safely(folder, base + ".pdf", temp.read_bytes())
    finally:
        temp.unlink(missing_ok=True)
    xlsx = write_safely(folder, base + ".xlsx", workbook_bytes(content.table))
    return pdf, xlsx


__all__ = ["KIND", "LABEL", "build_half_notice", "recipients", "write_half_notice"]
