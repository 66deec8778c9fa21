"""Short text for matches, generic over whatever components and shared items scoring produces."""

from __future__ import annotations

from collections.abc import Sequence

from soulmate_app.escape import md
from soulmate_core import Match, SharedItem

NICHE_MARK = "✦"


def shared_line(label: str, items: Sequence[SharedItem], count: int, limit: int = 8) -> str:
    """Markdown, e.g. "Shared artists: Portishead ✦ niche, Massive Attack and 12 more": the
    largest of ``count`` shared items, niche ones marked, names escaped."""
    if not items:
        return f"{label}: none yet"
    shown = [f"{md(s.name)} {NICHE_MARK} niche" if s.niche else md(s.name) for s in items[:limit]]
    more = f" and {count - len(shown)} more" if count > len(shown) else ""
    return f"{label}: {', '.join(shown)}{more}"


def component_rows(m: Match) -> list[dict[str, object]]:
    """One row per score component: how much it weighs, how alike you are on it, what it adds."""
    return [
        {
            "component": c.name,
            "weight": round(c.weight, 3),
            "similarity": round(c.value, 3),
            "adds to score": round(100 * c.contribution, 1),
        }
        for c in m.components
    ]
