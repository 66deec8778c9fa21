"""Every history format the importer reads: told from its content, read into the same profile
whatever format holds the same listening, personal fields dropped, zips of them read too."""

from __future__ import annotations

import json

import pytest

from soulmate_core import InputError, TasteProfile, to_item
from soulmate_core.sources.formats import ACCEPTED
from soulmate_core.sources.history import profile_from_history, read_history
from tests import history_fixtures as hx

FORMATS = sorted(hx.FORMATS)


def _profile(files: list[tuple[str, bytes]]) -> TasteProfile:
    return profile_from_history(read_history(files), user_id="me", display_name="Me")


def _ranges(profile: TasteProfile) -> dict[str, list[tuple[str, float]]]:
    """Each range's artists and tracks with their weights, to a precision floats carry across formats."""
    return {
        name: [(a.name, round(a.weight, 9)) for a in taste.artists]
        + [(t.name, round(t.weight, 9)) for t in taste.tracks]
        for name, taste in profile.ranges.items()
    }


@pytest.mark.parametrize("kind", FORMATS)
def test_each_format_gives_the_persons_taste_with_time_ranges(kind: str) -> None:
    name, content, source = hx.FORMATS[kind]
    profile = _profile([(name, content())])
    assert profile.source == source
    assert list(profile.ranges) == ["short_term", "medium_term", "long_term"]
    assert profile.top_artists("long_term", 1)[0].name == hx.TOP_LONG_TERM
    assert [a.name for a in profile.ranges["short_term"].artists] == hx.SHORT_TERM
    assert profile.listening is not None and profile.listening.counted == len(hx.LISTENING)
    assert profile.listening.last_play == hx.LISTENING[-1].ended.strftime("%Y-%m-%d")


@pytest.mark.parametrize("kind", [k for k in FORMATS if k != "spotify-extended"])
def test_the_same_listening_exported_in_two_formats_gives_the_same_profile(kind: str) -> None:
    reference = _profile([("Streaming_History_Audio_2025-2026_0.json", hx.FORMATS["spotify-extended"][1]())])
    name, content, _ = hx.FORMATS[kind]
    other = _profile([(name, content())])
    assert _ranges(other) == _ranges(reference)
    assert other.genre_weights == reference.genre_weights
    assert other.listening is not None and reference.listening is not None
    assert (other.listening.counted, other.listening.first_play, other.listening.last_play) == (
        reference.listening.counted,
        reference.listening.first_play,
        reference.listening.last_play,
    )


@pytest.mark.parametrize("kind", ["spotify-extended", "lastfm", "librefm", "scrobbler-log", "listenbrainz"])
def test_a_file_is_recognised_by_its_content_whatever_it_is_called(kind: str) -> None:
    _, content, source = hx.FORMATS[kind]
    renamed = "my listening (copy).txt" if kind != "listenbrainz" else "export.zip"
    assert _profile([(renamed, content())]).source == source


def test_a_zip_of_several_formats_is_one_history() -> None:
    half = len(hx.LISTENING) // 2
    older, newer = hx.LISTENING[:half], hx.LISTENING[half:]
    mixed = hx.zip_of(
        {
            "lastfm/scrobbles.csv": hx.lastfm_csv(older),
            "player/.scrobbler.log": hx.scrobbler_log(newer),
            "README.txt": b"exported with care\n",
        }
    )
    profile = _profile([("my history.zip", mixed)])
    assert profile.source == "scrobbles"
    assert _ranges(profile) == _ranges(_profile([("scrobbles.csv", hx.lastfm_csv())]))


def test_files_of_different_services_make_one_history() -> None:
    half = len(hx.LISTENING) // 2
    files = [
        ("StreamingHistory_music_0.json", hx.as_json(hx.spotify_account_rows(hx.LISTENING[:half]))),
        ("listenbrainz.zip", hx.listenbrainz_zip(hx.LISTENING[half:])),
    ]
    profile = _profile(files)
    assert profile.source == "history"
    assert _ranges(profile) == _ranges(_profile([("scrobbles.csv", hx.lastfm_csv())]))


@pytest.mark.parametrize("kind", ["spotify-endsong", "spotify-extended", "listenbrainz"])
def test_personal_fields_are_dropped_while_reading(kind: str) -> None:
    name, content, _ = hx.FORMATS[kind]
    stored = json.dumps(to_item(_profile([(name, content())])), ensure_ascii=False)
    for private in ("someone-private", "198.51.100.23", "203.0.113.7", "unknown-private-agent", "4242"):
        assert private not in stored
    for field in ("username", "ip_addr", "user_agent", "conn_country", "platform"):
        assert field not in stored


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("notes.txt", b"Dear diary, today I listened to music.\n"),
        ("contacts.csv", b"name,email\nAna,ana@example.org\n"),
        ("YourLibrary.json", b'[{"artist": "Radiohead", "album": "OK Computer"}]'),
        ("user.json", b'{"user_id": 1, "username": "x"}\n'),
    ],
)
def test_an_unknown_file_is_refused_with_the_formats_that_are_accepted(name: str, content: bytes) -> None:
    with pytest.raises(InputError) as refused:
        read_history([(name, content)])
    assert refused.value.where == f"{name}:1"
    for accepted in ACCEPTED:
        assert accepted in str(refused.value)


def test_a_zip_without_any_history_says_what_it_would_accept() -> None:
    with pytest.raises(InputError, match="no listening history in this zip") as refused:
        read_history([("photos.zip", hx.zip_of({"a.txt": b"hello\n", "user.json": b"{}"}))])
    assert "ListenBrainz" in str(refused.value) and ".scrobbler.log" in str(refused.value)


def test_a_table_of_many_listeners_is_not_one_persons_history() -> None:
    table = hx.timed_table({"ana": hx.LISTENING, "bo": hx.LISTENING[:5]})
    with pytest.raises(InputError, match="table of many listeners"):
        read_history([("listens.csv", table)])
