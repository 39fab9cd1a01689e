"""The additive sums of one received package's data file: its totals, and by campaign, domain and
target kind (issue 15). Pure, so a verification worker can work them out beside the checks."""

from __future__ import annotations

from typing import Any

from fupin_desktop.domain.enums import AidDomain, TargetKind
from fupin_desktop.domain.monthly_checks import FIGURES

UNKNOWN = "未注明"
Breakdown = dict[str, dict[str, dict[str, int]]]  # dimension → label → figure → sum


def package_sums(data: dict[str, Any]) -> tuple[dict[str, int] | None, Breakdown]:
    """(the additive totals, the sums by campaign, domain and target kind) of one package's data:
    from the rows monthly packages carry, or the ``by`` tables of the summary packages. Worked out
    once when the package is received (``ReceivedPackage.totals``/``breakdown``)."""
    raw = data.get("totals") or {}
    totals = {k: int(raw[k]) for k in FIGURES} if all(k in raw for k in FIGURES) else None
    kinds = {m.value: m.label for m in TargetKind}
    domains = {m.value: m.label for m in AidDomain} | {m.label: m.label for m in AidDomain}
    sums: Breakdown = {"campaign": {}, "domain": {}, "target_kind": {}}

    def add(dim: str, key: str, figures: list[tuple[str, int]]) -> None:
        into = sums[dim].get(key)
        if into is None:
            into = sums[dim][key] = dict.fromkeys(FIGURES, 0)
        for name, value in figures:
            into[name] += value

    def nonzero(figures: dict[str, Any]) -> list[tuple[str, int]]:
        return [(name, int(value)) for name in FIGURES if (value := figures.get(name))]

    rows = data.get("rows") or []
    if rows and isinstance(rows[0], dict) and "organization" in rows[0]:  # a monthly package: a row per pairing
        for row in rows:
            figures = nonzero(row)
            add("campaign", row.get("campaign") or UNKNOWN, figures)
            add("domain", domains.get(row.get("domain") or "", UNKNOWN), figures)
            add("target_kind", kinds.get(row.get("target_kind") or "", UNKNOWN), figures)
    for dim in ("campaign", "domain"):
        for item in (data.get("by") or {}).get(dim) or []:
            label = item.get("label") or UNKNOWN
            add(dim, domains.get(label, label) if dim == "domain" else label, nonzero(item))
    return totals, {dim: d for dim, d in sums.items() if d}
