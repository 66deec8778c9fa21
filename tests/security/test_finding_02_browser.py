"""Hostile display names in a real Chromium: shown as text, with no link and no request.

Four listeners whose taste mirrors the viewer's (so they are the viewer's best soulmates) named
themselves with a Markdown link and image, HTML tags, and a bare URL with Streamlit colour markup,
all pointing at a tracking server this test runs on 127.0.0.1. A real listener who joined by data
export opens Soulmates, Compare and Taste map: the names read literally, no element links to or
loads from the tracking server, and the server gets no request.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from soulmate_adapters import open_store
from soulmate_app.public_name import LABEL
from soulmate_core.demo import demo_population
from soulmate_core.profile import make_profile
from tests import export_fixtures as fx
from tests.browser_support import serve_dashboard
from tests.test_dashboard_browser import browser_installed, chromium, sync_api

pytestmark = [pytest.mark.browser, pytest.mark.slow]
__all__ = ["browser_installed", "chromium"]  # fixtures, used by name

PERSONA = "demo-0042"
# Attributes through which a page links to or loads from somewhere, in HTML and in SVG (Plotly).
LINKS_TO = """(needle) => [...document.querySelectorAll('*')].flatMap(e =>
    ['href', 'src', 'srcset', 'xlink:href', 'action', 'poster', 'style']
        .map(a => e.getAttribute(a) || '')
        .filter(v => v.includes(needle))
        .map(v => e.tagName + ' ' + v + ' in ' + e.parentElement.outerHTML.slice(0, 300)))"""


# What a person reads; the invisible word joiners that keep bare URLs from linking left out.
READS = "() => document.body.innerText.replaceAll('\\u2060', '')"


class Tracker(ThreadingHTTPServer):
    """Records every request; answers each with an empty 200."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        tracker = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                tracker.requests.append(self.path)
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        super().__init__(("127.0.0.1", 0), Handler)

    @property
    def origin(self) -> str:
        return f"127.0.0.1:{self.server_address[1]}"


@pytest.fixture(scope="module")
def tracker() -> Iterator[Tracker]:
    server = Tracker()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def hostile_names(origin: str) -> list[str]:
    names = [
        f"[Win](http://{origin}/a) ![](http://{origin}/i)",
        f"<img src=http://{origin}/h><b>Bold</b>",
        f"<a href=http://{origin}/l>Link</a>",
        f"Go http://{origin}/u :red[Red]",
    ]
    assert all(len(name) <= 64 for name in names)  # kept whole by the name cap
    return names


@pytest.fixture(scope="module")
def server(
    browser_installed: None, tracker: Tracker, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, Path]]:
    """The dashboard over the demo population plus the hostile listeners; and a data export whose
    listening is theirs, for the viewer to join with."""
    folder = tmp_path_factory.mktemp("hostile")
    store = open_store(f"sqlite:///{folder / 'soulmate.db'}")
    people = demo_population()
    (persona,) = [p for p in people if p.user_id == PERSONA]
    hostile = [
        make_profile(
            user_id=f"export-hostile-{i}",
            display_name=name,
            source="spotify-export",
            ranges=persona.ranges,
            discoverable=True,
        )
        for i, name in enumerate(hostile_names(tracker.origin))
    ]
    store.put_many([*people, *hostile])
    store.close()
    export = folder / "StreamingHistory_music_0.json"
    export.write_bytes(fx.export_like(persona))
    with serve_dashboard(folder / "soulmate.db") as base:
        yield base, export


def _join_by_export(page, base: str, export: Path) -> None:
    page.goto(base + "/")
    page.get_by_role("tab", name="Upload your listening history").click()
    page.locator("input[type=file]").set_input_files(str(export))
    page.get_by_label(LABEL, exact=True).fill("Viewer")
    page.get_by_label(LABEL, exact=True).press("Enter")
    page.get_by_role("button", name="Build my profile").click()
    sync_api.expect(page.get_by_text("You are Viewer")).to_be_visible(timeout=60_000)


def _open(page, title: str, heading: str) -> None:
    page.get_by_role("link", name=title, exact=True).click()
    sync_api.expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible(timeout=30_000)
    page.wait_for_function(
        "document.querySelectorAll('.js-plotly-plot .main-svg').length >= 1", timeout=30_000
    )
    page.wait_for_timeout(1_000)  # let images, if any, be asked for


def test_hostile_names_are_text_with_no_link_and_no_request(
    server: tuple[str, Path], chromium, tracker: Tracker
) -> None:
    base, export = server
    context = chromium.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    try:
        _join_by_export(page, base, export)
        names = hostile_names(tracker.origin)

        _open(page, "Soulmates", "Your soulmates")
        sync_api.expect(page.get_by_text("Bold</b>").first).to_be_visible(timeout=30_000)
        shown = page.evaluate(READS)
        assert all(name in shown for name in names)  # each name reads literally
        assert page.evaluate(LINKS_TO, tracker.origin) == []

        _open(page, "Compare", "Compare")
        sync_api.expect(page.get_by_text("You and ").first).to_be_visible(timeout=30_000)
        assert page.evaluate(LINKS_TO, tracker.origin) == []

        _open(page, "Taste map", "Taste map")
        page.locator(".js-plotly-plot .scatterlayer .point").first.wait_for(timeout=30_000)
        assert page.evaluate(LINKS_TO, tracker.origin) == []
    finally:
        context.close()
    assert tracker.requests == []
