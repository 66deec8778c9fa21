"""Fixtures the security tests share: a fresh SQLite store, a fresh DynamoDB store on moto's server
over HTTP (``moto_store``), the fake Spotify with Ana's token, and the
dashboard's (``app`` runs ``dashboard.py`` over ``dashboard_store``, a fresh demo store)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from soulmate_adapters import open_store
from soulmate_core.store import Store
from tests.aws_standins import new_table, set_aws_env
from tests.browser_support import chromium_browser
from tests.dashboard.conftest import app, demo_db_template, downloaded, store_url
from tests.fakes.spotify_server import FakeSpotify
from tests.security.harness import ANA

__all__ = ["app", "demo_db_template", "downloaded", "store_url"]  # fixtures, used by name


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = open_store(f"sqlite:///{tmp_path / 'api.db'}")
    yield opened
    opened.close()


@pytest.fixture
def moto_store(moto_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Store]:
    set_aws_env(monkeypatch, moto_endpoint)
    opened = open_store(f"dynamodb://{new_table()}")
    yield opened
    opened.close()


@pytest.fixture
def spotify() -> Iterator[FakeSpotify]:
    """``tok-ana`` answers at once; ``tok-slow`` hangs every call until the fake stops."""
    with FakeSpotify() as fake:
        fake.add_user("tok-ana", ANA)
        fake.add_user("tok-slow", ANA, delay=60)
        yield fake


@pytest.fixture
def dashboard_store(store_url: str) -> Iterator[Store]:
    """The store the dashboard under test reads, opened by the test to write into it."""
    opened = open_store(store_url)
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def chromium() -> Iterator[object]:
    """Debian's Chromium through Playwright, for the real-browser tests of the findings."""
    with chromium_browser() as launched:
        yield launched
