"""Reading a share card's PNG back: that it is one, and whether a line of it shows given words.

A line "shows" a text when its band of pixels equals that text painted alone, with the card's font
for the line's style, at the line's place, on the card's background: the words come from the test,
never from the card under test.
"""

from __future__ import annotations

import io

from PIL import Image, ImageChops, ImageDraw

from soulmate_card.draw import BACKGROUND, HEIGHT, LOOKS, MARGIN, WIDTH, Placed, font_of, place
from soulmate_card.layout import Card, Style

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def opened(data: bytes) -> Image.Image:
    assert data[:8] == PNG_MAGIC, "not a PNG"
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def shows(image: Image.Image, line: Placed, text: str) -> bool:
    alone = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    style: Style = line.style
    ImageDraw.Draw(alone).text(line.xy, text, font=font_of(style), fill=LOOKS[style].colour)
    box = (MARGIN // 2, line.xy[1], WIDTH, line.bottom)
    return ImageChops.difference(image.convert("RGB").crop(box), alone.crop(box)).getbbox() is None


def line_of(card: Card, style: Style) -> Placed:
    """Where a card of this shape puts its first line of ``style``."""
    return next(line for line in place(card) if line.style == style)
