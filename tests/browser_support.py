"""Serving the dashboard for a real browser: ``streamlit run dashboard.py`` on a free loopback port,
against a given SQLite store, and Debian's Chromium through Playwright."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from tests.requirements_check import need

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def stop_child(process: subprocess.Popen[bytes]) -> None:
    """Stop a stand-in the tests started: SIGTERM, then SIGKILL after 10 s; close its stderr pipe."""
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    if process.stderr:
        process.stderr.close()


@contextlib.contextmanager
def chromium_browser() -> Iterator[Any]:
    """Debian's Chromium through Playwright; a skip, or a failure under CI, when either is missing."""
    try:
        from playwright import sync_api
    except ImportError:
        sync_api = None  # type: ignore[assignment]
    need(sync_api is not None, "playwright (requirements-dev.txt)")
    need(Path(CHROMIUM).exists(), f"Debian chromium at {CHROMIUM} (.ci/run installs it)")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            yield launched
        finally:
            launched.close()


@contextlib.contextmanager
def serve_dashboard(
    db: Path,
    *,
    port: int | None = None,
    env: Mapping[str, str] | None = None,
    secrets_file: Path | None = None,
) -> Iterator[str]:
    """The dashboard's base URL once ``/_stcore/health`` answers; stopped on leaving. Without Spotify
    settings unless ``env`` gives them; ``secrets_file`` replaces ``.streamlit/secrets.toml``."""
    port = port or free_port()
    variables = {**os.environ, "SOULMATE_STORE": f"sqlite:///{db}"}
    for name in ("SPOTIFY_CLIENT_ID", "SPOTIFY_CLIENT_SECRET"):
        variables.pop(name, None)
    variables.update(env or {})
    command = [sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.headless=true"]
    command += ["--server.address=127.0.0.1", f"--server.port={port}", "--browser.gatherUsageStats=false"]
    if secrets_file is not None:
        command.append(f"--secrets.files={secrets_file}")
    process = subprocess.Popen(
        command, cwd=ROOT, env=variables, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"streamlit did not start: {process.stderr.read()!r}") from None
                time.sleep(0.3)
        yield base
    finally:
        stop_child(process)



# What sticks out sideways on a page: elements past the viewport's edges that no scrolling or
# clipping box of theirs holds in (a progress bar's fill, a tab strip that scrolls), Plotly text cut
# by its chart's edge, and any sideways scroll of the page or its main column. Empty when none.
OVERFLOWING = """() => {
  const width = window.innerWidth;
  const held = (el) => {
    for (let box = el.parentElement; box; box = box.parentElement) {
      if (box instanceof SVGElement) continue;
      if (["hidden", "clip", "auto", "scroll"].includes(getComputedStyle(box).overflowX)) {
        const r = box.getBoundingClientRect();
        return r.left >= -1 && r.right <= width + 1;
      }
    }
    return false;
  };
  const found = [];
  const where = (el, r) =>
    `"${el.textContent.trim().slice(0, 30)}" at ${Math.round(r.left)}..${Math.round(r.right)}`;
  const main = document.querySelector('[data-testid="stMain"]');
  for (const el of main.querySelectorAll("*")) {
    const r = el.getBoundingClientRect();
    if (el instanceof SVGElement) {
      if (el.tagName !== "text" || !el.textContent.trim() || !r.width) continue;
      const chart = el.closest(".js-plotly-plot").getBoundingClientRect();
      if (r.left < Math.max(chart.left, 0) - 1 || r.right > Math.min(chart.right, width) + 1) {
        found.push(`chart text ${where(el, r)}`);
      }
      continue;
    }
    if (!r.width || !r.height || (r.left >= -1 && r.right <= width + 1)) continue;
    if (held(el) || getComputedStyle(el).visibility === "hidden") continue;
    found.push(`${el.tagName.toLowerCase()} ${where(el, r)}`);
  }
  if (document.documentElement.scrollWidth > width + 1) found.push("the page scrolls sideways");
  if (main.scrollWidth > main.clientWidth + 1) found.push("the main column scrolls sideways");
  return found;
}"""
