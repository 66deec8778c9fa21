"""The artist catalogue: the demo personas, a Spotify login and a genre table teach it; an imported
history, which names no genres, borrows from it; what was borrowed is never taught back."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from soulmate_adapters import open_store
from soulmate_api.app import create_app, respond
from soulmate_core import service
from soulmate_core.demo import catalog
from soulmate_core.profile import ArtistEntry, RangeTaste, TasteProfile, artist_key, genre_key, make_profile
from soulmate_core.settings import Settings
from soulmate_core.sources.history import profile_from_history, read_history
from soulmate_core.store import Store
from tests import history_fixtures as hx
from tests.api_events import FakeContext, http_event
from tests.cli_runner import run
from tests.fakes.spotify_server import FakeSpotify, sample_user
from tests.store_spies import CountingStore

# Every artist of the history but Björk is one of the demo personas' artists.
DEMO_GENRES = {a.name: a.genres for artists in catalog().values() for a in artists}
KNOWN = ["Radiohead", "Portishead", "Little Simz", "Nick Drake"]
UNKNOWN = "Björk"


@pytest.fixture
def store_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'store.db'}"


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    opened = open_store(store_url)
    yield opened
    opened.close()


def _export(tmp_path: Path) -> Path:
    path = tmp_path / "Streaming_History_Audio_2025_0.json"
    path.write_bytes(hx.as_json(hx.spotify_extended_rows()))
    return path


def _artists(profile: TasteProfile) -> dict[str, tuple[str, ...]]:
    return {a.name: a.genres for taste in profile.ranges.values() for a in taste.artists}


def _spotify_profile(user_id: str, artists: dict[str, tuple[str, ...]]) -> TasteProfile:
    entries = tuple(ArtistEntry(name, 1 / len(artists), genres) for name, genres in artists.items())
    return make_profile(
        user_id=user_id, display_name="", source="spotify", ranges={"medium_term": RangeTaste(entries)}
    )


def test_an_export_imported_into_the_demo_store_gets_the_demo_artists_genres(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], store_url: str
) -> None:
    assert run(capsys, "--store", store_url, "seed-demo")[0] == 0
    code, out, err = run(capsys, "--store", store_url, "import", str(_export(tmp_path)), "--user-id", "me")
    assert code == 0, err
    assert "genres from the artist catalogue: 4 of 5 artists have genres" in out

    store = open_store(store_url)
    try:
        profile = store.get("me")
        catalogue_after = store.genres_for([artist_key(name) for name in [*KNOWN, UNKNOWN]])
    finally:
        store.close()
    assert profile is not None and profile.source == "spotify-export"
    assert _artists(profile) == {**{name: DEMO_GENRES[name] for name in KNOWN}, UNKNOWN: ()}
    assert profile.catalogue_genres == 4
    assert set(profile.genre_weights) == {genre_key(g) for name in KNOWN for g in DEMO_GENRES[name]}
    # The weights are what a Spotify login with these artists and genres would get.
    spotify = make_profile(user_id="x", display_name="", source="spotify", ranges=profile.ranges)
    assert profile.genre_weights == spotify.genre_weights
    # The catalogue is as the demo taught it: nothing learned from the export, Björk still unknown.
    assert catalogue_after == {artist_key(name): DEMO_GENRES[name] for name in KNOWN}

    code, shown, _ = run(capsys, "--store", store_url, "profile", "me")
    assert code == 0
    (line,) = [row for row in shown.splitlines() if row.strip().startswith("genres")]
    assert all(genre_key(g) in line for g in DEMO_GENRES["Radiohead"])


def test_an_export_with_no_artist_the_catalogue_knows_stays_without_genres(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], store_url: str, store: Store
) -> None:
    service.save_profile(store, _spotify_profile("acc-1", {"Burial": ("uk garage",)}))
    code, out, err = run(capsys, "--store", store_url, "import", str(_export(tmp_path)), "--user-id", "me")
    assert code == 0, err
    assert "artist catalogue" not in out
    profile = store.get("me")
    assert profile is not None
    assert not profile.has_genres and profile.catalogue_genres == 0
    assert not any(_artists(profile).values())


def test_borrowed_genres_are_never_taught_back(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], store_url: str, store: Store
) -> None:
    """A listener's Spotify login names Radiohead's genres; an export borrows them. When a later
    login names others, re-saving the export (as a new upload or a sign-in does) keeps its own
    genres and leaves the catalogue with the later login's."""
    service.save_profile(store, _spotify_profile("acc-1", {"Radiohead": ("art rock",)}))
    assert run(capsys, "--store", store_url, "import", str(_export(tmp_path)), "--user-id", "me")[0] == 0
    service.save_profile(
        store, _spotify_profile("acc-2", {"Radiohead": ("alternative rock", "permanent wave")})
    )

    exported = store.get("me")
    assert exported is not None and _artists(exported)["Radiohead"] == ("art rock",)
    service.save_profile(store, exported.with_changes(source="spotify"))  # even as a teaching source
    assert store.genres_for(["radiohead", "björk"]) == {"radiohead": ("alternative rock", "permanent wave")}


def test_an_upload_of_many_artists_reads_the_catalogue_once_and_never_scans(store: Store) -> None:
    """The dashboard's upload path. Three groups of 50 artists fill the three ranges: more artists
    than one DynamoDB batch takes, and still one read of the port."""
    spec = [
        (f"Artist {group}{i:02d}", f"Track {i}", "Album", plays, first, last, 200)
        for group, plays, first, last in (("A", 1, 20, 20), ("B", 3, 120, 90), ("C", 20, 360, 300))
        for i in range(50)
    ]
    service.save_profile(store, _spotify_profile("acc-1", {"Artist A07": ("drone",), "Artist C49": ("dub",)}))
    rows = hx.spotify_extended_rows(hx.listening(spec))
    history = read_history([("Streaming_History_Audio_2025_0.json", hx.as_json(rows))])
    profile = profile_from_history(history, user_id="me", display_name="Mo")
    counting = CountingStore(store)
    saved, _ = service.save_new_profile(counting, profile)  # type: ignore[arg-type]
    (keys,) = counting.catalogue_reads
    assert sorted(keys) == sorted(profile.artist_names()) and len(keys) > 100
    assert counting.full_reads == 0
    assert saved.catalogue_genres == 2 and set(saved.genre_weights) == {"drone", "dub"}


def test_a_table_with_a_genre_table_teaches_the_catalogue_every_artist_it_names(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], store_url: str, store: Store
) -> None:
    """1,200 artists: more than one batch of what a bulk write teaches."""
    listens = tmp_path / "listens.csv"
    rows = [f"u{i % 40},Artist {i},{i % 9 + 1}" for i in range(1200)]
    listens.write_text("\n".join(["user_id,artist,weight", *rows, "u1,Burial,5"]) + "\n", encoding="utf-8")
    genres = tmp_path / "genres.csv"
    pairs = [f"Artist {i},genre {i % 7}" for i in range(1200)] + ["artist 3,drone"]
    genres.write_text("\n".join(["artist,genre", *pairs]) + "\n", encoding="utf-8")
    code, _, err = run(capsys, "--store", store_url, "import", str(listens), "--genres", str(genres))
    assert code == 0, err
    expected = {f"artist {i}": (f"genre {i % 7}",) for i in range(1200)}
    expected["artist 3"] = ("genre 3", "drone")
    assert store.genres_for([*expected, "burial"]) == expected


def test_a_store_made_before_the_catalogue_gains_it_when_opened(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    open_store(f"sqlite:///{path}").close()
    with sqlite3.connect(path) as conn:
        conn.execute("DROP TABLE artist_genres")
    store = open_store(f"sqlite:///{path}")
    try:
        store.learn_genres({"radiohead": ["art rock"]})
        assert store.genres_for(["radiohead"]) == {"radiohead": ("art rock",)}
    finally:
        store.close()


# --- a Spotify login through the API: teaches what Spotify named, borrows what it did not ---------

TEACHER = sample_user("acc-bo", "Bo", [("Massive Attack", ["trip hop", "bristol sound"]), ("Burial", [])])
DEV_MODE = sample_user("acc-cy", "Cy", [("Massive Attack", None), ("Burial", None), ("Tricky", ["trip hop"])])


def _post_profile(settings: Settings, store: Store, token: str) -> Any:
    answer = respond(
        create_app(settings, store), http_event("POST", "/taste-profile", token=token), FakeContext()
    )
    assert answer["statusCode"] == 200, answer
    return json.loads(answer["body"])


def test_a_spotify_login_teaches_the_genres_it_names_and_borrows_the_ones_it_lacks(store: Store) -> None:
    with FakeSpotify() as spotify:
        spotify.add_user("tok-bo", TEACHER)
        spotify.add_user("tok-cy", DEV_MODE)
        settings = Settings(spotify_api_base=spotify.api_base, spotify_timeout=2.0)
        _post_profile(settings, store, "tok-bo")
        body = _post_profile(settings, store, "tok-cy")

    genres = {a["name"]: a["genres"] for a in body["ranges"]["medium_term"]["artists"]}
    assert genres == {"Massive Attack": ["trip hop", "bristol sound"], "Burial": [], "Tricky": ["trip hop"]}
    assert body["catalogue_genres"] == 1
    assert set(body["genre_weights"]) == {"trip hop", "bristol sound"}
    assert store.genres_for(["massive attack", "burial", "tricky"]) == {
        "massive attack": ("trip hop", "bristol sound"),
        "tricky": ("trip hop",),
    }
