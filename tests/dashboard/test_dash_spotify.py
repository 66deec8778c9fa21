"""Log in with Spotify against a local fake of the Web API and accounts service."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
from streamlit.testing.v1 import AppTest

from soulmate_app.escape import md
from soulmate_app.login_binding import NONCE_KEY
from soulmate_app.oauth_state import StateCheck, sign_state, verify_state
from soulmate_app.public_name import LABEL
from soulmate_app.session import TOKEN_KEY
from soulmate_core import Store
from soulmate_core.handles import DEVELOPMENT_KEY, public_name
from tests.fakes.spotify_server import FakeSpotify, sample_user

from .conftest import DASHBOARD, texts

STATE_KEY = b"test-state-key"
ARTISTS = [("Portishead", ["trip hop"]), ("Massive Attack", None), ("Burial", []), ("Tricky", ["trip hop"])]
GENRELESS = [("Portishead", None), ("Massive Attack", []), ("Little Simz", None)]


@pytest.fixture
def spotify(store_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeSpotify]:
    with FakeSpotify(client_id="test-client", client_secret="test-secret") as fake:
        monkeypatch.setenv("SPOTIFY_CLIENT_ID", "test-client")
        monkeypatch.setenv("SPOTIFY_CLIENT_SECRET", "test-secret")
        monkeypatch.setenv("SOULMATE_STATE_SECRET", STATE_KEY.decode())
        monkeypatch.setenv("SOULMATE_SPOTIFY_API_BASE", fake.api_base)
        monkeypatch.setenv("SOULMATE_SPOTIFY_ACCOUNTS_BASE", fake.base_url)
        yield fake


def _calls(spotify: FakeSpotify, path: str) -> list[FakeSpotify.Call]:
    return [c for c in spotify.calls if c.path.rstrip("/") == path]


def _signed(nonce: str) -> str:
    return sign_state(STATE_KEY, nonce)


def _return_from_spotify(code: str | None, state_for: Callable[[str], str | None] = _signed) -> AppTest:
    """A browser session that opened Connect (which gave it a login nonce), landing on the redirect
    URI as Spotify sends it back, with the state ``state_for`` makes of that nonce."""
    at = AppTest.from_file(DASHBOARD, default_timeout=60).run()
    state = state_for(at.session_state[NONCE_KEY])
    if code is not None:
        at.query_params["code"] = code
    if state is not None:
        at.query_params["state"] = state
    at.run()
    assert not at.exception, at.exception
    return at


def test_login_button_points_to_spotify_with_a_signed_state(spotify: FakeSpotify, app) -> None:
    at = app()
    (button,) = at.get("link_button")
    url = button.proto.url
    assert url.startswith(spotify.authorize_url)
    assert "scope=user-top-read" in url and "state=" in url
    assert "redirect_uri=http%3A%2F%2F127.0.0.1%3A8501%2F" in url
    (state,) = parse_qs(urlsplit(url).query)["state"]
    assert at.session_state[NONCE_KEY] not in url  # the state names only a hash of the nonce
    assert verify_state(STATE_KEY, state, [at.session_state[NONCE_KEY]]) is StateCheck.VALID
    assert at.tabs[0].label == "Log in with Spotify"


def test_login_fetches_and_saves_a_hidden_profile(spotify: FakeSpotify, store: Store) -> None:
    spotify.issue_code("code-1", sample_user("acc-1", "Ana", ARTISTS))
    at = _return_from_spotify("code-1")
    profile = store.get("acc-1")
    assert profile is not None and profile.source == "spotify" and not profile.discoverable
    assert profile.display_name == ""  # Spotify's name is not a public name the person chose
    alias_name = md(public_name("acc-1", "", DEVELOPMENT_KEY))
    assert f"You are **{alias_name}**" in texts(at)
    assert "Ana" not in texts(at)
    assert at.session_state[TOKEN_KEY]["access_token"].startswith("access-")
    assert at.query_params.get("code") is None  # the code is single-use: cleared from the URL
    for path in ("/v1/me", "/v1/me/top/artists", "/v1/me/top/tracks"):
        assert _calls(spotify, path)
    at.button(key="see_soulmates").click().run()
    assert at.title[0].value == "Your soulmates"


def test_genreless_artists_still_get_a_meaningful_taste_page(spotify: FakeSpotify, store: Store) -> None:
    spotify.issue_code("code-g", sample_user("acc-g", "Gene", GENRELESS))
    at = _return_from_spotify("code-g")
    assert not store.get("acc-g").has_genres
    at.switch_page("pages/my_taste.py").run()
    specs = [c.proto.spec for c in at.get("plotly_chart")]
    assert any("Your taste dimensions" in s for s in specs)
    assert not any("Top genres" in s for s in specs)


@pytest.mark.parametrize(
    "state_for",
    [lambda _: "forged.123.c2lnbmF0dXJl", lambda _: None, lambda nonce: sign_state(b"another key", nonce)],
    ids=["forged", "missing", "another-key"],
)
def test_a_forged_or_missing_state_is_refused(spotify: FakeSpotify, store: Store, state_for) -> None:
    spotify.issue_code("code-2", sample_user("acc-2", "Bo", ARTISTS))
    at = _return_from_spotify("code-2", state_for)
    assert "could not be verified" in " ".join(e.value for e in at.error)
    assert not _calls(spotify, "/api/token")
    assert store.get("acc-2") is None
    assert TOKEN_KEY not in at.session_state


def test_a_stale_state_is_refused(spotify: FakeSpotify, store: Store) -> None:
    spotify.issue_code("code-3", sample_user("acc-3", "Cy", ARTISTS))
    at = _return_from_spotify("code-3", lambda nonce: sign_state(STATE_KEY, nonce, now=1_000_000))
    assert "could not be verified" in " ".join(e.value for e in at.error)
    assert store.get("acc-3") is None


def test_an_unregistered_user_gets_the_development_mode_message(spotify: FakeSpotify, store: Store) -> None:
    spotify.issue_code("code-4", sample_user("acc-4", "Di", ARTISTS), FakeSpotify.Scenario.FORBIDDEN)
    at = _return_from_spotify("code-4")
    message = " ".join(e.value for e in at.error)
    assert "Development Mode" in message and "5 users" in message and "data export" in message
    assert store.get("acc-4") is None


@pytest.mark.slow  # waits out two real Retry-After seconds
def test_rate_limits_are_waited_out_then_retried(spotify: FakeSpotify, store: Store) -> None:
    user = sample_user("acc-5", "Ed", ARTISTS)
    spotify.issue_code("code-5", user, FakeSpotify.Scenario.RATE_LIMITED, failures=2, retry_after=1)
    at = _return_from_spotify("code-5")
    assert [c.status for c in _calls(spotify, "/v1/me")] == [429, 429, 200]
    assert store.get("acc-5") is not None
    assert "You are **Listener \\#" in texts(at)


def test_an_expired_token_is_refreshed(spotify: FakeSpotify, store: Store) -> None:
    spotify.issue_code("code-6", sample_user("acc-6", "Flo", ARTISTS))
    at = _return_from_spotify("code-6")
    spotify.expire(at.session_state[TOKEN_KEY]["access_token"])
    at.button(key="spotify_refresh").click().run()
    assert not at.error
    assert len(_calls(spotify, "/api/token")) == 2  # the code exchange, then the refresh
    assert [c.status for c in _calls(spotify, "/v1/me")][-2:] == [401, 200]


def test_a_public_name_is_chosen_after_login_and_kept_on_the_next(spotify: FakeSpotify, store: Store) -> None:
    ana = sample_user("acc-7", "Ana Real", ARTISTS)
    spotify.issue_code("code-7", ana)
    at = _return_from_spotify("code-7")
    assert store.get("acc-7").display_name == ""
    (field,) = [t for t in at.text_input if t.key == "spotify_name"]
    assert field.label == LABEL
    field.input(" Jazz\u202ecat ").run()
    at.button(key="spotify_refresh").click().run()
    assert not at.error and store.get("acc-7").display_name == "Jazzcat"  # cleaned: clean_name
    assert "You are **Jazzcat**" in texts(at)

    spotify.issue_code("code-8", ana)  # another day, another browser session: nothing typed
    later = _return_from_spotify("code-8")
    assert store.get("acc-7").display_name == "Jazzcat"
    assert "You are **Jazzcat**" in texts(later)
    later.text_input(key="spotify_name").input("Bebop").run()
    later.button(key="spotify_refresh").click().run()
    assert store.get("acc-7").display_name == "Bebop"


def test_before_login_the_spotify_way_says_how_the_public_name_works(spotify: FakeSpotify, app) -> None:
    at = app()
    assert not [t for t in at.text_input if t.key == "spotify_name"]  # chosen once back from Spotify
    assert "Others never see your Spotify name" in texts(at)


def test_a_server_without_spotify_settings_explains_how_and_offers_the_other_ways(app) -> None:
    at = app()
    info = " ".join(i.value for i in at.info)
    assert "not set up" in info and "secrets.toml" in info and "listening history" in info
    assert not at.get("link_button")
    assert at.tabs[0].label == "Try a demo persona"  # nothing to log in to: the demo comes first
