"""A share card painted with Pillow: 1200 x 630 RGB, the size link previews use, saved as PNG.

Text is drawn as plain text (Pillow reads no markup), one line per ``layout.Line``, each cut with an
ellipsis to the card's width; a line that would not fit below the last is left off whole. Fonts:
DejaVu Sans where the system has it (wide script coverage), else Pillow's own.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from soulmate_card.layout import Card, Style

WIDTH, HEIGHT = 1200, 630
MARGIN = 64
BACKGROUND = (18, 18, 18)
ACCENT = (29, 185, 84)
WHITE = (245, 245, 245)
GREY = (170, 170, 170)
ELLIPSIS = "…"
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
Colour = tuple[int, int, int]
Font = ImageFont.FreeTypeFont | ImageFont.ImageFont


@dataclass(frozen=True, slots=True)
class Look:
    size: int
    bold: bool
    colour: Colour
    gap: int
    """Space above the line, in pixels."""


LOOKS: dict[Style, Look] = {
    "brand": Look(24, True, ACCENT, 0),
    "title": Look(50, True, WHITE, 14),
    "score": Look(104, True, ACCENT, 0),
    "caption": Look(26, False, GREY, 0),
    "heading": Look(28, False, GREY, 16),
    "item": Look(36, True, WHITE, 4),
}


@dataclass(frozen=True, slots=True)
class Placed:
    """One line as painted: its text after fitting, and where."""

    text: str
    style: Style
    xy: tuple[int, int]
    bottom: int


@lru_cache(maxsize=32)
def font(size: int, bold: bool = False) -> Font:
    path = FONT_DIR / ("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf")
    if path.exists():
        return ImageFont.truetype(str(path), size)
    return ImageFont.load_default(size)


def font_of(style: Style) -> Font:
    look = LOOKS[style]
    return font(look.size, look.bold)


def fit(text: str, face: Font, width: float) -> str:
    """``text``, or its longest start that fits ``width`` pixels with an ellipsis after it."""
    if face.getlength(text) <= width:
        return text
    low, high = 0, len(text)  # the longest fitting start is text[:low]
    while low < high:
        middle = (low + high + 1) // 2
        if face.getlength(text[:middle].rstrip() + ELLIPSIS) <= width:
            low = middle
        else:
            high = middle - 1
    return text[:low].rstrip() + ELLIPSIS


def place(card: Card) -> list[Placed]:
    """Each line's fitted text and position, top to bottom; lines past the bottom margin left off."""
    placed: list[Placed] = []
    y = MARGIN - 16
    for line in card.lines:
        look, face = LOOKS[line.style], font_of(line.style)
        ascent, descent = face.getmetrics()  # type: ignore[union-attr]
        gap = min(look.gap, 4) if placed and placed[-1].style == line.style else look.gap
        top, bottom = y + gap, y + gap + ascent + descent
        if bottom > HEIGHT - MARGIN // 2:
            break
        room = WIDTH - 2 * MARGIN - face.getlength(line.tail)
        placed.append(Placed(fit(line.text, face, room) + line.tail, line.style, (MARGIN, top), bottom))
        y = bottom
    return placed


def draw(card: Card) -> Image.Image:
    image = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    pen = ImageDraw.Draw(image)
    pen.rectangle((0, 0, 12, HEIGHT), fill=ACCENT)
    for line in place(card):
        pen.text(line.xy, line.text, font=font_of(line.style), fill=LOOKS[line.style].colour)
    return image


def png(card: Card) -> bytes:
    """The card as PNG bytes: pixels only, no text chunks or other metadata."""
    out = io.BytesIO()
    draw(card).save(out, format="PNG", optimize=True)
    return out.getvalue()
