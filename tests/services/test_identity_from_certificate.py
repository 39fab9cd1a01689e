"""One trusted county cannot speak for another: the bureau shown and aggregated is the one
registered with the signing certificate; a manifest or data header naming another is refused."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from test_submissions import _month, _second_county, _submit, _trust

from fupin_desktop.documents.package import manifest_bytes, package_bytes, sha256
from fupin_desktop.documents.seal_key import load_seal_key
from fupin_desktop.documents.signing import sign_detached
from fupin_desktop.services import receiving


def _resigned_by(county, source: Path, target: Path, manifest_change, data_change) -> Path:  # type: ignore[no-untyped-def]
    """``source``'s content, manifest and data header changed, sealed with ``county``'s own key."""
    with zipfile.ZipFile(source) as zf:
        files = {n: zf.read(n) for n in zf.namelist()}
    data = json.loads(files["data.json"])
    data_change(data)
    content = {"report.pdf": files["report.pdf"], "report.xlsx": files["report.xlsx"],
               "data.json": json.dumps(data, ensure_ascii=False).encode("utf-8")}
    manifest = json.loads(files["manifest.json"])
    manifest_change(manifest)
    manifest["files"] = {name: sha256(body) for name, body in content.items()}
    (p12,) = (county.data_dir / "seal").glob("*.p12")
    key = load_seal_key(p12.read_bytes(), "demo")
    pem = key.certificate.public_bytes(serialization.Encoding.PEM)
    target.write_bytes(package_bytes(content, manifest, sign_detached(manifest_bytes(manifest), key), pem))
    return target


@pytest.fixture
def counties(clerk, city, demo_dir, tmp_path):  # type: ignore[no-untyped-def]
    shishi = _second_county(demo_dir, tmp_path)
    for county in (clerk, shishi):
        _trust(city, county, tmp_path)
    return clerk, shishi


def test_shishi_signing_as_jinjiang_is_refused(counties, city, tmp_path: Path) -> None:
    jinjiang, shishi = counties
    genuine = _submit(jinjiang, tmp_path / "usb")

    def as_jinjiang(m):  # type: ignore[no-untyped-def]
        m.update(division="350581", bureau="晋江市民政局")

    def keep_header(d):  # type: ignore[no-untyped-def]
        d.update(division="350581", bureau="晋江市民政局")

    forged = _resigned_by(shishi, genuine, tmp_path / "forged.zip", as_jinjiang, keep_header)
    verdict = receiving.verify(city, forged)
    assert not verdict.ok and not verdict.trusted
    assert any("与登记的 350581 证书单位「石狮市民政局」不符" in p for p in verdict.problems), verdict.problems


def test_a_data_header_naming_another_county_is_refused(counties, city, tmp_path: Path) -> None:
    jinjiang, shishi = counties
    genuine = _submit(jinjiang, tmp_path / "usb")

    def as_shishi(m):  # type: ignore[no-untyped-def]
        m.update(division="350581", bureau="石狮市民政局")

    forged = _resigned_by(shishi, genuine, tmp_path / "header.zip", as_shishi, lambda d: None)
    verdict = receiving.verify(city, forged)
    assert not verdict.ok
    assert any("数据文件的表头单位「晋江市民政局」（350582）" in p for p in verdict.problems), verdict.problems


def test_the_genuine_packages_still_aggregate_once_each(counties, city, tmp_path: Path) -> None:
    jinjiang, shishi = counties
    packages = [_submit(jinjiang, tmp_path / "usb1"), _submit(shishi, tmp_path / "usb2")]
    assert all(r.accepted for r in receiving.receive(city, packages))
    result = receiving.aggregate(city, "monthly", _month(), tmp_path / "out")
    assert sorted(c["bureau"] for c in result.counties) == ["晋江市民政局", "石狮市民政局"]


def test_a_new_certificate_for_a_division_retires_the_old_one(clerk, city, tmp_path: Path) -> None:
    """One division, one active certificate: packages the city already had keep counting."""
    from fupin_desktop.documents.seal_key import cert_fingerprint, create_seal_key, load_certificate

    kept = _submit(clerk, tmp_path / "usb1")
    _trust(city, clerk, tmp_path)
    assert receiving.receive(city, [kept])[0].accepted
    late = _submit(clerk, tmp_path / "usb2")  # sealed with the old key, brought after the new one
    new = create_seal_key("晋江市民政局", "350582", "新审核人", "secret-passphrase")
    (tmp_path / "new.pem").write_bytes(new.cert_pem)
    receiving.trust_add(city, tmp_path / "new.pem", "350582",
                        confirmed_fingerprint=cert_fingerprint(load_certificate(new.cert_pem)))
    entries = receiving.trust_list(city)
    assert [e.retired_from is None for e in entries].count(True) == 1
    assert receiving.verify(city, kept).ok
    verdict = receiving.verify(city, late)
    assert not verdict.ok and any("已停用" in p for p in verdict.problems), verdict.problems


def test_a_waiting_correction_off_the_chain_gives_way_to_the_genuine_one(clerk, city, tmp_path: Path) -> None:
    """A correction of a version the city never saw waits; when the real chain brings a version
    with the same number, the chain's wins (no database error), and the stray one is recorded."""
    v1 = _submit(clerk, tmp_path / "usb")
    v2 = _submit(clerk, tmp_path / "usb")

    def off_chain(m):  # type: ignore[no-untyped-def]
        m.update(corrects="ab" * 32)

    stray = _resigned_by(clerk, v2, tmp_path / "stray_v2.zip", off_chain, lambda d: None)
    _trust(city, clerk, tmp_path)
    assert "等待原版" in receiving.receive(city, [stray])[0].message
    assert receiving.receive(city, [v1])[0].accepted
    genuine = receiving.receive(city, [v2])[0]
    assert genuine.accepted and "不在更正链上，已移除" in genuine.message
    assert [(p.version, p.superseded, p.waiting) for p in receiving.list_received(city)] == [(2, False, False),
                                                                                          (1, True, False)]
    again = receiving.receive(city, [stray])[0]
    assert not again.accepted and "已有" in again.message
