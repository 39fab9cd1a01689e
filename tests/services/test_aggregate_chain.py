"""A sealed chain upward (issue 15): the city seals its aggregate of the counties' packages, the
province verifies it and, holding the county packages too, confirms each figure is their sum; a
county package corrected after the city aggregated is reported as a mismatch."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from test_expected_units import _as, _month, _trust, _trust_absent

from fupin_desktop.domain.monthly_checks import FIGURES
from fupin_desktop.services import aggregate_reports, expected_units, receiving, seal, submissions
from fupin_desktop.services.context import Forms, ServiceContext
from fupin_desktop.services.setup import initialize
from fupin_desktop.services.users import create_user, login
from fupin_desktop.store.db import Database


@pytest.fixture
def province(tmp_path: Path, pg_server):  # type: ignore[no-untyped-def]
    from pg_server import own_database

    folder = tmp_path / "province"
    own_database(pg_server, folder)
    db = Database.open(folder)
    initialize(db, bureau="福建省民政厅", division="350000", admin="admin", password="demo")
    ctx = ServiceContext(db, Forms(), login(db, "admin", "demo"), folder)
    yield ctx
    db.dispose()


def _city_reviewer(city: ServiceContext) -> ServiceContext:
    create_user(city, "zhang", "city-pass-1", "reviewer", "张审核")
    reviewer = city.as_user(login(city.db, "zhang", "city-pass-1"))
    seal.init_seal(reviewer, "city-seal-pass")
    return reviewer


def _register(receiver: ServiceContext, sender: ServiceContext, tmp_path: Path, division: str) -> None:
    pem, _, fingerprint = seal.export_certificate(sender, tmp_path / f"{division}.pem")
    receiving.trust_add(receiver, pem, division, confirmed_fingerprint=fingerprint)


def test_city_seals_its_aggregate_and_the_province_checks_it_against_the_counties(
        clerk, city, province, tmp_path: Path) -> None:
    _trust(city, clerk, tmp_path)
    _trust_absent(city, tmp_path, "350583", "南安市民政局")
    county_v1 = submissions.submit(_as(clerk, "reviewer"), "monthly", _month(), tmp_path / "usb1", "demo")[1]
    assert all(r.accepted for r in receiving.receive(city, [county_v1]))

    reviewer = _city_reviewer(city)
    with pytest.raises(submissions.IncompleteMonths, match="下级单位"):  # ten of 泉州's units silent
        submissions.submit(reviewer, "aggregate-monthly", _month(), tmp_path / "up", "city-seal-pass")
    _, city_package = submissions.submit(reviewer, "aggregate-monthly", _month(), tmp_path / "up", "city-seal-pass",
                                         allow_incomplete=True)

    # The province trusts the city and the county, and receives both packages.
    _register(province, reviewer, tmp_path, "350500")
    _trust(province, clerk, tmp_path)
    results = receiving.receive(province, [city_package, county_v1])
    assert all(r.accepted for r in results), [r.message for r in results]
    # Who sends what to a province: the cities their 月报汇总, every county its 月报.
    from_cities = {u.division: u.state for u in expected_units.reporting_status(province, "aggregate-monthly", _month())}
    assert from_cities["350500"] == "received" and from_cities["350100"] == "no_certificate"
    assert all(d.endswith("00") for d in from_cities)  # 福建 governs no county directly
    from_counties = {u.division: u.state for u in expected_units.reporting_status(province, "monthly", _month())}
    assert from_counties["350582"] == "received" and from_counties["350583"] == "no_certificate"
    assert "350500" not in from_counties and len(from_counties) > len(from_cities)
    with zipfile.ZipFile(city_package) as zf:  # what the province now holds, as the city signed it
        data = json.loads(zf.read("data.json"))
    assert data is not None and [s["division"] for s in data["sources"]] == ["350582"]
    assert {m["division"] for m in data["missing"]} >= {"350583", "350502"}
    checks = aggregate_reports.check_sources(province, "350500", "aggregate-monthly", _month())
    assert [(c.division, c.state) for c in checks] == [("350582", "same")]
    assert data["totals"] == {k: data["sources"][0]["totals"][k] for k in FIGURES}

    # The county corrects its month after the city aggregated: the province holds version 2 now.
    county_v2 = submissions.submit(_as(clerk, "reviewer"), "monthly", _month(), tmp_path / "usb2", "demo")[1]
    assert all(r.accepted for r in receiving.receive(province, [county_v2]))
    checks = aggregate_reports.check_sources(province, "350500", "aggregate-monthly", _month())
    assert [(c.division, c.state) for c in checks] == [("350582", "other_version")]
    assert "第 1 版" in checks[0].note and "第 2 版" in checks[0].note


def test_a_county_bureau_has_nothing_to_aggregate(clerk, tmp_path: Path) -> None:
    from fupin_desktop.errors import KnownError

    with pytest.raises(KnownError, match="县级"):
        submissions.submit(_as(clerk, "reviewer"), "aggregate-monthly", _month(), tmp_path, "demo")


def test_cli_check_exits_1_on_a_mismatch(clerk, city, province, tmp_path: Path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from fupin_desktop.cli import main

    _trust(city, clerk, tmp_path)
    county_v1 = submissions.submit(_as(clerk, "reviewer"), "monthly", _month(), tmp_path / "usb1", "demo")[1]
    receiving.receive(city, [county_v1])
    reviewer = _city_reviewer(city)
    monkeypatch.setenv("FUPIN_PASSWORD", "city-pass-1")
    monkeypatch.setenv("FUPIN_SEAL_PASSPHRASE", "city-seal-pass")
    seal_up = ["--data-dir", str(city.data_dir), "--user", "zhang", "submit", "aggregate-monthly",
               "--period", str(_month()), "-o", str(tmp_path / "up")]
    assert main(seal_up) != 0  # eleven of 泉州's units silent: asked to confirm
    out, err = capsys.readouterr()
    assert "有 11 个下级单位还没有报送或没有登记证书" in err and "镇" not in err
    assert main([*seal_up, "--allow-incomplete"]) == 0
    out, err = capsys.readouterr()
    assert err.startswith("注意：以下下级单位还没有报送或没有登记证书，已在报表中列明：鲤城区") and "镇" not in err
    city_package = next((tmp_path / "up").glob("*.zip"))
    _register(province, reviewer, tmp_path, "350500")
    _trust(province, clerk, tmp_path)
    county_v2 = submissions.submit(_as(clerk, "reviewer"), "monthly", _month(), tmp_path / "usb2", "demo")[1]
    receiving.receive(province, [city_package, county_v1, county_v2])
    monkeypatch.setenv("FUPIN_PASSWORD", "demo")
    argv = ["--data-dir", str(province.data_dir), "receiving", "check", "--division", "350500",
            "--report", "aggregate-monthly", "--period", str(_month()), "--user", "admin"]
    assert main(argv) == 1
    out, err = capsys.readouterr()
    assert "版本不同" in out and "晋江市民政局" in out and "Traceback" not in err



def test_a_city_figure_that_is_not_the_county_s_is_reported_field_by_field(clerk, city, province,
                                                                          tmp_path: Path) -> None:
    """A city that sealed a 晋江 row 100 fen above 晋江's own package (its seal is valid: the city
    signed what it wrote): the province, holding 晋江's package, names the figure that differs."""
    from fupin_desktop.documents.package import manifest_bytes, package_bytes, sha256
    from fupin_desktop.documents.signing import sign_detached

    _trust(city, clerk, tmp_path)
    county = submissions.submit(_as(clerk, "reviewer"), "monthly", _month(), tmp_path / "usb1", "demo")[1]
    receiving.receive(city, [county])
    reviewer = _city_reviewer(city)
    _, honest = submissions.submit(reviewer, "aggregate-monthly", _month(), tmp_path / "up", "city-seal-pass",
                                   allow_incomplete=True)
    with zipfile.ZipFile(honest) as zf:
        files = {n: zf.read(n) for n in zf.namelist()}
    data = json.loads(files["data.json"])
    [row] = [r for r in data["rows"] if r["division"] == "350582"]
    row["funds_fen"] += 100  # the row only: the 合计 no longer adds up either
    files["data.json"] = json.dumps(data, ensure_ascii=False).encode("utf-8")
    manifest = json.loads(files["manifest.json"])
    manifest["files"]["data.json"] = sha256(files["data.json"])
    key = seal.unlock_seal(reviewer, "city-seal-pass")
    forged = tmp_path / "sealed-by-the-city.zip"
    forged.write_bytes(package_bytes({n: files[n] for n in ("report.pdf", "report.xlsx", "data.json")}, manifest,
                                     sign_detached(manifest_bytes(manifest), key), files["signer.pem"]))

    _register(province, reviewer, tmp_path, "350500")
    _trust(province, clerk, tmp_path)
    assert all(r.accepted for r in receiving.receive(province, [forged, county]))
    checks = aggregate_reports.check_sources(province, "350500", "aggregate-monthly", _month())
    assert [(c.division, c.state) for c in checks] == [("350582", "figures_differ"), ("350500", "figures_differ")]
    assert checks[0].note == "汇总表中的投入资金与该单位报送包不符"
    assert checks[1].note == "汇总表合计的投入资金不等于各单位之和"


def test_the_aggregate_breaks_the_figures_down_and_says_what_changed_since(clerk, city, tmp_path: Path) -> None:
    import subprocess

    import openpyxl

    _trust(city, clerk, tmp_path)
    v1 = submissions.submit(_as(clerk, "reviewer"), "monthly", _month(), tmp_path / "usb1", "demo")[1]
    receiving.receive(city, [v1])
    first = receiving.aggregate(city, "monthly", _month(), tmp_path / "out1")
    assert first.changed == []
    text = subprocess.run(["pdftotext", "-layout", str(first.pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "按专项行动" in text and "按帮扶领域" in text and "按结对对象类型" in text and "百社解千难" in text
    book = openpyxl.load_workbook(first.xlsx)
    assert [ws.title for ws in book.worksheets][1:] == ["2.按专项行动", "3.按帮扶领域", "4.按结对对象类型"]
    by_campaign = book.worksheets[1]
    total = next(r for r in by_campaign.iter_rows() if r[0].value == "合计")
    funds_column = next(c.column for c in by_campaign[3] if str(c.value or "").startswith("投入资金"))
    assert total[funds_column - 1].value.startswith("=SUM(")  # additive: summed; the 版本 column never is
    assert sum(int(c["funds_fen"]) for c in first.counties) == sum(
        item["funds_fen"] for item in receiving_data(city)["campaign"])

    v2 = submissions.submit(_as(clerk, "reviewer"), "monthly", _month(), tmp_path / "usb2", "demo")[1]
    receiving.receive(city, [v2])
    second = receiving.aggregate(city, "monthly", _month(), tmp_path / "out2")
    assert second.changed == ["晋江市民政局（第 1 版 → 第 2 版：数字未变）"]
    text = subprocess.run(["pdftotext", str(second.pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "与上次汇总相比有变化的" in text.replace("\n", "")


def receiving_data(city: ServiceContext) -> dict[str, list[dict[str, int]]]:
    return aggregate_reports.aggregate_content(city, "monthly", _month(), clock_today()).data["by"]


def clock_today():  # type: ignore[no-untyped-def]
    from fupin_desktop.domain import clock

    return clock.today()


def test_a_package_received_before_sums_were_kept_aggregates_the_same(clerk, city, tmp_path: Path) -> None:
    from sqlalchemy import text

    _trust(city, clerk, tmp_path)
    package = submissions.submit(_as(clerk, "reviewer"), "monthly", _month(), tmp_path / "usb1", "demo")[1]
    receiving.receive(city, [package])
    kept = aggregate_reports.aggregate_content(city, "monthly", _month(), clock_today()).data
    with city.db.engine.begin() as conn:  # as a package received by an older version of the program
        conn.execute(text("UPDATE received_package SET totals = NULL, breakdown = NULL"))
    worked_out = aggregate_reports.aggregate_content(city, "monthly", _month(), clock_today()).data
    assert worked_out["totals"] == kept["totals"] and worked_out["by"] == kept["by"]
    assert kept["by"]["target_kind"] and sum(i["funds_fen"] for i in kept["by"]["domain"]) == kept["totals"]["funds_fen"]
