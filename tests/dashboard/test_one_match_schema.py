"""One match schema everywhere: the CLI's JSON, its line of ``matches --all``, the API's
``GET /matches`` and the dashboard's download of the same person's matches are the same document,
valid against ``MatchesOut``."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from streamlit.runtime.memory_media_file_storage import MemoryFile
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import DownloadButton

from soulmate_adapters import open_store
from soulmate_api.app import create_app, respond
from soulmate_core import MatchesOut
from soulmate_core.settings import Settings
from tests.api_events import FakeContext, http_event
from tests.cli_runner import run
from tests.fakes.spotify_server import FakeSpotify, sample_user

from .conftest import sign_in_as_persona

PERSONA = "demo-0042"
LIMIT = 5


def from_cli(capsys: pytest.CaptureFixture[str], store_url: str) -> Any:
    code, out, err = run(
        capsys, "--store", store_url, "matches", PERSONA, "--limit", str(LIMIT), "--format", "json"
    )
    assert code == 0, err
    return json.loads(out)


def from_every_users_matches(capsys: pytest.CaptureFixture[str], store_url: str) -> Any:
    code, out, err = run(
        capsys, "--store", store_url, "matches", "--all", "--limit", str(LIMIT), "--format", "jsonl"
    )
    assert code == 0, err
    (line,) = [json.loads(line) for line in out.splitlines() if json.loads(line)["user_id"] == PERSONA]
    return line


def from_api(store_url: str) -> Any:
    """The persona's own Spotify token asks the API for their matches."""
    with FakeSpotify() as spotify:
        spotify.add_user("tok-persona", sample_user(PERSONA, "Persona", [("Portishead", None)]))
        store = open_store(store_url)
        try:
            app = create_app(Settings(spotify_api_base=spotify.api_base, spotify_timeout=5.0), store)
            event = http_event("GET", f"/matches/{PERSONA}", token="tok-persona", query={"limit": str(LIMIT)})
            answer = respond(app, event, FakeContext())
        finally:
            store.close()
    assert answer["statusCode"] == 200, answer["body"]
    return json.loads(answer["body"])


def from_dashboard(app: Callable[[], AppTest], downloaded: Callable[[DownloadButton], MemoryFile]) -> Any:
    at = sign_in_as_persona(app(), PERSONA)
    at.switch_page("pages/soulmates.py").run()
    at.slider(key="match_limit").set_value(LIMIT).run()
    assert not at.exception, at.exception
    (button,) = [b for b in at.get("download_button") if b.proto.id.endswith("download_matches")]
    return json.loads(downloaded(button).content)


def test_cli_every_line_api_and_dashboard_give_the_same_matches_document(
    capsys: pytest.CaptureFixture[str],
    store_url: str,
    app: Callable[[], AppTest],
    downloaded: Callable[[DownloadButton], MemoryFile],
) -> None:
    cli, api, dashboard = from_cli(capsys, store_url), from_api(store_url), from_dashboard(app, downloaded)
    line = from_every_users_matches(capsys, store_url)

    for document in (cli, line, api, dashboard):
        parsed = MatchesOut.model_validate(document)
        assert parsed.schema_version == 2 and parsed.user_id == PERSONA
        assert len(parsed.matches) == LIMIT
        assert set(document) == set(MatchesOut.model_fields)  # nothing more, nothing less
    assert cli == line == api == dashboard
