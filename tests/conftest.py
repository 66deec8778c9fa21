"""Fixtures every test shares."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from soulmate_app.settings import load_settings
from soulmate_core.settings import get_settings


@pytest.fixture(autouse=True)
def fresh_settings() -> Iterator[None]:
    """Settings are read once per process; each test reads them afresh from its own environment."""
    get_settings.cache_clear()
    load_settings.cache_clear()
    yield
    get_settings.cache_clear()
    load_settings.cache_clear()
