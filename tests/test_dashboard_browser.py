"""The dashboard in a real Chromium: demo login, charts rendering, pages, and session isolation.

Runs ``streamlit run dashboard.py`` on a free loopback port against a temporary demo store.
Screenshots go to ``artifacts/`` (gitignored).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from soulmate_adapters import open_store
from soulmate_core.demo import demo_population
from soulmate_core.rarity import MIN_LISTENERS
from tests.browser_support import ARGS, CHROMIUM, ROOT, serve_dashboard
from tests.requirements_check import need

try:
    from playwright import sync_api
except ImportError:  # `browser_installed` reports it: a skip, or a failure under CI
    sync_api = None

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ARTIFACTS = ROOT / "artifacts"
FEW = 6


@pytest.fixture(scope="module")
def browser_installed() -> None:
    need(sync_api is not None, "playwright (requirements-dev.txt)")
    need(Path(CHROMIUM).exists(), f"Debian chromium at {CHROMIUM} (.ci/run installs it)")


@pytest.fixture(scope="module")
def server(browser_installed: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    db = tmp_path_factory.mktemp("browser") / "soulmate.db"
    store = open_store(f"sqlite:///{db}")
    store.put_many(demo_population())
    store.close()
    with serve_dashboard(db) as base:
        yield base


@pytest.fixture(scope="module")
def chromium(browser_installed: None) -> Iterator[object]:
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def few_listeners(browser_installed: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The dashboard on a store where only a handful of listeners opted in."""
    db = tmp_path_factory.mktemp("few") / "soulmate.db"
    store = open_store(f"sqlite:///{db}")
    store.put_many(demo_population(FEW))
    store.close()
    with serve_dashboard(db) as base:
        yield base


def _pick_persona(page, base: str, name: str) -> None:
    page.goto(base + "/")
    page.get_by_role("tab", name="Try a demo persona").click()
    page.get_by_role("combobox").last.click()
    page.keyboard.type(name)
    page.get_by_role("option", name=name, exact=True).click()
    page.get_by_role("button", name="Use this persona").click()
    sync_api.expect(page.get_by_text(f"You are {name}")).to_be_visible(timeout=30_000)


def _open(page, title: str) -> None:
    page.get_by_role("link", name=title, exact=True).click()


def _wait_for_charts(page, count: int = 1) -> None:
    page.wait_for_function(
        f"document.querySelectorAll('.js-plotly-plot .main-svg').length >= {count}", timeout=30_000
    )
    page.wait_for_timeout(800)  # let Plotly finish drawing before a screenshot


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=False)


def test_demo_persona_sees_charts_on_every_page(server: str, chromium) -> None:
    context = chromium.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    name = demo_population(8)[7].display_name
    _pick_persona(page, server, name)
    _shot(page, "connect")

    _open(page, "My taste")
    sync_api.expect(page.get_by_role("heading", name="My taste")).to_be_visible(timeout=30_000)
    _wait_for_charts(page, 2)
    assert page.locator(".js-plotly-plot").count() >= 2
    assert page.locator(".js-plotly-plot .sunburstlayer path").count() > 5  # sectors were drawn
    assert page.locator(".js-plotly-plot .bars path").count() > 5
    _shot(page, "my_taste")

    for title, heading, shot in (
        ("Soulmates", "Your soulmates", "soulmates"),
        ("Compare", "Compare", "compare"),
        ("Taste map", "Taste map", "taste_map"),
    ):
        _open(page, title)
        sync_api.expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible(timeout=30_000)
        _wait_for_charts(page)
        assert page.locator(".js-plotly-plot").count() >= 1
        _shot(page, shot)

    _open(page, "Privacy & data")
    sync_api.expect(page.get_by_role("heading", name="Privacy & data")).to_be_visible(timeout=30_000)
    download = page.get_by_role("button", name="Download my profile (JSON)")
    sync_api.expect(download).to_be_visible(timeout=30_000)
    _shot(page, "privacy")
    context.close()


def test_two_visitors_each_see_only_their_own_profile(server: str, chromium) -> None:
    first, second = demo_population(12)[10].display_name, demo_population(12)[11].display_name
    contexts = [chromium.new_context(viewport={"width": 1200, "height": 900}) for _ in range(2)]
    pages = [c.new_page() for c in contexts]
    _pick_persona(pages[0], server, first)
    _pick_persona(pages[1], server, second)
    for page, mine, theirs in ((pages[0], first, second), (pages[1], second, first)):
        _open(page, "My taste")
        sync_api.expect(page.get_by_text(f"{mine} · from demo")).to_be_visible(timeout=30_000)
        sync_api.expect(page.get_by_text(f"Signed in as {mine}")).to_be_visible(timeout=30_000)
        assert page.get_by_text(theirs).count() == 0
    # After both logged in, the first visitor still sees only themself.
    _open(pages[0], "Privacy & data")
    _open(pages[0], "My taste")
    sync_api.expect(pages[0].get_by_text(f"{first} · from demo")).to_be_visible(timeout=30_000)
    assert pages[0].get_by_text(second).count() == 0
    for context in contexts:
        context.close()


def test_among_a_handful_of_listeners_my_taste_says_rarity_needs_more(few_listeners: str, chromium) -> None:
    context = chromium.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    try:
        _pick_persona(page, few_listeners, demo_population(FEW)[2].display_name)
        _open(page, "My taste")
        notice = f"Rarity needs at least {MIN_LISTENERS} listeners here to mean something; there are {FEW}"
        sync_api.expect(page.get_by_text(notice)).to_be_visible(timeout=30_000)
        sync_api.expect(page.get_by_role("heading", name="Your rarest artists")).to_have_count(0)
        _wait_for_charts(page, 2)
        _shot(page, "my_taste_few_listeners")
    finally:
        context.close()
