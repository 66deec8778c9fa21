"""My taste claims rarity only among enough listeners, and shows top tracks per range and, for an
uploaded history that says how long its plays lasted, the minutes listened."""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from soulmate_adapters import open_store
from soulmate_core import Store, TasteProfile
from soulmate_core.demo import demo_population
from soulmate_core.rarity import MIN_LISTENERS
from tests import history_fixtures as hx
from tests.markdown_text import as_read

from .conftest import DASHBOARD, figure_titled, sign_in_as_persona, texts, upload_history

PERSONA = "demo-0003"
RAREST = re.compile(r"\*\*(.+?)\*\* \(([\d,]+) other listeners?\)")


@pytest.fixture
def few_listeners(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[[], AppTest]:
    """The dashboard on a store where only a handful of listeners opted in."""
    url = f"sqlite:///{tmp_path / 'few.db'}"
    store = open_store(url)
    store.put_many(demo_population(MIN_LISTENERS // 10))
    store.close()
    monkeypatch.setenv("SOULMATE_STORE", url)
    return lambda: AppTest.from_file(DASHBOARD, default_timeout=60).run()


def _others(store: Store, profile: TasteProfile) -> Iterator[tuple[str, int]]:
    """Each of ``profile``'s artists and how many other discoverable listeners play it, by hand."""
    everyone = [p for p in store.iter_all() if p.discoverable and p.user_id != profile.user_id]
    names = profile.artist_names()
    for key in profile.artist_weights():
        yield names[key], sum(1 for p in everyone if key in p.artist_weights())


def test_among_a_handful_of_listeners_no_rarity_is_claimed(few_listeners) -> None:
    at = sign_in_as_persona(few_listeners(), PERSONA)
    at.switch_page("pages/my_taste.py").run()
    assert not at.exception
    listeners = MIN_LISTENERS // 10
    page = as_read(texts(at))
    needed = f"Rarity needs at least {MIN_LISTENERS} listeners here to mean something;"
    assert f"{needed} there are {listeners} so far." in page
    assert {m.label: m.value for m in at.metric}["Niche-ness"] == "not yet"
    assert "Your rarest artists" not in [h.value for h in at.subheader]
    assert "more niche than" not in page and "other listener" not in page and "Nobody else here" not in page
    at.switch_page("pages/soulmates.py").run()  # nor are shared artists marked niche
    assert not at.exception and "niche" not in texts(at)


def test_among_enough_listeners_the_rarest_artists_are_those_few_others_play(app, store: Store) -> None:
    at = sign_in_as_persona(app(), PERSONA)
    at.switch_page("pages/my_taste.py").run()
    assert not at.exception
    page = as_read(texts(at))
    listeners = sum(1 for p in store.iter_all() if p.discoverable)
    assert listeners >= MIN_LISTENERS
    assert f"among the {listeners:,} listeners here" in page and "more niche than" in page
    assert re.fullmatch(r"\d+ / 100", {m.label: m.value for m in at.metric}["Niche-ness"])
    assert "Your rarest artists" in [h.value for h in at.subheader]
    others = dict(_others(store, store.get(PERSONA)))
    shown = [(name, int(count.replace(",", ""))) for name, count in RAREST.findall(page)]
    assert shown and all(count == others[name] >= 1 for name, count in shown)
    fewest = sorted(n for n in others.values() if n >= 1)[: len(shown)]
    assert [count for _, count in shown] == fewest
    assert "(0 other listeners)" not in page


def test_an_uploaded_history_shows_its_top_tracks_and_minutes_listened(app) -> None:
    name, content, _ = hx.FORMATS["spotify-extended"]
    at = upload_history(app(), [(name, content(), "application/json")])
    at.switch_page("pages/my_taste.py").run()
    assert not at.exception
    total_ms = sum(x.seconds * 1000 for x in hx.LISTENING)
    assert {m.label: m.value for m in at.metric}["Minutes listened"] == f"{round(total_ms / 60_000):,}"
    last = hx.LISTENING[-1].ended
    recent = [x for x in hx.LISTENING if x.ended > last - timedelta(weeks=4)]
    recent_minutes = round(sum(x.seconds * 1000 for x in recent) / 60_000)
    assert f"Last 4 weeks: {recent_minutes:,} minutes" in as_read(texts(at))
    assert "Top tracks" in [h.value for h in at.subheader]
    for title, listens in (("Top tracks, 4 weeks", recent), ("Top tracks, all time", hx.LISTENING)):
        chart = figure_titled(at, title)["data"][0]
        assert {html.unescape(label).split(". ", 1)[1] for label in chart["y"]} == {x.track for x in listens}
        assert set(chart["text"]) == {x.artist for x in listens}


def test_a_history_whose_files_do_not_say_how_long_gets_no_minutes(app) -> None:
    name, content, _ = hx.FORMATS["lastfm"]
    at = upload_history(app(), [(name, content(), "text/csv")])
    at.switch_page("pages/my_taste.py").run()
    assert not at.exception
    assert "Minutes listened" not in [m.label for m in at.metric]
    assert "Minutes listened are unknown" in as_read(texts(at))
    assert "Top tracks" in [h.value for h in at.subheader]


def test_a_historys_long_range_is_all_time_and_a_spotify_taste_s_about_a_year(app) -> None:
    name, content, _ = hx.FORMATS["lastfm"]
    history = upload_history(app(), [(name, content(), "text/csv")])
    history.switch_page("pages/my_taste.py").run()
    assert not history.exception
    assert [t.label for t in history.tabs][:3] == ["last 4 weeks", "last 6 months", "all time"]
    assert "Spotify's long term" not in texts(history)
    persona = sign_in_as_persona(app(), PERSONA)
    persona.switch_page("pages/my_taste.py").run()
    assert not persona.exception
    assert "about a year (Spotify's long term)" in [t.label for t in persona.tabs]
    assert figure_titled(persona, "Top artists, about a year")
