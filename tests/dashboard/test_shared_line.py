"""The line under each match that names what the two share."""

from __future__ import annotations

from soulmate_app.explain import NICHE_MARK, shared_line
from soulmate_core import SharedItem


def test_the_line_names_the_largest_and_says_how_many_more_there_are() -> None:
    items = [SharedItem("Portishead", 0.2, niche=True), SharedItem("Massive Attack", 0.1)]
    line = shared_line("Shared artists", items, count=40, limit=8)
    assert line == f"Shared artists: Portishead {NICHE_MARK} niche, Massive Attack and 38 more"


def test_the_line_stops_at_its_limit_and_counts_the_rest() -> None:
    items = [SharedItem(f"Band {i}", 0.1) for i in range(10)]
    line = shared_line("Shared artists", items, count=10, limit=3)
    assert line.endswith("Band 2 and 7 more")


def test_nothing_shared_says_so() -> None:
    assert shared_line("Shared genres", [], count=0) == "Shared genres: none yet"


def test_one_left_over_is_counted_and_none_left_over_is_not() -> None:
    items = [SharedItem(f"Band {i}", 0.1) for i in range(4)]
    assert shared_line("Shared artists", items, count=4, limit=3).endswith("Band 2 and 1 more")
    assert shared_line("Shared artists", items[:3], count=3, limit=3).endswith("Band 2")
