"""Descriptive figures about one profile, some against the population: pure and cheap.

- diversity: how evenly listening spreads over genres (or artists when there are no genres);
- niche-ness: how rare the artists are among everyone who opted in (claimed only where
  ``rarity`` says the population is large enough);
- drift: which artists rose and fell between the long and the short time range;
- genre families: "west coast hip hop" belongs to "hip hop", for sunbursts and radars.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from soulmate_core.profile import RangeName, TasteProfile, artist_key

# Keywords naming a broad family. A keyword matches where it starts or ends a word of the genre
# name, ignoring case, hyphens and extra spaces ("hip-hop" is "hip hop"). ``genre_family`` says which
# of several keywords in one name decides; the order here, most specific first, counts only for
# names ending in a broad word (``BROAD``).
FAMILIES: tuple[tuple[str, str], ...] = (
    ("trip hop", "electronic"),
    ("hip hop", "hip hop"),
    ("hiphop", "hip hop"),
    ("rap", "hip hop"),
    ("k-pop", "k-pop"),
    ("kpop", "k-pop"),
    ("k-ballad", "k-pop"),
    ("r&b", "soul & r&b"),
    ("rnb", "soul & r&b"),
    ("rhythm and blues", "soul & r&b"),
    ("soul", "soul & r&b"),
    ("funk", "soul & r&b"),
    ("motown", "soul & r&b"),
    ("jazz", "jazz"),
    ("bossa", "jazz"),
    ("bop", "jazz"),
    ("swing", "jazz"),
    ("bristol", "electronic"),
    ("metal", "metal"),
    ("nwobhm", "metal"),
    ("punk", "punk"),
    ("hardcore", "punk"),
    ("emo", "punk"),
    ("riot grrrl", "punk"),
    ("folk", "folk"),
    ("country", "folk"),
    ("americana", "folk"),
    ("singer-songwriter", "folk"),
    ("classical", "classical"),
    ("baroque", "classical"),
    ("romantic", "classical"),
    ("new romantic", "pop"),
    ("opera", "classical"),
    ("minimalism", "classical"),
    ("impressionism", "classical"),
    ("reggaeton", "latin"),
    ("latin", "latin"),
    ("salsa", "latin"),
    ("cumbia", "latin"),
    ("bachata", "latin"),
    ("bolero", "latin"),
    ("corridos", "latin"),
    ("techno", "electronic"),
    ("house", "electronic"),
    ("electro", "electronic"),
    ("ambient", "electronic"),
    ("downtempo", "electronic"),
    ("chillout", "electronic"),
    ("idm", "electronic"),
    ("drum and bass", "electronic"),
    ("drum n bass", "electronic"),
    ("dubstep", "electronic"),
    ("trance", "electronic"),
    ("big beat", "electronic"),
    ("uk garage", "electronic"),
    ("dub", "reggae"),
    ("reggae", "reggae"),
    ("blues", "blues"),
    ("indie", "indie & alternative"),
    ("alternative", "indie & alternative"),
    ("shoegaze", "indie & alternative"),
    ("dream pop", "indie & alternative"),
    ("post-punk", "indie & alternative"),
    ("post-rock", "indie & alternative"),
    ("grunge", "indie & alternative"),
    ("britpop", "indie & alternative"),
    ("rock", "rock"),
    ("pop", "pop"),
)
# Broad words that a more specific keyword in the same name narrows: "indie rock", "latin pop",
# "punk rock", "latin alternative".
BROAD = frozenset({"rock", "pop", "indie", "alternative"})
# Words that name their family only where they end the name: "baroque" and "baroque music" are
# classical, "baroque pop" is pop.
ONLY_AT_THE_END = frozenset({"baroque", "romantic"})


def _normalised(text: str) -> str:
    return " ".join(text.casefold().replace("-", " ").replace("_", " ").split())


_KEYWORDS: tuple[tuple[str, str, int], ...] = tuple(
    (_normalised(keyword), family, rank) for rank, (keyword, family) in enumerate(FAMILIES)
)
_BROAD = frozenset(_normalised(word) for word in BROAD)
_ONLY_AT_THE_END = frozenset(_normalised(word) for word in ONLY_AT_THE_END)


@dataclass(frozen=True, slots=True)
class _Found:
    keyword: str
    family: str
    rank: int
    start: int
    end: int


def genre_family(genre: str) -> str:
    """The broad family of a genre name; an unknown genre is its own family.

    English genre names put the kind of music last: "baroque pop" is pop, "jazz rap" is hip hop,
    "post-punk revival" is post-punk. So the keyword that ends last decides, and a keyword inside a
    longer one does not count ("punk" in "post-punk", "pop" in "k-pop"). When that last keyword is
    a broad one (rock, pop, indie, alternative), the most specific keyword of the name decides
    instead: "indie rock" is indie, "punk rock" punk, "latin pop" latin.
    """
    found = _keywords_in(_normalised(genre))
    if not found:
        return genre.casefold()
    head = max(found, key=lambda f: (f.end, f.end - f.start))
    if head.keyword not in _BROAD:
        return head.family
    narrowing = [f for f in found if f.keyword not in _ONLY_AT_THE_END]
    return min(narrowing, key=lambda f: f.rank).family


def _keywords_in(name: str) -> list[_Found]:
    found = []
    for keyword, family, rank in _KEYWORDS:
        start = name.find(keyword)
        while start >= 0:
            end = start + len(keyword)
            # "bebop", "synthpop" and "metalcore" count; "emo" inside "memories" does not.
            if start == 0 or name[start - 1] == " " or end == len(name) or name[end] == " ":
                found.append(_Found(keyword, family, rank, start, end))
            start = name.find(keyword, start + 1)
    return [
        f
        for f in found
        if not any(o.start <= f.start and f.end <= o.end and o.end - o.start > f.end - f.start for o in found)
    ]


def genre_families(profile: TasteProfile) -> dict[str, dict[str, float]]:
    """Family -> {genre: weight}, families and genres heaviest first."""
    families: dict[str, dict[str, float]] = {}
    for genre, weight in profile.genre_weights.items():
        families.setdefault(genre_family(genre), {})[genre] = weight
    ordered = sorted(families.items(), key=lambda kv: (-sum(kv[1].values()), kv[0]))
    return {name: dict(sorted(g.items(), key=lambda kv: (-kv[1], kv[0]))) for name, g in ordered}


def family_weights(profile: TasteProfile) -> dict[str, float]:
    return {name: sum(genres.values()) for name, genres in genre_families(profile).items()}


@dataclass(frozen=True, slots=True)
class Diversity:
    """Normalised Shannon entropy in [0, 1] and the "effective number" of equally loved items."""

    value: float
    effective: float
    basis: Literal["genres", "artists"]


def diversity(profile: TasteProfile) -> Diversity:
    basis: Literal["genres", "artists"] = "genres" if profile.has_genres else "artists"
    weights = list(
        profile.genre_weights.values() if profile.has_genres else profile.artist_weights().values()
    )
    entropy = -sum(w * math.log(w) for w in weights if w > 0)
    value = entropy / math.log(len(weights)) if len(weights) > 1 else 0.0
    return Diversity(value=min(1.0, max(0.0, value)), effective=math.exp(entropy), basis=basis)


@dataclass(frozen=True)
class PopulationStats:
    """How many listeners hold each artist, and everyone's niche score, sorted (quantiles of it
    in a large population). ``overview.population_stats`` reads them from the match snapshot."""

    listeners: int
    artist_listeners: Mapping[str, int]
    niche_scores: tuple[float, ...]


@dataclass(frozen=True, slots=True)
class Niche:
    """``score`` in [0, 1]: the listening-weighted rarity of your artists (0 = everyone has them).
    ``percentile``: the share of listeners whose taste is less niche than yours."""

    score: float
    percentile: float


def niche(profile: TasteProfile, stats: PopulationStats, *, counted: bool = True) -> Niche:
    """``counted``: whether ``profile`` is one of the listeners ``stats`` was built from."""
    score = _niche_score(profile, stats, counted=counted)
    below = bisect.bisect_left(stats.niche_scores, score)
    percentile = below / len(stats.niche_scores) if stats.niche_scores else 0.0
    return Niche(score=score, percentile=percentile)


def _niche_score(profile: TasteProfile, stats: PopulationStats, *, counted: bool) -> float:
    listeners = stats.listeners + (0 if counted else 1)
    if listeners <= 1:
        return 0.0
    total = 0.0
    for key, weight in profile.artist_weights().items():
        having = stats.artist_listeners.get(key, 0) + (0 if counted else 1)
        total += weight * math.log(listeners / max(having, 1)) / math.log(listeners)
    return min(1.0, max(0.0, total))


@dataclass(frozen=True, slots=True)
class DriftRow:
    artist: str
    weights: Mapping[RangeName, float]  # 0.0 where the artist is absent from a range
    change: float  # short-term weight minus long-term weight


def drift(profile: TasteProfile, limit: int = 5) -> tuple[list[DriftRow], list[DriftRow]]:
    """(rising, falling): the artists whose share grew or shrank most from long to short term.

    Empty when the profile does not have both a long (or medium) and a short range.
    """
    old_range: RangeName | None = next(
        (r for r in ("long_term", "medium_term", "all_time") if r in profile.ranges), None
    )
    if "short_term" not in profile.ranges or old_range is None:
        return [], []
    per_range = {name: _range_weights(profile, name) for name in profile.ranges}
    names = profile.artist_names()
    rows = [
        DriftRow(
            artist=names[key],
            weights={name: weights.get(key, 0.0) for name, weights in per_range.items()},
            change=per_range["short_term"].get(key, 0.0) - per_range[old_range].get(key, 0.0),
        )
        for key in names
    ]
    rising = sorted((r for r in rows if r.change > 0), key=lambda r: (-r.change, r.artist))[:limit]
    falling = sorted((r for r in rows if r.change < 0), key=lambda r: (r.change, r.artist))[:limit]
    return rising, falling


def _range_weights(profile: TasteProfile, name: RangeName) -> dict[str, float]:
    weights: dict[str, float] = {}
    for artist in profile.ranges[name].artists:
        key = artist_key(artist.name)
        weights[key] = weights.get(key, 0.0) + artist.weight
    return weights


def shared_and_unique(
    a: TasteProfile, b: TasteProfile, limit: int = 15
) -> tuple[list[str], list[str], list[str]]:
    """(shared, only a, only b) artist names, each list heaviest first."""
    wa, wb = a.artist_weights(), b.artist_weights()
    names = {**b.artist_names(), **a.artist_names()}
    shared = sorted(wa.keys() & wb.keys(), key=lambda k: (-(wa[k] + wb[k]), k))
    only_a = sorted(wa.keys() - wb.keys(), key=lambda k: (-wa[k], k))
    only_b = sorted(wb.keys() - wa.keys(), key=lambda k: (-wb[k], k))
    return (
        [names[k] for k in shared[:limit]],
        [names[k] for k in only_a[:limit]],
        [names[k] for k in only_b[:limit]],
    )


def top_items(weights: Mapping[str, float], limit: int) -> list[tuple[str, float]]:
    return sorted(weights.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]


def union_top(mappings: Iterable[Mapping[str, float]], per_side: int) -> list[str]:
    """The union of each mapping's top ``per_side`` keys, in first-seen order."""
    keys: list[str] = []
    for weights in mappings:
        for key, _ in top_items(weights, per_side):
            if key not in keys:
                keys.append(key)
    return keys
