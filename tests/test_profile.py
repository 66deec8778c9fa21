"""The taste profile: its stored item, and building it from Spotify Web API payloads."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from soulmate_adapters import open_store
from soulmate_core import CorruptItemError, InputError, Store, TasteProfile, from_item, match, to_item
from soulmate_core.demo import demo_population
from soulmate_core.sources.spotify_api import SpotifyPayloads, build_taste_profile, spotify_user_id
from tests.strategies import arbitrary_profiles

ROUND_TRIP = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = open_store("sqlite:///" + str(tmp_path / "s.db"))
    yield opened
    opened.close()


# --- stored item ----------------------------------------------------------------------------------


# These two are slow (200 examples each); the fast lane keeps the SQLite round trip below, which goes
# through to_item, JSON and from_item as well.
@pytest.mark.slow
@ROUND_TRIP
@given(arbitrary_profiles())
def test_to_item_and_back_is_lossless(profile: TasteProfile) -> None:
    assert from_item(to_item(profile)) == profile


@pytest.mark.slow
@ROUND_TRIP
@given(arbitrary_profiles())
def test_the_item_survives_json(profile: TasteProfile) -> None:
    item = to_item(profile)
    assert from_item(json.loads(json.dumps(item, ensure_ascii=False))) == profile


@settings(ROUND_TRIP, max_examples=50)
@given(arbitrary_profiles())
def test_the_sqlite_store_returns_what_was_put(
    tmp_path_factory: pytest.TempPathFactory, profile: TasteProfile
) -> None:
    store = open_store("sqlite:///" + str(tmp_path_factory.mktemp("rt") / "s.db"))
    try:
        store.put(profile)
        assert store.get(profile.user_id) == profile
    finally:
        store.close()


@given(arbitrary_profiles())
def test_stored_item_shape(profile: TasteProfile) -> None:
    item = to_item(profile)
    assert set(item) == {"user_id", "profile", "updated_at"}
    assert item["user_id"] == profile.user_id
    assert item["updated_at"] == profile.updated_at
    assert isinstance(item["profile"], dict)
    assert item["profile"]["user_id"] == profile.user_id
    json.dumps(item)  # JSON-safe: every adapter can hold it


def test_from_item_rejects_an_unknown_source_naming_the_user_and_the_field() -> None:
    profile = demo_population(1)[0]
    item = to_item(profile)
    item["profile"]["source"] = "myspace"
    with pytest.raises(CorruptItemError, match="source") as caught:
        from_item(item)
    assert caught.value.user_id == profile.user_id
    assert profile.user_id in str(caught.value)


# --- Spotify Web API payloads ---------------------------------------------------------------------


def artist(name: str, spotify_id: str, **extra: Any) -> dict[str, Any]:
    """An artist object as GET /me/top/artists returns it in Development Mode: no popularity."""
    return {
        "id": spotify_id,
        "name": name,
        "type": "artist",
        "uri": f"spotify:artist:{spotify_id}",
        "images": [{"url": "https://i.scdn.co/image/x", "height": 640, "width": 640}],
        "external_urls": {"spotify": f"https://open.spotify.com/artist/{spotify_id}"},
        **extra,
    }


def track(name: str, spotify_id: str, *artist_names: str) -> dict[str, Any]:
    return {
        "id": spotify_id,
        "name": name,
        "type": "track",
        "uri": f"spotify:track:{spotify_id}",
        "artists": [{"id": f"a-{n}", "name": n, "type": "artist"} for n in artist_names],
        "album": {"name": "An album", "images": []},
    }


ME = {
    "id": "legacy-id",
    "account_id": "acct-7f3a",
    "display_name": "Ana",
    "type": "user",
    "uri": "spotify:user:legacy-id",
}

PAYLOADS = SpotifyPayloads(
    me=ME,
    top_artists={
        "short_term": [
            artist("Rosalía", "r1", genres=["flamenco pop", "latin"]),
            artist("Bad Bunny", "b1"),  # no genres key at all
            artist("Bomba Estéreo", "be", genres=[]),
        ],
        "medium_term": [
            artist("Bad Bunny", "b1"),
            artist("Rosalía", "r1", genres=["flamenco pop", "latin"], popularity=88),
        ],
        "long_term": [artist("Caetano Veloso", "cv", genres=["mpb"])],
    },
    top_tracks={
        "short_term": [track("DESPECHÁ", "t1", "Rosalía"), track("Tití Me Preguntó", "t2", "Bad Bunny")],
        "long_term": [track("Sozinho", "t3", "Caetano Veloso")],
    },
)


def test_build_taste_profile_from_dev_mode_payloads() -> None:
    profile = build_taste_profile(PAYLOADS)

    assert profile.source == "spotify"
    assert profile.display_name == ""  # Spotify's display_name is not a public name anyone chose
    assert list(profile.ranges) == ["short_term", "medium_term", "long_term"]
    short = profile.ranges["short_term"]
    assert [a.name for a in short.artists] == ["Rosalía", "Bad Bunny", "Bomba Estéreo"]
    assert [a.spotify_id for a in short.artists] == ["r1", "b1", "be"]
    assert short.artists[0].genres == ("flamenco pop", "latin")
    assert short.artists[1].genres == ()
    assert short.artists[2].genres == ()
    weights = [a.weight for a in short.artists]
    assert weights == sorted(weights, reverse=True)
    assert sum(weights) == pytest.approx(1.0)
    assert [t.name for t in short.tracks] == ["DESPECHÁ", "Tití Me Preguntó"]
    assert short.tracks[1].artists == ("Bad Bunny",)
    assert profile.ranges["medium_term"].tracks == ()
    assert set(profile.genre_weights) == {"flamenco pop", "latin", "mpb"}
    assert sum(profile.genre_weights.values()) == pytest.approx(1.0)


def test_profile_from_payloads_survives_storage(store: Store) -> None:
    profile = build_taste_profile(PAYLOADS)
    store.put(profile)
    assert store.get(profile.user_id) == profile


def test_account_id_is_preferred_over_id() -> None:
    assert build_taste_profile(PAYLOADS).user_id == "acct-7f3a"
    assert spotify_user_id({"id": "legacy-id", "account_id": "acct-7f3a"}) == "acct-7f3a"


def test_id_is_the_fallback_for_older_answers() -> None:
    assert spotify_user_id({"id": "legacy-id"}) == "legacy-id"
    assert spotify_user_id({"id": "legacy-id", "account_id": None}) == "legacy-id"


def test_me_without_any_id_is_bad_input() -> None:
    with pytest.raises(InputError):
        build_taste_profile(SpotifyPayloads(me={"display_name": "x"}))


def test_new_spotify_users_are_not_discoverable() -> None:
    assert build_taste_profile(PAYLOADS).discoverable is False
    assert build_taste_profile(PAYLOADS, discoverable=True).discoverable is True


def test_missing_display_name_leaves_the_name_empty() -> None:
    profile = build_taste_profile(SpotifyPayloads(me={"account_id": "acct-1", "display_name": None}))
    assert profile.display_name == ""
    assert profile.ranges == {}


def test_a_chosen_name_is_cleaned_and_replaces_what_was_stored() -> None:
    profile = build_taste_profile(PAYLOADS, display_name=" Jazz\u202ecat ", stored_name=lambda _: "Old")
    assert profile.display_name == "Jazzcat"
    assert build_taste_profile(PAYLOADS, display_name="", stored_name=lambda _: "Old").display_name == ""


@pytest.mark.parametrize(
    ("stored", "kept"),
    [
        ("Jazzcat", "Jazzcat"),
        (None, ""),
        ("Ana", ""),  # Spotify's display_name, stored by earlier versions: never chosen here
        (" ana ", ""),
        ("acct-7f3a", ""),  # an id, stored when Spotify gave no name
        ("legacy-id", ""),
    ],
)
def test_without_a_choice_the_name_chosen_before_is_kept(stored: str | None, kept: str) -> None:
    asked: list[str] = []

    def lookup(user_id: str) -> str | None:
        asked.append(user_id)
        return stored

    assert build_taste_profile(PAYLOADS, stored_name=lookup).display_name == kept
    assert asked == ["acct-7f3a"]


def test_a_profile_with_no_genres_at_all_still_matches_on_artists() -> None:
    no_genres = SpotifyPayloads(
        me={"account_id": "acct-2"},
        top_artists={"medium_term": [artist("Portishead", "p"), artist("Massive Attack", "m")]},
    )
    profile = build_taste_profile(no_genres)
    assert profile.genre_weights == {}
    fan = next(p for p in demo_population(60) if "Portishead" in {a.name for a in p.top_artists(limit=50)})
    assert match(profile, fan).score > 0
    assert match(profile, fan).score == pytest.approx(match(fan, profile).score)
