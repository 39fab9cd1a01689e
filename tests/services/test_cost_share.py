"""业务活动成本中用于脱贫攻坚的比例 (notice 003) with each annual inspection: exact, checked, summed
by amount (not an average of shares), in the CLI too."""

from __future__ import annotations

from decimal import Decimal

import pytest

from fupin_desktop.cli import main
from fupin_desktop.domain import clock
from fupin_desktop.domain.cost_share import parse_costs, share
from fupin_desktop.errors import ValidationFailed
from fupin_desktop.services import inspections
from fupin_desktop.services.cost_shares import cost_share_summary

YEAR = clock.today().year


def test_amounts_are_exact_and_checked() -> None:
    assert parse_costs("1,200,000.10", "300000.03") == (120_000_010, 30_000_003, {})
    assert parse_costs("", "") == (None, None, {})
    assert share(120_000_010, 30_000_003) == Decimal("25.00")
    assert share(3, 1) == Decimal("33.33") and share(0, 0) is None and share(None, 5) is None
    assert "不能多于" in parse_costs("100", "200")[2]["poverty_cost"]
    assert "负数" in parse_costs("-5", "")[2]["activity_cost"]
    assert "也请填写业务活动成本" in parse_costs("", "50")[2]["activity_cost"]


def test_recorded_with_the_inspection_and_summed_by_amount(clerk, demo_dir, capsys, monkeypatch) -> None:
    rows = inspections.checklist(clerk, YEAR)[:3]
    for row, costs in zip(rows, [("1000000", "500000"), ("3000000", "300000"), ("", "")], strict=True):
        inspections.save_inspection(clerk, row.organization_id, YEAR, result="合格", costs=costs)
    view = inspections.get_inspection(clerk, rows[0].organization_id, YEAR)
    assert view is not None and view.cost_share == "50.00%"
    with pytest.raises(ValidationFailed, match="年检记录未保存"):
        inspections.save_inspection(clerk, rows[1].organization_id, YEAR, result="合格", costs=("100", "200"))
    assert inspections.get_inspection(clerk, rows[1].organization_id, YEAR).poverty_cost_fen == 30_000_000  # kept

    summary = cost_share_summary(clerk, YEAR)
    assert [r.credit_code for r in summary.rows] == [rows[0].credit_code, rows[1].credit_code]  # highest first
    assert summary.share == Decimal("20.00")  # 80万 of 400万, not the mean of 50% and 10%
    assert rows[2].organization in summary.not_given

    monkeypatch.setenv("FUPIN_PASSWORD", "demo")
    assert main(["--data-dir", str(demo_dir), "inspection", "cost-share", "--year", str(YEAR)]) == 0
    out = capsys.readouterr().out
    assert "占 20.00%" in out and "1,000,000.00" in out and "另有 1 家" in out
    code = main(["--data-dir", str(demo_dir), "inspection", "add", "--user", "clerk", "--org", rows[2].credit_code,
                 "--year", str(YEAR), "--result", "合格", "--activity-cost", "1万", "--poverty-cost", "2500"])
    assert code == 0 and "用于脱贫攻坚 25.00%" in capsys.readouterr().out
