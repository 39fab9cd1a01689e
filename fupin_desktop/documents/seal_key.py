"""The cryptographic seal: an ECDSA P-256 key and a self-signed certificate naming the bureau.

The key is held like the physical seal (by the reviewer) and only ever stored as a PKCS#12
file encrypted with the holder's passphrase. The receiving bureau trusts a seal because its
certificate's fingerprint was registered on paper (``fingerprint_sheet_pdf``), not via a CA.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from fupin_desktop.documents.pkcs12_mac import strengthen_mac
from fupin_desktop.domain.passphrase import MIN_LENGTH
from fupin_desktop.errors import KnownError
from fupin_desktop.paths import font_path

MIN_PASSPHRASE = MIN_LENGTH  # the one rule, with the strength hint (domain.passphrase)
# PBKDF2-SHA256 rounds for the key's encryption and (pkcs12_mac) the file's MAC: OWASP's 2023
# figure; opening the seal costs about half a second, guessing a passphrase as much.
KDF_ROUNDS = 600_000
DIVISION_PREFIX = "division:"
HOLDER_PREFIX = "holder:"
# Back-dated so a receiving PC whose clock runs a little slow still sees a valid certificate.
_CLOCK_SLACK = dt.timedelta(days=1)
_PDF_FONT = "FupinSealSans"


class SealKeyError(KnownError):
    """The seal key file could not be opened (wrong passphrase, not a seal file)."""


@dataclass(frozen=True)
class SealKeyFile:
    p12: bytes  # private key + certificate, encrypted with the passphrase
    cert_pem: bytes  # the public certificate, to hand to the receiving bureau


@dataclass(frozen=True)
class SealKey:
    private_key: ec.EllipticCurvePrivateKey
    certificate: x509.Certificate
    bureau: str
    division: str | None
    fingerprint: str
    holder: str = ""


def _check_passphrase(passphrase: str, min_length: int) -> bytes:
    if not passphrase or not passphrase.strip():
        raise SealKeyError("印章口令不能为空。")
    if len(passphrase) < min_length:
        raise SealKeyError(f"印章口令至少需要 {min_length} 个字符（可混用汉字、字母和数字，越长越难猜）。")
    return passphrase.encode("utf-8")


def create_seal_key(
    bureau: str, division: str, holder: str, passphrase: str, *, valid_years: int = 10,
    min_length: int = MIN_PASSPHRASE,
) -> SealKeyFile:
    """A new seal key for ``bureau`` (e.g. 晋江市民政局, division 350582), held by ``holder``.
    (``min_length`` is lowered only for the demo county, whose passphrase is "demo".)"""
    bureau = bureau.strip()
    division = division.strip()
    holder = holder.strip()
    if not bureau:
        raise KnownError("请填写印章所属单位名称。")
    if not re.fullmatch(r"\d{6}", division):
        raise KnownError(f"行政区划代码应为 6 位数字，收到「{division}」。")
    if not 1 <= valid_years <= 30:
        raise KnownError("印章证书有效期应为 1 至 30 年。")
    secret = _check_passphrase(passphrase, min_length)

    key = ec.generate_private_key(ec.SECP256R1())
    attributes = [
        x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, bureau),
        x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, DIVISION_PREFIX + division),
    ]
    if holder:
        attributes.append(x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, HOLDER_PREFIX + holder))
    attributes.append(x509.NameAttribute(NameOID.COMMON_NAME, bureau))
    name = x509.Name(attributes)
    now = dt.datetime.now(dt.UTC)
    # 365.25 days a year keeps the end date on the anniversary across leap years.
    not_after = now + dt.timedelta(days=round(365.25 * valid_years))
    public = key.public_key()
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - _CLOCK_SLACK)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True, content_commitment=True, key_encipherment=False,
                data_encipherment=False, key_agreement=False, key_cert_sign=False, crl_sign=False,
                encipher_only=False, decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(public), critical=False)
        .sign(key, hashes.SHA256())
    )
    encryption = (
        serialization.PrivateFormat.PKCS12.encryption_builder()
        .kdf_rounds(KDF_ROUNDS)
        .key_cert_algorithm(pkcs12.PBES.PBESv2SHA256AndAES256CBC)
        .hmac_hash(hashes.SHA256())
        .build(secret)
    )
    p12 = pkcs12.serialize_key_and_certificates(bureau.encode("utf-8"), key, cert, None, encryption)
    p12 = strengthen_mac(p12, passphrase, KDF_ROUNDS)
    return SealKeyFile(p12=p12, cert_pem=cert.public_bytes(serialization.Encoding.PEM))


def _looks_like_pkcs12(data: bytes) -> bool:
    from asn1crypto import pkcs12 as asn1_pkcs12

    try:
        pfx = asn1_pkcs12.Pfx.load(data, strict=True)
        return pfx["version"].native == "v3" and pfx["auth_safe"]["content_type"].native is not None
    except Exception:  # asn1crypto raises assorted errors on junk
        return False


def load_seal_key(p12: bytes, passphrase: str) -> SealKey:
    """Open the seal key file; a wrong passphrase is a ``SealKeyError``, never a traceback."""
    if not _looks_like_pkcs12(p12):
        raise SealKeyError("这不是印章密钥文件（PKCS#12 格式），或文件已损坏。")
    try:
        key, cert, _extra = pkcs12.load_key_and_certificates(p12, passphrase.encode("utf-8"))
    except ValueError:
        raise SealKeyError("印章口令不正确。") from None
    if key is None or cert is None:
        raise SealKeyError("印章密钥文件中缺少私钥或证书。")
    if not isinstance(key, ec.EllipticCurvePrivateKey) or key.curve.name != "secp256r1":
        raise SealKeyError("印章密钥不是本程序使用的 ECDSA P-256 密钥。")
    if key.public_key().public_numbers() != cert.public_key().public_numbers():
        raise SealKeyError("印章密钥文件中的私钥与证书不匹配。")
    return SealKey(
        private_key=key,
        certificate=cert,
        bureau=cert_bureau(cert),
        division=cert_division(cert),
        fingerprint=cert_fingerprint(cert),
        holder=cert_holder(cert),
    )


def cert_fingerprint(cert: x509.Certificate) -> str:
    """SHA-256 of the DER certificate, upper-case hex in groups of 4, for reading aloud."""
    digest = cert.fingerprint(hashes.SHA256()).hex().upper()
    return " ".join(digest[i:i + 4] for i in range(0, len(digest), 4))


def _subject_values(cert: x509.Certificate, oid: x509.ObjectIdentifier) -> list[str]:
    return [str(attr.value) for attr in cert.subject.get_attributes_for_oid(oid)]


def cert_division(cert: x509.Certificate) -> str | None:
    for value in _subject_values(cert, NameOID.ORGANIZATIONAL_UNIT_NAME):
        if value.startswith(DIVISION_PREFIX):
            code = value[len(DIVISION_PREFIX):]
            if re.fullmatch(r"\d{6}", code):
                return code
    return None


def cert_holder(cert: x509.Certificate) -> str:
    for value in _subject_values(cert, NameOID.ORGANIZATIONAL_UNIT_NAME):
        if value.startswith(HOLDER_PREFIX):
            return value[len(HOLDER_PREFIX):]
    return ""


def cert_bureau(cert: x509.Certificate) -> str:
    for oid in (NameOID.COMMON_NAME, NameOID.ORGANIZATION_NAME):
        values = _subject_values(cert, oid)
        if values:
            return values[0]
    return cert.subject.rfc4514_string()


def load_certificate(pem_or_der: bytes) -> x509.Certificate:
    """A certificate from PEM or DER bytes (what the sending bureau hands over)."""
    text = pem_or_der.lstrip(b"\xef\xbb\xbf").strip()  # editors on Windows add a BOM
    try:
        if text.startswith(b"-----BEGIN"):
            return x509.load_pem_x509_certificate(text)
        # DER is binary: its last byte may be 0x0a or 0x20, which strip() would cut off.
        return x509.load_der_x509_certificate(pem_or_der)
    except ValueError:
        raise KnownError("这不是有效的证书文件（应为 PEM 或 DER 格式的 X.509 证书）。") from None


def _register_pdf_font() -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if _PDF_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(_PDF_FONT, str(font_path("NotoSansSC-Regular.ttf"))))
    return _PDF_FONT


def _local_time(moment: dt.datetime) -> str:
    # Shown in China Standard Time: the register is read by people, not machines.
    cst = dt.timezone(dt.timedelta(hours=8))
    return moment.astimezone(cst).strftime("%Y年%m月%d日 %H:%M（北京时间）")


def fingerprint_sheet_pdf(cert: x509.Certificate, path: str | Path, *, bureau: str) -> None:
    """One A4 page for the receiving bureau's paper register of trusted seal certificates."""
    from reportlab.lib.colors import HexColor
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.pdfgen.canvas import Canvas

    font = _register_pdf_font()
    width, height = A4
    left, right = 25 * mm, width - 25 * mm
    canvas = Canvas(str(path), pagesize=A4, initialFontName=font, initialFontSize=12)
    canvas.setTitle("电子印章证书登记单")
    canvas.setAuthor(bureau)

    canvas.setFont(font, 22)
    canvas.drawCentredString(width / 2, height - 35 * mm, "电子印章证书登记单")

    division = cert_division(cert) or "（证书中未写明）"
    serial = f"{cert.serial_number:X}"
    rows = [
        ("印章所属单位", bureau),
        ("证书中的单位", cert_bureau(cert)),
        ("行政区划代码", division),
        ("印章保管人", cert_holder(cert) or "—"),
        ("证书主体", cert.subject.rfc4514_string()),
        ("有效期自", _local_time(cert.not_valid_before_utc)),
        ("有效期至", _local_time(cert.not_valid_after_utc)),
        ("证书序列号", " ".join(serial[i:i + 4] for i in range(0, len(serial), 4))),
    ]
    y = height - 55 * mm
    label_width = 32 * mm
    for label, value in rows:
        canvas.setFont(font, 11)
        canvas.setFillColor(HexColor("#555555"))
        canvas.drawString(left, y, label)
        canvas.setFillColor(HexColor("#000000"))
        size = 11 if canvas.stringWidth(value, font, 11) < right - left - label_width else 8
        canvas.setFont(font, size)
        canvas.drawString(left + label_width, y, value)
        y -= 9 * mm

    y -= 4 * mm
    canvas.setFont(font, 13)
    canvas.drawString(left, y, "证书指纹（SHA-256）：")
    canvas.setFont(font, 9)
    canvas.setFillColor(HexColor("#555555"))
    canvas.drawString(left + 50 * mm, y, "核对报送材料时，程序显示的指纹必须与下列字符逐一相同。")
    canvas.setFillColor(HexColor("#000000"))
    y -= 6 * mm
    _draw_fingerprint_grid(canvas, font, cert_fingerprint(cert), left, y, right - left)

    y -= 70 * mm
    canvas.setFont(font, 10)
    notes = [
        "说明：本单登记的是对方单位电子印章的公开证书，不含私钥。接收单位凭本单核对证书指纹后，",
        "方可在程序中将该证书设为可信；指纹不一致的报送材料一律不予受理，并电话向对方核实。",
    ]
    for line in notes:
        canvas.drawString(left, y, line)
        y -= 6 * mm

    y -= 14 * mm
    canvas.setFont(font, 12)
    for party in ("交付单位经办人签字", "接收单位经办人签字"):
        canvas.drawString(left, y, f"{party}：")
        canvas.line(left + 45 * mm, y - 1.5 * mm, left + 95 * mm, y - 1.5 * mm)
        canvas.drawString(left + 102 * mm, y, "日期：")
        canvas.line(left + 115 * mm, y - 1.5 * mm, right, y - 1.5 * mm)
        y -= 18 * mm
    canvas.showPage()
    canvas.save()


def _draw_fingerprint_grid(canvas, font: str, fingerprint: str, x: float, top: float, width: float) -> None:  # type: ignore[no-untyped-def]
    """Four groups per row in fixed columns. Each group is one text run: placing characters in
    separate cells looks more monospaced but makes pdftotext split groups unpredictably."""
    from reportlab.lib.colors import HexColor
    from reportlab.lib.units import mm

    groups = fingerprint.split()
    size = 24
    column = width / 4
    row_height = 13 * mm
    canvas.setStrokeColor(HexColor("#999999"))
    canvas.rect(x - 3 * mm, top - 4 * row_height + 2 * mm, width + 6 * mm, 4 * row_height + 3 * mm)
    canvas.setStrokeColor(HexColor("#000000"))
    canvas.setFont(font, size)
    for index, group in enumerate(groups):
        row, col = divmod(index, 4)
        canvas.drawCentredString(x + (col + 0.5) * column, top - row * row_height - 9 * mm, group, charSpace=3)
