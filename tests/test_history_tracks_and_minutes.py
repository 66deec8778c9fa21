"""An imported history keeps each range's top tracks (by its counted listens, at most 50, names
cleaned) and how long its listens lasted, where the files say it; a format that does not say gets
no invented minutes. Expected values come from the fixture's own listens."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest

from soulmate_core import TasteProfile, from_item, listening_lines, to_item
from soulmate_core.sources.history import profile_from_history, read_history
from soulmate_core.sources.listens import tally_tables
from soulmate_core.sources.ranking import MAX_TRACKS
from tests import history_fixtures as hx

LAST = hx.LISTENING[-1].ended
SPANS = {"short_term": timedelta(weeks=4), "medium_term": timedelta(days=182), "long_term": None}


def _profile(files: list[tuple[str, bytes]]) -> TasteProfile:
    return profile_from_history(read_history(files), user_id="me", display_name="Me")


def _within(name: str, listens: list[hx.Listen] = hx.LISTENING) -> list[hx.Listen]:
    span = SPANS[name]
    return [x for x in listens if span is None or x.ended > LAST - span]


def _ms(listens: list[hx.Listen]) -> int:
    return sum(x.seconds * 1000 for x in listens)


@pytest.mark.parametrize("kind", sorted(hx.FORMATS))
def test_each_range_keeps_the_tracks_listened_to_within_it(kind: str) -> None:
    name, content, _ = hx.FORMATS[kind]
    profile = _profile([(name, content())])
    for range_name, taste in profile.ranges.items():
        played = {(x.track, x.artist) for x in _within(range_name)}
        assert {(t.name, t.artists[0]) for t in taste.tracks} == played, range_name
        weights = [t.weight for t in taste.tracks]
        assert weights == sorted(weights, reverse=True) and sum(weights) == pytest.approx(1.0)
    # All of it: the track listened to most leads, though its listens are old.
    plays = Counter((x.track, x.artist) for x in hx.LISTENING)
    top = profile.ranges["long_term"].tracks[0]
    assert (top.name, top.artists[0]) == max(plays, key=plays.__getitem__)


def test_at_most_fifty_tracks_a_range_the_most_listened_to() -> None:
    spec = [("Band", f"Song {i:02d}", "Album", 3 if i < MAX_TRACKS else 1, 20, 2, 200) for i in range(60)]
    rows = hx.spotify_extended_rows(hx.listening(spec))
    profile = _profile([("Streaming_History_Audio_2026_0.json", hx.as_json(rows))])
    for taste in profile.ranges.values():
        assert len(taste.tracks) == MAX_TRACKS
        assert {t.name for t in taste.tracks} == {f"Song {i:02d}" for i in range(MAX_TRACKS)}


def test_track_names_are_stored_clean() -> None:
    hostile = hx.Listen("Band", "Evil\u202e Song\x07\nTwo", "Album", LAST, 200)
    rows = hx.spotify_extended_rows([*hx.LISTENING, hostile])
    profile = _profile([("Streaming_History_Audio_2026_0.json", hx.as_json(rows))])
    names = {t.name for t in profile.ranges["short_term"].tracks}
    assert "Evil Song Two" in names and not any("\u202e" in n or "\x07" in n for n in names)


@pytest.mark.parametrize("kind", ["spotify-extended", "spotify-endsong", "spotify-account"])
def test_spotify_histories_say_how_long_the_counted_listens_lasted(kind: str) -> None:
    name, content, _ = hx.FORMATS[kind]
    summary = _profile([(name, content())]).listening
    assert summary is not None
    # The noise plays (a podcast, a skip, a short play...) are left out of the time as of the count.
    assert summary.ms_played == _ms(hx.LISTENING) and summary.timed_listens == len(hx.LISTENING)
    assert summary.minutes == round(_ms(hx.LISTENING) / 60_000)
    assert summary.range_ms == {name: _ms(_within(name)) for name in SPANS}
    assert f"Those listens lasted {summary.minutes:,} minutes in all." in listening_lines(summary)


@pytest.mark.parametrize("kind", ["listenbrainz", "lastfm", "librefm", "scrobbler-log"])
def test_scrobbles_say_nothing_of_time_and_get_no_invented_minutes(kind: str) -> None:
    name, content, _ = hx.FORMATS[kind]
    summary = _profile([(name, content())]).listening
    assert summary is not None
    assert (summary.ms_played, summary.timed_listens, summary.minutes, summary.range_ms) == (0, 0, None, {})
    assert any(line.startswith("Minutes listened are unknown") for line in listening_lines(summary))


def test_a_mixed_history_counts_the_time_of_the_listens_that_say_it() -> None:
    half = len(hx.LISTENING) // 2
    scrobbled, timed = hx.LISTENING[:half], hx.LISTENING[half:]
    files = [
        ("scrobbles.csv", hx.lastfm_csv(scrobbled)),
        ("Streaming_History_Audio_2026_0.json", hx.as_json(hx.spotify_extended_rows(timed))),
    ]
    summary = _profile(files).listening
    assert summary is not None and summary.counted == len(hx.LISTENING)
    assert (summary.ms_played, summary.timed_listens) == (_ms(timed), len(timed))
    expected = round(_ms(timed) / 60_000)
    assert (
        f"The {len(timed)} of those listens whose files say how long they lasted come to {expected} minutes."
        in listening_lines(summary)
    )


def test_a_table_of_many_listeners_keeps_each_ones_minutes() -> None:
    ana, bo = hx.LISTENING, hx.LISTENING[:5]
    with tally_tables([("listens.csv", hx.timed_table({"ana": ana, "bo": bo}))]) as tally:
        found = {p.user_id: p.listening for p in tally.profiles()}
    assert found["ana"] is not None and found["ana"].ms_played == _ms(ana)
    assert found["bo"] is not None and found["bo"].ms_played == _ms(bo)


def test_minutes_survive_the_stored_item_and_an_older_item_still_reads() -> None:
    name, content, _ = hx.FORMATS["spotify-extended"]
    profile = _profile([(name, content())])
    assert from_item(to_item(profile)) == profile
    older = to_item(profile)
    for key in ("ms_played", "timed_listens", "range_ms"):
        del older["profile"]["listening"][key]
    summary = from_item(older).listening
    assert summary is not None and summary.counted == len(hx.LISTENING)
    assert summary.ms_played is None and summary.minutes is None
    assert any("import it again" in line for line in listening_lines(summary))
