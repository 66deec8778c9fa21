"""The dashboard in a real Chromium against a large store: seconds to the first page and to each
page after sign-in, for a fresh server (its first visitor loads the snapshot) and for a second
visitor, printed as a table.

    python -m benchmarks.bench_dashboard --store sqlite:////tmp/big.db [--persona NAME] [--shots DIR]

The store needs its snapshot (``soulmate build-index``) and a demo persona to sign in as (the
first one found when ``--persona`` is not given). Chromium is Debian's, at /usr/bin/chromium.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path

from playwright.sync_api import Page, expect, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
TIMEOUT_MS = 600_000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", required=True, help="store URL, with its snapshot built")
    parser.add_argument("--persona", help="the demo persona's display name")
    parser.add_argument("--shots", type=Path, default=ROOT / "artifacts", help="where screenshots go")
    args = parser.parse_args()
    persona = args.persona or _first_persona(args.store)
    with _server(args.store) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        visitors: list[dict[str, float]] = []
        for _ in ("first", "second"):
            page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
            seconds = {"Connect (first page)": _timed(partial(_first_page, page, base))}
            seconds["Sign-in (persona)"] = _timed(partial(_sign_in, page, persona))
            for title, heading, last in PAGES:
                seconds[title] = _timed(partial(_open, page, title, heading, last))
            seconds["Taste map"] = _timed(partial(_taste_map, page))
            visitors.append(seconds)
            args.shots.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(args.shots / "taste_map_at_scale.png"))
            page.context.close()
        browser.close()
    print(f"{_indexed(args.store):,} listeners indexed; seconds until each page has finished drawing")
    print("| Page | first visitor (fresh server) | second visitor |")
    print("|---|---|---|")
    for name in visitors[0]:
        print(f"| {name} | {visitors[0][name]:.2f} | {visitors[1][name]:.2f} |")


PAGES = (
    ("My taste", "My taste", "Share your taste"),
    ("Soulmates", "Your soulmates", "Why "),
    ("Compare", "Compare", "Why this score"),
    ("Group blend", "Group blend", "Group blend"),
    ("Privacy & data", "Privacy & data", "Delete my data"),
)
"""(sidebar link, the page's heading, text its last part shows), timed in this order before the
Taste map."""


def _indexed(url: str) -> int:
    """Listeners in the store's snapshot, read from the snapshot (a count of the store would read
    every profile)."""
    from soulmate_adapters import open_store
    from soulmate_adapters.stores import open_index

    return len(open_index(open_store(url), url).matcher().snapshot)


def _first_persona(url: str) -> str:
    from soulmate_adapters import open_store
    from soulmate_core import overview

    personas = overview.demo_personas(open_store(url))
    if not personas:
        sys.exit("no demo persona to sign in as: soulmate seed-demo first")
    return personas[0].display_name


def _first_page(page: Page, base: str) -> None:
    page.goto(base + "/")
    page.get_by_role("tab", name="Try a demo persona").click(timeout=TIMEOUT_MS)
    expect(page.get_by_role("combobox").last).to_be_enabled(timeout=TIMEOUT_MS)
    _idle(page)


def _sign_in(page: Page, name: str) -> None:
    page.get_by_role("combobox").last.click()
    page.keyboard.type(name)
    page.get_by_role("option", name=name, exact=True).click()
    page.get_by_role("button", name="Use this persona").click()
    expect(page.get_by_text(f"You are {name}")).to_be_visible(timeout=TIMEOUT_MS)
    _idle(page)


def _open(page: Page, link: str, heading: str, last: str) -> None:
    page.get_by_role("link", name=link, exact=True).click()
    expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible(timeout=TIMEOUT_MS)
    expect(page.get_by_text(last).last).to_be_visible(timeout=TIMEOUT_MS)
    _idle(page)


def _taste_map(page: Page) -> None:
    page.get_by_role("link", name="Taste map", exact=True).click()
    expect(page.get_by_role("heading", name="Taste map", exact=True)).to_be_visible(timeout=TIMEOUT_MS)
    page.wait_for_function(
        "document.querySelectorAll('.js-plotly-plot .legend .traces').length >= 2", timeout=TIMEOUT_MS
    )
    _idle(page)


def _idle(page: Page) -> None:
    """Until Streamlit's script run is over (its status widget gone)."""
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=TIMEOUT_MS)


def _timed(step: Callable[[], None]) -> float:
    started = time.perf_counter()
    step()
    return time.perf_counter() - started


@contextmanager
def _server(store: str) -> Iterator[str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    command = [sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.headless=true"]
    command += ["--server.address=127.0.0.1", f"--server.port={port}", "--browser.gatherUsageStats=false"]
    env = {**os.environ, "SOULMATE_STORE": store}
    quiet = subprocess.DEVNULL
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=quiet, stderr=quiet)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    sys.exit("streamlit did not start")
                time.sleep(0.3)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=20)


if __name__ == "__main__":
    main()
