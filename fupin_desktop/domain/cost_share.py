"""业务活动成本中用于脱贫攻坚的比例 (notice 003: 进一步提高业务活动成本中用于脱贫攻坚的比例):
the two amounts an organization reports with its annual inspection, checked, and their share."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from fupin_desktop.domain.errors import CodeError
from fupin_desktop.domain.money import Number, parse_yuan
from fupin_desktop.domain.text import clean_text

__all__ = ["parse_costs", "share", "share_text"]


def parse_costs(activity: Number, poverty: Number) -> tuple[int | None, int | None, dict[str, str]]:
    """(业务活动成本, 其中用于脱贫, problems by field) in fen; empty text is "not given" (None)."""
    problems: dict[str, str] = {}
    parsed: dict[str, int | None] = {}
    for name, label, raw in (("activity_cost", "业务活动成本", activity), ("poverty_cost", "其中用于脱贫攻坚", poverty)):
        if raw is None or (isinstance(raw, str) and not clean_text(raw)):
            parsed[name] = None
            continue
        try:
            parsed[name] = parse_yuan(raw, field=label)
        except CodeError as exc:
            problems[name] = str(exc)
            parsed[name] = None
    total, part = parsed["activity_cost"], parsed["poverty_cost"]
    if total is not None and part is not None and part > total:
        problems["poverty_cost"] = "用于脱贫攻坚的部分不能多于业务活动成本"
    if part is not None and total is None and "activity_cost" not in problems:
        problems["activity_cost"] = "填了用于脱贫攻坚的部分，也请填写业务活动成本"
    return total, part, problems


def share(activity_fen: int | None, poverty_fen: int | None) -> Decimal | None:
    """The share in percent, two places (exact arithmetic); None without both amounts or a zero total."""
    if activity_fen is None or poverty_fen is None or activity_fen == 0:
        return None
    return (Decimal(poverty_fen) * 100 / Decimal(activity_fen)).quantize(Decimal("0.01"), ROUND_HALF_UP)


def share_text(activity_fen: int | None, poverty_fen: int | None) -> str:
    value = share(activity_fen, poverty_fen)
    return "" if value is None else f"{value}%"
