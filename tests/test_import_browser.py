"""In a real Chromium: one upload of each history format on the Connect page reaches Soulmates, and
My taste says what the history counted (with its minutes listened, where the files say them, and
its top tracks) and shows the genres the artist catalogue lent it.

Runs ``streamlit run dashboard.py`` on a free loopback port against a temporary demo store (stored
as ``soulmate seed-demo`` stores it, so the personas taught the catalogue their genres); each
format is uploaded in a browser context of its own, as a new visitor. Screenshots go to
``artifacts/`` (gitignored).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from soulmate_adapters import open_store
from soulmate_app.public_name import LABEL
from soulmate_core import service
from soulmate_core.demo import demo_population
from tests import history_fixtures as hx
from tests.browser_support import ROOT, chromium_browser, serve_dashboard

try:
    from playwright.sync_api import expect
except ImportError:  # `chromium_browser` reports it: a skip, or a failure under CI
    expect = None

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ARTIFACTS = ROOT / "artifacts"
TIMEOUT = 60_000
FIRST_LOAD = 120_000
"""A new visitor's first page, on a loaded machine. Each format's upload gets a dashboard and store
of its own: one dashboard taking nine uploads in turn once stopped answering at the ninth."""


@pytest.fixture
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    folder = tmp_path_factory.mktemp("uploads")
    store = open_store(f"sqlite:///{folder / 'soulmate.db'}")
    service.save_profiles(store, demo_population())
    store.close()
    for name, content, _ in hx.FORMATS.values():
        (folder / name).write_bytes(content())
    with serve_dashboard(folder / "soulmate.db") as base:
        yield base, folder


@pytest.fixture(scope="module")
def chromium() -> Iterator[object]:
    with chromium_browser() as launched:
        yield launched


def _upload(page, base: str, path: Path) -> None:
    """Upload one history file on the Connect page as a new visitor named Tester."""
    page.goto(base + "/", timeout=FIRST_LOAD)
    page.get_by_role("tab", name="Upload your listening history").click()
    page.locator("input[type=file]").set_input_files(str(path))
    expect(page.get_by_role("button", name=f"Remove {path.name}")).to_be_visible(timeout=TIMEOUT)
    page.get_by_label(LABEL, exact=True).fill("Tester")
    page.get_by_label(LABEL, exact=True).press("Enter")
    page.get_by_role("button", name="Build my profile").click()
    expect(page.get_by_text("You are Tester")).to_be_visible(timeout=TIMEOUT)


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=False)


@pytest.mark.parametrize("kind", sorted(hx.FORMATS))
def test_an_upload_of_each_format_reaches_soulmates(server: tuple[str, Path], chromium, kind: str) -> None:
    base, folder = server
    name = hx.FORMATS[kind][0]
    context = chromium.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    try:
        _upload(page, base, folder / name)
        _shot(page, f"upload_{kind}")

        page.get_by_role("button", name="See your soulmates").click()
        expect(page.get_by_role("heading", name="Your soulmates", exact=True)).to_be_visible(timeout=TIMEOUT)
        page.wait_for_function(
            "document.querySelectorAll('.js-plotly-plot .main-svg').length >= 1", timeout=TIMEOUT
        )
        expect(page.get_by_text(re.compile(r"^Why \d+ points$")).first).to_be_visible(timeout=TIMEOUT)
        page.wait_for_timeout(800)  # let Plotly finish drawing before a screenshot
        _shot(page, f"upload_{kind}_soulmates")

        page.get_by_role("link", name="My taste", exact=True).click()
        expect(page.get_by_role("heading", name="What your history counted")).to_be_visible(timeout=TIMEOUT)
        expect(page.get_by_text(f"{len(hx.LISTENING)} listens counted")).to_be_visible(timeout=TIMEOUT)
        _shot(page, f"upload_{kind}_my_taste")

        # Every artist but Björk is a demo persona's: the catalogue lent them their genres.
        lent = page.get_by_text("Genres from the artist catalogue: 4 of your 5 artists have genres here")
        expect(lent).to_be_visible(timeout=TIMEOUT)
        expect(page.locator(".js-plotly-plot", has_text="Top genres")).to_be_visible(timeout=TIMEOUT)
        lent.scroll_into_view_if_needed()
        page.wait_for_timeout(800)
        _shot(page, f"upload_{kind}_genres")
    finally:
        context.close()


def test_my_taste_shows_a_spotify_historys_minutes_and_top_tracks(server: tuple[str, Path], chromium) -> None:
    base, folder = server
    context = chromium.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    try:
        _upload(page, base, folder / hx.FORMATS["spotify-extended"][0])
        page.get_by_role("link", name="My taste", exact=True).click()
        minutes = round(sum(x.seconds for x in hx.LISTENING) / 60)
        metric = page.get_by_test_id("stMetric").filter(has_text="Minutes listened")
        expect(metric).to_contain_text(f"{minutes:,}", timeout=TIMEOUT)
        page.wait_for_timeout(800)  # let Plotly finish drawing before a screenshot
        _shot(page, "my_taste_minutes")

        page.get_by_role("heading", name="Top tracks").scroll_into_view_if_needed(timeout=TIMEOUT)
        tracks = page.locator(".js-plotly-plot").filter(has_text="Top tracks").first
        last = hx.LISTENING[-1].ended
        recent = [x for x in hx.LISTENING if x.ended > last - timedelta(weeks=4)]
        expect(tracks.locator(".bars path")).to_have_count(len({x.track for x in recent}))
        for x in recent:
            expect(tracks).to_contain_text(x.track)
        page.wait_for_timeout(800)
        _shot(page, "my_taste_top_tracks")
    finally:
        context.close()
