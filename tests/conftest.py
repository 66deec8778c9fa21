"""Fixtures every test shares: settings read afresh, and ``moto_endpoint``, moto's server over HTTP
(one per test module that asks for it)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from soulmate_app.settings import load_settings
from soulmate_core.settings import get_settings
from tests.aws_standins import moto_server


@pytest.fixture(autouse=True)
def fresh_settings() -> Iterator[None]:
    """Settings are read once per process; each test reads them afresh from its own environment."""
    get_settings.cache_clear()
    load_settings.cache_clear()
    yield
    get_settings.cache_clear()
    load_settings.cache_clear()


@pytest.fixture(scope="module")
def moto_endpoint() -> Iterator[str]:
    with moto_server() as endpoint:
        yield endpoint
