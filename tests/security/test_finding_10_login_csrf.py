"""Finding 10, login CSRF: the dashboard's OAuth ``state`` was signed but not bound to the browser,
so an attacker could make a victim's browser complete the attacker's Spotify login (the victim then
builds and shares a profile in the attacker's account). A state now names a hash of its browser's
login nonce (kept in the session and a browser-session cookie), and a return from Spotify whose
state names another browser's nonce is refused, with nothing exchanged or stored."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from streamlit.testing.v1 import AppTest

from soulmate_adapters import open_store
from soulmate_app.login_binding import COOKIE, NONCE_KEY
from soulmate_app.session import TOKEN_KEY, USER_KEY
from soulmate_core.demo import demo_population
from soulmate_core.store import Store
from tests.browser_support import free_port, serve_dashboard
from tests.dashboard.conftest import DASHBOARD, texts
from tests.fakes.spotify_server import FakeSpotify, sample_user

try:
    from playwright import sync_api
except ImportError:  # `need` reports it: a skip, or a failure under CI
    sync_api = None

STATE_KEY = "csrf-test-state-key"
ARTISTS = [("Portishead", ["trip hop"]), ("Burial", [])]
MALLORY = sample_user("acc-mallory", "Mallory", ARTISTS)
VICTOR = sample_user("acc-victor", "Victor", ARTISTS)
ANOTHER_BROWSER = "started in another browser"


def _spotify_env(fake: FakeSpotify, redirect_uri: str = "http://127.0.0.1:8501/") -> dict[str, str]:
    return {
        "SPOTIFY_CLIENT_ID": fake.client_id,
        "SPOTIFY_CLIENT_SECRET": fake.client_secret,
        "SPOTIFY_REDIRECT_URI": redirect_uri,
        "SOULMATE_STATE_SECRET": STATE_KEY,
        "SOULMATE_SPOTIFY_API_BASE": fake.api_base,
        "SOULMATE_SPOTIFY_ACCOUNTS_BASE": fake.base_url,
    }


@pytest.fixture
def spotify(store_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeSpotify]:
    with FakeSpotify() as fake:
        for name, value in _spotify_env(fake).items():
            monkeypatch.setenv(name, value)
        yield fake


def _open_connect() -> AppTest:
    """A browser session on the Connect page, holding the Spotify login link and its state."""
    at = AppTest.from_file(DASHBOARD, default_timeout=60).run()
    assert not at.exception, at.exception
    return at


def _state_of(at: AppTest) -> str:
    (button,) = at.get("link_button")
    (state,) = parse_qs(urlsplit(button.proto.url).query)["state"]
    return str(state)


def _land(at: AppTest, code: str, state: str) -> AppTest:
    at.query_params["code"] = code
    at.query_params["state"] = state
    at.run()
    assert not at.exception, at.exception
    return at


@pytest.mark.parametrize("victim_opened_connect", [True, False], ids=["victim-has-a-nonce", "fresh-victim"])
def test_a_state_minted_in_another_session_is_refused(
    spotify: FakeSpotify, dashboard_store: Store, victim_opened_connect: bool
) -> None:
    attacker = _open_connect()
    spotify.issue_code("mallory-code", MALLORY)
    victim = _open_connect() if victim_opened_connect else AppTest.from_file(DASHBOARD, default_timeout=60)

    _land(victim, "mallory-code", _state_of(attacker))

    message = " ".join(e.value for e in victim.error)
    assert ANOTHER_BROWSER in message and "Nothing was stored" in message
    assert not spotify.calls_to("/api/token"), "the attacker's code was exchanged"
    assert dashboard_store.get("acc-mallory") is None
    assert TOKEN_KEY not in victim.session_state and USER_KEY not in victim.session_state
    assert victim.query_params.get("code") is None


def test_the_same_sessions_state_still_logs_in(spotify: FakeSpotify, dashboard_store: Store) -> None:
    at = _open_connect()
    spotify.issue_code("victor-code", VICTOR)
    _land(at, "victor-code", _state_of(at))
    assert not at.error
    assert dashboard_store.get("acc-victor") is not None
    assert "You are **Listener \\#" in texts(at)  # Spotify's "Victor" is not a public name


def test_the_nonce_stays_the_same_through_a_session(spotify: FakeSpotify) -> None:
    at = _open_connect()
    nonce = at.session_state[NONCE_KEY]
    at.run()
    assert at.session_state[NONCE_KEY] == nonce
    assert nonce not in _state_of(at)


# --- a real browser: the redirect opens a new session, which finds the nonce in the cookie -------
def _login_href(page, base: str) -> str:
    page.goto(base + "/")
    link = page.get_by_role("link", name="Log in with Spotify")
    sync_api.expect(link).to_be_visible(timeout=30_000)
    page.wait_for_function(f"document.cookie.includes('{COOKIE}=')", timeout=10_000)
    return str(link.get_attribute("href"))


@pytest.mark.browser
@pytest.mark.slow
def test_in_a_real_browser_the_victim_refuses_the_attackers_login(chromium, tmp_path: Path) -> None:
    db = tmp_path / "soulmate.db"
    store = open_store(f"sqlite:///{db}")
    store.put_many(demo_population())
    port = free_port()
    with (
        FakeSpotify() as spotify,
        serve_dashboard(db, port=port, env=_spotify_env(spotify, f"http://127.0.0.1:{port}/")) as base,
    ):
        attacker, victim = chromium.new_context(), chromium.new_context()
        try:
            # The attacker starts a login in their own browser and stops at Spotify's redirect.
            spotify.log_in_as(MALLORY)
            answer = requests.get(_login_href(attacker.new_page(), base), allow_redirects=False, timeout=10)
            trap = answer.headers["Location"]
            assert trap.startswith(base) and "code=" in trap

            # The victim's browser is made to follow that redirect: refused, nothing stored.
            page = victim.new_page()
            _login_href(page, base)
            page.goto(trap)
            sync_api.expect(page.get_by_text(ANOTHER_BROWSER)).to_be_visible(timeout=30_000)
            assert store.get("acc-mallory") is None

            # The victim's own login, through the same redirect in a new session, still works.
            spotify.log_in_as(VICTOR)
            page.goto(_login_href(page, base))
            sync_api.expect(page.get_by_text("You are Listener #")).to_be_visible(timeout=30_000)
            assert store.get("acc-victor") is not None
        finally:
            attacker.close()
            victim.close()
            store.close()
