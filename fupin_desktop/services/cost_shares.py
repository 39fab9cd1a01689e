"""业务活动成本中用于脱贫攻坚的比例 across the year's annual inspections (notice 003 asks the share
to grow): per organization, and the county's share weighted by cost (not an average of shares)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select

from fupin_desktop.domain.cost_share import share
from fupin_desktop.services.context import ServiceContext
from fupin_desktop.store.models import Organization
from fupin_desktop.store.models_annual import Inspection

__all__ = ["CostShareRow", "CostShareSummary", "cost_share_summary"]


@dataclass(frozen=True)
class CostShareRow:
    organization: str
    credit_code: str
    activity_cost_fen: int
    poverty_cost_fen: int

    @property
    def share(self) -> Decimal | None:
        return share(self.activity_cost_fen, self.poverty_cost_fen)


@dataclass(frozen=True)
class CostShareSummary:
    year: int
    rows: list[CostShareRow]  # highest share first
    not_given: list[str]  # organizations inspected that year without both amounts

    @property
    def activity_cost_fen(self) -> int:
        return sum(r.activity_cost_fen for r in self.rows)

    @property
    def poverty_cost_fen(self) -> int:
        return sum(r.poverty_cost_fen for r in self.rows)

    @property
    def share(self) -> Decimal | None:
        return share(self.activity_cost_fen, self.poverty_cost_fen)


def cost_share_summary(ctx: ServiceContext, year: int) -> CostShareSummary:
    """Every user may read it, like the inspections list it comes from."""
    with ctx.db.reading() as s:
        found = s.execute(select(Organization.name, Organization.credit_code, Inspection.activity_cost_fen,
                                 Inspection.poverty_cost_fen)
                          .join(Organization, Organization.id == Inspection.organization_id)
                          .where(Inspection.year == year).order_by(Organization.name)).all()
    rows = [CostShareRow(name, code, total, part) for name, code, total, part in found
            if total is not None and part is not None]
    rows.sort(key=lambda r: (-(r.share or Decimal(0)), r.organization))
    return CostShareSummary(year, rows, [name for name, _c, total, part in found if total is None or part is None])
