"""The seal key: encrypted at rest, names the bureau, and prints a fingerprint sheet."""

from __future__ import annotations

import hashlib
import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12
from pyhanko.pdf_utils.reader import PdfFileReader

from fupin_desktop.documents.seal_key import (
    SealKeyError,
    cert_bureau,
    cert_division,
    cert_fingerprint,
    create_seal_key,
    fingerprint_sheet_pdf,
    load_certificate,
    load_seal_key,
)
from fupin_desktop.errors import KnownError

PASSPHRASE = "晋江2020盖章"


@pytest.fixture(scope="module")
def seal_file():  # type: ignore[no-untyped-def]
    return create_seal_key("晋江市民政局", "350582", "王审核", PASSPHRASE)


def test_p12_on_disk_needs_the_passphrase(seal_file, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "seal.p12"
    path.write_bytes(seal_file.p12)
    raw = path.read_bytes()
    for attempt in (None, b"", b"wrong"):
        with pytest.raises(ValueError):
            pkcs12.load_key_and_certificates(raw, attempt)

    key = load_seal_key(raw, PASSPHRASE).private_key
    scalar = key.private_numbers().private_value.to_bytes(32, "big")
    assert scalar not in raw
    assert b"PRIVATE KEY" not in raw
    assert b"PRIVATE KEY" not in seal_file.cert_pem
    assert seal_file.cert_pem.startswith(b"-----BEGIN CERTIFICATE-----")


def test_wrong_passphrase_is_a_known_error(seal_file) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(SealKeyError, match="印章口令不正确"):
        load_seal_key(seal_file.p12, "不是这个口令")
    with pytest.raises(SealKeyError, match="印章口令不正确"):
        load_seal_key(seal_file.p12, "")
    with pytest.raises(SealKeyError, match="不是印章密钥文件"):
        load_seal_key(b"not a pkcs12 file at all", PASSPHRASE)
    assert issubclass(SealKeyError, KnownError)


@pytest.mark.parametrize("passphrase", ["", "   ", "abc"])
def test_empty_or_short_passphrase_is_refused(passphrase: str) -> None:
    with pytest.raises(SealKeyError, match="印章口令"):
        create_seal_key("晋江市民政局", "350582", "王审核", passphrase)


def test_bad_division_or_bureau_is_refused() -> None:
    with pytest.raises(KnownError, match="6 位数字"):
        create_seal_key("晋江市民政局", "35058", "王审核", PASSPHRASE)
    with pytest.raises(KnownError, match="单位名称"):
        create_seal_key("  ", "350582", "王审核", PASSPHRASE)


def test_certificate_names_bureau_and_division(seal_file) -> None:  # type: ignore[no-untyped-def]
    key = load_seal_key(seal_file.p12, PASSPHRASE)
    cert = key.certificate
    assert key.bureau == cert_bureau(cert) == "晋江市民政局"
    assert key.division == cert_division(cert) == "350582"
    assert key.holder == "王审核"
    subject = cert.subject
    assert subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)[0].value == "晋江市民政局"
    assert subject.get_attributes_for_oid(x509.NameOID.ORGANIZATION_NAME)[0].value == "晋江市民政局"
    assert subject.get_attributes_for_oid(x509.NameOID.COUNTRY_NAME)[0].value == "CN"
    assert cert.issuer == subject

    usage = cert.extensions.get_extension_for_class(x509.KeyUsage)
    assert usage.critical and usage.value.digital_signature and usage.value.content_commitment
    assert not usage.value.key_cert_sign
    assert cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca is False
    ski = cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    assert ski == x509.SubjectKeyIdentifier.from_public_key(cert.public_key())
    years = (cert.not_valid_after_utc - cert.not_valid_before_utc).days / 365.25
    assert 9.9 < years < 10.1

    # The public certificate read back on the receiving side says the same.
    for data in (seal_file.cert_pem, cert.public_bytes(serialization.Encoding.DER)):
        again = load_certificate(data)
        assert cert_bureau(again) == "晋江市民政局" and cert_division(again) == "350582"


def test_fingerprint_is_grouped_sha256(seal_file) -> None:  # type: ignore[no-untyped-def]
    cert = load_certificate(seal_file.cert_pem)
    fingerprint = cert_fingerprint(cert)
    assert re.fullmatch(r"([0-9A-F]{4} ){15}[0-9A-F]{4}", fingerprint)
    der = cert.public_bytes(serialization.Encoding.DER)
    assert fingerprint.replace(" ", "") == hashlib.sha256(der).hexdigest().upper()
    assert load_seal_key(seal_file.p12, PASSPHRASE).fingerprint == fingerprint


def test_not_a_certificate_is_a_known_error() -> None:
    for junk in (b"", b"hello", b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"):
        with pytest.raises(KnownError, match="不是有效的证书"):
            load_certificate(junk)


def test_fingerprint_sheet(seal_file, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cert = load_certificate(seal_file.cert_pem)
    path = tmp_path / "sheet.pdf"
    fingerprint_sheet_pdf(cert, path, bureau="晋江市民政局")
    data = path.read_bytes()
    assert int(PdfFileReader(io.BytesIO(data)).root["/Pages"]["/Count"]) == 1
    assert b"Helvetica" not in data  # only the embedded CJK font
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext not installed")
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    for expected in ("电子印章证书登记单", "晋江市民政局", "350582", "经办人签字", "日期"):
        assert expected in text
    for group in cert_fingerprint(cert).split():
        assert group in text


def test_the_key_file_is_as_slow_to_guess_through_its_mac_as_through_its_encryption(seal_file) -> None:  # type: ignore[no-untyped-def]
    from asn1crypto import pkcs12 as asn1_pkcs12

    from fupin_desktop.documents.pkcs12_mac import mac_iterations
    from fupin_desktop.documents.seal_key import KDF_ROUNDS

    pfx = asn1_pkcs12.Pfx.load(seal_file.p12)
    assert mac_iterations(seal_file.p12) == KDF_ROUNDS >= 600_000
    assert pfx["mac_data"]["mac"]["digest_algorithm"]["algorithm"].native == "sha256"
    assert b"\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x05\x0d" in seal_file.p12  # PBES2 (1.2.840.113549.1.5.13)
    assert load_seal_key(seal_file.p12, PASSPHRASE).bureau == "晋江市民政局"  # OpenSSL accepts our MAC
    with pytest.raises(SealKeyError, match="口令不正确"):
        load_seal_key(seal_file.p12, PASSPHRASE + "x")


def test_a_passphrase_under_eight_characters_is_refused_for_a_real_seal() -> None:
    with pytest.raises(SealKeyError, match="至少需要 8 个字符"):
        create_seal_key("晋江市民政局", "350582", "王审核", "1234567")


def test_only_the_owner_can_read_a_stored_seal_key(demo_dir: Path) -> None:
    from fupin_desktop.services.seal import SEAL_FOLDER

    keys = list((demo_dir / SEAL_FOLDER).glob("*.p12"))
    assert keys and all(k.stat().st_mode & 0o777 == 0o600 for k in keys)
    assert (demo_dir / SEAL_FOLDER).stat().st_mode & 0o077 == 0


def test_a_der_certificate_ending_in_a_whitespace_byte_loads(seal_file) -> None:  # type: ignore[no-untyped-def]
    """DER is binary: about one certificate in forty ends in a byte that strip() took for a space
    or a newline (the signature's last byte), and then would not load."""
    der = load_certificate(seal_file.cert_pem).public_bytes(serialization.Encoding.DER)
    for last in (b"\n", b" ", b"\t", b"\r"):
        again = load_certificate(der[:-1] + last)  # still well-formed DER: the signature's bits differ
        assert cert_division(again) == "350582"
