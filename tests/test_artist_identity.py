"""Identity across sources: MusicBrainz ids and Spotify URIs, where a file has them, make one artist
of several spellings, so listeners who love the same band match on it whatever they exported."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from soulmate_adapters import open_store
from soulmate_core import TasteProfile, match
from soulmate_core.matcher import Matcher
from soulmate_core.snapshot import Snapshot
from soulmate_core.sources.history import profile_from_history, read_history
from tests import history_fixtures as hx
from tests.listeners import person

BEYONCE = "Beyoncé"


def _profile(files: list[tuple[str, bytes]], user_id: str = "me") -> TasteProfile:
    return profile_from_history(read_history(files), user_id=user_id, display_name=user_id)


def _listens(artist: str, count: int, start_day: int = 1) -> list[hx.Listen]:
    return [
        hx.Listen(artist, f"Song {i}", "An Album", hx.END - timedelta(days=start_day + i, hours=i), 240)
        for i in range(count)
    ]


def test_listenbrainz_spellings_of_one_mapped_artist_are_one_artist_under_its_musicbrainz_name() -> None:
    mapped = _listens(BEYONCE, 6)
    feat = _listens(BEYONCE, 4, start_day=10)
    unmapped = _listens(BEYONCE, 3, start_day=20)
    lines = {id(x): hx.listenbrainz_line(x, artist_name="Beyonce feat. JAY-Z") for x in feat}
    lines |= {id(x): hx.listenbrainz_line(x, artist_name="Beyonce", mapped=False) for x in unmapped}
    lines |= {id(x): hx.listenbrainz_line(x, artist_name="Beyonce") for x in mapped}
    brainz = hx.listenbrainz_zip(
        [*mapped, *feat, *unmapped, *_listens("Solange", 2)],
        line=lambda x: lines.get(id(x)) or hx.listenbrainz_line(x),
    )
    profile = _profile([("lb.zip", brainz)])
    artists = profile.ranges["long_term"].artists
    assert [a.name for a in artists] == [BEYONCE, "Solange"]
    assert artists[0].mbid == hx.mbid(BEYONCE)
    assert profile.listening is not None and profile.listening.counted == 15


def test_a_listenbrainz_listener_and_a_spotify_listener_who_love_the_same_band_match_on_it() -> None:
    brainz = hx.listenbrainz_zip(
        [*_listens(BEYONCE, 8), *_listens("Solange", 3)],
        line=lambda x: hx.listenbrainz_line(
            x, artist_name="Beyonce feat. JAY-Z" if x.artist == BEYONCE else None
        ),
    )
    spotify = hx.as_json(hx.spotify_extended_rows([*_listens(BEYONCE, 8), *_listens("Little Simz", 3)]))
    theirs = _profile([("lb.zip", brainz)], "brainz")
    mine = _profile([("Streaming_History_Audio_2026_0.json", spotify)], "spotify")
    found = match(mine, theirs)
    assert [s.name for s in found.shared_artists] == [BEYONCE]
    assert found.shared_artist_count == 1


def test_a_spotify_track_uri_joins_a_listenbrainz_spelling_to_the_spotify_artist() -> None:
    played = _listens("Sigur Rós", 5)
    spotify = hx.as_json(hx.spotify_extended_rows(played))
    again = [hx.Listen(x.artist, x.track, x.album, x.ended - timedelta(days=30), x.seconds) for x in played]

    def from_spotify(x: hx.Listen) -> dict:
        line = hx.listenbrainz_line(x, artist_name="Sigur Ros", mapped=False)
        track_id = hx.track_uri(x.artist, x.track).removeprefix("spotify:track:")
        line["track_metadata"]["additional_info"]["spotify_id"] = f"https://open.spotify.com/track/{track_id}"
        return line

    profile = _profile(
        [
            ("Streaming_History_Audio_2026_0.json", spotify),
            ("lb.zip", hx.listenbrainz_zip(again, line=from_spotify)),
        ]
    )
    assert [a.name for a in profile.ranges["long_term"].artists] == ["Sigur Rós"]
    assert profile.listening is not None and profile.listening.counted == 10


def test_a_scrobble_exports_artist_ids_join_its_spellings() -> None:
    beatles = _listens("The Beatles", 4)
    no_article = [
        hx.Listen("ザ・ビートルズ", x.track, x.album, x.ended - timedelta(days=40), x.seconds)
        for x in beatles
    ]
    header = ("uts", "utc_time", "artist", "artist_mbid", "album", "album_mbid", "track", "track_mbid")
    rows = [
        (int(x.ended.timestamp()), "", x.artist, hx.mbid("The Beatles"), x.album, "", x.track, "")
        for x in [*beatles, *no_article]
    ]
    csv = hx._csv([header, *rows])
    profile = _profile([("lastfm.csv", csv)])
    assert [a.name for a in profile.ranges["long_term"].artists] == ["The Beatles"]


def test_without_ids_different_names_stay_different_artists() -> None:
    csv = hx.lastfm_csv([*_listens("The Beatles", 4), *_listens("ザ・ビートルズ", 2, start_day=40)])
    profile = _profile([("scrobbles.csv", csv)])
    assert [a.name for a in profile.ranges["long_term"].artists] == ["The Beatles", "ザ・ビートルズ"]


def test_without_ids_spellings_of_one_key_are_one_artist_with_every_listen() -> None:
    def profile_of(second_spelling: str) -> TasteProfile:
        listens = [*_listens("The Beatles", 4), *_listens(second_spelling, 2, 40)]
        return _profile([("scrobbles.csv", hx.lastfm_csv([*listens, *_listens("Solange", 5, 60)]))])

    spelled_twice = profile_of("beatles").ranges["long_term"].artists
    spelled_once = profile_of("The Beatles").ranges["long_term"].artists
    assert [(a.name, a.weight) for a in spelled_twice] == [(a.name, a.weight) for a in spelled_once]
    assert [a.name for a in spelled_twice] == ["The Beatles", "Solange"]


def test_two_listeners_who_spell_their_artists_differently_match_on_them(tmp_path: Path) -> None:
    mine_spelled = ["The Beatles", BEYONCE, "Daft Punk feat. Pharrell Williams"]
    theirs_spelled = ["Beatles", "Beyonce", "Daft Punk"]
    spotify = hx.as_json(hx.spotify_extended_rows(_played([*mine_spelled, "Little Simz"])))
    lastfm = hx.lastfm_csv(_played([*theirs_spelled, "Solange"]))
    mine = _profile([("Streaming_History_Audio_2026_0.json", spotify)], "spotify-listener")
    theirs = _profile([("scrobbles.csv", lastfm)], "lastfm-listener")

    found = match(mine, theirs)
    assert found.shared_artist_count == 3
    assert {s.name for s in found.shared_artists} == set(mine_spelled)  # each reads their own spelling
    assert {s.name for s in match(theirs, mine).shared_artists} == set(theirs_spelled)

    mine, theirs = mine.with_changes(discoverable=True), theirs.with_changes(discoverable=True)  # both opt in
    others = listeners_of_other_scenes(30)
    store = open_store(f"sqlite:///{tmp_path / 'soulmate.db'}")
    store.put_many([mine, theirs, *others])
    matcher = Matcher(store, Snapshot.build([mine, theirs, *others], "test"))
    for me, other, spelled in ((mine, theirs, mine_spelled), (theirs, mine, theirs_spelled)):
        best = matcher.top_k(me, 3)[0]
        assert best.other_id == other.user_id
        assert {s.name for s in best.shared_artists} == set(spelled)
    store.close()


def _played(artists: list[str]) -> list[hx.Listen]:
    """Listens to ``artists``, the first the most."""
    return [x for at, name in enumerate(artists) for x in _listens(name, 9 - 2 * at)]


def listeners_of_other_scenes(count: int) -> list[TasteProfile]:
    """Listeners who share artists among themselves and none with the two above."""
    scenes = [[f"Scene {s} Band {a}" for a in range(12)] for s in range(3)]
    return [person(f"other{i:02d}", scenes[i % 3][i % 5 : i % 5 + 6]) for i in range(count)]
