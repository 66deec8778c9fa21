"""Fixtures the security tests share: a fresh SQLite store, and the fake Spotify with Ana's token."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from soulmate_adapters import open_store
from soulmate_core.store import Store
from tests.fakes.spotify_server import FakeSpotify
from tests.security.harness import ANA


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = open_store(f"sqlite:///{tmp_path / 'api.db'}")
    yield opened
    opened.close()


@pytest.fixture
def spotify() -> Iterator[FakeSpotify]:
    """``tok-ana`` answers at once; ``tok-slow`` hangs every call until the fake stops."""
    with FakeSpotify() as fake:
        fake.add_user("tok-ana", ANA)
        fake.add_user("tok-slow", ANA, delay=60)
        yield fake
