"""Checks across fields of one record, named in a form's ``checks = [...]``.

Each rule gets the coerced values and returns problems as (field, message, is_error).
A warning (is_error False) is shown to the clerk but does not block saving.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fupin_desktop.domain.credit_code import civil_affairs_type_digit, org_code_warning
from fupin_desktop.domain.enums import OrganizationKind

RuleResult = list[tuple[str, str, bool]]
Rule = Callable[[dict[str, Any]], RuleResult]


def credit_code_matches_kind(values: dict[str, Any]) -> RuleResult:
    code, kind = values.get("credit_code"), values.get("kind")
    problems: RuleResult = []
    if not code:
        return problems
    warning = org_code_warning(code)
    if warning:
        problems.append(("credit_code", warning, False))
    if not kind:
        return problems
    digit = civil_affairs_type_digit(code)
    expected = OrganizationKind.of(kind).credit_type_digit
    if digit is None:
        problems.append(("credit_code", "代码第 1 位不是 5，不是民政部门登记的代码，请核对", False))
    elif digit != expected:
        by_digit = {m.credit_type_digit: m.label for m in OrganizationKind}
        actual = by_digit.get(digit, "其他类型")
        problems.append((
            "kind",
            f"信用代码前两位是 5{digit}（{actual}），与组织类型“{OrganizationKind.of(kind).label}”"
            f"（应为 5{expected}）不一致，请核对",
            False,
        ))
    return problems


def rating_year_with_rating(values: dict[str, Any]) -> RuleResult:
    rating, year = values.get("rating"), values.get("rating_year")
    if rating and rating != "none" and not year:
        return [("rating_year", "填写了评估等级，请同时填写评估年度", True)]
    return []


def term_after_signed(values: dict[str, Any]) -> RuleResult:
    start, end = values.get("term_start"), values.get("term_end")
    if start and end and end < start:
        return [("term_end", "帮扶期限止不能早于帮扶期限起", True)]
    return []


def campaign_dates_in_order(values: dict[str, Any]) -> RuleResult:
    start, end, year = values.get("starts_on"), values.get("ends_on"), values.get("year")
    if start and end and end < start:
        return [("ends_on", "结束日期不能早于开始日期", True)]
    if start and year and start.year != year:
        return [("starts_on", f"开始日期不在起始年度 {year} 年内", True)]
    return []


RULES: dict[str, Rule] = {
    "campaign_dates_in_order": campaign_dates_in_order,
    "credit_code_matches_kind": credit_code_matches_kind,
    "rating_year_with_rating": rating_year_with_rating,
    "term_after_signed": term_after_signed,
}
