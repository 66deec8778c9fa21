"""Finding 10, the API's smaller things: malformed Spotify answers and an obs-folded Authorization
header gave 500; serve-api executed a TRACE body as a second request and lost a chunked body; a
non-object JSON body was taken as a profile update and 415 came in two shapes; POWERTOOLS_DEV=true
logged bearer tokens and 503 bodies echoed DynamoDB's error text; long user ids could not be
erased; the tables had no DeletionPolicy and personal answers no ``Cache-Control: no-store``."""

from __future__ import annotations

import http.client
import json
import os
import re
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import pytest
import requests

from soulmate_core.errors import StoreError
from soulmate_core.settings import Settings
from soulmate_core.store import Store
from tests.cfn_template import load_template
from tests.fakes.spotify_server import FakeSpotify, sample_user
from tests.security.harness import ANA, REPO, Api, serve_api

ME, ARTISTS, TRACKS = "/v1/me", "/v1/me/top/artists", "/v1/me/top/tracks"
MALFORMED = [
    (ME, b"not json"),
    (ME, b""),
    (ME, b"[]"),
    (ME, b"null"),
    (ME, b'"just text"'),
    (ME, b'{"display_name": "no id"}'),
    (ME, b'{"id": 5}'),
    (ME, b'{"id": ["a"], "account_id": null}'),
    (ME, b'{"id": "x", "display_name": {"nested": true}}'),
    (ME, b"[" * 100_000 + b"]" * 100_000),
    (ARTISTS, b"{}"),
    (ARTISTS, b'{"items": "x"}'),
    (ARTISTS, b'{"items": [1, 2]}'),
    (ARTISTS, b'{"items": [{"name": 5}]}'),
    (ARTISTS, b'{"items": [{"name": "a", "genres": "rock"}]}'),
    (ARTISTS, b'{"items": [{"name": "a", "id": 7}]}'),
    (TRACKS, b'{"items": [{"name": "t", "artists": "a"}]}'),
    (TRACKS, b'{"items": [{"name": "t", "artists": [{"name": 1}]}]}'),
    (TRACKS, b'{"items": [{"name": "t", "artists": [null]}]}'),
]


@pytest.fixture
def api(spotify: FakeSpotify, store: Store) -> Api:
    return Api(Settings(spotify_api_base=spotify.api_base, spotify_timeout=5.0), store)


# --- malformed Spotify answers: 502 ------------------------------------------------------------


@pytest.mark.parametrize(("path", "body"), MALFORMED, ids=[f"{p}-{i}" for i, (p, _) in enumerate(MALFORMED)])
def test_a_malformed_spotify_answer_is_502(
    api: Api, spotify: FakeSpotify, store: Store, path: str, body: bytes
) -> None:
    spotify.add_user("tok-odd", ANA)
    spotify.answer_raw("tok-odd", path, body)
    status, _, answer = api("POST", "/taste-profile", token="tok-odd")
    assert (status, answer["error"]) == (502, "spotify_bad_answer")
    assert store.get("acc-ana") is None
    route = {ME: "/me", ARTISTS: "/top-artists", TRACKS: "/top-tracks"}[path]
    assert api("GET", route, token="tok-odd")[0] == 502


def test_a_malformed_error_answer_is_502(api: Api, spotify: FakeSpotify) -> None:
    spotify.add_user("tok-odd", ANA)
    spotify.answer_raw("tok-odd", ME, b'["not", "an", "error", "object"]', status=404)
    status, _, answer = api("GET", "/me", token="tok-odd")
    assert (status, answer["error"]) == (502, "spotify_bad_answer")


# --- headers, bodies, media types ---------------------------------------------------------------


def test_an_obs_folded_authorization_header_is_401_not_500(api: Api, spotify: FakeSpotify) -> None:
    status, _, body = api("GET", "/me", headers={"authorization": "Bearer tok-ana\r\n extra"})
    assert (status, body["error"]) == (401, "not_authenticated")
    assert not spotify.arrivals


@pytest.mark.parametrize("raw", ["[]", "[1, 2]", "null", "0", '"text"', "true", '[{"discoverable": true}]'])
def test_a_json_body_that_is_not_an_object_is_422(api: Api, store: Store, raw: str) -> None:
    status, _, body = api("POST", "/taste-profile", token="tok-ana", raw_body=raw)
    assert status == 422 and body["detail"][0]["loc"] == ["body"]
    assert store.get("acc-ana") is None


UNSUPPORTED = [
    {"raw_body": "discoverable=1", "headers": {"content-type": "application/x-www-form-urlencoded"}},
    {"raw_body": "hello", "headers": {"content-type": "text/plain"}},
    {"headers": {"content-type": "text/plain"}},  # no body: Powertools' own refusal
]


def test_415_has_one_body_shape(api: Api) -> None:
    bodies = {
        json.dumps(api("POST", "/taste-profile", token="tok-ana", **case)[2], sort_keys=True)  # type: ignore[arg-type]
        for case in UNSUPPORTED
    }
    assert len(bodies) == 1
    assert json.loads(bodies.pop())["error"] == "unsupported_media_type"


# --- what reaches logs and bodies ---------------------------------------------------------------


# Powertools reads its settings when ``handler.py`` is imported (the Logger) and when its decorator
# runs, so development mode is set in a fresh process's environment before anything is imported.
DEV_MODE_RUN = """
import sys
from soulmate_api import handler
from tests.api_events import FakeContext, http_event
for token in sys.argv[1:]:
    for method, path in (("POST", "/taste-profile"), ("GET", "/me"), ("DELETE", "/taste-profile/acc-ana")):
        answer = handler.handler(http_event(method, path, token=token), FakeContext())
        print("answered", answer["statusCode"])
"""


def test_powertools_dev_mode_logs_no_token(spotify: FakeSpotify, tmp_path: Path) -> None:
    """The Lambda entry point in Powertools' development mode with every log switch on, the event's
    logging included: the handler's ``log_event=False`` keeps the Authorization header out."""
    env = {
        **os.environ,
        "POWERTOOLS_DEV": "true",
        "POWERTOOLS_LOG_LEVEL": "DEBUG",
        "POWERTOOLS_LOGGER_LOG_EVENT": "true",
        "POWERTOOLS_EVENT_HANDLER_DEBUG": "true",
        "SOULMATE_STORE": f"sqlite:///{tmp_path / 'lambda.db'}",
        "SOULMATE_SPOTIFY_API_BASE": spotify.api_base,
    }
    tokens = ("tok-ana", "tok-never-seen-before")
    run = subprocess.run(
        [sys.executable, "-c", DEV_MODE_RUN, *tokens],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    answered = re.findall(r"^answered (\d+)$", run.stdout, flags=re.MULTILINE)
    assert answered[:3] == ["200", "200", "204"], run.stdout  # Ana saved, read and deleted
    logged = run.stdout + run.stderr
    assert '"route":"/taste-profile"' in logged.replace(" ", ""), "the handler logs in this mode"
    assert not any(token in logged for token in tokens)


class BrokenStore:
    """The real store, whose reads fail the way DynamoDB's do, with AWS's error text."""

    TEXT = "ResourceNotFoundException: Requested resource not found: arn:aws:dynamodb:eu-west-1:1234:table/x"

    def __init__(self, inner: Store) -> None:
        self.inner = inner

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def get(self, user_id: str) -> Any:
        raise StoreError(self.TEXT)


def test_a_503_names_an_error_id_not_the_backends_text(
    spotify: FakeSpotify, store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    api = Api(Settings(spotify_api_base=spotify.api_base), BrokenStore(store))  # type: ignore[arg-type]
    status, _, body = api("GET", "/taste-profile/acc-ana", token="tok-ana")
    assert (status, body["error"]) == (503, "store_unavailable")
    assert "arn:aws" not in body["message"] and "ResourceNotFound" not in body["message"]
    error_id = re.search(r"error id ([0-9a-f]+)", body["message"])
    assert error_id, body["message"]
    assert any(error_id.group(1) in r.getMessage() and "arn:aws" in r.getMessage() for r in caplog.records)


# --- erasure, retention, caching -----------------------------------------------------------------


@pytest.fixture(params=["sqlite", pytest.param("moto", marks=pytest.mark.slow)])
def any_store(request: pytest.FixtureRequest) -> Store:
    """The SQLite store, and the DynamoDB store on moto's server over HTTP."""
    chosen: Store = request.getfixturevalue("store" if request.param == "sqlite" else "moto_store")
    return chosen


# Up to DynamoDB's 2,048-byte partition key: 300 and 600 bytes, and 2,000.
@pytest.mark.parametrize("user_id", ["x" * 300, "ü" * 300, "long-" * 400])
def test_a_long_user_id_can_be_erased(spotify: FakeSpotify, any_store: Store, user_id: str) -> None:
    api, store = Api(Settings(spotify_api_base=spotify.api_base, spotify_timeout=5.0), any_store), any_store
    spotify.add_user("tok-long", sample_user(user_id, "Long", [("Tricky", None)]))
    assert api("POST", "/taste-profile", token="tok-long")[0] == 200
    assert api("GET", f"/taste-profile/{user_id}", token="tok-long")[0] == 200
    assert api("DELETE", f"/taste-profile/{user_id}", token="tok-long")[0] == 204
    assert store.get(user_id) is None


def test_tables_and_the_snapshot_bucket_are_kept_when_the_stack_goes() -> None:
    resources = load_template()["Resources"]
    for name in ("ProfilesTable", "ProfilesMetaTable", "ProfilesKeysTable", "IndexBucket"):
        assert (resources[name]["DeletionPolicy"], resources[name]["UpdateReplacePolicy"]) == (
            "Retain",
            "Retain",
        )


def test_every_answer_is_no_store(api: Api) -> None:
    assert api("POST", "/taste-profile", token="tok-ana")[0] == 200
    for method, path, kwargs in [
        ("GET", "/taste-profile/acc-ana", {"token": "tok-ana"}),
        ("GET", "/matches/acc-ana", {"token": "tok-ana"}),
        ("GET", "/me", {"token": "tok-ana"}),
        ("GET", "/top-artists", {"token": "tok-ana"}),
        ("GET", "/me", {}),  # 401
        ("POST", "/taste-profile", {"token": "tok-ana", "raw_body": "x" * 70_000}),  # 413, before routing
        ("DELETE", "/taste-profile/acc-ana", {"token": "tok-ana"}),
    ]:
        headers = api(method, path, **kwargs)[1]
        assert headers.get("Cache-Control") == "no-store", (method, path)


# --- serve-api over HTTP --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, FakeSpotify]]:
    folder = tmp_path_factory.mktemp("edges")
    with FakeSpotify() as spotify:
        spotify.add_user("tok-ana", ANA)
        env = {"SOULMATE_SPOTIFY_API_BASE": spotify.api_base}
        with serve_api(f"sqlite:///{folder / 'api.db'}", folder, **env) as url:
            yield url, spotify


def _exchange(url: str, raw: bytes) -> bytes:
    """Send ``raw`` bytes, read until the server closes the connection (or 10 s pass)."""
    parts = urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as conn:
        conn.sendall(raw)
        received = b""
        try:
            while chunk := conn.recv(65536):
                received += chunk
        except TimeoutError:
            pass
    return received


@pytest.mark.slow
def test_serve_api_never_executes_a_trace_body(served: tuple[str, FakeSpotify]) -> None:
    url, _ = served
    auth = {"Authorization": "Bearer tok-ana"}
    assert requests.post(url + "/taste-profile", headers=auth, timeout=30).status_code == 200
    smuggled = b"DELETE /taste-profile/acc-ana HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer tok-ana\r\n\r\n"
    raw = b"TRACE /health HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n%s" % (len(smuggled), smuggled)
    received = _exchange(url, raw)
    assert received.startswith(b"HTTP/1.1 405"), received[:200]
    assert received.count(b"HTTP/1.1 ") == 1, "one request, one answer"
    assert requests.get(url + "/taste-profile/acc-ana", headers=auth, timeout=30).status_code == 200


@pytest.mark.slow
def test_serve_api_reads_a_chunked_body(served: tuple[str, FakeSpotify]) -> None:
    url, _ = served
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.netloc, timeout=30)
    try:
        body = iter([b'{"discoverable"', b": true, ", b'"display_name": "Chunky"}'])
        connection.request(
            "POST",
            "/taste-profile",
            body=body,
            headers={"Authorization": "Bearer tok-ana", "Content-Type": "application/json"},
            encode_chunked=True,
        )
        answer = connection.getresponse()
        payload = json.loads(answer.read())
    finally:
        connection.close()
    assert answer.status == 200, payload
    assert (payload["discoverable"], payload["display_name"]) == (True, "Chunky")


@pytest.mark.slow
@pytest.mark.parametrize(
    "raw",
    [
        b"POST /taste-profile HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n"
        b"\r\n0\r\n\r\n",
        b"POST /taste-profile HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n",
        b"POST /taste-profile HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        b"GET /me HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer tok-ana\r\n extra\r\n\r\n",
    ],
    ids=["chunked-and-sized", "unknown-coding", "bad-chunk-size", "obs-fold"],
)
def test_serve_api_refuses_ambiguous_framing_with_400(served: tuple[str, FakeSpotify], raw: bytes) -> None:
    received = _exchange(served[0], raw)
    assert received.startswith(b"HTTP/1.1 400"), received[:200]
    body = json.loads(received.split(b"\r\n\r\n", 1)[1])
    assert body["error"] == "bad_input"


@pytest.mark.slow
def test_serve_api_answers_no_store_and_one_415_shape(served: tuple[str, FakeSpotify]) -> None:
    url, _ = served
    auth = {"Authorization": "Bearer tok-ana"}
    me = requests.get(url + "/me", headers=auth, timeout=30)
    assert me.status_code == 200 and me.headers["Cache-Control"] == "no-store"
    shapes = set()
    for data, content_type in (("a=1", "application/x-www-form-urlencoded"), ("", "text/plain")):
        answer = requests.post(
            url + "/taste-profile", data=data, headers={**auth, "Content-Type": content_type}, timeout=30
        )
        assert answer.status_code == 415
        shapes.add(json.dumps(answer.json(), sort_keys=True))
    assert len(shapes) == 1


@pytest.mark.slow
def test_serve_api_erases_a_long_user_id(served: tuple[str, FakeSpotify]) -> None:
    url, spotify = served
    user_id = "é" * 300
    spotify.add_user("tok-long", sample_user(user_id, "Long", [("Tricky", None)]))
    auth = {"Authorization": "Bearer tok-long"}
    assert requests.post(url + "/taste-profile", headers=auth, timeout=30).status_code == 200
    path = "/taste-profile/" + quote(user_id)
    assert requests.delete(url + path, headers=auth, timeout=30).status_code == 204
    assert requests.get(url + path, headers=auth, timeout=30).status_code == 404
