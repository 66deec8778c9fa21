"""Fixtures for the dashboard tests: a real SQLite store seeded with the demo population, and
``AppTest`` runs of ``dashboard.py`` pointed at it through ``SOULMATE_STORE``."""

from __future__ import annotations

import contextlib
import json
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import streamlit.testing.v1.app_test as app_test_module
from streamlit.proto.WidgetStates_pb2 import WidgetState
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.runtime.media_file_storage import MediaFileStorageError
from streamlit.runtime.memory_media_file_storage import MemoryFile, MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import DownloadButton

from soulmate_adapters import open_store
from soulmate_core import Store
from soulmate_core.demo import demo_population

ROOT = Path(__file__).resolve().parents[2]
DASHBOARD = str(ROOT / "dashboard.py")


@pytest.fixture(scope="session")
def demo_db_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "demo.db"
    store = open_store(f"sqlite:///{path}")
    store.put_many(demo_population())
    store.close()
    return path


@pytest.fixture
def store_url(demo_db_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A fresh copy of the demo store for one test; the dashboard finds it via SOULMATE_STORE."""
    path = tmp_path / "soulmate.db"
    shutil.copyfile(demo_db_template, path)
    url = f"sqlite:///{path}"
    monkeypatch.setenv("SOULMATE_STORE", url)
    for name in ("SPOTIFY_CLIENT_ID", "SPOTIFY_CLIENT_SECRET", "SPOTIFY_REDIRECT_URI"):
        monkeypatch.delenv(name, raising=False)
    return url


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    """The same store the dashboard sees, opened by the test to check what was written."""
    opened = open_store(store_url)
    yield opened
    opened.close()


@pytest.fixture
def app(store_url: str) -> Callable[[], AppTest]:
    def start() -> AppTest:
        return AppTest.from_file(DASHBOARD, default_timeout=60).run()

    return start


@pytest.fixture
def downloaded(monkeypatch: pytest.MonkeyPatch) -> Callable[[DownloadButton], MemoryFile]:
    """The file behind a download button, as the browser fetches it when the button is clicked.

    A button's proto carries only the file's URL, or for a file made on click (``data`` a
    callable) the id of that deferred file; ``AppTest`` serves both from an in-memory media store
    it makes for each run and drops afterwards. This keeps every run's store and manager so the
    test can read the file, making a deferred one as a click would.
    """
    stores: list[MemoryMediaFileStorage] = []
    managers: list[MediaFileManager] = []

    class KeptStorage(MemoryMediaFileStorage):
        def __init__(self, media_endpoint: str) -> None:
            super().__init__(media_endpoint)
            stores.append(self)

    class KeptManager(MediaFileManager):
        def __init__(self, storage: MemoryMediaFileStorage) -> None:
            super().__init__(storage)
            managers.append(self)

    monkeypatch.setattr(app_test_module, "MemoryMediaFileStorage", KeptStorage)
    monkeypatch.setattr(app_test_module, "MediaFileManager", KeptManager)

    def read(button: DownloadButton) -> MemoryFile:
        url = button.proto.url or _made_on_click(button.proto.deferred_file_id)
        assert url, "the download button carries no file"
        for store in reversed(stores):
            with contextlib.suppress(MediaFileStorageError):
                return store.get_file(url.rsplit("/", 1)[-1])
        raise AssertionError(f"no file behind {url}")

    def _made_on_click(file_id: str) -> str:
        for manager in reversed(managers):
            with contextlib.suppress(MediaFileStorageError):
                return manager.execute_deferred(file_id)
        return ""

    return read


def figures(at: AppTest) -> list[dict[str, Any]]:
    """Every Plotly chart on the page, as the figure JSON the browser receives."""
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def figure_titled(at: AppTest, words: str) -> dict[str, Any]:
    for figure in figures(at):
        title = figure["layout"].get("title", {}).get("text", "")
        if words.casefold() in title.casefold():
            return figure
    raise AssertionError(f"no chart titled {words!r} among {[f['layout'].get('title') for f in figures(at)]}")


def texts(at: AppTest) -> str:
    """All the text a user reads on the page, in one string."""
    parts: list[str] = []
    for kind in (
        "title",
        "header",
        "subheader",
        "markdown",
        "caption",
        "info",
        "success",
        "warning",
        "error",
    ):
        parts.extend(str(element.value) for element in getattr(at, kind))
    return "\n".join(parts)


def select_points(at: AppTest, key: str, points: list[dict[str, Any]]) -> AppTest:
    """Run the app as after a click that selected ``points`` on the Plotly chart ``key`` (drawn
    with ``on_select="rerun"``): the widget state the browser sends, which ``AppTest`` has no
    setter for, added to the others."""
    (chart,) = [c for c in at.get("plotly_chart") if c.key == key]
    states = at._tree.get_widget_states()
    selection = {"points": points, "point_indices": [p.get("point_index", 0) for p in points]}
    value = json.dumps({"selection": {**selection, "box": [], "lasso": []}})
    states.widgets.append(WidgetState(id=chart.proto.id, string_value=value))
    return at._run(states)


def sign_in_as_persona(at: AppTest, user_id: str) -> AppTest:
    at.selectbox(key="persona_choice").set_value(user_id).run()
    at.button(key="use_persona").click().run()
    assert not at.exception, at.exception
    return at


def upload_history(at: AppTest, files: list[tuple[str, bytes, str]], name: str = "Robin") -> AppTest:
    """Upload ``files`` (name, content, type) on the Connect page under a public ``name``."""
    at.file_uploader(key="export_files").set_value(files).run()
    at.text_input(key="export_name").input(name).run()
    at.button(key="export_build").click().run()
    assert not at.exception, at.exception
    return at
