"""Sealing what leaves the bureau and verifying what arrives, offline.

PDFs get a PAdES B-B signature whose visible appearance is the seal image; other files (the
.xlsx, a package manifest) get a detached CMS signature. Verification trusts exactly the
certificates the receiving bureau registered (by fingerprint, on paper): no CA, no network.

pyHanko facts this relies on (0.38): junk appended after %%EOF still validates as
"bottom_line", so coverage must be ENTIRE_FILE; a damaged signature blob or trailer raises
instead of returning a status, so every exception means "not valid".
"""

from __future__ import annotations

import asyncio
import binascii
import datetime as dt
import io
import logging
from dataclasses import dataclass, field

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.serialization import pkcs7
from PIL import Image

from fupin_desktop.documents.seal_key import SealKey, cert_bureau, cert_division, cert_fingerprint
from fupin_desktop.errors import KnownError

log = logging.getLogger(__name__)

SEAL_FIELD = "Seal"
# Enough pixels for print (300 dpi) at the size the seal is shown; larger scans only bloat the PDF.
_SEAL_DPI = 300
DAMAGED = "PDF 文件已损坏或被改动，无法验证签章。"
DETACHED_DAMAGED = "签名文件已损坏或不是本程序生成的签名，无法验证。"


class SigningError(KnownError):
    """The document could not be sealed."""


@dataclass
class PdfVerdict:
    ok: bool = False
    intact: bool = False  # the signed bytes are unchanged and the signature math holds
    # The certificate in the signature is a registered one (exact DER); when intact, pyHanko's
    # path validation (validity dates, key usage) passed too. Decide on ``ok``, not on this.
    trusted: bool = False
    covers_whole_file: bool = False  # nothing was added after signing
    signer: str = ""
    division: str | None = None
    signed_at: dt.datetime | None = None
    fingerprint: str = ""
    problems: list[str] = field(default_factory=list)


@dataclass
class DetachedVerdict:
    ok: bool = False
    intact: bool = False
    trusted: bool = False
    signer_cert: x509.Certificate | None = None
    problems: list[str] = field(default_factory=list)


def _asn1_cert(cert: x509.Certificate):  # type: ignore[no-untyped-def]
    from asn1crypto import x509 as asn1_x509

    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def _pyca_cert(cert) -> x509.Certificate:  # type: ignore[no-untyped-def]
    return x509.load_der_x509_certificate(cert.dump())


def _simple_signer(key: SealKey):  # type: ignore[no-untyped-def]
    from asn1crypto import keys as asn1_keys
    from pyhanko.sign import signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    key_info = asn1_keys.PrivateKeyInfo.load(
        key.private_key.private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return signers.SimpleSigner(
        signing_cert=_asn1_cert(key.certificate), signing_key=key_info, cert_registry=SimpleCertificateStore()
    )


def _seal_image(seal_png: bytes, box: tuple[float, float, float, float]) -> Image.Image:
    try:
        image = Image.open(io.BytesIO(seal_png), formats=["PNG"])
        image.load()
    except Exception:  # Pillow raises many kinds of errors on damaged files
        raise SigningError("印章图片无法读取，请重新设置印章图片。") from None
    image = image.convert("RGBA")
    longest = max(box[2] - box[0], box[3] - box[1]) * _SEAL_DPI / 72
    if max(image.size) > longest:
        scale = longest / max(image.size)
        image = image.resize(
            (max(1, round(image.width * scale)), max(1, round(image.height * scale))), Image.Resampling.LANCZOS
        )
    return image


def _ink_stamp_style():  # type: ignore[no-untyped-def]
    """pyHanko's static stamp drawn with the multiply blend mode: like red ink pressed on paper,
    the seal darkens what it covers and never hides it, so the black 署名 and date under it
    stay black and legible (GB/T 9704-2012 §7.3.5.1)."""
    from pyhanko.pdf_utils import content, generic
    from pyhanko.pdf_utils.generic import pdf_name
    from pyhanko.stamp import StaticContentStamp, StaticStampStyle

    class InkStamp(StaticContentStamp):
        def _render_background(self):  # type: ignore[no-untyped-def]
            command = super()._render_background()
            opacity = generic.FloatObject(self.style.background_opacity)
            self.set_resource(category=content.ResourceType.EXT_G_STATE, name=pdf_name("/BackgroundGS"),
                              value=generic.DictionaryObject({pdf_name("/CA"): opacity, pdf_name("/ca"): opacity,
                                                              pdf_name("/BM"): pdf_name("/Multiply")}))
            return command

    class InkStampStyle(StaticStampStyle):
        def create_stamp(self, writer, box, text_params):  # type: ignore[no-untyped-def]
            return InkStamp(writer=writer, style=self, box=box)

    return InkStampStyle


def sign_pdf(
    pdf: bytes,
    key: SealKey,
    *,
    page: int,
    box: tuple[float, float, float, float],
    seal_png: bytes,
    reason: str = "盖章报送",
    location: str = "",
) -> bytes:
    """Seal ``pdf``: a PAdES B-B signature in a new field at ``box`` = (x1, y1, x2, y2) in points
    (PDF coordinates, origin bottom left) on 0-based ``page``, shown as the seal image only.

    The field, its appearance and the signature are written in one incremental update."""
    from pyhanko.pdf_utils import layout
    from pyhanko.pdf_utils.images import PdfImage
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    x1, y1, x2, y2 = box
    if not (x2 - x1 > 1 and y2 - y1 > 1):
        raise SigningError("盖章位置无效：印章区域的宽和高都必须大于 0。")
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
        page_count = int(writer.root["/Pages"]["/Count"])
    except Exception:  # pyHanko raises PdfReadError and assorted errors on junk
        raise SigningError("要盖章的 PDF 文件已损坏，无法读取。") from None
    if not 0 <= page < page_count:
        raise SigningError(f"盖章页码超出范围：文件共 {page_count} 页，要求第 {page + 1} 页。")

    style = _ink_stamp_style()(
        background=PdfImage(_seal_image(seal_png, box)),
        background_opacity=1.0,
        border_width=0,
        background_layout=layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MID,
            y_align=layout.AxisAlignment.ALIGN_MID,
            margins=layout.Margins(),
            inner_content_scaling=layout.InnerScaling.STRETCH_TO_FIT,
        ),
    )
    meta = signers.PdfSignatureMetadata(
        field_name=SEAL_FIELD,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason or None,
        location=location or None,
        name=key.bureau,
    )
    spec = fields.SigFieldSpec(sig_field_name=SEAL_FIELD, on_page=page, box=(x1, y1, x2, y2))
    pdf_signer = signers.PdfSigner(meta, _simple_signer(key), stamp_style=style, new_field_spec=spec)
    try:
        out = pdf_signer.sign_pdf(writer)
    except Exception as exc:  # e.g. a field named "Seal" already signed
        log.warning("PDF signing failed", exc_info=True)
        raise SigningError(f"PDF 盖章失败：{exc}") from exc
    return out.getvalue()


def _validation_context(trusted: list[x509.Certificate]):  # type: ignore[no-untyped-def]
    from pyhanko_certvalidator import ValidationContext

    # An explicit list, even an empty one: None would fall back to the OS trust store.
    return ValidationContext(trust_roots=[_asn1_cert(c) for c in trusted], allow_fetching=False)


def _registered(cert: x509.Certificate, trusted: list[x509.Certificate]) -> bool:
    der = cert.public_bytes(serialization.Encoding.DER)
    return any(der == t.public_bytes(serialization.Encoding.DER) for t in trusted)


def _trusted(status, cert: x509.Certificate, trusted: list[x509.Certificate]) -> bool:  # type: ignore[no-untyped-def]
    """Registered by exact DER match, and (when the signature holds) a valid path in pyHanko.

    pyHanko skips path validation once the integrity check fails, so for a broken signature
    this only says whether the certificate in it is a registered one."""
    if not _registered(cert, trusted):
        return False
    return bool(status.trusted) if status.intact and status.valid else True


def _cms_is_exact(raw: bytes, *, padded: bool) -> bool:
    """True if the CMS blob is byte for byte what a signer like ours writes around its SignerInfo.

    The signature only covers the signed attributes; pyHanko tolerates changes to the rest of
    the container (the digestAlgorithms set, an outer length, bytes after the DER object, e.g.
    in the zero padding of the PDF /Contents hole). Rebuilding the container from the parsed
    SignerInfo and certificate and comparing bytes makes any such change count as damage."""
    from asn1crypto import cms, parser

    _class, _method, _tag, header, body, trailer = parser.parse(raw)
    end = len(header) + len(body) + len(trailer)
    rest = raw[end:]
    if rest and (not padded or rest.strip(b"\0")):
        return False
    blob = raw[:end]
    signed_data = cms.ContentInfo.load(blob)["content"]
    if len(signed_data["signer_infos"]) != 1 or len(signed_data["certificates"]) != 1:
        return False
    parsed_info = signed_data["signer_infos"][0]
    cert = signed_data["certificates"][0].chosen
    # version and sid are not covered by the signature and asn1crypto tolerates odd tags there.
    signer_info = cms.SignerInfo({
        "version": "v1",
        "sid": cms.SignerIdentifier({
            "issuer_and_serial_number": {"issuer": cert.issuer, "serial_number": cert.serial_number}
        }),
        "digest_algorithm": parsed_info["digest_algorithm"],
        "signed_attrs": parsed_info["signed_attrs"],
        "signature_algorithm": parsed_info["signature_algorithm"],
        "signature": parsed_info["signature"],
    })
    rebuilt = cms.ContentInfo({
        "content_type": "signed_data",
        "content": cms.SignedData({
            "version": "v1",
            "digest_algorithms": [signer_info["digest_algorithm"]],
            "encap_content_info": {"content_type": "data"},
            "certificates": [signed_data["certificates"][0]],
            "signer_infos": [signer_info],
        }),
    })
    return rebuilt.dump() == blob


def _hole_is_exact(pdf: bytes, signature) -> bool:  # type: ignore[no-untyped-def]
    """The uncovered /Contents hole must read exactly as pyHanko writes it (upper-case hex), so
    even a change of letter case there, which decodes to the same bytes, counts as damage."""
    _start, hole_start, hole_end, _length = (int(v) for v in signature.byte_range)
    return pdf[hole_start:hole_end] == b"<" + binascii.hexlify(signature.pkcs7_content).upper() + b">"


def untrusted_certificate_problem(cert: x509.Certificate) -> str:
    return (
        f"签章证书（{cert_bureau(cert)}，指纹 {cert_fingerprint(cert)}）不在本单位登记的可信证书中，"
        "或已过有效期。"
    )


def verify_pdf(pdf: bytes, trusted: list[x509.Certificate]) -> PdfVerdict:
    """Check the single seal on ``pdf`` offline; never raises, the verdict says what is wrong."""
    verdict = PdfVerdict()
    try:
        _verify_pdf(pdf, trusted, verdict)
    except Exception:  # a damaged file makes pyHanko raise rather than report
        log.info("PDF verification raised", exc_info=True)
        verdict.ok = verdict.intact = verdict.trusted = verdict.covers_whole_file = False
        verdict.problems = [DAMAGED]
    return verdict


def _verify_pdf(pdf: bytes, trusted: list[x509.Certificate], verdict: PdfVerdict) -> None:
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import SignatureCoverageLevel, validate_pdf_signature

    reader = PdfFileReader(io.BytesIO(pdf))
    signatures = reader.embedded_signatures
    if not signatures:
        verdict.problems.append("PDF 文件中没有电子签章。")
        return
    if len(signatures) > 1:
        verdict.problems.append(f"PDF 文件中有 {len(signatures)} 个签章，本程序只接受盖有一个签章的文件。")
        return
    status = validate_pdf_signature(signatures[0], _validation_context(trusted))
    container_exact = _cms_is_exact(signatures[0].pkcs7_content, padded=True) and _hole_is_exact(
        pdf, signatures[0]
    )
    cert = _pyca_cert(status.signing_cert)
    verdict.signer = cert_bureau(cert)
    verdict.division = cert_division(cert)
    verdict.fingerprint = cert_fingerprint(cert)
    verdict.signed_at = status.signer_reported_dt
    verdict.intact = bool(status.intact and status.valid) and container_exact
    verdict.trusted = _trusted(status, cert, trusted)
    verdict.covers_whole_file = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    if not verdict.intact:
        verdict.problems.append("盖章后文件内容被改动过，签章校验不符。")
    if not verdict.trusted:
        verdict.problems.append(untrusted_certificate_problem(cert))
    if not verdict.covers_whole_file:
        verdict.problems.append("盖章之后文件又被追加或修改过（签章没有覆盖整个文件），不能作为原件受理。")
    verdict.ok = verdict.intact and verdict.trusted and verdict.covers_whole_file and status.bottom_line
    if not verdict.ok and not verdict.problems:
        verdict.problems.append("签章未通过校验。")


def sign_detached(data: bytes, key: SealKey) -> bytes:
    """A detached CMS (PKCS#7, DER) signature over ``data``, SHA-256, signer certificate included."""
    return (
        pkcs7.PKCS7SignatureBuilder()
        .set_data(data)
        .add_signer(key.certificate, key.private_key, hashes.SHA256())
        .sign(serialization.Encoding.DER, [pkcs7.PKCS7Options.DetachedSignature, pkcs7.PKCS7Options.Binary])
    )


def verify_detached(data: bytes, signature: bytes, trusted: list[x509.Certificate]) -> DetachedVerdict:
    """Check a detached CMS signature over ``data`` offline; never raises."""
    verdict = DetachedVerdict()
    try:
        _verify_detached(data, signature, trusted, verdict)
    except Exception:  # garbage or truncated signature files raise inside asn1crypto/pyHanko
        log.info("detached verification raised", exc_info=True)
        verdict.ok = verdict.intact = verdict.trusted = False
        verdict.problems = [DETACHED_DAMAGED]
    return verdict


def _verify_detached(
    data: bytes, signature: bytes, trusted: list[x509.Certificate], verdict: DetachedVerdict
) -> None:
    from asn1crypto import cms
    from pyhanko.sign.validation import async_validate_detached_cms

    info = cms.ContentInfo.load(signature, strict=True)
    if info["content_type"].native != "signed_data":
        raise ValueError("not a CMS SignedData")
    signed_data = info["content"]
    if len(signed_data["signer_infos"]) != 1:
        verdict.problems.append("签名文件中应当只有一个签名。")
        return
    status = asyncio.run(
        async_validate_detached_cms(data, signed_data, signer_validation_context=_validation_context(trusted))
    )
    cert = _pyca_cert(status.signing_cert)
    verdict.signer_cert = cert
    verdict.intact = bool(status.intact and status.valid) and _cms_is_exact(signature, padded=False)
    verdict.trusted = _trusted(status, cert, trusted)
    if not verdict.intact:
        verdict.problems.append("文件内容与签名不符：签名之后文件被改动过。")
    if not verdict.trusted:
        verdict.problems.append(untrusted_certificate_problem(cert))
    verdict.ok = verdict.intact and verdict.trusted and status.bottom_line
    if not verdict.ok and not verdict.problems:
        verdict.problems.append("签名未通过校验。")
