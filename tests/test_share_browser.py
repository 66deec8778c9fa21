"""Share links and group blend in a real Chromium: one listener makes a share link, another opens
it (connecting on the way) and sees how they match; a code pasted on Compare; a group of three
blended, with its heatmap. Three real listeners, hidden from everyone's matches, sign in with
their recovery keys. Screenshots go to ``artifacts/`` (gitignored), as the dashboard test's do.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from soulmate_adapters import open_store
from soulmate_core import sharing
from soulmate_core.demo import demo_population
from soulmate_core.handles import DEVELOPMENT_KEY, public_name
from tests.browser_support import ROOT, chromium_browser, serve_dashboard
from tests.share_people import join_with_key

try:
    from playwright.sync_api import expect
except ImportError:  # `chromium_browser` reports it: a skip, or a failure under CI
    expect = None

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ARTIFACTS = ROOT / "artifacts"
LISTENERS = (("Ana", 10), ("Bo", 248), ("Cy", 169))


@pytest.fixture(scope="module")
def chromium() -> Iterator[object]:
    with chromium_browser() as launched:
        yield launched


@pytest.fixture(scope="module")
def server(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[str, dict[str, tuple[str, str]], Path]]:
    """The dashboard's base URL, the listeners (name -> user id, recovery key), and the store."""
    db = tmp_path_factory.mktemp("share-browser") / "soulmate.db"
    store = open_store(f"sqlite:///{db}")
    store.put_many(demo_population())
    people = {name: join_with_key(store, name, like) for name, like in LISTENERS}
    store.close()
    with serve_dashboard(db) as base:
        yield base, people, db


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=False)


def _sign_in(page, key: str, name: str) -> None:
    page.get_by_text("Uploaded before? Sign in with your recovery key").click()
    page.get_by_label("Recovery key", exact=True).fill(key)
    page.get_by_role("button", name="Sign in with my key").click()
    expect(page.get_by_text(f"You are {name}")).to_be_visible(timeout=30_000)


def _open(page, title: str, heading: str, last: str | None = None) -> None:
    """Open a page from the sidebar and wait until its script has run to the end (its ``last``
    text drawn, the running indicator gone): a click before then can be undone by the rerun."""
    page.get_by_role("link", name=title, exact=True).click()
    expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible(timeout=30_000)
    if last is not None:
        expect(page.get_by_text(last, exact=True).last).to_be_visible(timeout=30_000)
    expect(page.get_by_test_id("stStatusWidget")).to_be_hidden(timeout=30_000)


def _wait_for_charts(page, count: int = 1) -> None:
    page.wait_for_function(
        f"document.querySelectorAll('.js-plotly-plot .main-svg').length >= {count}", timeout=30_000
    )
    page.wait_for_timeout(800)  # let Plotly finish drawing before a screenshot


def test_a_share_link_made_by_one_opens_the_comparison_for_another(server, chromium) -> None:
    base, people, _ = server
    (ana_id, ana_key), (_, bo_key) = people["Ana"], people["Bo"]
    ana_seen = public_name(ana_id, "Ana", DEVELOPMENT_KEY)
    owner, visitor = (chromium.new_context(viewport={"width": 1400, "height": 1000}) for _ in range(2))
    try:
        page = owner.new_page()
        page.goto(base + "/")
        _sign_in(page, ana_key, "Ana")
        _open(page, "Compare", "Compare", last="Why this score")
        page.get_by_text("Your share link").click()
        page.get_by_role("button", name="Make my share link").click()
        expect(page.get_by_role("button", name="Stop sharing")).to_be_visible(timeout=30_000)
        expect(page.get_by_role("button", name="Make my share link")).to_have_count(0, timeout=30_000)
        expect(page.get_by_role("heading", name="You and ")).to_be_visible(timeout=30_000)
        _wait_for_charts(page)
        shown = page.get_by_test_id("stCode").first
        expect(shown).to_contain_text("/compare?share=", timeout=30_000)
        link = shown.inner_text().strip()
        assert link.startswith(base + "/compare?share=") and sharing.find_code(link) is not None
        _shot(page, "share_link")

        other = visitor.new_page()
        other.goto(link)  # a new visitor: not connected yet
        expect(other.get_by_text("Someone sent you their share link")).to_be_visible(timeout=30_000)
        other.get_by_role("link", name="Go to Connect").click()
        _sign_in(other, bo_key, "Bo")
        _open(other, "Compare", "Compare")
        expect(other.get_by_role("heading", name=f"You and {ana_seen}: score")).to_be_visible(timeout=30_000)
        expect(other.get_by_text("only people with it can compare with them")).to_be_visible()
        _wait_for_charts(other)
        assert ana_id not in other.content()
        _shot(other, "share_compare")
    finally:
        owner.close()
        visitor.close()


def test_a_pasted_code_compares_and_a_group_of_three_gets_its_heatmap(server, chromium) -> None:
    base, people, db = server
    (ana_id, _), (bo_id, _), (_, cy_key) = people["Ana"], people["Bo"], people["Cy"]
    store = open_store(f"sqlite:///{db}")
    codes = {}
    for name, user_id in (("Ana", ana_id), ("Bo", bo_id)):
        codes[name] = store.share_code(user_id) or sharing.new_code()
        store.set_share_code(user_id, codes[name])
    store.close()
    context = chromium.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page = context.new_page()
        page.goto(base + "/")
        _sign_in(page, cy_key, "Cy")
        _open(page, "Compare", "Compare", last="Why this score")
        page.get_by_label("Paste a share code or link", exact=True).fill(codes["Bo"])
        page.get_by_role("button", name="Compare with them").click()
        bo_seen = public_name(bo_id, "Bo", DEVELOPMENT_KEY)
        expect(page.get_by_role("heading", name=f"You and {bo_seen}: score")).to_be_visible(timeout=30_000)
        _wait_for_charts(page)
        _shot(page, "compare_by_code")

        _open(page, "Group blend", "Group blend")
        page.get_by_label("Their share links or codes, one per line", exact=True).fill(
            f"{base}/compare?share={codes['Ana']}\n{codes['Bo']}"
        )
        page.get_by_role("button", name="Blend us").click()
        heatmap = page.locator(".js-plotly-plot .heatmaplayer")
        expect(heatmap.first).to_be_attached(timeout=30_000)
        _wait_for_charts(page, 2)
        chart = page.locator(".js-plotly-plot", has=page.locator(".heatmaplayer")).first
        ticks = chart.locator(".ytick text").all_text_contents()
        assert sorted(ticks) == sorted(["You", public_name(ana_id, "Ana", DEVELOPMENT_KEY), bo_seen])
        assert len(chart.locator(".heatmaplayer text").all_text_contents()) >= 6  # a score in each pair cell
        expect(page.get_by_text("Each member's closest match")).to_be_visible()
        chart.scroll_into_view_if_needed()
        _shot(page, "group_blend")
    finally:
        context.close()
