"""Real time windows: the last 4 weeks, the last 6 months and all time, measured back from the
history's last play, and within each range a recent listen counts more than an old one."""

from __future__ import annotations

from datetime import timedelta

import pytest

from soulmate_core import TasteProfile, drift
from soulmate_core.sources.history import profile_from_history, read_history
from tests import history_fixtures as hx


def _scrobbles(spec: tuple[tuple[str, str, str, int, int, int, int], ...]) -> TasteProfile:
    csv = hx.lastfm_csv(hx.listening(spec))
    return profile_from_history(read_history([("scrobbles.csv", csv)]), user_id="me", display_name="Me")


def _weights(profile: TasteProfile, name: str) -> dict[str, float]:
    return {a.name: a.weight for a in profile.ranges[name].artists}


# (artist, track, album, plays, first and last day before the history's end, track length s)
OLD_AND_NEW = (
    ("Old Love", "Then", "Before", 10, 170, 160, 200),
    ("New Love", "Now", "Lately", 10, 9, 0, 200),
)


def test_ranges_hold_the_last_4_weeks_the_last_6_months_and_everything() -> None:
    spec = (
        ("Last Week", "a", "x", 3, 7, 5, 200),
        ("Two Months Ago", "b", "x", 3, 62, 60, 200),
        ("A Year Ago", "c", "x", 3, 366, 364, 200),
        ("Yesterday", "d", "x", 3, 2, 1, 200),
    )
    profile = _scrobbles(spec)
    assert set(_weights(profile, "short_term")) == {"Last Week", "Yesterday"}
    assert set(_weights(profile, "medium_term")) == {"Last Week", "Yesterday", "Two Months Ago"}
    assert set(_weights(profile, "long_term")) == {"Last Week", "Yesterday", "Two Months Ago", "A Year Ago"}


def test_ranges_end_at_the_historys_last_play_not_today() -> None:
    years_ago = [x for x in hx.listening(OLD_AND_NEW)]
    shifted = [
        hx.Listen(x.artist, x.track, x.album, x.ended - timedelta(days=2000), x.seconds) for x in years_ago
    ]
    history = read_history([("scrobbles.csv", hx.lastfm_csv(shifted))])
    profile = profile_from_history(history, user_id="me", display_name="Me")
    assert list(_weights(profile, "short_term")) == ["New Love"]
    assert profile.listening is not None
    assert profile.listening.last_play == shifted[-1].ended.strftime("%Y-%m-%d")


def test_within_a_range_the_same_number_of_listens_counts_more_when_recent() -> None:
    profile = _scrobbles(OLD_AND_NEW)
    for name in ("medium_term", "long_term"):
        weights = _weights(profile, name)
        assert weights["New Love"] > weights["Old Love"]
    assert list(_weights(profile, "short_term")) == ["New Love"]


def test_the_oldest_listen_of_all_time_counts_a_quarter_of_the_newest() -> None:
    """A listen half the range older counts half as much: at the range's start, a quarter."""
    spec = (("Oldest", "a", "x", 1, 400, 400, 200), ("Newest", "b", "x", 1, 0, 0, 200))
    weights = _weights(_scrobbles(spec), "long_term")
    # amounts 1/4 and 1 become shares after the usual damping (weights.AMOUNT_POWER = 0.75)
    assert weights["Oldest"] / weights["Newest"] == pytest.approx(0.25**0.75, rel=1e-3)


def test_the_drift_chart_reads_the_ranges_as_a_spotify_login_profile_would() -> None:
    rising, falling = drift(_scrobbles(OLD_AND_NEW))
    assert [r.artist for r in rising] == ["New Love"]
    assert [r.artist for r in falling] == ["Old Love"]
