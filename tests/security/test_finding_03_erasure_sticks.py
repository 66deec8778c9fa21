"""Finding 3: a DELETE answered 204, then an older POST still in flight stored the profile again
(30 of 30 rounds, two processes on SQLite, and on moto); a "hide me" was overridden the same way.

Two ``soulmate serve-api`` processes share one store. In each round a ``POST /taste-profile`` to
the first is held in flight (its Spotify calls wait at a local proxy) while the second deletes the
caller (204) or hides them (a newer POST with ``discoverable: false``); then the held POST is let
go. It must be refused (409), and the caller must stay deleted (404 from both processes) or
hidden, and out of everyone's matches in both processes. (On DynamoDB a newcomer is matched by
other processes only after the next build, so the check before each round asks the writer's.)
The store-level races, 100 rounds on every store, are the contract's (``tests/test_store_contract.py``),
collected in this suite by ``test_finding_03_store_races.py``.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest
import requests

from tests.api_server import serve_api
from tests.aws_standins import aws_env, moto_server, new_table
from tests.fakes.spotify_server import FakeSpotify
from tests.security.erasure_proxies import Proxy, serving
from tests.test_api_handler import ANA, BO

pytestmark = pytest.mark.slow  # server processes over HTTP

ROUNDS = 30
SLOW = "Bearer tok-ana-slow"


@contextmanager
def _store_url(kind: str, folder: Path) -> Iterator[tuple[str, dict[str, str]]]:
    if kind == "sqlite":
        yield f"sqlite:///{folder / 'api.db'}", {}
        return
    with moto_server() as endpoint:
        env = aws_env(endpoint)
        saved = {name: os.environ.get(name) for name in env}
        os.environ.update(env)
        try:
            yield f"dynamodb://{new_table()}", env
        finally:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value


class Client:
    def __init__(self, url: str) -> None:
        self.url = url

    def post(self, token: str, discoverable: bool) -> int:
        answer = requests.post(
            f"{self.url}/taste-profile",
            json={"discoverable": discoverable},
            headers={"Authorization": f"Bearer {token}"},
            timeout=60,
        )
        return answer.status_code

    def get(self, token: str, user_id: str) -> requests.Response:
        headers = {"Authorization": f"Bearer {token}"}
        return requests.get(f"{self.url}/taste-profile/{user_id}", headers=headers, timeout=60)

    def delete(self, token: str, user_id: str) -> int:
        headers = {"Authorization": f"Bearer {token}"}
        return requests.delete(f"{self.url}/taste-profile/{user_id}", headers=headers, timeout=60).status_code

    def match_count(self, token: str, user_id: str) -> int:
        headers = {"Authorization": f"Bearer {token}"}
        answer = requests.get(f"{self.url}/matches/{user_id}?limit=50", headers=headers, timeout=60)
        assert answer.status_code == 200, answer.text
        return len(answer.json()["matches"])


@pytest.fixture(params=["sqlite", "moto"])
def two_processes(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Client, Client, Proxy]]:
    """Two serve-api processes on one store; Spotify behind a proxy that holds ``tok-ana-slow``."""
    with ExitStack() as stack:
        spotify = stack.enter_context(FakeSpotify())
        for token, user in (("tok-ana", ANA), ("tok-ana-slow", ANA), ("tok-bo", BO)):
            spotify.add_user(token, user)
        proxy = Proxy(spotify.base_url, hold=lambda seen: seen.headers.get("authorization") == SLOW)
        proxy_url = stack.enter_context(serving(proxy))
        store_url, env = stack.enter_context(_store_url(request.param, tmp_path))
        env = {**env, "SOULMATE_SPOTIFY_API_BASE": f"{proxy_url}/v1/"}
        folders = (tmp_path / "a", tmp_path / "b")
        for folder in folders:
            folder.mkdir()
        first, second = (
            Client(stack.enter_context(serve_api(store_url, folder, **env))) for folder in folders
        )
        assert first.post("tok-bo", True) == 200
        yield first, second, proxy


def _older_post_in_flight(client: Client, proxy: Proxy) -> tuple[threading.Thread, list[int]]:
    proxy.rearm()
    status: list[int] = []
    thread = threading.Thread(target=lambda: status.append(client.post("tok-ana-slow", True)))
    thread.start()
    assert proxy.holding.wait(timeout=30), "the POST never reached Spotify"
    return thread, status


def test_a_delete_answered_204_stays_deleted_when_an_older_post_lands_after_it(
    two_processes: tuple[Client, Client, Proxy],
) -> None:
    first, second, proxy = two_processes
    resurrected = 0
    for _ in range(ROUNDS):
        assert first.post("tok-ana", True) == 200
        assert first.match_count("tok-bo", "acc-bo") == 1  # Bo sees Ana (on DynamoDB, in this process)
        thread, status = _older_post_in_flight(first, proxy)
        assert second.delete("tok-ana", "acc-ana") == 204
        proxy.release()
        thread.join(timeout=60)
        assert status == [409]  # "a newer profile is stored": the deletion
        seen = [c.get("tok-ana", "acc-ana").status_code for c in (first, second)]
        matched = [c.match_count("tok-bo", "acc-bo") for c in (first, second)]
        resurrected += seen != [404, 404] or matched != [0, 0]
    assert resurrected == 0


def test_a_hide_stays_when_an_older_post_lands_after_it(two_processes: tuple[Client, Client, Proxy]) -> None:
    first, second, proxy = two_processes
    overridden = 0
    for _ in range(ROUNDS):
        assert first.post("tok-ana", True) == 200
        assert first.match_count("tok-bo", "acc-bo") == 1
        thread, status = _older_post_in_flight(first, proxy)
        assert second.post("tok-ana", False) == 200  # hide me
        proxy.release()
        thread.join(timeout=60)
        assert status == [409]
        hidden = [c.get("tok-ana", "acc-ana").json()["discoverable"] is False for c in (first, second)]
        matched = [c.match_count("tok-bo", "acc-bo") for c in (first, second)]
        overridden += hidden != [True, True] or matched != [0, 0]
    assert overridden == 0
