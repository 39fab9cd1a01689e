"""The visible seal: a drawn placeholder for testing, and checks on a bureau's scanned seal."""

from __future__ import annotations

import io
import math
import warnings
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont

from fupin_desktop.errors import KnownError
from fupin_desktop.paths import font_path

SEAL_RED = (208, 2, 27)
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
MAX_SEAL_PIXELS = 4000
MAX_SEAL_BYTES = 5 * 1024 * 1024
PLACEHOLDER_WORDS = "样章 仅供测试"
# Heights as fractions of the seal's radius, up from its centre: the letter sets the 署名 with its
# top about 0.24 R above the centre and the 成文日期 down to about 0.55 R below it (gongwen._Signature).
NAME_LINE = 0.30  # the ring text stays above this line
WORDS_LINE = 0.74  # 样章 仅供测试 is centred this far below the centre
# Drawn larger then scaled down: Pillow draws without anti-aliasing.
_SUPERSAMPLE = 3


class SealImageError(KnownError):
    """The seal image the admin chose cannot be used."""


def _font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(font_path("NotoSansSC-Regular.ttf")), size)


def _star(centre: tuple[float, float], radius: float) -> list[tuple[float, float]]:
    """Ten corners of an upright five-pointed star (inner radius from the regular pentagram)."""
    inner = radius * math.sin(math.radians(18)) / math.sin(math.radians(126))
    points = []
    for i in range(10):
        r = radius if i % 2 == 0 else inner
        angle = math.radians(-90 + 36 * i)
        points.append((centre[0] + r * math.cos(angle), centre[1] + r * math.sin(angle)))
    return points


def _glyph(char: str, font: ImageFont.FreeTypeFont, squeeze: float) -> Image.Image:
    """One character as an RGBA tile, narrowed like the condensed lettering of a real 公章."""
    left, top, right, bottom = font.getbbox(char)
    size = font.size
    tile = Image.new("L", (size, size), 0)
    # Centre the ink, not the advance box, so every character sits on the same circle.
    # A stroke thickens the Regular weight towards the heavy lettering of a carved seal.
    stroke = max(1, round(size * 0.035))
    ImageDraw.Draw(tile).text(
        ((size - (right + left)) / 2, (size - (bottom + top)) / 2), char, font=font, fill=255,
        stroke_width=stroke, stroke_fill=255,
    )
    tile = tile.resize((max(1, round(size * squeeze)), size), Image.Resampling.LANCZOS)
    glyph = Image.new("RGBA", tile.size, (*SEAL_RED, 0))
    glyph.putalpha(tile)
    return glyph


def _arc_span(count: int) -> float:
    # Short names are spread less than long ones; a real seal keeps a gap at the bottom.
    return min(250.0, max(100.0, 32.0 * (count - 1)))


@lru_cache(maxsize=8)  # drawn once per bureau name and size in a process (0.2 s each)
def placeholder_seal_png(bureau: str, *, size_px: int = 600) -> bytes:
    """A red round test seal: ring, star, the bureau name on the upper arc, and 样章 仅供测试."""
    name = "".join(bureau.split())
    if not name:
        raise SealImageError("请填写印章上的单位名称。")
    if not 100 <= size_px <= 4000:
        raise SealImageError("印章图片尺寸应在 100 至 4000 像素之间。")
    big = size_px * _SUPERSAMPLE
    image = Image.new("RGBA", (big, big), (*SEAL_RED, 0))
    draw = ImageDraw.Draw(image)
    centre = big / 2
    ring = big * 0.035
    outer = big / 2 - ring / 2 - big * 0.01
    draw.ellipse(
        (centre - outer - ring / 2, centre - outer - ring / 2, centre + outer + ring / 2, centre + outer + ring / 2),
        outline=(*SEAL_RED, 255), width=round(ring),
    )
    draw.polygon(_star((centre, centre), big * 0.18), fill=(*SEAL_RED, 255))

    # Bureau name along the upper arc, each character turned to face the centre, all of it above
    # the 署名 line that the letter puts just above the centre: smaller characters before lower ones.
    count = len(name)
    char_size = round(big * (0.13 if count <= 12 else 0.13 * 12 / count))
    while True:
        text_radius = outer - ring / 2 - char_size * 0.62
        lowest = big / 2 * NAME_LINE + char_size * 0.6  # a character's centre stays this far up
        span = min(_arc_span(count), 2 * math.degrees(math.acos(min(1.0, lowest / text_radius))))
        step = text_radius * math.radians(span / max(count - 1, 1))
        if count == 1 or step >= char_size * 0.85 or char_size <= big * 0.04:
            break
        char_size = round(char_size * 0.94)
    font = _font(char_size)
    for index, char in enumerate(name):
        # Angle clockwise from twelve o'clock.
        theta = -span / 2 + (span * index / (count - 1) if count > 1 else span / 2)
        glyph = _glyph(char, font, squeeze=0.78).rotate(-theta, resample=Image.Resampling.BICUBIC, expand=True)
        x = centre + text_radius * math.sin(math.radians(theta))
        y = centre - text_radius * math.cos(math.radians(theta))
        image.alpha_composite(glyph, (round(x - glyph.width / 2), round(y - glyph.height / 2)))

    # The warning words in a straight line at the bottom of the ring, where a real seal has its
    # number, below the 成文日期 that the letter puts under the centre.
    words_font = _font(round(big * 0.058))
    left, top, right, bottom = draw.textbbox((0, 0), PLACEHOLDER_WORDS, font=words_font)
    draw.text(
        (centre - (left + right) / 2, centre + big / 2 * WORDS_LINE - (top + bottom) / 2),
        PLACEHOLDER_WORDS, font=words_font, fill=(*SEAL_RED, 255),
        stroke_width=max(1, round(big * 0.002)), stroke_fill=(*SEAL_RED, 255),
    )

    image = image.resize((size_px, size_px), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _white_to_transparent(image: Image.Image) -> Image.Image:
    """Scanned seals come on white paper: whiteness becomes transparency, ink keeps its colour.

    Alpha follows how far a pixel is from white, so anti-aliased edges stay smooth instead of
    leaving a white fringe."""
    rgb = image.convert("RGB")
    # The darkest channel says how much ink is there (red ink is dark in G and B).
    darkness = Image.eval(_min_channel(rgb), lambda v: 255 - v)
    # Paper is rarely pure white: treat the lightest ~10 % as background.
    alpha = Image.eval(darkness, lambda v: 0 if v < 25 else min(255, round((v - 25) * 255 / 130)))
    result = rgb.convert("RGBA")
    result.putalpha(alpha)
    return result


def _min_channel(rgb: Image.Image) -> Image.Image:
    from PIL import ImageChops

    r, g, b = rgb.split()
    return ImageChops.darker(ImageChops.darker(r, g), b)


def check_seal_png(data: bytes) -> tuple[bytes, str | None]:
    """Check a bureau's own scanned seal; returns clean RGBA PNG bytes and a note for the admin.

    The note is None when the image was used as it came, else says what was changed."""
    if len(data) > MAX_SEAL_BYTES:
        raise SealImageError(f"印章图片不能超过 5 MB（此文件 {len(data) / 1024 / 1024:.1f} MB）。")
    if not data.startswith(PNG_SIGNATURE):
        raise SealImageError("印章图片必须是 PNG 格式（请用扫描软件另存为 PNG）。")
    try:
        with warnings.catch_warnings():
            # Pillow only warns below its own bomb limit; our size check below is stricter.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=["PNG"])
            width, height = image.size
            if width > MAX_SEAL_PIXELS or height > MAX_SEAL_PIXELS:
                raise SealImageError(
                    f"印章图片不能大于 {MAX_SEAL_PIXELS}×{MAX_SEAL_PIXELS} 像素（此图 {width}×{height}）。"
                )
            if width < 50 or height < 50:
                raise SealImageError(f"印章图片太小（{width}×{height} 像素），请重新扫描。")
            image.load()
    except SealImageError:
        raise
    except Exception:  # Pillow raises many kinds of errors on damaged files
        raise SealImageError("印章图片已损坏，无法读取。") from None

    has_alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    note = None
    if has_alpha:
        image = image.convert("RGBA")
        low, high = image.getchannel("A").getextrema()
        if high == 0:
            raise SealImageError("印章图片完全透明，看不到印章。")
        if low == 255:
            has_alpha = False  # an alpha channel that is opaque everywhere is no transparency
    if not has_alpha:
        image = _white_to_transparent(image)
        note = "图片没有透明背景，已将白色背景转为透明，请确认印章显示正常。"
        if image.getchannel("A").getextrema()[1] == 0:
            raise SealImageError("印章图片是一片空白，看不到印章。")

    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)  # re-encoded: drops metadata and odd PNG variants
    return out.getvalue(), note
