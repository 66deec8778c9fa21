"""Fixtures every test shares: settings read afresh, every ``AppTest`` run going through
``dashboard.py`` as a browser's does, and ``moto_endpoint``, moto's server over HTTP (one per test
module that asks for it)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import Any

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


@pytest.fixture(autouse=True)
def pages_run_through_the_dashboard(monkeypatch: pytest.MonkeyPatch) -> None:
    """``AppTest`` forgets before each run that ``dashboard.py`` calls ``st.navigation`` and, seeing
    a ``pages/`` folder, runs the page file alone from the second run on: no sidebar, and nothing
    ``dashboard.py`` does around the page. A browser's session never does that (``st.navigation``
    switches the folder off for good), so neither do the tests."""
    module = sys.modules.get("streamlit.testing.v1.app_test")
    if module is None:
        return
    original = module.PagesManager

    class Navigated(original):  # type: ignore[misc,valid-type]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            original.uses_pages_directory = False

    monkeypatch.setattr(module, "PagesManager", Navigated)


@pytest.fixture(scope="module")
def moto_endpoint() -> Iterator[str]:
    with moto_server() as endpoint:
        yield endpoint
