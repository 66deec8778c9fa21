"""Fetching a user's listening from Spotify: payload shapes, and each failure mapped to our errors."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from soulmate_adapters.spotify_client import fetch_payloads, make_client
from soulmate_core.errors import (
    SpotifyAuthError,
    SpotifyForbiddenError,
    SpotifyRateLimitError,
    SpotifyUnavailableError,
)
from soulmate_core.sources.spotify_api import build_taste_profile
from tests.fakes.spotify_server import FakeSpotify, sample_user

ARTISTS = [("Portishead", ["trip hop"]), ("Burial", []), ("Bonobo", None), ("Massive Attack", ["trip hop"])]


@pytest.fixture
def spotify() -> Iterator[FakeSpotify]:
    with FakeSpotify() as fake:
        yield fake


def test_fetch_builds_a_profile_for_all_three_ranges(spotify: FakeSpotify) -> None:
    spotify.add_user("tok", sample_user("acc-1", "Ana", ARTISTS))
    steps: list[tuple[int, int]] = []

    payloads = fetch_payloads(
        make_client("tok", api_base=spotify.api_base), progress=lambda d, t, _: steps.append((d, t))
    )
    profile = build_taste_profile(payloads)

    assert profile.user_id == "acc-1"
    assert payloads.me["display_name"] == "Ana"
    assert profile.display_name == ""  # Spotify's name is never the public one
    assert set(profile.ranges) == {"short_term", "medium_term", "long_term"}
    assert [a.name for a in profile.ranges["medium_term"].artists] == [
        name for name, _ in ARTISTS[1:] + ARTISTS[:1]
    ]
    assert profile.ranges["long_term"].tracks[0].artists
    assert profile.genre_weights == {"trip hop": pytest.approx(1.0)}
    assert not profile.discoverable
    assert steps[-1][0] == steps[-1][1]
    assert [d for d, _ in steps] == sorted(d for d, _ in steps)
    assert {c.query["time_range"][0] for c in spotify.calls_to("/v1/me/top/artists")} == {
        "short_term",
        "medium_term",
        "long_term",
    }


def test_a_user_without_account_id_falls_back_to_id(spotify: FakeSpotify) -> None:
    spotify.add_user("tok", sample_user("acc-2", "Bo", ARTISTS, legacy_id="bo99", with_account_id=False))
    profile = build_taste_profile(fetch_payloads(make_client("tok", api_base=spotify.api_base)))
    assert profile.user_id == "bo99"


@pytest.mark.parametrize(
    ("scenario", "error"),
    [
        (FakeSpotify.Scenario.EXPIRED, SpotifyAuthError),
        (FakeSpotify.Scenario.FORBIDDEN, SpotifyForbiddenError),
        (FakeSpotify.Scenario.SERVER_ERROR, SpotifyUnavailableError),
    ],
)
def test_failures_map_to_our_errors(
    spotify: FakeSpotify, scenario: FakeSpotify.Scenario, error: type
) -> None:
    spotify.add_user("tok", sample_user("acc-3", "Cy", ARTISTS), scenario)
    with pytest.raises(error):
        fetch_payloads(make_client("tok", api_base=spotify.api_base))


def test_an_unknown_token_is_an_auth_error(spotify: FakeSpotify) -> None:
    with pytest.raises(SpotifyAuthError):
        fetch_payloads(make_client("nobody", api_base=spotify.api_base))


def test_a_rate_limit_carries_retry_after_and_is_not_retried_silently(spotify: FakeSpotify) -> None:
    spotify.add_user(
        "tok", sample_user("acc-4", "Di", ARTISTS), FakeSpotify.Scenario.RATE_LIMITED, retry_after=7
    )
    with pytest.raises(SpotifyRateLimitError) as caught:
        fetch_payloads(make_client("tok", api_base=spotify.api_base))
    assert caught.value.retry_after == 7
    assert len(spotify.calls) == 1


def test_an_unreachable_spotify_is_unavailable() -> None:
    with pytest.raises(SpotifyUnavailableError):
        fetch_payloads(make_client("tok", api_base="http://127.0.0.1:9/v1/", timeout=2))
