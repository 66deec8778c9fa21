"""A match's score told in points: each part that counts, with its weight, how alike the two are
on it, and the names that carry it; what the score means here; and what does not count, said so.

Every figure shown comes from the match's components, and the parts' points add up to the score
shown (``points``), so the explanation never disagrees with itself.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import streamlit as st

from soulmate_app.escape import md
from soulmate_core import Match, SharedItem
from soulmate_core.closeness import word_for

NICHE_MARK = "✦"
LABELS = {"artists": "Shared artists", "genres": "Shared genres", "latent": "Related taste"}


@dataclass(frozen=True)
class Reason:
    """One component that counts: ``points`` of the score, from ``weight`` x ``value``."""

    component: str
    points: int
    weight: float
    value: float
    why: str
    """Markdown, names escaped."""

    @property
    def label(self) -> str:
        return LABELS.get(self.component, self.component)

    @property
    def sum_line(self) -> str:
        return f"{self.points} points = weight {round(100 * self.weight)}% × {round(100 * self.value)}% alike"


def shared_line(label: str, items: Sequence[SharedItem], count: int, limit: int = 8) -> str:
    """Markdown, e.g. "Shared artists: Portishead ✦ niche, Massive Attack and 12 more": the
    largest of ``count`` shared items, niche ones marked, names escaped."""
    if not items:
        return f"{label}: none yet"
    shown = [f"{md(s.name)} {NICHE_MARK} niche" if s.niche else md(s.name) for s in items[:limit]]
    more = f" and {count - len(shown)} more" if count > len(shown) else ""
    return f"{label}: {', '.join(shown)}{more}"


def score_points(m: Match) -> int:
    return round(100 * min(1.0, max(0.0, m.score)))


def reasons(m: Match) -> list[Reason]:
    """The components that count (weight above 0), largest first, in whole points that add up to
    ``score_points``: each part's share rounded by largest remainder."""
    counted = [c for c in m.components if c.weight > 0]
    exact = [100 * c.contribution for c in counted]
    points = [math.floor(x) for x in exact]
    short = score_points(m) - sum(points)
    by_remainder = sorted(range(len(counted)), key=lambda i: exact[i] - points[i], reverse=True)
    for i in by_remainder[: max(0, short)]:
        points[i] += 1
    found = [
        Reason(c.name, p, c.weight, c.value, _why(m, c.name, p)) for c, p in zip(counted, points, strict=True)
    ]
    return sorted(found, key=lambda r: -r.points)


def meaning(m: Match) -> str:
    """E.g. "closer than 97% of pairs of listeners here: very close"; empty when unknown."""
    if m.percentile is None:
        return ""
    return f"closer than {math.floor(m.percentile)}% of pairs of listeners here: {word_for(m.percentile)}"


def uncounted(m: Match) -> str:
    """Markdown for what is shown but does not count: genres when the blend gives them no weight."""
    genres = next((c for c in m.components if c.name == "genres"), None)
    if genres is None or genres.weight > 0 or not m.shared_genres:
        return ""
    return shared_line("Genres you share (not part of the score)", m.shared_genres, m.shared_genre_count)


def show(m: Match) -> None:
    """The explanation of ``m`` on the page: one line per part that counts, then what does not."""
    for reason in reasons(m):
        st.markdown(f"**{reason.label}: {reason.sum_line}**  \n{reason.why}")
    note = uncounted(m)
    if note:
        st.caption(note)


def latent_split(m: Match, points: int) -> tuple[int, int]:
    """The latent part's ``points``: (through the artists both play, through related artists and
    genres), adding up to ``points``."""
    shared = min(points, max(0, round(100 * m.latent_from_shared)))
    return shared, points - shared


def _why(m: Match, component: str, points: int) -> str:
    if component == "artists":
        return _items("You both play", m.shared_artists, m.shared_artist_count) or "No artists in common yet."
    if component == "genres":
        return _items("You both like", m.shared_genres, m.shared_genre_count) or "No genres in common yet."
    shared, related = latent_split(m, points)
    split = (
        f"{shared} of these points come through the artists you both play, {related} through related ones."
    )
    pairs = [f"you play {md(r.mine)}, they play {md(r.theirs)}" for r in m.related_artists]
    if not pairs:
        return split
    return f"{split} People who play one of these often play the other: {'; '.join(pairs)}."


def _items(lead: str, items: Sequence[SharedItem], count: int, limit: int = 5) -> str:
    if not items:
        return ""
    shown = [
        f"{md(s.name)}{f' {NICHE_MARK} niche' if s.niche else ''} (+{_points(s.contribution)})"
        for s in items[:limit]
    ]
    more = f" and {count - len(shown)} more" if count > len(shown) else ""
    return f"{lead} {', '.join(shown)}{more}."


def _points(contribution: float) -> str:
    """A part's points to one decimal: most single artists add less than a whole point."""
    return f"{100 * contribution:.1f}"
