"""A package that arrives before its unit's certificate is registered waits, and is received when
the certificate is (issue 15): nothing is lost, nothing is counted before it passes every check."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pytest

from fupin_desktop.documents.package import manifest_bytes, package_bytes
from fupin_desktop.documents.seal_key import (
    cert_fingerprint,
    create_seal_key,
    load_certificate,
    load_seal_key,
)
from fupin_desktop.documents.signing import sign_detached
from fupin_desktop.domain import clock
from fupin_desktop.domain.periods import Period
from fupin_desktop.errors import KnownError, NotFound, PermissionDenied
from fupin_desktop.services import expected_units, pending_packages, receiving, seal, submissions, users
from fupin_desktop.services.context import ServiceContext
from fupin_desktop.services.users import login
from fupin_desktop.store import audit


def _month() -> Period:
    return Period.of_date(clock.today()).previous().previous()  # approved in the demo county


def _as(ctx: ServiceContext, username: str) -> ServiceContext:
    return ctx.as_user(login(ctx.db, username, "demo"))


def _submit(county: ServiceContext, out: Path) -> Path:
    return submissions.submit(_as(county, "reviewer"), "monthly", _month(), out, "demo")[1]


def _certificate(county: ServiceContext, tmp_path: Path) -> tuple[Path, str]:
    pem, _, fingerprint = seal.export_certificate(_as(county, "reviewer"), tmp_path / "jinjiang.pem")
    return pem, fingerprint


def _status(city: ServiceContext, division: str) -> str:
    return next(u.state for u in expected_units.reporting_status(city, "monthly", _month()) if u.division == division)


def test_a_package_before_its_certificate_waits_and_is_received_when_it_is_registered(clerk, city, tmp_path) -> None:
    package = _submit(clerk, tmp_path / "usb")
    got = receiving.receive(city, [package])[0]
    assert not got.accepted and got.verification.unknown_signer and got.verification.intact
    assert got.message.startswith("已暂存：登记该单位（350582）的证书后自动重新验证")
    assert receiving.list_received(city) == []  # kept, never counted before it passes
    assert _status(city, "350582") == "no_certificate"
    [waiting] = pending_packages.list_pending(city)
    assert (waiting.division, waiting.report, waiting.period, waiting.version) == ("350582", "monthly", str(_month()), 1)
    assert waiting.file_name == package.name and waiting.reason == pending_packages.WAITING_FOR_CERTIFICATE
    pem, fingerprint = _certificate(clerk, tmp_path)
    assert waiting.signer_fingerprint == fingerprint and waiting.arrived_by == city.user.display_name

    view = receiving.trust_add(city, pem, "350582", confirmed_fingerprint=fingerprint)
    assert view.rechecked is not None
    assert (view.rechecked.checked, view.rechecked.accepted, view.rechecked.still_pending) == (1, 1, 0)
    assert "1 个已接收" in view.rechecked.summary()
    assert pending_packages.list_pending(city) == [] and pending_packages.pending_count(city) == 0
    [stored] = receiving.list_received(city)
    assert (stored.file_name, stored.sha256, stored.bureau) == (package.name, waiting.sha256, "晋江市民政局")
    assert stored.received_at == waiting.arrived_at  # this bureau's receipt is when the package arrived
    assert _status(city, "350582") == "received"
    with city.db.reading() as s:
        summaries = [r["summary"] for r in audit.export_records(s) if r["entity"] == "pending_package"]
    assert any(t.startswith("暂存 晋江市民政局（350582）") for t in summaries)
    assert any("已通过验证" in t for t in summaries)


def test_the_same_bytes_twice_are_one_pending_entry(clerk, city, tmp_path) -> None:
    package = _submit(clerk, tmp_path / "usb")
    copy = tmp_path / "copy" / "改了名字.zip"
    copy.parent.mkdir()
    shutil.copyfile(package, copy)
    results = receiving.receive(city, [package, copy])
    assert [r.accepted for r in results] == [False, False]
    assert "已暂存过同一个包" in results[1].message
    assert receiving.receive(city, [package])[0].message.startswith("已暂存")
    assert pending_packages.pending_count(city) == 1
    pem, fingerprint = _certificate(clerk, tmp_path)
    view = receiving.trust_add(city, pem, "350582", confirmed_fingerprint=fingerprint)
    assert view.rechecked is not None and (view.rechecked.checked, view.rechecked.accepted) == (1, 1)
    assert len(receiving.list_received(city)) == 1


def test_a_package_signed_by_another_key_stays_pending_with_the_reason(clerk, city, tmp_path) -> None:
    package = _submit(clerk, tmp_path / "usb")
    assert receiving.receive(city, [package])[0].message.startswith("已暂存")
    other = create_seal_key("晋江市民政局", "350582", "别人", "secret-passphrase")
    (tmp_path / "other.pem").write_bytes(other.cert_pem)
    view = receiving.trust_add(city, tmp_path / "other.pem", "350582",
                               confirmed_fingerprint=cert_fingerprint(load_certificate(other.cert_pem)))
    assert view.rechecked is not None
    assert (view.rechecked.checked, view.rechecked.accepted, view.rechecked.still_pending) == (1, 0, 1)
    assert "仍暂存" in view.rechecked.messages[0] and "不在本单位信任" in view.rechecked.messages[0]
    [waiting] = pending_packages.list_pending(city)
    assert "不在本单位信任" in waiting.reason
    assert receiving.list_received(city) == [] and _status(city, "350582") == "missing"

    # The right certificate, registered later, receives it (the other one retires from tomorrow).
    pem, fingerprint = _certificate(clerk, tmp_path)
    view = receiving.trust_add(city, pem, "350582", confirmed_fingerprint=fingerprint)
    assert view.rechecked is not None and view.rechecked.accepted == 1
    assert pending_packages.list_pending(city) == [] and _status(city, "350582") == "received"


def test_only_an_unknown_signer_is_kept_a_damaged_package_is_refused(clerk, city, tmp_path) -> None:
    package = _submit(clerk, tmp_path / "usb")
    with zipfile.ZipFile(package) as zf:
        files = {n: zf.read(n) for n in zf.namelist()}
    data = bytearray(files["report.xlsx"])
    data[len(data) // 2] ^= 0x01
    files["report.xlsx"] = bytes(data)
    bad = tmp_path / "tampered.zip"
    with zipfile.ZipFile(bad, "w") as zf:
        for name, content in files.items():
            zf.writestr(name, content)
    got = receiving.receive(city, [bad])[0]
    assert not got.accepted and got.message.startswith("验证未通过")
    assert pending_packages.pending_count(city) == 0


def test_a_correction_and_its_original_waiting_are_received_in_order(clerk, city, tmp_path) -> None:
    v1, v2 = _submit(clerk, tmp_path / "usb"), _submit(clerk, tmp_path / "usb")
    receiving.receive(city, [v2, v1])  # the correction arrived first
    assert pending_packages.pending_count(city) == 2
    pem, fingerprint = _certificate(clerk, tmp_path)
    view = receiving.trust_add(city, pem, "350582", confirmed_fingerprint=fingerprint)
    assert view.rechecked is not None and (view.rechecked.checked, view.rechecked.accepted) == (2, 2)
    rows = receiving.list_received(city)
    assert sorted((r.version, r.superseded, r.waiting) for r in rows) == [(1, True, False), (2, False, False)]


def test_an_unknown_signer_with_another_problem_is_refused_not_kept(clerk, city, tmp_path) -> None:
    """Re-signed under 350583's name with an unregistered key, its data still 350582's: two problems."""
    package = _submit(clerk, tmp_path / "usb")
    forged = create_seal_key("南安市民政局", "350583", "某人", "secret-passphrase")
    key = load_seal_key(forged.p12, "secret-passphrase")
    with zipfile.ZipFile(package) as zf:
        files = {n: zf.read(n) for n in zf.namelist()}
    manifest = json.loads(files["manifest.json"])
    manifest["division"] = "350583"
    content = {n: files[n] for n in ("report.pdf", "report.xlsx", "data.json")}
    bad = tmp_path / "forged.zip"
    bad.write_bytes(package_bytes(content, manifest, sign_detached(manifest_bytes(manifest), key), forged.cert_pem))
    got = receiving.receive(city, [bad])[0]
    assert got.verification.unknown_signer and len(got.verification.problems) == 2
    assert got.message.startswith("验证未通过") and pending_packages.pending_count(city) == 0


def test_an_administrator_discards_a_package_that_will_never_be_received(clerk, city, tmp_path) -> None:
    package = _submit(clerk, tmp_path / "usb")
    receiving.receive(city, [package])
    [waiting] = pending_packages.list_pending(city)
    users.create_user(city, "xiaowang", "Clerk-pass-1", "clerk", "小王")
    city_clerk = city.as_user(login(city.db, "xiaowang", "Clerk-pass-1"))
    with pytest.raises(PermissionDenied):  # a clerk cannot throw away what arrived
        pending_packages.discard(city_clerk, waiting.id, "误投")
    for blank in ("", "   "):
        with pytest.raises(KnownError, match="原因"):
            pending_packages.discard(city, waiting.id, blank)
    assert pending_packages.pending_count(city) == 1  # refusals changed nothing

    assert pending_packages.find(city, waiting.sha256[:8].upper()).id == waiting.id
    assert pending_packages.find(city, package.name).id == waiting.id
    what = pending_packages.discard(city, waiting.id, "不是本市下级单位的报送包")
    assert "晋江市民政局（350582）" in what and package.name in what
    assert pending_packages.list_pending(city) == [] and receiving.list_received(city) == []
    with city.db.reading() as s:
        [record] = [r for r in audit.export_records(s) if r["entity"] == "pending_package" and r["action"] == "delete"]
    kept = json.dumps(record, ensure_ascii=False, default=str)
    assert "不是本市下级单位的报送包" in record["summary"]
    assert waiting.sha256 in kept and waiting.signer_fingerprint in kept
    with pytest.raises(NotFound):
        pending_packages.discard(city, waiting.id, "再删一次")
    with pytest.raises(NotFound):
        pending_packages.find(city, waiting.sha256[:8])
