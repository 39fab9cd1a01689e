"""Who should report to a city (issue 15): every county-level unit under it in the division table,
each 已收 / 更正中 / 未报 / 无证书 / 不适用 — not only the counties whose certificates were registered."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from fupin_desktop.cli import main
from fupin_desktop.documents.seal_key import cert_fingerprint, create_seal_key, load_certificate
from fupin_desktop.domain import clock
from fupin_desktop.domain.periods import Period
from fupin_desktop.errors import KnownError
from fupin_desktop.services import expected_units, receiving, seal, submissions
from fupin_desktop.services.context import ServiceContext
from fupin_desktop.services.settings import bureau
from fupin_desktop.services.users import login

QUANZHOU = ["350502", "350503", "350504", "350505", "350521", "350524", "350525", "350526", "350527", "350581",
            "350582", "350583"]  # 泉州市's twelve county-level units (350501 市辖区 is a grouping, not a unit)


def _month() -> Period:
    return Period.of_date(clock.today()).previous().previous()  # approved in the demo county


def _as(ctx: ServiceContext, username: str) -> ServiceContext:
    return ctx.as_user(login(ctx.db, username, "demo"))


def _trust(city: ServiceContext, county: ServiceContext, tmp_path: Path) -> None:
    pem, _, fingerprint = seal.export_certificate(_as(county, "reviewer"), tmp_path / f"{id(county)}.pem")
    receiving.trust_add(city, pem, bureau(county.db).division_code, confirmed_fingerprint=fingerprint)


def _trust_absent(city: ServiceContext, tmp_path: Path, division: str, name: str) -> None:
    key = create_seal_key(name, division, "某人", "secret-passphrase")
    path = tmp_path / f"{division}.pem"
    path.write_bytes(key.cert_pem)
    receiving.trust_add(city, path, division, confirmed_fingerprint=cert_fingerprint(load_certificate(key.cert_pem)))


@pytest.fixture
def quanzhou(clerk, city, demo_dir, tmp_path, pg_server):  # type: ignore[no-untyped-def]
    """泉州: 3 of its 12 counties registered (晋江, 石狮, 南安), 2 received (晋江, 石狮)."""
    from test_submissions import _second_county

    shishi = _second_county(demo_dir, tmp_path, pg_server)
    for county in (clerk, shishi):
        _trust(city, county, tmp_path)
    _trust_absent(city, tmp_path, "350583", "南安市民政局")
    packages = [submissions.submit(_as(c, "reviewer"), "monthly", _month(), tmp_path / f"usb{n}", "demo")[1]
                for n, c in enumerate((clerk, shishi))]
    assert all(r.accepted for r in receiving.receive(city, packages))
    yield city
    shishi.db.dispose()


def test_a_city_lists_every_county_from_the_division_table(quanzhou, tmp_path: Path) -> None:
    rows = expected_units.reporting_status(quanzhou, "monthly", _month())
    assert [r.division for r in rows] == QUANZHOU
    by = {r.division: r for r in rows}
    assert {d for d, r in by.items() if r.state == "received"} == {"350581", "350582"}
    not_reported = [r for r in rows if r.state != "received"]
    assert len(not_reported) == 10
    assert [r.name for r in not_reported][:3] == ["鲤城区", "丰泽区", "洛江区"]  # by name, from the table
    assert [r.division for r in not_reported if r.has_certificate] == ["350583"]
    assert by["350583"].state_label == "未报" and by["350502"].state_label == "无证书"
    due = expected_units.due_day(quanzhou, "monthly", _month())
    assert due == _month().last_day + timedelta(days=expected_units.MONTHLY_UPWARD_DAY)
    assert by["350502"].days_late == (clock.today() - due).days > 0

    result = receiving.aggregate(quanzhou, "monthly", _month(), tmp_path / "out")
    assert len(result.missing) == 10 and ("350502", "鲤城区") in result.missing
    assert ("350583", "南安市民政局") in result.missing


def test_a_unit_marked_not_applicable_says_why_and_is_not_missing(quanzhou) -> None:
    expected_units.mark_exempt(quanzhou, "350527", "金门县暂不适用（台湾地区）")
    by = {r.division: r for r in expected_units.reporting_status(quanzhou, "monthly", _month())}
    assert (by["350527"].state_label, by["350527"].reason) == ("不适用", "金门县暂不适用（台湾地区）")
    with pytest.raises(KnownError, match="原因"):
        expected_units.mark_exempt(quanzhou, "350526", "  ")
    with pytest.raises(KnownError, match="不是本局下级"):
        expected_units.mark_exempt(quanzhou, "440106", "别的市")
    expected_units.clear_exempt(quanzhou, "350527")
    assert {r.division: r for r in expected_units.reporting_status(
        quanzhou, "monthly", _month())}["350527"].state == "no_certificate"


def test_cli_receiving_status_json_and_table(quanzhou, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("FUPIN_PASSWORD", "demo")
    base = ["--data-dir", str(quanzhou.data_dir), "receiving", "status", "--report", "monthly",
            "--period", str(_month()), "--user", "admin"]
    assert main([*base, "--json"]) == 0
    rows = json.loads(capsys.readouterr()[0])
    assert sum(1 for r in rows if r["state"] in ("missing", "no_certificate")) == 10
    assert main(base) == 0
    out = capsys.readouterr()[0]
    assert "鲤城区" in out and "无证书" in out and "应报 12 个：已收 2 个" in out


def test_a_county_has_no_one_reporting_to_it(clerk) -> None:
    with pytest.raises(expected_units.NotAReceiver, match="县级单位"):
        expected_units.expected_units(clerk)


def test_a_city_sends_its_aggregate_a_county_governed_by_the_province_its_own_report() -> None:
    assert expected_units.sent_by("aggregate-monthly", "350500") == "aggregate-monthly"
    assert expected_units.sent_by("aggregate-monthly", "429004") == "monthly"  # 仙桃市, governed by 湖北省
    assert expected_units.sent_by("aggregate-year", "469001") == "year"  # 五指山市, governed by 海南省
    assert expected_units.sent_by("monthly", "350582") == "monthly"


def test_a_correction_after_the_due_day_keeps_an_on_time_report_on_time(clerk, city, tmp_path, monkeypatch) -> None:
    month = _month()
    _trust(city, clerk, tmp_path)
    due = expected_units.due_day(city, "monthly", month)
    assert due is not None and due < clock.today()
    monkeypatch.setenv(clock.TODAY_ENV, str(due))  # 晋江's first version arrives on the due day
    v1 = submissions.submit(_as(clerk, "reviewer"), "monthly", month, tmp_path / "usb1", "demo")[1]
    assert receiving.receive(city, [v1])[0].accepted
    monkeypatch.setenv(clock.TODAY_ENV, str(due + timedelta(days=9)))  # its correction nine days later
    v2 = submissions.submit(_as(clerk, "reviewer"), "monthly", month, tmp_path / "usb2", "demo")[1]
    assert receiving.receive(city, [v2])[0].accepted
    [jinjiang] = [u for u in expected_units.reporting_status(city, "monthly", month) if u.division == "350582"]
    assert (jinjiang.state, jinjiang.version, jinjiang.days_late, jinjiang.late_text) == ("received", 2, 0, "按时")
