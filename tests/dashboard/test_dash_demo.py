"""The demo-persona way in, My taste and Soulmates, as a visitor sees them."""

from __future__ import annotations

from soulmate_app.escape import md
from soulmate_core import Store, service
from soulmate_core.handles import DEVELOPMENT_KEY, public_name

from .conftest import figure_titled, sign_in_as_persona, texts

PERSONA = "demo-0007"


def test_connect_offers_every_demo_persona_by_name(app, store: Store) -> None:
    at = app()
    assert not at.exception
    picker = at.selectbox(key="persona_choice")
    demo = [p for p in store.iter_all() if p.source == "demo"]
    assert len(picker.options) == len(demo) == 320
    assert store.get(PERSONA).display_name in picker.options


def test_picking_a_persona_signs_in_and_offers_the_soulmates(app, store: Store) -> None:
    at = sign_in_as_persona(app(), PERSONA)
    name = store.get(PERSONA).display_name
    assert f"You are **{md(name)}**" in texts(at)
    at.button(key="see_soulmates").click().run()
    assert at.title[0].value == "Your soulmates"


def test_my_taste_charts_carry_the_personas_genres_and_artists(app, store: Store) -> None:
    at = sign_in_as_persona(app(), PERSONA)
    at.switch_page("pages/my_taste.py").run()
    assert not at.exception
    profile = store.get(PERSONA)

    genres = figure_titled(at, "Top genres")["data"][0]
    top_genre = next(iter(profile.genre_weights))
    assert top_genre in genres["y"]
    assert all(x > 0 for x in genres["x"])

    artists = figure_titled(at, "Top artists")["data"][0]
    top_artist = profile.top_artists(profile.main_range(), 1)[0].name
    assert artists["y"][-1] == top_artist  # horizontal bars: the top one is drawn last
    assert len(artists["y"]) >= 10


def test_soulmates_are_ranked_with_score_and_why(app, store: Store) -> None:
    at = sign_in_as_persona(app(), PERSONA)
    at.switch_page("pages/soulmates.py").run()
    assert not at.exception
    expected = service.matches_for(store, PERSONA, 10)
    page = texts(at)
    names = [public_name(m.other_id, m.other_display_name, DEVELOPMENT_KEY) for m in expected]
    positions = [page.index(f"{rank}. {md(name)}") for rank, name in enumerate(names, 1)]
    assert positions == sorted(positions)
    for m in expected:
        assert md(m.summary) in page
        assert f"score **{round(100 * m.score)}**" in page
    chart = figure_titled(at, "Your soulmates")
    assert sum(len(trace["x"]) for trace in chart["data"]) >= len(expected)


def test_pages_ask_to_connect_first(app) -> None:
    at = app()
    for page in ("pages/my_taste.py", "pages/soulmates.py"):
        at.switch_page(page).run()
        assert not at.exception
        assert "Connect first" in texts(at)
        assert not at.get("plotly_chart")
