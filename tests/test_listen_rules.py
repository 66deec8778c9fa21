"""A cleaner signal: what counts as a listen, what is left out and why, and how much one track may
weigh. The person sees what was left out, in words."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from soulmate_core import ListeningSummary, TasteProfile, listening_lines
from soulmate_core.sources.history import profile_from_history, read_history
from soulmate_core.sources.listen_rules import TRACK_SHARE_CAP, cap_shares, verdict
from tests import history_fixtures as hx

MINUTE = 60_000


def _extended(artist: str, track: str, ms: int, ended: datetime, **changes: Any) -> dict[str, Any]:
    row = hx.spotify_extended_rows([hx.Listen(artist, track, "An Album", ended, ms // 1000)])[0]
    return {**row, "ms_played": ms, **changes}


def _profile(rows: list[dict[str, Any]], name: str = "Streaming_History_Audio_2025_0.json") -> TasteProfile:
    return profile_from_history(read_history([(name, hx.as_json(rows))]), user_id="me", display_name="Me")


def _base(days: int = 20) -> list[dict[str, Any]]:
    """Twenty artists, a few whole plays each, over ``days`` days: someone's ordinary listening."""
    return [
        _extended(
            f"Artist {a:02d}", f"Song {a}", 200_000, hx.END - timedelta(days=(a * 7 + i) % days, hours=i)
        )
        for a in range(20)
        for i in range(3 + a % 4)
    ]


@pytest.mark.parametrize(
    ("ms_played", "duration_ms", "skipped", "expected"),
    [
        (29_999, None, False, "short"),
        (30_000, None, False, None),
        (0, None, False, "short"),
        (200_000, None, True, "skipped"),
        (None, None, True, "skipped"),
        (None, 20_000, False, "short"),  # a scrobble of a track shorter than 30 s
        (None, 200_000, False, None),  # a scrobble: already counted by its service
        (99_000, 200_000, False, "partial"),  # less than half the track
        (100_000, 200_000, False, None),  # half the track
        (240_000, 1_200_000, False, None),  # 4 minutes of a 20-minute track
        (239_000, 1_200_000, False, "partial"),
    ],
)
def test_what_counts_as_a_listen(
    ms_played: int | None, duration_ms: int | None, skipped: bool, expected: str | None
) -> None:
    assert verdict(ms_played, duration_ms, skipped=skipped) == expected


def test_plays_that_are_not_listens_are_counted_by_reason_and_left_out() -> None:
    rows = hx.spotify_extended_rows() + hx.spotify_noise_rows()
    profile = _profile(rows)
    assert profile.listening is not None
    assert profile.listening.dropped == hx.NOISE
    names = {a.name for taste in profile.ranges.values() for a in taste.artists}
    assert "Private Artist" not in names and "Skipped Artist" not in names


def test_video_plays_and_podcast_files_of_an_export_are_counted_as_such() -> None:
    video = [_extended("A Video Artist", "A Clip", 200_000, hx.END - timedelta(days=3))] * 4
    podcasts = [
        {"endTime": "2026-02-20 08:00", "podcastName": "Show", "episodeName": "Ep 1", "msPlayed": 900_000}
    ]
    files = [
        ("Streaming_History_Audio_2025_0.json", hx.as_json(hx.spotify_extended_rows())),
        ("Streaming_History_Video_2025.json", hx.as_json(video)),
        ("StreamingHistory_podcast_0.json", hx.as_json(podcasts)),
    ]
    profile = profile_from_history(read_history(files), user_id="me", display_name="Me")
    assert profile.listening is not None
    assert profile.listening.dropped == {"video": 4, "podcast": 1}
    assert "A Video Artist" not in {a.name for a in profile.top_artists("long_term", 50)}


def test_a_play_of_less_than_half_a_track_whose_length_a_finished_play_shows_is_left_out() -> None:
    at = hx.END - timedelta(days=2)
    finished = _extended("Slowdive", "Alison", 5 * MINUTE, at, reason_end="trackdone")
    cut_short = [
        _extended("Slowdive", "Alison", 2 * MINUTE, at - timedelta(hours=i), reason_end="fwdbtn")
        for i in range(20)
    ]
    # A track never played to its end: its length is unknown, so a 2-minute play of it counts.
    unknown = [
        _extended("Low", "Words", 2 * MINUTE, at - timedelta(hours=i), reason_end="fwdbtn") for i in range(3)
    ]
    profile = _profile([*_base(), finished, *cut_short, *unknown])
    assert profile.listening is not None
    assert profile.listening.dropped == {"partial": 20}
    assert profile.listening.counted == len(_base()) + 1 + 3


def test_skips_in_a_scrobbler_log_and_tracks_under_30_s_in_listenbrainz_are_left_out() -> None:
    log = hx.scrobbler_log(hx.LISTENING, skipped=hx.LISTENING[:5])
    jingle = hx.Listen("An Artist", "A Jingle", "Ads", hx.END - timedelta(days=3), 12)
    brainz = hx.listenbrainz_zip([*hx.LISTENING, jingle])
    logged = profile_from_history(read_history([(".scrobbler.log", log)]), user_id="a", display_name="a")
    listened = profile_from_history(read_history([("lb.zip", brainz)]), user_id="b", display_name="b")
    assert logged.listening is not None and logged.listening.dropped == {"skipped": 5}
    assert listened.listening is not None and listened.listening.dropped == {"short": 1}


def test_a_sleep_loop_played_all_night_cannot_make_a_taste() -> None:
    nights = [
        _extended(
            "Sleep Machine", "Rain on a Tin Roof", 10 * MINUTE, hx.END - timedelta(days=d, minutes=10 * i)
        )
        for d in range(20)
        for i in range(40)
    ]
    base = _base()
    assert len(nights) > 8 * len(base)  # left alone, the loop would be almost all of it
    profile = _profile([*base, *nights])
    assert profile.listening is not None and profile.listening.counted == len(base) + len(nights)
    for name in ("short_term", "medium_term", "long_term"):
        artists = profile.ranges[name].artists
        loop = next(a for a in artists if a.name == "Sleep Machine")
        assert loop.weight <= TRACK_SHARE_CAP
        assert loop.weight < 2 * max(a.weight for a in artists if a is not loop)
    assert profile.listening.capped_tracks == 1
    assert any("1 track played on repeat capped" in line for line in listening_lines(profile.listening))


@given(st.lists(st.floats(min_value=0.01, max_value=1e6, allow_nan=False), min_size=11, max_size=60))
def test_no_capped_amount_takes_more_than_its_share_and_the_rest_stay_as_they_were(
    amounts: list[float],
) -> None:
    original = np.array(amounts)
    capped = cap_shares(original.copy())
    assert capped.max() <= TRACK_SHARE_CAP * capped.sum() * (1 + 1e-6)
    lowered = capped < original
    if lowered.any():
        level = capped[lowered].max()
        assert np.allclose(capped[lowered], level)  # lowered to one level
        assert (original[~lowered] <= level * (1 + 1e-6)).all()
    assert (capped[~lowered] == original[~lowered]).all()


def test_too_few_tracks_to_tell_a_loop_from_a_taste_are_left_as_they_are() -> None:
    amounts = np.array([90.0, 5.0, 5.0])
    assert (cap_shares(amounts) == amounts).all()


def test_the_summary_says_in_words_what_was_counted_and_left_out() -> None:
    summary = ListeningSummary(
        counted=48_213,
        dropped={"short": 1204, "skipped": 1, "podcast": 52},
        capped_tracks=2,
        first_play="2016-03-01",
        last_play="2026-02-28",
        ms_played=1_234_567 * MINUTE + 29_999,  # rounds down to whole minutes
        timed_listens=48_213,
    )
    assert listening_lines(summary) == [
        "48,213 listens counted from 2016-03-01 to 2026-02-28.",
        "Those listens lasted 1,234,567 minutes in all.",
        "1,204 plays under 30 s ignored.",
        "52 podcast episodes ignored.",
        "1 skipped play ignored.",
        "2 tracks played on repeat capped, so that no single track can make your taste.",
    ]
