"""信息核对和抽查: a reproducible random sample of a year's pairings, stratified by township,
and what checking each sampled pairing found (issue 14).

Notice 003 (../shared/seeds/003_f4a1ddde4adef9e5.txt, 四、创造条件): 民政部门、扶贫部门要……
建立健全社会组织参与脱贫攻坚信息核对和抽查机制，确保“真扶贫”、“扶真贫”。

How a sample is drawn, so that anyone holding the year, the size and the seed can redraw it:

1. The population: the pairings whose term overlaps the year, grouped by township (code order),
   each group sorted by agreement number (Python string order, not the database's collation).
2. The allocation: each township's share ``size × in_term / total`` by the largest-remainder
   method, computed in exact fractions. When ``size`` ≥ the number of townships, a township left
   at 0 takes one place from the township furthest above its share, so every township is
   represented. When ``size`` is smaller, the shares stand: the largest townships are drawn and
   the others not (the sample's note says so). Ties go in an order shuffled by the seed, so
   townships of equal size are not always decided by their code.
3. Within a township, ``random.Random(f"{seed}:{year}:{township_code}").sample(group, k)``:
   ``random`` seeded with a string hashes it with SHA-512 and its generator is the same on
   every platform, so the same seed gives the same sample on any machine with Python 3.11+.
   A size over the population takes every pairing (with a note).

The drawn list is stored as drawn: pairings signed later do not change a recorded sample,
though redrawing then may give a different one (``by_township`` keeps the counts drawn from).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from fractions import Fraction
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from fupin_desktop.domain import clock
from fupin_desktop.domain.periods import Period
from fupin_desktop.domain.text import clean_text
from fupin_desktop.errors import FieldProblem, KnownError, NotFound, ValidationFailed, os_error_message
from fupin_desktop.services.context import ServiceContext
from fupin_desktop.services.pairings import target_label, township_label
from fupin_desktop.services.permissions import Permission
from fupin_desktop.services.settings import bureau
from fupin_desktop.services.year_data import in_term
from fupin_desktop.store import audit
from fupin_desktop.store.models import Pairing, User
from fupin_desktop.store.models_supervision import SpotCheck, SpotCheckSample

# Drawing the sample and judging 是否属实 are a check on the register the clerks keep, like the
# 年终评估: the reviewer's EVALUATE, so the one who entered a pairing neither picks nor judges it.
PERMISSION = Permission.EVALUATE
METHODS = ("实地", "电话", "材料")
MAX_TEXT = 2000
MAX_SEED = 40  # the column's width
HEADERS = ["序号", "镇（街道）", "协议编号", "社会组织", "帮扶对象", "核查日期", "核查方式", "核查情况", "是否属实",
           "整改要求", "整改期限", "跟进情况"]
_SAMPLE, _CHECK = "spot_check_sample", "spot_check"
_TEXT_FIELDS = {"findings": "核查情况", "rectification": "整改要求", "follow_up": "跟进情况"}


class Unchanged(Enum):
    """An argument of ``record`` left out: the stored value stays (None clears a date or 是否属实)."""

    UNCHANGED = 0


UNCHANGED = Unchanged.UNCHANGED


@dataclass(frozen=True)
class TownshipShare:
    township: str
    in_term: int
    drawn: int


@dataclass(frozen=True)
class CheckView:
    number: int  # 序号: the place in the draw order
    id: int
    sample_id: int
    pairing_id: int
    agreement_no: str
    organization: str
    township: str
    target: str  # masked for households
    checked_on: date | None
    method: str
    findings: str
    truthful: bool | None
    truthful_label: str  # 属实 / 不属实 / "" (not decided)
    rectification: str
    rectify_by: date | None
    follow_up: str
    updated_at: datetime | None
    updated_by: str

    def state(self, today: date) -> str:
        """Where the check stands (a column of the 抽查 list): 未核查, 待定 (checked, 是否属实 not
        decided), 整改中 / 整改逾期 (整改要求 without 跟进情况, before or after its 整改期限),
        已跟进 (整改 followed up), else 已核查."""
        if self.checked_on is None:
            return STATE_UNCHECKED
        if self.truthful is None:
            return STATE_PENDING
        if self.rectification:
            if self.follow_up:
                return STATE_FOLLOWED_UP
            return STATE_OVERDUE if self.rectify_by is not None and self.rectify_by < today else STATE_RECTIFYING
        return STATE_DONE


STATE_UNCHECKED, STATE_PENDING, STATE_DONE = "未核查", "待定", "已核查"
STATE_RECTIFYING, STATE_OVERDUE, STATE_FOLLOWED_UP = "整改中", "整改逾期", "已跟进"


@dataclass(frozen=True)
class SampleSummary:
    id: int
    year: int
    size: int  # as asked; ``drawn`` is smaller when the year had fewer pairings
    seed: str
    drawn: int
    population: int
    truthful: int
    untruthful: int
    pending: int  # checked, 是否属实 not decided yet
    unchecked: int
    created_at: datetime
    created_by: str

    @property
    def counts_text(self) -> str:
        text = f"抽查 {self.drawn} 个，属实 {self.truthful} 个，不属实 {self.untruthful} 个，未核查 {self.unchecked} 个"
        return text + (f"，已核查待定 {self.pending} 个" if self.pending else "")


@dataclass(frozen=True)
class SampleView:
    summary: SampleSummary
    shares: list[TownshipShare]
    note: str
    checks: list[CheckView]

    @property
    def title(self) -> str:
        return f"{self.summary.year} 年度结对帮扶信息核对抽查情况表（种子 {self.summary.seed}）"


# -- the draw (pure: the same arguments give the same result everywhere) -------------------

def tie_order(seed: str, year: int, codes: list[str]) -> list[str]:
    """Township codes in the seed's order: who goes first when two shares' remainders are equal."""
    return random.Random(f"{seed}:{year}").sample(sorted(codes), len(codes))


def allocate(counts: dict[str, int], size: int, order: list[str]) -> dict[str, int]:
    """Places per township (code → in-term count): largest remainder, at least 1 each when size allows."""
    total = sum(counts.values())
    if size >= total:
        return dict(counts)
    rank = {code: i for i, code in enumerate(order)}
    shares = {c: Fraction(size * n, total) for c, n in counts.items()}  # exact: no float rounding
    places = {c: int(q) for c, q in shares.items()}
    left = size - sum(places.values())
    for c in sorted(counts, key=lambda c: (-(shares[c] - places[c]), rank[c]))[:left]:
        places[c] += 1
    if size >= len(counts):
        for c in sorted((c for c in counts if places[c] == 0), key=rank.__getitem__):
            # size ≥ townships with one at 0: some other township has 2 or more to give.
            donor = max((d for d in counts if places[d] > 1), key=lambda d: (places[d] - shares[d], -rank[d]))
            places[donor] -= 1
            places[c] = 1
    return places


def pick(agreement_nos: list[str], k: int, seed: str, year: int, township_code: str) -> list[str]:
    """``k`` of one township's agreement numbers, in the order drawn."""
    return random.Random(f"{seed}:{year}:{township_code}").sample(sorted(agreement_nos), k)


# -- checks of what a person typed ---------------------------------------------------------

def _draw_args(year: int, size: int, seed: str | int) -> str:
    problems, today = [], clock.today()
    try:
        Period.annual(year)
    except KnownError as exc:
        problems.append(FieldProblem("year", "年度", str(exc)))
    else:
        if year > today.year:
            problems.append(FieldProblem("year", "年度", f"{year} 年还没到，只能抽查 {today.year} 年及以前的年度"))
    if size < 1:
        problems.append(FieldProblem("size", "抽查数量", f"应至少为 1，现为 {size}"))
    text = clean_text(str(seed))
    if not text:
        problems.append(FieldProblem("seed", "随机种子", "不能为空（可写抽样当天的日期或会议记录编号）"))
    elif len(text) > MAX_SEED:
        problems.append(FieldProblem("seed", "随机种子", f"最多 {MAX_SEED} 个字符，现为 {len(text)} 个"))
    if problems:
        raise ValidationFailed(problems, "未抽取样本。")
    return text


def _method(text: str, problems: list[FieldProblem]) -> str:
    value = clean_text(text)
    if value not in METHODS:
        problems.append(FieldProblem("method", "核查方式", f"应为 {'、'.join(METHODS)} 之一，而不是“{text}”"))
    return value


# -- views ---------------------------------------------------------------------------------

def _verdict(truthful: bool | None) -> str:
    return "" if truthful is None else ("属实" if truthful else "不属实")


def _check_view(number: int, c: SpotCheck) -> CheckView:
    p = c.pairing
    return CheckView(number, c.id, c.sample_id, p.id, p.agreement_no, p.organization.name, township_label(p),
                     target_label(p), c.checked_on, c.method or "", c.findings or "", c.truthful,
                     _verdict(c.truthful), c.rectification or "", c.rectify_by, c.follow_up or "", c.updated_at,
                     c.updated_by or "")


def _summary(sample: SpotCheckSample, checks: list[SpotCheck]) -> SampleSummary:
    truthful = sum(1 for c in checks if c.truthful is True)
    untruthful = sum(1 for c in checks if c.truthful is False)
    pending = sum(1 for c in checks if c.truthful is None and c.checked_on is not None)
    population = sum(int(v[0]) for v in sample.by_township.values())
    return SampleSummary(sample.id, sample.year, sample.size, sample.seed, len(sample.pairing_ids), population,
                         truthful, untruthful, pending, len(checks) - truthful - untruthful - pending,
                         sample.created_at, sample.created_by)


def _note(sample: SpotCheckSample, population: int) -> str:
    notes = []
    if sample.size > population:
        notes.append(f"要求抽取 {sample.size} 个，{sample.year} 年度在期结对只有 {population} 个，已全部抽取。")
    elif sample.size < len(sample.by_township):
        notes.append(f"抽查数量少于有结对的镇（街道）数（{len(sample.by_township)} 个），按比例分配，"
                     "部分镇（街道）未抽到。")
    return "".join(notes)


def _loaded_checks(s: Session, sample: SpotCheckSample) -> list[SpotCheck]:
    rows = s.scalars(select(SpotCheck).where(SpotCheck.sample_id == sample.id).options(
        *(selectinload(SpotCheck.pairing).selectinload(rel) for rel in (
            Pairing.organization, Pairing.township, Pairing.village, Pairing.household, Pairing.institution))))
    place = {pid: n for n, pid in enumerate(sample.pairing_ids)}
    return sorted(rows, key=lambda c: place.get(c.pairing_id, len(place)))


def _sample_view(s: Session, sample: SpotCheckSample) -> SampleView:
    checks = _loaded_checks(s, sample)
    summary = _summary(sample, checks)
    shares = [TownshipShare(name, int(v[0]), int(v[1])) for name, v in sample.by_township.items()]
    return SampleView(summary, shares, _note(sample, summary.population),
                      [_check_view(n, c) for n, c in enumerate(checks, start=1)])


def _get_sample(s: Session, sample_id: int) -> SpotCheckSample:
    sample = s.get(SpotCheckSample, sample_id)
    if sample is None:
        raise NotFound(f"没有第 {sample_id} 号抽查样本（fupin spotcheck list 列出已抽取的样本）。")
    return sample


def get_sample(ctx: ServiceContext, sample_id: int) -> SampleView:
    with ctx.db.reading() as s:
        return _sample_view(s, _get_sample(s, sample_id))


def list_samples(ctx: ServiceContext, year: int | None = None) -> list[SampleSummary]:
    with ctx.db.reading() as s:
        stmt = select(SpotCheckSample).options(selectinload(SpotCheckSample.checks)).order_by(SpotCheckSample.id)
        if year is not None:
            stmt = stmt.where(SpotCheckSample.year == year)
        return [_summary(x, list(x.checks)) for x in s.scalars(stmt)]


# -- writes --------------------------------------------------------------------------------

def draw(ctx: ServiceContext, year: int, size: int, seed: str | int) -> SampleView:
    """Draw and record a sample of ``year``'s pairings, with an empty check for each; audited."""
    ctx.require(PERMISSION)
    seed_text = _draw_args(year, size, seed)
    with ctx.db.transaction() as s:
        groups: dict[str, list[Pairing]] = {}
        names: dict[str, str] = {}
        for p in s.scalars(select(Pairing).options(selectinload(Pairing.township)).where(in_term(year))):
            stratum = p.township.code if p.township else p.target_kind
            groups.setdefault(stratum, []).append(p)
            names[stratum] = township_label(p)
        if not groups:
            raise KnownError(f"{year} 年度没有在协议期内的结对，无法抽查。")
        counts = {code: len(groups[code]) for code in sorted(groups)}
        places = allocate(counts, size, tie_order(seed_text, year, list(counts)))
        drawn: list[Pairing] = []
        for code, group in sorted(groups.items()):
            by_no = {p.agreement_no: p for p in group}
            drawn += [by_no[no] for no in pick(list(by_no), places[code], seed_text, year, code)]
        repeated = {n for n in names.values() if list(names.values()).count(n) > 1}
        label = {c: f"{n}（{c}）" if n in repeated else n for c, n in names.items()}  # a JSON key must be unique
        sample = SpotCheckSample(year=year, size=size, seed=seed_text, pairing_ids=[p.id for p in drawn],
                                 by_township={label[c]: [counts[c], places[c]] for c in counts},
                                 created_at=clock.now().replace(microsecond=0), created_by=ctx.user.username)
        s.add(sample)
        s.flush()
        s.add_all(SpotCheck(sample_id=sample.id, pairing_id=p.id, findings="", rectification="", follow_up="")
                  for p in drawn)
        s.flush()
        audit.append(s, username=ctx.user.username, action="draw", entity=_SAMPLE, entity_id=sample.id,
                     summary=f"抽取 {year} 年度抽查样本（{len(drawn)} 个结对，种子 {seed_text}）",
                     after={"year": year, "size": size, "seed": seed_text, "pairing_ids": sample.pairing_ids,
                            "agreement_nos": [p.agreement_no for p in drawn], "by_township": sample.by_township})
        return _sample_view(s, sample)


def _find_in_sample(s: Session, sample: SpotCheckSample, ref: str) -> SpotCheck:
    text = clean_text(ref)
    p = s.scalar(select(Pairing).where(func.upper(Pairing.agreement_no) == text.upper()))
    if p is None:
        raise ValidationFailed([FieldProblem("pairing", "协议编号", f"没有协议编号为“{ref}”的结对")], "核查结果未保存。")
    check = s.scalar(select(SpotCheck).where(SpotCheck.sample_id == sample.id, SpotCheck.pairing_id == p.id))
    if check is None:
        raise ValidationFailed([FieldProblem(
            "pairing", "协议编号",
            f"结对 {p.agreement_no} 不在第 {sample.id} 号抽查样本（{sample.year} 年度，种子 {sample.seed}）中")],
            "核查结果未保存。")
    return check


def _snapshot(c: SpotCheck) -> dict[str, Any]:
    return {"checked_on": c.checked_on, "method": c.method, "findings": c.findings or "", "truthful": c.truthful,
            "rectification": c.rectification or "", "rectify_by": c.rectify_by, "follow_up": c.follow_up or ""}


def _checked_values(before: dict[str, Any], sample: SpotCheckSample, given: dict[str, Any]) -> dict[str, Any]:
    """The check's values after this change, or every reason it is refused."""
    problems: list[FieldProblem] = []
    values = {**before, **{k: v for k, v in given.items() if v is not UNCHANGED}}
    values["method"] = _method(values["method"], problems)
    for name, label in _TEXT_FIELDS.items():
        values[name] = clean_text(values[name])
        if len(values[name]) > MAX_TEXT:
            problems.append(FieldProblem(name, label, f"最多 {MAX_TEXT} 字，现为 {len(values[name])} 字"))
    checked_on, rectify_by = values["checked_on"], values["rectify_by"]
    drawn_on = sample.created_at.date()
    if checked_on > clock.today():
        problems.append(FieldProblem("checked_on", "核查日期", f"{checked_on} 还没到"))
    elif checked_on < drawn_on:  # checked before the sample existed: a back-dated entry
        problems.append(FieldProblem("checked_on", "核查日期", f"{checked_on} 早于抽样日期 {drawn_on}"))
    if rectify_by is not None and rectify_by < checked_on:
        problems.append(FieldProblem("rectify_by", "整改期限", f"{rectify_by} 早于核查日期 {checked_on}"))
    elif rectify_by is not None and not values["rectification"]:
        problems.append(FieldProblem("rectify_by", "整改期限", "没有整改要求，不需要整改期限（请同时写整改要求）"))
    if values["truthful"] is not None and not isinstance(values["truthful"], bool):
        problems.append(FieldProblem("truthful", "是否属实", f"应为 是 或 否，而不是“{values['truthful']}”"))
    if problems:
        raise ValidationFailed(problems, "核查结果未保存。")
    return values


def record(ctx: ServiceContext, sample_id: int, pairing: str, *, checked_on: date, method: str,
           findings: str | Unchanged = UNCHANGED, truthful: bool | None | Unchanged = UNCHANGED,
           rectification: str | Unchanged = UNCHANGED, rectify_by: date | None | Unchanged = UNCHANGED,
           follow_up: str | Unchanged = UNCHANGED) -> CheckView:
    """Record what checking one sampled pairing (by agreement number) found; audited with before/after.

    Arguments left out keep what is stored, so a follow-up can be added later on its own.
    """
    ctx.require(PERMISSION)
    given = {"checked_on": checked_on, "method": method, "findings": findings, "truthful": truthful,
             "rectification": rectification, "rectify_by": rectify_by, "follow_up": follow_up}
    with ctx.db.transaction() as s:
        sample = _get_sample(s, sample_id)
        check = _find_in_sample(s, sample, pairing)
        before = _snapshot(check)
        after = _checked_values(before, sample, given)
        changed = [k for k in after if after[k] != before[k]]
        if changed:
            for name in changed:
                setattr(check, name, after[name])
            check.updated_at, check.updated_by = clock.now().replace(microsecond=0), ctx.user.username
            s.flush()
            p = check.pairing
            audit.append(s, username=ctx.user.username, action="update", entity=_CHECK, entity_id=check.id,
                         summary=f"第 {sample.id} 号抽查样本（{sample.year} 年度）：核查 {p.agreement_no} "
                                 f"{p.organization.name}（{after['method']}，{_verdict(after['truthful']) or '待定'}）",
                         before={k: before[k] for k in changed}, after={k: after[k] for k in changed})
        number = sample.pairing_ids.index(check.pairing_id) + 1
        return _check_view(number, check)


# -- the workbook --------------------------------------------------------------------------

@contextmanager
def _writing(target: Path) -> Iterator[None]:
    # A full disk or a workbook left open in Excel (Windows locks it) is a message, not a crash.
    try:
        yield
    except OSError as exc:
        raise KnownError(f"无法写入「{target}」：{os_error_message(exc)}如果文件正在 Excel 或 WPS 中打开，请先关闭。") from exc


def _row(c: CheckView) -> list[object]:
    return [c.number, c.township, c.agreement_no, c.organization, c.target, c.checked_on, c.method, c.findings,
            c.truthful_label, c.rectification, c.rectify_by, c.follow_up]


def export_xlsx(ctx: ServiceContext, sample_id: int, path: Path) -> Path:
    """The sample and its results as a workbook to print: A4 landscape, the header on every page."""
    from fupin_desktop.documents.spotcheck_workbook import write_spotcheck_workbook  # openpyxl only when used

    view = get_sample(ctx, sample_id)
    sm = view.summary
    subtitle = (f"{bureau(ctx.db).name}　第 {sm.id} 号样本　{sm.created_at:%Y年%m月%d日}由 {sm.created_by} "
                f"按镇（街道）分层随机抽取（在期结对 {sm.population} 个）")
    towns = "、".join(f"{t.township} {t.drawn}/{t.in_term}" for t in view.shares)
    lines = [sm.counts_text, f"各镇（街道）抽取数/在期结对数：{towns}。", *([view.note] if view.note else [])]
    path = Path(path)
    with _writing(path):
        path.parent.mkdir(parents=True, exist_ok=True)
        return write_spotcheck_workbook(path, view.title, subtitle, HEADERS, [_row(c) for c in view.checks], lines)


# -- the 公文 附件 (PDF) ----------------------------------------------------------------------

PDF_TITLE = "结对帮扶信息核对和抽查情况表"
# (key, header, relative width): the columns of HEADERS, for the landscape A4 table at 9 pt.
_PDF_COLUMNS = (("seq", "序号", 0.45), ("township", "镇（街道）", 0.8), ("agreement_no", "协议编号", 1.0),
                ("organization", "社会组织", 1.4), ("target", "帮扶对象", 1.0), ("checked_on", "核查日期", 0.8),
                ("method", "核查方式", 0.5), ("findings", "核查情况", 2.0), ("truthful", "是否属实", 0.5),
                ("rectification", "整改要求", 1.5), ("rectify_by", "整改期限", 0.8), ("follow_up", "跟进情况", 1.4))


def _day(value: date | None) -> str:
    return value.isoformat() if value else ""


def _pdf_notes(view: SampleView, drawer: str) -> list[str]:
    sm = view.summary
    made = sm.created_at
    pending = f"，已核查待定{sm.pending}个" if sm.pending else ""
    towns = "、".join(f"{t.township}{t.drawn}/{t.in_term}" for t in view.shares)
    return [f"本表为{sm.year}年度第{sm.id}号抽查样本：{made.year}年{made.month}月{made.day}日由{drawer}按镇（街道）"
            f"分层随机抽取，在期结对{sm.population}个，抽取{sm.drawn}个（随机种子：{sm.seed}；以同一年度、数量和种子"
            "可重新抽出同一样本）。",
            f"核查结果：属实{sm.truthful}个，不属实{sm.untruthful}个{pending}，未核查{sm.unchecked}个。",
            f"各镇（街道）抽取数/在期结对数：{towns}。",
            *([view.note] if view.note else []),
            "帮扶对象为户的只写户主姓氏，不含身份证号。"]


def write_pdf(ctx: ServiceContext, sample_id: int, path: Path) -> Path:
    """The sample and its results as a 公文 附件 (landscape A4 PDF, ``documents.spotcheck_pdf``):
    the table, 填表人/审核人/联系电话 (审核人: the signed-in reviewer) and how the sample was drawn."""
    from fupin_desktop.documents.report_table import ReportTable, TableColumn  # reportlab only when used
    from fupin_desktop.documents.spotcheck_pdf import write_spotcheck_pdf
    from fupin_desktop.services.settings import get_setting

    view = get_sample(ctx, sample_id)
    sm = view.summary
    with ctx.db.reading() as s:
        drawer = s.scalar(select(User.display_name).where(User.username == sm.created_by)) or sm.created_by
    rows = [{"seq": str(c.number), "township": c.township, "agreement_no": c.agreement_no,
             "organization": c.organization, "target": c.target, "checked_on": _day(c.checked_on),
             "method": c.method, "findings": c.findings, "truthful": c.truthful_label,
             "rectification": c.rectification, "rectify_by": _day(c.rectify_by), "follow_up": c.follow_up}
            for c in view.checks]
    name = bureau(ctx.db).name
    table = ReportTable(
        title=f"{sm.year}年度{PDF_TITLE}", unit_name=name, filled_on=clock.today(),
        period_label=f"第{sm.id}号样本　随机种子：{sm.seed}",
        columns=[TableColumn(key, title, weight=weight) for key, title, weight in _PDF_COLUMNS], rows=rows,
        totals=None, preparer=get_setting(ctx.db, "preparer") or "",
        reviewer=ctx.user.display_name if ctx.can(PERMISSION) else "", phone=get_setting(ctx.db, "phone") or "",
        notes=_pdf_notes(view, drawer))
    path = Path(path)
    temp = path.with_name(f".{path.name}.part")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_spotcheck_pdf(temp, table, author=name)
        temp.replace(path)  # a half-written file never has the name asked for
    except OSError as exc:
        raise KnownError(f"无法写入「{path}」：{os_error_message(exc)}如果文件正在 PDF 阅读器中打开，请先关闭。") from exc
    finally:
        temp.unlink(missing_ok=True)
    return path
