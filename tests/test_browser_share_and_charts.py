"""Share cards, the taste map and every page at phone width, in a real Chromium.

- A share card downloads as a PNG from My taste and from Soulmates, showing what was asked.
- A click on a soulmate's diamond on the taste map opens Compare with that listener.
- At 390 x 844 every page fits the width, charts take the column's width, and the sidebar closes
  after each navigation; it names whoever is signed in from the moment they are, and nobody once
  they deleted their data.

Screenshots (and the downloaded cards) go to ``artifacts/``, like the other browser tests'.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from soulmate_adapters import open_store
from soulmate_card import match_card, profile_card
from soulmate_core import service
from soulmate_core.demo import demo_population
from soulmate_core.handles import DEVELOPMENT_KEY, public_name
from tests import export_fixtures as fx
from tests.browser_support import OVERFLOWING, serve_dashboard
from tests.card_pixels import line_of, opened, shows
from tests.test_dashboard_browser import ARTIFACTS, browser_installed, chromium, sync_api
from tests.test_dashboard_browser import _pick_persona as pick_persona

pytestmark = [pytest.mark.browser, pytest.mark.slow]
__all__ = ["browser_installed", "chromium"]  # fixtures, used by name

PERSONA = 7
PAGES = (  # (link, heading, screenshot)
    ("My taste", "My taste", "mobile_my_taste"),
    ("Soulmates", "Your soulmates", "mobile_soulmates"),
    ("Compare", "Compare", "mobile_compare"),
    ("Group blend", "Group blend", "mobile_group"),
    ("Taste map", "Taste map", "mobile_taste_map"),
    ("Privacy & data", "Privacy & data", "mobile_privacy"),
)


@pytest.fixture(scope="module")
def served(browser_installed: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    folder = tmp_path_factory.mktemp("cards")
    store = open_store(f"sqlite:///{folder / 'soulmate.db'}")
    store.put_many(demo_population())
    store.close()
    export = folder / "StreamingHistory_music_0.json"
    export.write_bytes(fx.export_like(demo_population(PERSONA + 1)[PERSONA]))
    with serve_dashboard(folder / "soulmate.db") as base:
        yield base, folder / "soulmate.db"


def _open(page, title: str, heading: str, *, narrow: bool = False) -> None:
    if narrow and page.get_by_test_id("stExpandSidebarButton").is_visible():
        page.get_by_test_id("stExpandSidebarButton").click()
    page.get_by_test_id("stSidebarNavItems").get_by_role("link", name=title, exact=True).click()
    sync_api.expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible(timeout=30_000)


def _charts_drawn(page, count: int = 1) -> None:
    page.wait_for_function(
        f"document.querySelectorAll('.js-plotly-plot .main-svg').length >= {count}", timeout=30_000
    )
    _settled(page)


def _settled(page) -> None:
    """The script has finished this run, and Plotly has drawn."""
    sync_api.expect(page.get_by_test_id("stStatusWidget")).to_be_hidden(timeout=30_000)
    page.wait_for_timeout(800)


def _shot(target, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    target.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def _download(page, button_name: str, save_as: str) -> bytes:
    button = page.get_by_test_id("stDownloadButton").filter(has_text=button_name).first
    button.scroll_into_view_if_needed()
    with page.expect_download(timeout=30_000) as started:
        button.click()
    path = started.value.path()
    data = Path(path).read_bytes()
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / f"{save_as}.png").write_bytes(data)
    return data


def test_share_cards_download_as_pngs_that_say_what_was_asked(served: tuple[str, Path], chromium) -> None:
    base, db = served
    me = demo_population(PERSONA + 1)[PERSONA]
    context = chromium.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    page = context.new_page()
    try:
        pick_persona(page, base, me.display_name)
        _open(page, "My taste", "My taste")
        _charts_drawn(page, 3)
        drift = page.locator(".js-plotly-plot").filter(has_text="Taste drift")
        drift.scroll_into_view_if_needed()
        _shot(drift, "drift")
        mine = opened(_download(page, "Download my taste card (PNG)", "share_card_profile"))
        assert mine.size == (1200, 630) and mine.mode == "RGB"
        card = profile_card(me)
        assert shows(mine, line_of(card, "title"), "My music taste")
        assert shows(mine, line_of(card, "item"), f"1. {me.top_artists(limit=1)[0].name}")

        _open(page, "Soulmates", "Your soulmates")
        _charts_drawn(page)
        store = open_store(f"sqlite:///{db}")
        best = service.matches_for(store, me.user_id, 1)[0]
        store.close()
        theirs = public_name(best.other_id, best.other_display_name, DEVELOPMENT_KEY)
        shared = opened(_download(page, "Share card", "share_card"))
        assert shared.size == (1200, 630)
        assert shows(shared, line_of(match_card(best, theirs), "title"), f"You & {theirs}")
        _shot(page, "soulmates_share")
    finally:
        context.close()


def test_a_click_on_a_soulmate_on_the_map_opens_compare_with_them(served: tuple[str, Path], chromium) -> None:
    base, db = served
    me = demo_population(PERSONA + 1)[PERSONA]
    context = chromium.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    try:
        pick_persona(page, base, me.display_name)
        _open(page, "Taste map", "Taste map")
        _charts_drawn(page)
        store = open_store(f"sqlite:///{db}")
        best = service.matches_for(store, me.user_id, 10)
        store.close()
        diamonds = page.locator(".js-plotly-plot .scatterlayer .trace").nth(-2).locator(".points path")
        assert diamonds.count() == len(best)
        index, x, y, room = page.evaluate(
            """() => {  // the diamond whose centre is farthest from any other mark on the map
              const centre = (p) => {
                const r = p.getBoundingClientRect();
                return [r.x + r.width / 2, r.y + r.height / 2];
              };
              const traces = [...document.querySelectorAll('.js-plotly-plot .scatterlayer .trace')];
              const diamonds = [...traces.at(-2).querySelectorAll('.points path')].map(centre);
              const marks = traces.flatMap(t => [...t.querySelectorAll('.points path')]).map(centre);
              let best = [-1, 0, 0, 0];
              diamonds.forEach(([x, y], i) => {
                const others = marks.filter(([a, b]) => a !== x || b !== y);
                const room = Math.min(...others.map(([a, b]) => Math.hypot(a - x, b - y)));
                if (room > best[3]) best = [i, x, y, room];
              });
              return best;
            }"""
        )
        assert room >= 8, "every soulmate's diamond is crowded by another mark"
        page.mouse.click(x, y)
        sync_api.expect(page.get_by_role("heading", name="Compare", exact=True)).to_be_visible(timeout=30_000)
        picked = public_name(best[index].other_id, best[index].other_display_name, DEVELOPMENT_KEY)
        sync_api.expect(page.get_by_text(picked).first).to_be_visible(timeout=30_000)
        assert best[index].other_id not in page.content()
        _shot(page, "map_click_compare")
    finally:
        context.close()


def test_every_page_fits_a_phone_and_the_sidebar_keeps_step(served: tuple[str, Path], chromium) -> None:
    base, _ = served
    context = chromium.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        page.goto(base + "/")
        sync_api.expect(page.get_by_role("heading", name="Find your music soulmates")).to_be_visible(
            timeout=30_000
        )
        assert page.evaluate(OVERFLOWING) == []
        _shot(page, "mobile_connect")
        page.get_by_role("tab", name="Upload your listening history").click()
        page.locator("input[type=file]").set_input_files(
            str(Path(served[1]).parent / "StreamingHistory_music_0.json")
        )
        page.get_by_role("button", name="Build my profile").click()
        sync_api.expect(page.get_by_text("You are Listener #")).to_be_visible(timeout=60_000)
        sidebar = page.get_by_test_id("stSidebar")
        page.get_by_test_id("stExpandSidebarButton").click()
        sync_api.expect(sidebar.get_by_text("Signed in as Listener #")).to_be_visible(timeout=10_000)

        for title, heading, shot in PAGES:
            _open(page, title, heading, narrow=True)
            sync_api.expect(page.get_by_test_id("stExpandSidebarButton")).to_be_visible(timeout=10_000)
            if title not in ("Group blend", "Privacy & data"):
                _charts_drawn(page)
            _settled(page)
            widths = page.evaluate(
                "[...document.querySelectorAll('.js-plotly-plot')].filter(e => e.offsetParent)"
                ".map(e => e.getBoundingClientRect().width)"
            )
            main = page.evaluate(
                "document.querySelector('[data-testid=\"stMainBlockContainer\"]').clientWidth"
            )
            assert all(w >= main - 40 for w in widths), (title, widths, main)
            assert page.evaluate(OVERFLOWING) == [], title
            _shot(page, shot)

        page.get_by_text("I understand this removes my profile for good").click()
        page.get_by_role("button", name="Delete my data").click()
        sync_api.expect(page.get_by_text("Your data is deleted")).to_be_visible(timeout=30_000)
        page.get_by_test_id("stExpandSidebarButton").click()
        sync_api.expect(sidebar.get_by_role("link", name="Connect")).to_be_visible(timeout=10_000)
        assert sidebar.get_by_text("Signed in as").count() == 0
        assert sidebar.get_by_role("button", name="Sign out").count() == 0
    finally:
        context.close()
