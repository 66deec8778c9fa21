"""Minimal exposure: others appear under a public handle, figures are rounded, and a visitor who has
shared nothing sees no one's name or artists.

``GET /matches``, ``soulmate matches`` and the dashboard never give another listener's user id (a
Spotify account id, or a legacy username used as one): they give an alias, an HMAC of the id under
the server's key, and the name the listener chose followed by a tag of that alias, so a copied name
cannot pass for its first owner. Every figure about the pair is rounded to whole points.
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
from soulmate_core import Store, TasteProfile
from soulmate_core.handles import DEVELOPMENT_KEY, alias, public_name
from soulmate_core.profile import make_profile
from soulmate_core.settings import Settings
from tests.cli_runner import run
from tests.dashboard.conftest import DASHBOARD, figures, sign_in_as_persona, texts
from tests.fakes.spotify_server import FakeSpotify, sample_user
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


def _matches(spotify: FakeSpotify, store: Store, secret: str | None = None) -> dict[str, Any]:
    settings = Settings(spotify_api_base=spotify.api_base, spotify_timeout=2.0, alias_secret=secret)
    api = Api(settings, store)
    for token in ("tok-ana", "tok-john", "tok-tim1", "tok-tim2"):
        assert api("POST", "/taste-profile", token=token, body={"discoverable": True})[0] == 200
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
