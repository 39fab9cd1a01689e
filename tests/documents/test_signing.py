"""Sealed PDFs and detached signatures: what verifies, and every way a change is refused."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image, ImageStat
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from fupin_desktop.documents.seal_image import check_seal_png, placeholder_seal_png
from fupin_desktop.documents.seal_key import create_seal_key, load_seal_key
from fupin_desktop.documents.signing import (
    DAMAGED,
    SigningError,
    _simple_signer,
    sign_detached,
    sign_pdf,
    verify_detached,
    verify_pdf,
)
from fupin_desktop.errors import KnownError

PASSPHRASE = "1234abcd"
BOX = (380.0, 80.0, 530.0, 230.0)


def _key(bureau: str, division: str):  # type: ignore[no-untyped-def]
    return load_seal_key(create_seal_key(bureau, division, "审核人", PASSPHRASE).p12, PASSPHRASE)


@pytest.fixture(scope="module")
def key():  # type: ignore[no-untyped-def]
    return _key("晋江市民政局", "350582")


@pytest.fixture(scope="module")
def other_key():  # type: ignore[no-untyped-def]
    return _key("石狮市民政局", "350581")


@pytest.fixture(scope="module")
def seal() -> bytes:
    return placeholder_seal_png("晋江市民政局", size_px=300)


def _report_pdf(pages: int = 2) -> bytes:
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=A4, pageCompression=0)  # plain content streams to flip bytes in
    for number in range(1, pages + 1):
        canvas.drawString(72, 760, f"Monthly report page {number}")
        canvas.showPage()
    canvas.save()
    return out.getvalue()


@pytest.fixture(scope="module")
def signed(key, seal) -> bytes:  # type: ignore[no-untyped-def]
    return sign_pdf(_report_pdf(), key, page=1, box=BOX, seal_png=seal, location="晋江")


def _flip(data: bytes, position: int) -> bytes:
    changed = bytearray(data)
    changed[position] ^= 0x01
    return bytes(changed)


def test_signed_pdf_verifies_with_the_signers_certificate(signed, key) -> None:  # type: ignore[no-untyped-def]
    verdict = verify_pdf(signed, [key.certificate])
    assert verdict.ok and verdict.intact and verdict.trusted and verdict.covers_whole_file
    assert verdict.problems == []
    assert verdict.signer == "晋江市民政局" and verdict.division == "350582"
    assert verdict.signed_at is not None and verdict.fingerprint == key.fingerprint


def test_seal_field_is_on_the_page_at_the_box(signed) -> None:  # type: ignore[no-untyped-def]
    reader = PdfFileReader(io.BytesIO(signed))
    (signature,) = reader.embedded_signatures
    assert signature.field_name == "Seal"
    assert signature.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"  # PAdES
    widget = signature.sig_field
    assert [float(v) for v in widget["/Rect"]] == list(BOX)
    assert widget.raw_get("/P").idnum == reader.root["/Pages"]["/Kids"].raw_get(1).idnum
    images = _images(widget["/AP"]["/N"].get_object())
    assert len(images) == 1 and "/SMask" in images[0]  # the seal only, with its transparency
    # One incremental update on top of reportlab's file: field, appearance and signature together.
    assert reader.total_revisions == 2


def _images(xobject) -> list:  # type: ignore[no-untyped-def]
    found = []
    for ref in xobject.get("/Resources", {}).get("/XObject", {}).values():
        child = ref.get_object()
        found.extend([child] if child["/Subtype"] == "/Image" else _images(child))
    return found


def test_other_certificate_is_not_trusted(signed, key, other_key) -> None:  # type: ignore[no-untyped-def]
    for trusted in ([other_key.certificate], []):
        verdict = verify_pdf(signed, trusted)
        assert not verdict.ok and verdict.intact and not verdict.trusted
        assert any("不在本单位登记的可信证书中" in p for p in verdict.problems)
    assert verify_pdf(signed, [other_key.certificate, key.certificate]).ok


def _flip_positions(signed: bytes) -> dict[str, int]:
    hole = re.search(rb"/Contents <([0-9A-F]+)>", signed)
    assert hole
    used = len(hole.group(1).rstrip(b"0"))
    trailer = signed.rindex(b"trailer")
    startxref = signed.rindex(b"startxref")
    return {
        "content stream": signed.index(b"Monthly report page 1") + 3,
        "page dictionary": signed.index(b"/MediaBox") + 2,
        "signature dictionary": signed.index(b"/ByteRange") + 14,
        "signature blob start": hole.start(1) + 5,
        "signature blob middle": hole.start(1) + used // 2,
        "signature value end": hole.start(1) + used - 2,
        "signature padding": hole.start(1) + used + 40,
        "hole delimiter": hole.end(1),
        "seal image stream": signed.index(b"stream", signed.index(b"/SMask")) + 40,
        "trailer": trailer + 12,
        "startxref": startxref + 11,
        "%%EOF": len(signed) - 3,
    }


def test_one_flipped_byte_anywhere_is_refused(signed, key) -> None:  # type: ignore[no-untyped-def]
    for where, position in _flip_positions(signed).items():
        verdict = verify_pdf(_flip(signed, position), [key.certificate])
        assert not verdict.ok, where
        assert verdict.problems, where


def test_flips_across_the_whole_file_are_refused(signed, key) -> None:  # type: ignore[no-untyped-def]
    for position in range(0, len(signed), max(1, len(signed) // 150)):
        assert not verify_pdf(_flip(signed, position), [key.certificate]).ok, position


def test_damaged_signature_is_a_plain_message_not_an_exception(signed, key) -> None:  # type: ignore[no-untyped-def]
    hole = re.search(rb"/Contents <([0-9A-F]+)>", signed)
    assert hole
    broken = signed[: hole.start(1) + 3] + b"ZZ" + signed[hole.start(1) + 5:]
    verdict = verify_pdf(broken, [key.certificate])
    assert not verdict.ok and verdict.problems
    for junk in (b"", b"%PDF-1.7\n", b"not a pdf", signed[: len(signed) // 2]):
        verdict = verify_pdf(junk, [key.certificate])
        assert not verdict.ok and verdict.problems


def test_unsigned_pdf_is_refused(key) -> None:  # type: ignore[no-untyped-def]
    verdict = verify_pdf(_report_pdf(), [key.certificate])
    assert not verdict.ok and verdict.problems == ["PDF 文件中没有电子签章。"]


def test_bytes_after_eof_are_refused_for_coverage(signed, key) -> None:  # type: ignore[no-untyped-def]
    for junk in (b"\n", b"\n%junk\n", b"\nxref\n0 1\n0000000000 65535 f \n"):
        verdict = verify_pdf(signed + junk, [key.certificate])
        assert not verdict.ok and not verdict.covers_whole_file
        assert verdict.intact and verdict.trusted
        assert any("没有覆盖整个文件" in p for p in verdict.problems)


def _add_annotation(pdf: bytes) -> bytes:
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    page_ref, _resources = writer.find_page_for_modification(0)
    page = page_ref.get_object()
    note = writer.add_object(generic.DictionaryObject({
        generic.pdf_name("/Type"): generic.pdf_name("/Annot"),
        generic.pdf_name("/Subtype"): generic.pdf_name("/Text"),
        generic.pdf_name("/Rect"): generic.ArrayObject([generic.NumberObject(v) for v in (72, 600, 92, 620)]),
        generic.pdf_name("/Contents"): generic.TextStringObject("数字已改"),
    }))
    page[generic.pdf_name("/Annots")] = generic.ArrayObject([note])
    writer.update_container(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_incremental_update_after_signing_is_refused(signed, key) -> None:  # type: ignore[no-untyped-def]
    verdict = verify_pdf(_add_annotation(signed), [key.certificate])
    assert not verdict.ok and not verdict.covers_whole_file
    assert any("没有覆盖整个文件" in p for p in verdict.problems)


def test_second_signature_revision_is_refused(signed, key, other_key) -> None:  # type: ignore[no-untyped-def]
    writer = IncrementalPdfFileWriter(io.BytesIO(signed))
    meta = signers.PdfSignatureMetadata(field_name="Second", subfilter=fields.SigSeedSubFilter.PADES)
    twice = signers.PdfSigner(meta, _simple_signer(other_key)).sign_pdf(writer).getvalue()
    verdict = verify_pdf(twice, [key.certificate, other_key.certificate])
    assert not verdict.ok and "2 个签章" in verdict.problems[0]


def test_sign_pdf_refuses_bad_input(key, seal) -> None:  # type: ignore[no-untyped-def]
    pdf = _report_pdf(pages=1)
    with pytest.raises(SigningError, match="页码超出范围"):
        sign_pdf(pdf, key, page=1, box=BOX, seal_png=seal)
    with pytest.raises(SigningError, match="盖章位置无效"):
        sign_pdf(pdf, key, page=0, box=(100, 100, 100, 200), seal_png=seal)
    with pytest.raises(SigningError, match="已损坏"):
        sign_pdf(b"not a pdf", key, page=0, box=BOX, seal_png=seal)
    with pytest.raises(SigningError, match="印章图片"):
        sign_pdf(pdf, key, page=0, box=BOX, seal_png=b"\x89PNG\r\n\x1a\nbroken")
    assert issubclass(SigningError, KnownError)


def test_detached_signature(key, other_key) -> None:  # type: ignore[no-untyped-def]
    data = b"PK\x03\x04 pretend this is the county workbook" * 100
    signature = sign_detached(data, key)
    assert signature[:1] == b"\x30"  # DER

    verdict = verify_detached(data, signature, [key.certificate])
    assert verdict.ok and verdict.intact and verdict.trusted and verdict.problems == []
    assert verdict.signer_cert == key.certificate

    changed = verify_detached(data[:-1] + b"!", signature, [key.certificate])
    assert not changed.ok and not changed.intact
    assert any("签名之后文件被改动" in p for p in changed.problems)

    untrusted = verify_detached(data, signature, [other_key.certificate])
    assert not untrusted.ok and untrusted.intact and not untrusted.trusted


def test_garbage_detached_signature_is_not_ok(key) -> None:  # type: ignore[no-untyped-def]
    data = b"manifest"
    good = sign_detached(data, key)
    for junk in (b"", b"garbage", b"\x30\x03\x02\x01\x01", good[:-5], good + b"\x00", b"\x30" + bytes(500)):
        verdict = verify_detached(data, junk, [key.certificate])
        assert not verdict.ok and verdict.problems


def test_every_flipped_byte_in_a_detached_signature_is_refused(key) -> None:  # type: ignore[no-untyped-def]
    data = b"manifest"
    good = sign_detached(data, key)
    for position in range(len(good)):
        assert not verify_detached(data, _flip(good, position), [key.certificate]).ok, position


def test_damaged_message_constant_is_chinese() -> None:
    assert DAMAGED.startswith("PDF 文件已损坏或被改动")


# The seal image the admin loads (used as the visible appearance above).

def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def test_placeholder_seal_is_a_transparent_red_png() -> None:
    image = Image.open(io.BytesIO(placeholder_seal_png("晋江市民政局", size_px=400)))
    assert image.format == "PNG" and image.mode == "RGBA" and image.size == (400, 400)
    assert image.getpixel((2, 2))[3] == 0  # corner outside the ring is transparent
    opaque = image.getchannel("A").point(lambda v: 255 if v == 255 else 0)
    (r_low, _), (_, g_high), (_, b_high) = ImageStat.Stat(image.convert("RGB"), mask=opaque).extrema
    assert r_low > 150 and g_high < 60 and b_high < 80  # all ink is seal red


def test_check_seal_png() -> None:
    seal = placeholder_seal_png("晋江市民政局", size_px=300)
    same, note = check_seal_png(seal)
    assert note is None and Image.open(io.BytesIO(same)).mode == "RGBA"

    scan = Image.new("RGB", (200, 200), "white")
    scan.paste((200, 10, 20), (50, 50, 150, 150))
    clean, note = check_seal_png(_png(scan))
    assert note and "透明" in note
    converted = Image.open(io.BytesIO(clean))
    assert converted.getpixel((5, 5))[3] == 0 and converted.getpixel((100, 100))[3] == 255

    jpeg = io.BytesIO()
    scan.save(jpeg, format="JPEG")
    for bad, message in (
        (jpeg.getvalue(), "PNG"),
        (_png(Image.new("RGBA", (4001, 60))), "4000"),
        (b"\x89PNG\r\n\x1a\n" + bytes(100), "损坏"),
        (_png(Image.new("RGBA", (200, 200), (0, 0, 0, 0))), "透明"),
        (_png(Image.new("RGB", (200, 200), "white")), "空白"),
        (b"\x89PNG\r\n\x1a\n" + bytes(6 * 1024 * 1024), "5 MB"),
    ):
        with pytest.raises(KnownError, match=message):
            check_seal_png(bad)
