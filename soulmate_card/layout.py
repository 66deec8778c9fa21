"""What a share card says, line by line: the words only, chosen from core models.

Nothing private goes on a card unless its owner asks: no user id ever, the other person by the
public name the caller passes (``handles.public_name``), and the owner's own name only when given.
Every piece of text is someone's data, so it is cleaned (``text.clean_text``: no control or bidi
characters, one line) here; the painter cuts what is still too wide for the card to fit.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from soulmate_core.closeness import word_for
from soulmate_core.handles import TAG_LENGTH
from soulmate_core.profile import TasteProfile
from soulmate_core.scoring import Match
from soulmate_core.text import NAME_MAX, clean_text

Style = Literal["brand", "title", "score", "caption", "heading", "item"]
BRAND = "MUSIC SOULMATE FINDER"
SHARED_ARTISTS = 3
"""Shared artists a match card names: the three that add the most to the score."""
SHARED_GENRES = 3
TOP_ARTISTS = 5
TOP_GENRES = 3
SEPARATOR = " · "
_TAGGED = re.compile(rf"(.+?)( #[a-z0-9]{{{TAG_LENGTH}}})")


@dataclass(frozen=True, slots=True)
class Line:
    text: str
    style: Style
    tail: str = ""
    """Drawn whole after ``text``, which is what gets cut when the line is too wide: a name's tag."""

    @property
    def whole(self) -> str:
        return self.text + self.tail


@dataclass(frozen=True, slots=True)
class Card:
    kind: Literal["match", "profile"]
    lines: tuple[Line, ...]

    def texts(self, style: Style | None = None) -> list[str]:
        return [line.whole for line in self.lines if style is None or line.style == style]


def match_card(match: Match, their_name: str, my_name: str | None = None) -> Card:
    """ "You & Jazzcat #k3x9", the score out of 100, the artists (and genres) the two share.

    ``their_name``: how the viewer may see the other person (their public name); ``my_name``: the
    owner's own name, only when they chose to show it, else the card says "You"."""
    me = _name(my_name or "") or "You"
    name, tag = _split_tag(clean_text(their_name))
    name = _name(name) or "a listener"
    # "You & X" fits one line; two chosen names get a line each, so that neither is cut for the other.
    titles = (
        [Line(f"{me} & {name}", "title", tag)]
        if me == "You"
        else [
            Line(me, "title"),
            Line(f"& {name}", "title", tag),
        ]
    )
    lines = [
        Line(BRAND, "brand"),
        *titles,
        Line(str(round(100 * match.score)), "score"),
        Line(_out_of_100(match), "caption"),
    ]
    artists = _names(item.name for item in match.shared_artists)[:SHARED_ARTISTS]
    if artists:
        lines.append(Line("You both love" if me == "You" else "Both love", "heading"))
        lines += [Line(name, "item") for name in artists]
    genres = _names(item.name for item in match.shared_genres)[:SHARED_GENRES]
    if genres:
        lines.append(Line("Shared genres: " + SEPARATOR.join(genres), "caption"))
    return Card("match", tuple(lines))


def profile_card(profile: TasteProfile, my_name: str | None = None) -> Card:
    """The owner's top artists (their longest range) and top genres; their name only if given."""
    name = _name(my_name or "")
    lines = [Line(BRAND, "brand"), Line(f"{name}'s taste" if name else "My music taste", "title")]
    artists = _names(a.name for a in profile.top_artists(limit=TOP_ARTISTS))
    if artists:
        lines.append(Line("Top artists", "heading"))
        lines += [Line(f"{rank}. {artist}", "item") for rank, artist in enumerate(artists, start=1)]
    genres = _names(profile.genre_weights)[:TOP_GENRES]
    if genres:
        lines.append(Line("Top genres", "heading"))
        lines.append(Line(SEPARATOR.join(genres), "item"))
    return Card("profile", tuple(lines))


def _out_of_100(match: Match) -> str:
    """What the score means, as the dashboard words it, when the model placed it among pairs."""
    if match.percentile is None:
        return "match score out of 100"
    closer = math.floor(match.percentile)
    return f"out of 100 · closer than {closer}% of pairs here: {word_for(match.percentile)}"


def _split_tag(name: str) -> tuple[str, str]:
    """("Jazzcat", " #k3x9") from a public name, so that a cut keeps the tag that tells people apart."""
    found = _TAGGED.fullmatch(name)
    return (found[1], found[2]) if found else (name, "")


def _name(text: str) -> str:
    return clean_text(text, NAME_MAX)


def _names(texts: Iterable[str]) -> list[str]:
    cleaned = (clean_text(text) for text in texts)
    return [text for text in cleaned if text]
