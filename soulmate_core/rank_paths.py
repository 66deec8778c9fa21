"""Your top artists' ranks across the time ranges, oldest first: what the drift slope chart draws.

Each artist in the top ``TOP`` of the newest range or of the oldest one gets a path: its rank in
every range, None where it is below the top (the chart draws those on a "lower" row). A path
rises when the newest rank is better than the oldest, falls when worse, holds when equal.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from soulmate_core.profile import RangeName, TasteProfile, artist_key

TOP = 8
OLDEST_FIRST: tuple[RangeName, ...] = ("all_time", "long_term", "medium_term", "short_term")
Direction = Literal["rising", "falling", "holding"]


@dataclass(frozen=True, slots=True)
class RankPath:
    artist: str
    ranks: tuple[int | None, ...]
    """1 for the top artist of a range, one per range of ``Slopes.ranges``; None below the top."""

    @property
    def direction(self) -> Direction:
        first, last = (self.ranks[0] or TOP + 1), (self.ranks[-1] or TOP + 1)
        return "rising" if last < first else "falling" if last > first else "holding"


@dataclass(frozen=True, slots=True)
class Slopes:
    ranges: tuple[RangeName, ...]
    paths: tuple[RankPath, ...]
    top: int = TOP


def slopes(profile: TasteProfile, top: int = TOP) -> Slopes | None:
    """The paths of ``profile``'s top artists from its oldest range to the last 4 weeks; None
    without both a recent range and an older one. Today's top comes first, by rank, then those
    who dropped out of it, by their old rank."""
    ranges = tuple(name for name in OLDEST_FIRST if name in profile.ranges and profile.ranges[name].artists)
    if len(ranges) < 2 or ranges[-1] != "short_term":
        return None
    ranks = {name: _ranks(profile, name, top) for name in ranges}
    names = profile.artist_names()
    newest, oldest = ranks[ranges[-1]], ranks[ranges[0]]
    keys = sorted(newest, key=newest.__getitem__) + sorted(
        (key for key in oldest if key not in newest), key=oldest.__getitem__
    )
    paths = tuple(RankPath(names[key], tuple(ranks[name].get(key) for name in ranges)) for key in keys)
    return Slopes(ranges, paths, top)


def _ranks(profile: TasteProfile, name: RangeName, top: int) -> dict[str, int]:
    ranked: dict[str, int] = {}
    for artist in profile.ranges[name].artists:
        ranked.setdefault(artist_key(artist.name), len(ranked) + 1)
        if len(ranked) == top:
            break
    return ranked
