"""Sealed submissions: what the receiving bureau accepts, and every way a package is refused."""

from __future__ import annotations

import json
import shutil
import subprocess
import zipfile
from datetime import timedelta
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import text

from fupin_desktop.documents.package import manifest_bytes, package_bytes
from fupin_desktop.documents.seal_key import create_seal_key, load_seal_key
from fupin_desktop.documents.signing import sign_detached
from fupin_desktop.domain import clock
from fupin_desktop.domain.periods import Period
from fupin_desktop.errors import KnownError, PermissionDenied
from fupin_desktop.services import receiving, seal, submissions, summaries
from fupin_desktop.services.context import Forms, ServiceContext
from fupin_desktop.services.demo import give_demo_seal
from fupin_desktop.services.users import login
from fupin_desktop.store.db import Database


def _month() -> Period:
    return Period.of_date(clock.today()).previous().previous()  # approved in the demo county


def _as(ctx: ServiceContext, username: str) -> ServiceContext:
    return ctx.as_user(login(ctx.db, username, "demo"))


def _trust(city: ServiceContext, county: ServiceContext, tmp_path: Path) -> None:
    pem, _, fingerprint = seal.export_certificate(_as(county, "reviewer"), tmp_path / f"{id(county)}.pem")
    from fupin_desktop.services.settings import bureau

    receiving.trust_add(city, pem, bureau(county.db).division_code, confirmed_fingerprint=fingerprint)


def _submit(county: ServiceContext, out: Path, **kw) -> Path:  # type: ignore[no-untyped-def]
    _, path = submissions.submit(_as(county, "reviewer"), "monthly", _month(), out, "demo", **kw)
    return path


def test_a_clerk_cannot_submit_and_a_wrong_passphrase_stops_before_any_file(clerk, tmp_path: Path) -> None:
    with pytest.raises(PermissionDenied):
        submissions.submit(clerk, "monthly", _month(), tmp_path, "demo")
    with pytest.raises(KnownError, match="口令"):
        submissions.submit(_as(clerk, "reviewer"), "monthly", _month(), tmp_path / "usb", "wrong")
    assert not (tmp_path / "usb").exists() or not list((tmp_path / "usb").iterdir())


def test_the_seal_key_file_cannot_be_read_without_the_passphrase(clerk) -> None:
    info = seal.current_seal(_as(clerk, "reviewer"))
    assert info is not None
    raw = seal.key_bytes(_as(clerk, "reviewer"), info)
    assert b"PRIVATE KEY" not in raw
    with pytest.raises(KnownError):
        load_seal_key(raw, "")
    with pytest.raises(KnownError):
        load_seal_key(raw, "not-demo")
    assert load_seal_key(raw, "demo").division == "350582"


def test_incomplete_months_are_refused_unless_confirmed(clerk, tmp_path: Path) -> None:
    last = Period.of_date(clock.today()).previous()  # the demo's last month is still coming in
    reviewer = _as(clerk, "reviewer")
    with pytest.raises(submissions.IncompleteMonths) as caught:
        submissions.submit(reviewer, "monthly", last, tmp_path, "demo")
    assert caught.value.months
    view, path = submissions.submit(reviewer, "monthly", last, tmp_path, "demo", allow_incomplete=True)
    assert view.incomplete and path.exists()


def test_the_untouched_package_verifies_on_a_second_data_folder(clerk, city, tmp_path: Path) -> None:
    path = _submit(clerk, tmp_path / "usb")
    assert path.name == f"350582_晋江市民政局_月报_{_month()}_v1.zip"
    with zipfile.ZipFile(path) as zf:
        assert sorted(zf.namelist()) == sorted(["report.pdf", "report.xlsx", "data.json", "manifest.json",
                                                "manifest.sig", "signer.pem"])
        assert all(n.isascii() for n in zf.namelist())
    assert not receiving.verify(city, path).ok  # nothing trusted yet: unknown signer
    _trust(city, clerk, tmp_path)
    verdict = receiving.verify(city, path)
    assert verdict.ok, verdict.problems
    assert (verdict.division, verdict.report, verdict.period, verdict.version) == ("350582", "monthly", str(_month()), 1)


def _tampered(path: Path, out: Path, change) -> Path:  # type: ignore[no-untyped-def]
    with zipfile.ZipFile(path) as zf:
        files = {n: zf.read(n) for n in zf.namelist()}
    change(files)
    with zipfile.ZipFile(out, "w") as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return out


def _flip(name: str):  # type: ignore[no-untyped-def]
    def change(files: dict[str, bytes]) -> None:
        data = bytearray(files[name])
        data[len(data) // 2] ^= 0x01
        files[name] = bytes(data)
    return change


CASES = {
    "pdf_byte": (_flip("report.pdf"), "report.pdf"),
    "xlsx_byte": (_flip("report.xlsx"), "report.xlsx"),
    "data_byte": (_flip("data.json"), "data.json"),
    "signature_byte": (_flip("manifest.sig"), "签名"),
    "cert_byte": (_flip("signer.pem"), ""),
    "removed_file": (lambda f: f.pop("report.xlsx"), "缺少文件 report.xlsx"),
    "added_file": (lambda f: f.update({"extra.txt": b"hello"}), "多出了"),
    "manifest_edit": (lambda f: f.update({"manifest.json": f["manifest.json"].replace(b'"version":1', b'"version":2')}), ""),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_every_tampering_is_refused_with_its_reason(clerk, city, tmp_path: Path, case: str) -> None:
    path = _submit(clerk, tmp_path / "usb")
    _trust(city, clerk, tmp_path)
    change, reason = CASES[case]
    bad = _tampered(path, tmp_path / f"{case}.zip", change)
    verdict = receiving.verify(city, bad)
    assert not verdict.ok
    assert verdict.problems
    if reason:
        assert any(reason in p for p in verdict.problems), verdict.problems


def test_resigned_with_an_untrusted_key_is_refused(clerk, city, tmp_path: Path) -> None:
    path = _submit(clerk, tmp_path / "usb")
    _trust(city, clerk, tmp_path)
    forged = create_seal_key("晋江市民政局", "350582", "冒名", "secret-passphrase")
    key = load_seal_key(forged.p12, "secret-passphrase")
    with zipfile.ZipFile(path) as zf:
        files = {n: zf.read(n) for n in zf.namelist()}
    manifest = json.loads(files["manifest.json"])
    manifest["version"] = 9
    content = {n: files[n] for n in ("report.pdf", "report.xlsx", "data.json")}
    bad = tmp_path / "forged.zip"
    bad.write_bytes(package_bytes(content, manifest, sign_detached(manifest_bytes(manifest), key), forged.cert_pem))
    verdict = receiving.verify(city, bad)
    assert not verdict.ok and not verdict.trusted
    assert any("不在本单位信任" in p for p in verdict.problems)


def test_a_retired_certificate_counts_only_for_what_was_received_before(clerk, city, tmp_path: Path) -> None:
    received_in_time = _submit(clerk, tmp_path / "usb1")
    _trust(city, clerk, tmp_path)
    assert receiving.receive(city, [received_in_time])[0].accepted
    late = _submit(clerk, tmp_path / "usb2")  # sealed today, brought after the retirement
    fingerprint = receiving.trust_list(city)[0].fingerprint
    receiving.trust_retire(city, fingerprint[:9], clock.today() + timedelta(days=1))
    assert receiving.verify(city, received_in_time).ok  # this bureau had it before the retirement
    verdict = receiving.verify(city, late)
    assert not verdict.ok and any("停用前没有收到过这个包" in p for p in verdict.problems)

    # Moving the package's own created_at back is no evidence (the key holder can sign anything).
    reviewer = _as(clerk, "reviewer")  # the key, wherever it is kept (the folder, or a LAN server's database)
    forged_key = load_seal_key(seal.key_bytes(reviewer, seal.current_seal(reviewer)), "demo")
    with zipfile.ZipFile(late) as zf:
        files = {n: zf.read(n) for n in zf.namelist()}
    manifest = json.loads(files["manifest.json"])
    manifest["created_at"] = "2020-01-01T09:00:00"
    content = {n: files[n] for n in ("report.pdf", "report.xlsx", "data.json")}
    backdated = tmp_path / "backdated.zip"
    backdated.write_bytes(package_bytes(content, manifest, sign_detached(manifest_bytes(manifest), forged_key),
                                        files["signer.pem"]))
    verdict = receiving.verify(city, backdated)
    assert not verdict.ok and any("不作为依据" in p for p in verdict.problems), verdict.problems


@pytest.mark.parametrize("name", ["../evil.txt", "/etc/passwd", "a\\b.txt"])
def test_hostile_entry_names_are_refused_without_unpacking(clerk, city, tmp_path: Path, name: str) -> None:
    bad = tmp_path / "slip.zip"
    with zipfile.ZipFile(bad, "w") as zf:
        zf.writestr(name, b"x")
        zf.writestr("manifest.json", b"{}")
    verdict = receiving.verify(city, bad)
    assert not verdict.ok and any("不安全" in p for p in verdict.problems)
    assert not (tmp_path.parent / "evil.txt").exists()


def test_non_zip_duplicate_names_and_bombs_are_refused(city, tmp_path: Path) -> None:
    plain = tmp_path / "letter.zip"
    plain.write_text("不是压缩包", encoding="utf-8")
    assert any("不是报送包" in p for p in receiving.verify(city, plain).problems)
    dup = tmp_path / "dup.zip"
    with zipfile.ZipFile(dup, "w") as zf, pytest.warns(UserWarning):
        zf.writestr("manifest.json", b"{}")
        zf.writestr("manifest.json", b"{}")
    assert any("重名" in p for p in receiving.verify(city, dup).problems)
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("report.pdf", b"\0" * (120 * 1024 * 1024))
    assert any("上限" in p or "压缩比" in p for p in receiving.verify(city, bomb).problems)


def test_a_correction_chain_v1_v2_at_the_receiver(clerk, city, tmp_path: Path) -> None:
    v1 = _submit(clerk, tmp_path / "usb")
    v2 = _submit(clerk, tmp_path / "usb")
    assert v2.name.endswith("_v2.zip")
    _trust(city, clerk, tmp_path)
    results = receiving.receive(city, [v1, v2])
    assert [r.accepted for r in results] == [True, True]
    assert "替代第 1 版" in results[1].message
    again = receiving.receive(city, [v1])
    assert not again[0].accepted
    listed = submissions.list_submissions(clerk)
    assert [s.version for s in listed[:2]] == [2, 1] and listed[0].corrects == listed[1].manifest_sha256


def _second_county(demo_dir: Path, tmp_path: Path, pg_server=None) -> ServiceContext:  # type: ignore[no-untyped-def]
    """石狮市: a copy of the demo county under another name and code, with other figures (on a LAN
    server its own database made from the demo's template: a copied folder would share the server's)."""
    from pg_server import own_database

    folder = tmp_path / "shishi"
    shutil.copytree(demo_dir, folder)
    shutil.rmtree(folder / "seal", ignore_errors=True)
    own_database(pg_server, folder, template="demo_template")
    db = Database.open(folder, create=False)
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE setting SET value='石狮市民政局' WHERE key='bureau_name'"))
        conn.execute(text("UPDATE setting SET value='350581' WHERE key='division_code'"))
        conn.execute(text("UPDATE monthly_row SET funds_fen = funds_fen + 100, jobs = jobs + 1"))
        conn.execute(text("DELETE FROM seal_certificate"))
    give_demo_seal(db, folder)
    return ServiceContext(db, Forms(), login(db, "clerk", "demo"), folder)


def test_aggregate_of_several_counties_has_exact_totals_and_lists_the_missing(clerk, city, demo_dir, tmp_path,
                                                                              pg_server) -> None:
    shishi = _second_county(demo_dir, tmp_path, pg_server)
    for county in (clerk, shishi):
        _trust(city, county, tmp_path)
    absent = create_seal_key("南安市民政局", "350583", "某人", "secret-passphrase")
    (tmp_path / "nanan.pem").write_bytes(absent.cert_pem)
    from fupin_desktop.documents.seal_key import cert_fingerprint, load_certificate

    receiving.trust_add(city, tmp_path / "nanan.pem", "350583",
                        confirmed_fingerprint=cert_fingerprint(load_certificate(absent.cert_pem)))
    packages = [_submit(clerk, tmp_path / "usb1"), _submit(shishi, tmp_path / "usb2")]
    assert all(r.accepted for r in receiving.receive(city, packages))
    result = receiving.aggregate(city, "monthly", _month(), tmp_path / "out")
    expected = {name: summaries.summarize(c, _month(), "township").total.figures[name]
                for c in (clerk, shishi) for name in ("funds_fen",)}
    jinjiang = summaries.summarize(clerk, _month(), "township").total.figures
    shishi_totals = summaries.summarize(shishi, _month(), "township").total.figures
    by_division = {c["division"]: c for c in result.counties}
    assert by_division["350582"]["funds_fen"] == jinjiang["funds_fen"]
    assert by_division["350581"]["funds_fen"] == shishi_totals["funds_fen"]
    assert shishi_totals["funds_fen"] != jinjiang["funds_fen"] and expected
    assert sum(c["funds_fen"] for c in result.counties) == jinjiang["funds_fen"] + shishi_totals["funds_fen"]
    # 南安 registered but silent; the other nine of 泉州's units from the division table (issue 15).
    assert ("350583", "南安市民政局") in result.missing and len(result.missing) == 10
    assert result.pdf.exists() and result.xlsx.exists()
    # Issue 11: the 版本 column is a label, never summed; the letter has its 主送机关 (no bare "：").
    ws = openpyxl.load_workbook(result.xlsx).active
    header = next(r for r in ws.iter_rows() if any(c.value == "版本" for c in r))
    column = next(c.column for c in header if c.value == "版本")
    total = next(r for r in ws.iter_rows() if r[0].value == "合计")
    assert total[column - 1].value in (None, "") and ws.cell(header[0].row + 2, column).value == "第1版"
    assert "上级民政部门：" in subprocess.run(["pdftotext", str(result.pdf), "-"], capture_output=True, text=True,
                                         check=True).stdout
    shishi.db.dispose()


def test_audit_export_check_catches_a_rewritten_history(clerk, city, tmp_path: Path) -> None:
    path = _submit(clerk, tmp_path / "usb")
    _trust(city, clerk, tmp_path)
    assert receiving.receive(city, [path])[0].accepted
    from fupin_desktop.store import audit

    with clerk.db.reading() as s:
        records = audit.export_records(s)
    export = tmp_path / "audit.json"
    export.write_text(json.dumps({"division": "350582", "records": records}, ensure_ascii=False, default=str))
    assert receiving.check_audit_export(city, export)[2] == []
    records[5]["summary"] = "改过的历史"
    export.write_text(json.dumps({"division": "350582", "records": records}, ensure_ascii=False, default=str))
    assert receiving.check_audit_export(city, export)[2]


def test_list_received_shows_every_version_newest_first(clerk, city, tmp_path: Path) -> None:
    v1, v2 = _submit(clerk, tmp_path / "usb"), _submit(clerk, tmp_path / "usb")
    _trust(city, clerk, tmp_path)
    assert receiving.list_received(city) == []
    assert all(r.accepted for r in receiving.receive(city, [v1, v2]))
    rows = receiving.list_received(city)
    assert [(r.version, r.superseded) for r in rows] == [(2, False), (1, True)]
    assert [r.file_name for r in rows] == [v2.name, v1.name]
    assert rows[0].report_label == "月报" and rows[0].period == str(_month()) and rows[0].division == "350582"
    assert rows[0].bureau == "晋江市民政局" and rows[0].received_by == city.user.display_name
    assert len(rows[0].sha256) == 64


def test_an_unknown_signer_is_one_problem_in_neutral_words(clerk, city, tmp_path: Path) -> None:
    verdict = receiving.verify(city, _submit(clerk, tmp_path / "usb"))
    assert not verdict.ok and len(verdict.problems) == 1, verdict.problems
    assert "核对纸质登记单上的指纹" in verdict.problems[0] and "fupin" not in verdict.problems[0]


def test_a_certificate_for_another_division_is_refused_in_neutral_words(clerk, city, tmp_path: Path) -> None:
    pem, _, fingerprint = seal.export_certificate(_as(clerk, "reviewer"), tmp_path / "jj.pem")
    with pytest.raises(KnownError, match="证书写明的区划代码是 350582，与所填的 350583 不符") as caught:
        receiving.trust_add(city, pem, "350583", confirmed_fingerprint=fingerprint)
    assert "--" not in str(caught.value)


def test_a_clerk_sees_who_holds_the_bureau_seal(clerk) -> None:
    info = seal.current_seal(_as(clerk, "reviewer"))
    assert info is not None and seal.current_seal(clerk) is None
    assert seal.bureau_seals(clerk) == [seal.BureauSeal("reviewer", "陈志明", info.fingerprint, info.created_at)]


def test_a_correction_before_its_original_waits_and_never_blocks_it(clerk, city, tmp_path: Path) -> None:
    v1 = _submit(clerk, tmp_path / "usb")
    v2 = _submit(clerk, tmp_path / "usb")
    v3 = _submit(clerk, tmp_path / "usb")
    _trust(city, clerk, tmp_path)
    first = receiving.receive(city, [v3])[0]
    assert first.accepted and "等待原版" in first.message
    assert [(p.version, p.waiting) for p in receiving.list_received(city)] == [(3, True)]
    assert receiving.aggregate(city, "monthly", _month(), tmp_path / "out0").counties == []  # not counted

    original = receiving.receive(city, [v1])[0]
    assert original.accepted and "等待原版" not in original.message  # the genuine v1 is not blocked
    assert receiving.receive(city, [v2])[0].accepted  # v2 corrects v1, then the waiting v3 chains on v2
    state = {p.version: (p.superseded, p.waiting) for p in receiving.list_received(city)}
    assert state == {1: (True, False), 2: (True, False), 3: (False, False)}
    counties = receiving.aggregate(city, "monthly", _month(), tmp_path / "out").counties
    assert [c["version"] for c in counties] == [3]
