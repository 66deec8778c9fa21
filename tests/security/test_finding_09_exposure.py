"""Minimal exposure: others appear under a public handle, figures are rounded, and a visitor who has
shared nothing sees no one's name or artists.

``GET /matches``, ``soulmate matches`` and the dashboard never give another listener's user id (a
Spotify account id, or a legacy username used as one): they give an alias, an HMAC of the id under
the server's key, and the name the listener chose followed by a tag of that alias, so a copied name
cannot pass for its first owner. Every figure about the pair is rounded to whole points.

Nor do they give the name Spotify has for a listener (often a real name, chosen for Spotify, never
for this product): someone who logged in with Spotify and chose no public name is
``Listener #tag`` to everyone else, through the API and on the dashboard alike.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from soulmate_adapters import open_store
from soulmate_app.escape import md
from soulmate_app.login_binding import NONCE_KEY
from soulmate_app.oauth_state import sign_state
from soulmate_core import Store, TasteProfile
from soulmate_core.handles import DEVELOPMENT_KEY, alias, public_name
from soulmate_core.profile import make_profile
from soulmate_core.settings import Settings
from tests.cli_runner import run
from tests.dashboard.conftest import DASHBOARD, figures, sign_in_as_persona, texts
from tests.fakes.spotify_server import FakeSpotify, FakeUser, sample_user
from tests.security.harness import Api

PERSONA = "demo-0042"
ARTISTS = [("Portishead", ["trip hop"]), ("Massive Attack", ["trip hop"]), ("Burial", [])]


def numbers(value: object) -> list[float]:
    if isinstance(value, float):
        return [value]
    if isinstance(value, dict):
        return [n for v in value.values() for n in numbers(v)]
    if isinstance(value, list):
        return [n for v in value for n in numbers(v)]
    return []


@pytest.fixture
def listeners(spotify: FakeSpotify) -> FakeSpotify:
    """Ana, and three who share her taste: one Spotify knows only by a legacy username, two Tims."""
    spotify.add_user("tok-ana", sample_user("acc-ana", "Ana", ARTISTS))
    spotify.add_user("tok-john", sample_user("acc-john", "", ARTISTS, legacy_id="johnsmith1987"))
    spotify.add_user("tok-tim1", sample_user("acc-tim1", "Tim", ARTISTS[:2]))
    spotify.add_user("tok-tim2", sample_user("acc-tim2", "Tim", ARTISTS[1:]))
    return spotify


CHOSEN = {"tok-ana": "Ana", "tok-tim1": "Tim", "tok-tim2": "Tim"}  # John chose no public name


def _matches(spotify: FakeSpotify, store: Store, secret: str | None = None) -> dict[str, Any]:
    settings = Settings(spotify_api_base=spotify.api_base, spotify_timeout=2.0, alias_secret=secret)
    api = Api(settings, store)
    for token in ("tok-ana", "tok-john", "tok-tim1", "tok-tim2"):
        body = {"discoverable": True} | ({"display_name": CHOSEN[token]} if token in CHOSEN else {})
        assert api("POST", "/taste-profile", token=token, body=body)[0] == 200
    status, _, body = api("GET", "/matches/acc-ana", token="tok-ana")
    assert status == 200, body
    return body  # type: ignore[no-any-return]


def test_matches_name_others_by_handle_never_by_account_id(listeners: FakeSpotify, store: Store) -> None:
    body = _matches(listeners, store)
    text = json.dumps(body)
    for secret in ("acc-john", "johnsmith1987", "legacy-acc", "acc-tim1", "acc-tim2"):
        assert secret not in text
    assert body["schema_version"] == 2 and body["user_id"] == "acc-ana"  # one's own id, to oneself
    found = {m["handle"]: m for m in body["matches"]}
    assert set(found) == {alias(u, DEVELOPMENT_KEY) for u in ("acc-john", "acc-tim1", "acc-tim2")}
    assert all("user_id" not in m for m in body["matches"])
    # no name chosen: a generated one, not the id Spotify gave
    john = found[alias("acc-john", DEVELOPMENT_KEY)]
    assert john["display_name"] == f"Listener #{john['handle'][:4]}"


def test_two_listeners_with_one_name_stay_apart(listeners: FakeSpotify, store: Store) -> None:
    body = _matches(listeners, store)
    tims = [m["display_name"] for m in body["matches"] if m["display_name"].startswith("Tim #")]
    assert len(tims) == len(set(tims)) == 2


def test_aliases_are_stable_and_depend_on_the_servers_key(listeners: FakeSpotify, tmp_path: Path) -> None:
    handles = []
    for name, secret in (("a", "key-one"), ("b", "key-one"), ("c", "key-two")):
        store = open_store(f"sqlite:///{tmp_path / name}.db")
        try:
            handles.append({m["handle"] for m in _matches(listeners, store, secret)["matches"]})
        finally:
            store.close()
    assert handles[0] == handles[1]  # the same listener, the same alias, across stores and processes
    assert not handles[0] & handles[2]  # another key: nothing to link them by
    assert alias("acc-john", b"key-one") in handles[0]


def test_figures_are_rounded_to_whole_points(listeners: FakeSpotify, store: Store) -> None:
    for figure in numbers(_matches(listeners, store)["matches"]):
        assert figure == round(figure, 2)


# --- Spotify's name for a listener is not their public name ----------------------------------------

REAL, OTHER_REAL = "John Smith", "Jane Doe"  # what Spotify's /me calls them: real names
STATE_KEY = b"test-state-key"


@pytest.fixture
def real_names(listeners: FakeSpotify) -> FakeSpotify:
    """Two more Spotify listeners of Ana's taste: John chose no public name, Jane chose "Jazzcat"."""
    listeners.add_user("tok-real", sample_user("acc-real", REAL, ARTISTS))
    listeners.add_user("tok-jazz", sample_user("acc-jazz", OTHER_REAL, ARTISTS))
    return listeners


def test_a_spotify_name_reaches_no_one_else_through_the_api(real_names: FakeSpotify, store: Store) -> None:
    api = Api(Settings(spotify_api_base=real_names.api_base, spotify_timeout=2.0), store)
    posts = [
        ("tok-real", {"discoverable": True}),
        ("tok-jazz", {"discoverable": True, "display_name": "Jazzcat"}),
        ("tok-ana", {"discoverable": True, "display_name": "Ana"}),
        ("tok-tim1", {"discoverable": True}),
    ]
    for token, body in posts:
        assert api("POST", "/taste-profile", token=token, body=body)[0] == 200
    again = api("POST", "/taste-profile", token="tok-real", body={"discoverable": True})  # no name again
    assert again[0] == 200 and again[2]["display_name"] == ""
    assert store.get("acc-real").display_name == ""  # type: ignore[union-attr]  # nor is it stored

    john, jane = alias("acc-real", DEVELOPMENT_KEY), alias("acc-jazz", DEVELOPMENT_KEY)
    for token, user_id in (("tok-ana", "acc-ana"), ("tok-tim1", "acc-tim1")):
        status, _, body = api("GET", "/matches/" + user_id, token=token, query={"limit": "50"})
        assert status == 200, body
        shown = {m["handle"]: m["display_name"] for m in body["matches"]}
        assert shown[john] == f"Listener #{john[:4]}"
        assert shown[jane] == f"Jazzcat #{jane[:4]}"
        text = json.dumps(body)
        assert REAL not in text and OTHER_REAL not in text and "Smith" not in text, user_id
        assert api("GET", "/me", token=token)[2]["display_name"] not in (REAL, OTHER_REAL)


def _spotify_login(at: AppTest, spotify: FakeSpotify, code: str, who: FakeUser) -> AppTest:
    """``at`` (a browser session that opened Connect) landing back from Spotify's login as ``who``."""
    spotify.issue_code(code, who)
    at.query_params["code"] = code
    at.query_params["state"] = sign_state(STATE_KEY, at.session_state[NONCE_KEY])
    at.run()
    assert not at.exception and not at.error, (at.exception, at.error)
    return at


def test_on_the_dashboard_a_spotify_login_is_its_chosen_name_or_an_alias(
    store_url: str, dashboard_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    with FakeSpotify(client_id="test-client", client_secret="test-secret") as spotify:
        for name, value in (
            ("SPOTIFY_CLIENT_ID", "test-client"),
            ("SPOTIFY_CLIENT_SECRET", "test-secret"),
            ("SOULMATE_STATE_SECRET", STATE_KEY.decode()),
            ("SOULMATE_SPOTIFY_API_BASE", spotify.api_base),
            ("SOULMATE_SPOTIFY_ACCOUNTS_BASE", spotify.base_url),
        ):
            monkeypatch.setenv(name, value)
        persona = dashboard_store.get(PERSONA)
        assert persona is not None
        taste = [(a.name, list(a.genres)) for a in persona.top_artists(limit=8)]
        john = AppTest.from_file(DASHBOARD, default_timeout=60).run()
        _spotify_login(john, spotify, "code-john", sample_user("acc-real", REAL, taste))
        jane = AppTest.from_file(DASHBOARD, default_timeout=60).run()
        _spotify_login(jane, spotify, "code-jane", sample_user("acc-jazz", OTHER_REAL, taste))
        jane.text_input(key="spotify_name").input("Jazzcat").run()
        jane.button(key="spotify_refresh").click().run()
        for seen_by_self in (john, jane):
            seen_by_self.switch_page("pages/privacy.py").run()
            seen_by_self.toggle(key="discoverable").set_value(True).run()
    assert {p.user_id: p.display_name for p in dashboard_store.iter_all() if p.source == "spotify"} == {
        "acc-real": "",
        "acc-jazz": "Jazzcat",
    }

    viewer = _real_listener(dashboard_store, "Quinn Real")  # another real listener, of that taste
    at = AppTest.from_file(DASHBOARD, default_timeout=60)
    at.session_state["soulmate_user_id"] = viewer.user_id
    at.run()
    at.switch_page("pages/soulmates.py").run()
    assert not at.exception, at.exception
    shown = texts(at)
    assert md(public_name("acc-real", "", DEVELOPMENT_KEY)) in shown  # "Listener #tag"
    assert md(f"Jazzcat #{alias('acc-jazz', DEVELOPMENT_KEY)[:4]}") in shown
    for page in ("pages/soulmates.py", "pages/compare.py", "pages/taste_map.py"):
        at.switch_page(page).run()
        seen = _everything(at)
        assert REAL not in seen and OTHER_REAL not in seen and "Smith" not in seen, page


def test_cli_table_shows_handles_not_ids(
    capsys: pytest.CaptureFixture[str], store_url: str, dashboard_store: Store
) -> None:
    code, out, err = run(capsys, "--store", store_url, "matches", PERSONA, "--limit", "5")
    assert code == 0, err
    ids = [p.user_id for p in dashboard_store.iter_all() if p.user_id != PERSONA]
    assert [u for u in ids if u in out] == []
    assert out.count(" #") == 5


# --- the dashboard ---------------------------------------------------------------------------


def _real_listener(dashboard_store: Store, name: str) -> TasteProfile:
    """A real listener who opted in, with a persona's taste plus an artist of their own."""
    persona = dashboard_store.get(PERSONA)
    assert persona is not None
    profile = make_profile(
        user_id="export-quinn",
        display_name=name,
        source="spotify-export",
        ranges=persona.ranges,
        discoverable=True,
    )
    dashboard_store.put(profile)
    return profile


def _everything(at: AppTest) -> str:
    """All a visitor can read: the text, the widgets' labels and options, and the charts."""
    parts = [texts(at), json.dumps(figures(at))]
    for kind in ("selectbox", "button", "text_input"):
        for widget in at.get(kind):
            parts.append(str(widget.proto))
    return "\n".join(parts)


def test_a_visitor_signed_in_as_nobody_sees_no_one(
    app: Callable[[], AppTest], dashboard_store: Store
) -> None:
    quinn = _real_listener(dashboard_store, "Quinn Real")
    at = app()
    for page in (
        "pages/connect.py",
        "pages/my_taste.py",
        "pages/soulmates.py",
        "pages/compare.py",
        "pages/group.py",
        "pages/taste_map.py",
        "pages/privacy.py",
    ):
        at.switch_page(page).run()
        assert not at.exception, (page, at.exception)
        seen = _everything(at)
        assert quinn.display_name not in seen and quinn.user_id not in seen, page
        assert not at.get("plotly_chart"), page


def test_a_demo_persona_sees_real_listeners_without_name_or_artists(
    app: Callable[[], AppTest], dashboard_store: Store, downloaded: Callable[..., Any]
) -> None:
    """A persona is anyone at all: real listeners appear to it as a tag and a score only."""
    quinn = _real_listener(dashboard_store, "Quinn Real")
    tag = public_name(quinn.user_id, "", DEVELOPMENT_KEY)
    at = sign_in_as_persona(app(), PERSONA)
    at.switch_page("pages/soulmates.py").run()
    seen = _everything(at)
    assert tag in seen.replace("\\", "")  # there, as a tag
    assert "Quinn" not in seen and quinn.user_id not in seen
    (button,) = [b for b in at.get("download_button") if b.proto.id.endswith("download_matches")]
    document = json.loads(downloaded(button).content)
    (them,) = [m for m in document["matches"] if m["handle"] == alias(quinn.user_id, DEVELOPMENT_KEY)]
    assert them["display_name"] == tag and them["shared_artists"] == [] and them["shared_genres"] == []

    at.session_state["compare_with"] = quinn.user_id
    at.switch_page("pages/compare.py").run()
    seen = _everything(at)
    assert "Quinn" not in seen and quinn.user_id not in seen
    assert "**Both of you**" not in texts(at)  # no artists of theirs

    at.switch_page("pages/taste_map.py").run()
    assert "Quinn" not in _everything(at)


def test_a_real_listener_sees_others_by_name_and_tag_never_by_id(
    store_url: str, dashboard_store: Store
) -> None:
    quinn = _real_listener(dashboard_store, "Quinn Real")
    viewer = make_profile(
        user_id="export-viewer",
        display_name="Viewer",
        source="spotify-export",
        ranges=quinn.ranges,
        discoverable=False,
    )
    dashboard_store.put(viewer)
    at = AppTest.from_file(DASHBOARD, default_timeout=60)
    at.session_state["soulmate_user_id"] = viewer.user_id
    at.run()
    ids = [p.user_id for p in dashboard_store.iter_all() if p.user_id != viewer.user_id]
    for page in ("pages/soulmates.py", "pages/compare.py", "pages/taste_map.py"):
        at.switch_page(page).run()
        assert not at.exception, (page, at.exception)
        seen = _everything(at)
        assert [u for u in ids if u in seen] == [], page  # nor in widget keys, which reach the page
    at.switch_page("pages/soulmates.py").run()
    assert md(public_name(quinn.user_id, quinn.display_name, DEVELOPMENT_KEY)) in texts(at)
