"""Creating a group's playlist in a listener's Spotify, against the fake Spotify over HTTP: the
documented calls and bodies, 100 items a call, each failure mapped to our errors, one deadline."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from soulmate_adapters.spotify_client import make_client
from soulmate_adapters.spotify_playlists import create_playlist
from soulmate_core.errors import SpotifyAuthError, SpotifyForbiddenError, SpotifyUnavailableError
from tests.fakes.spotify_server import FakeSpotify, sample_user

ANA = sample_user("acc-ana", "Ana", [("Portishead", ["trip hop"])])
URIS = [f"spotify:track:t{n:03d}" for n in range(230)]


@pytest.fixture
def spotify() -> Iterator[FakeSpotify]:
    with FakeSpotify() as fake:
        fake.add_user("tok", ANA)
        yield fake


def client_for(spotify: FakeSpotify, token: str = "tok"):  # type: ignore[no-untyped-def]
    return lambda seconds: make_client(token, api_base=spotify.api_base, timeout=seconds)


def test_a_private_playlist_is_made_and_filled_in_order_100_items_a_call(spotify: FakeSpotify) -> None:
    made = create_playlist(client_for(spotify), "Our blend", "Tracks most of us play", URIS)
    stored = spotify.playlists.playlists[made.id]
    assert (stored.owner, stored.name, stored.description) == (
        "legacy-acc-ana",
        "Our blend",
        "Tracks most of us play",
    )
    assert stored.public is False and stored.uris == URIS
    assert made.url == f"https://open.spotify.com/playlist/{made.id}" and made.added == 230
    calls = [(c.method, c.path, c.status) for c in spotify.calls]
    items = f"/v1/playlists/{made.id}/items"
    assert calls == [("POST", "/v1/me/playlists", 201)] + [("POST", items, 201)] * 3


def test_no_tracks_is_an_empty_playlist_and_one_call(spotify: FakeSpotify) -> None:
    made = create_playlist(client_for(spotify), "Empty", "", [])
    assert spotify.playlists.playlists[made.id].uris == [] and len(spotify.calls) == 1


@pytest.mark.parametrize(
    ("scenario", "error"),
    [
        (FakeSpotify.Scenario.EXPIRED, SpotifyAuthError),
        (FakeSpotify.Scenario.FORBIDDEN, SpotifyForbiddenError),
    ],
)
def test_spotify_refusals_are_our_errors_and_make_nothing(
    spotify: FakeSpotify, scenario: FakeSpotify.Scenario, error: type[Exception]
) -> None:
    spotify.add_user("tok-bad", ANA, scenario)
    with pytest.raises(error):
        create_playlist(client_for(spotify, "tok-bad"), "Our blend", "", URIS)
    assert spotify.playlists.playlists == {}


def test_a_malformed_answer_is_refused(spotify: FakeSpotify) -> None:
    spotify.answer_raw("tok", "/v1/me/playlists", b'{"name": "no id"}', status=201)
    with pytest.raises(Exception, match="/me/playlists answer is malformed at id"):
        create_playlist(client_for(spotify), "Our blend", "", URIS)


def test_a_slow_spotify_costs_one_deadline_not_a_timeout_per_call(spotify: FakeSpotify) -> None:
    spotify.add_user("tok-slow", ANA, delay=30)
    began = time.monotonic()
    with pytest.raises(SpotifyUnavailableError):
        create_playlist(client_for(spotify, "tok-slow"), "Our blend", "", URIS, deadline=1.0, per_call=5.0)
    assert time.monotonic() - began < 3.0


def test_no_call_starts_once_the_deadline_has_passed(spotify: FakeSpotify) -> None:
    readings = iter([0.0, 0.0, 19.0, 25.0])  # start; the first call; 1 s left; past the deadline
    timeouts: list[float] = []

    def timed(seconds: float):  # type: ignore[no-untyped-def]
        timeouts.append(seconds)
        return make_client("tok", api_base=spotify.api_base, timeout=seconds)

    with pytest.raises(SpotifyUnavailableError, match="within 20 s"):
        create_playlist(
            timed, "Our blend", "", URIS, deadline=20.0, per_call=8.0, clock=lambda: next(readings)
        )
    assert timeouts == [8.0, 1.0]
    assert [c.path for c in spotify.calls].count("/v1/me/playlists") == 1 and len(spotify.calls) == 2
