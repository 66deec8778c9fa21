"""Finding 5: no deadlines. ``POST /taste-profile`` made its seven Spotify calls one after another,
each with an 8 s timeout, and took 17.5 s and 52.5 s against the Lambda's 15 s, while ``serve-api``
could not answer ``/health``. Now the calls of one request run side by side under one deadline
(``SOULMATE_REQUEST_DEADLINE``, below the Lambda timeout), each call's timeout bounded by what is
left, and a slow Spotify is 504 in time. DynamoDB calls had botocore's defaults (60 s to connect and
per read, up to 10 attempts); now each has timeouts and two attempts (``aws_calls.DYNAMODB``), so a
silent table is a 503 inside the request deadline. Timings are asserted as generous upper bounds only."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from soulmate_adapters import open_store
from soulmate_adapters.aws_calls import DYNAMODB, CallLimits
from soulmate_adapters.dynamodb import DynamoDBStore
from soulmate_api.deadline import Deadline
from soulmate_api.errors import DeadlineExceededError
from soulmate_core.errors import StoreError
from soulmate_core.settings import Settings
from soulmate_core.store import Store
from tests.aws_standins import set_aws_env
from tests.cfn_template import load_template
from tests.fakes.spotify_server import FakeSpotify
from tests.sample_profiles import sample_profile
from tests.security.harness import ANA, Api, Clock, serve_api

MARGIN = 4.0  # seconds a loaded test machine may add to a deadline


def _lambda_timeout() -> float:
    template = load_template()
    api = template["Resources"]["ApiFunction"]["Properties"]
    return float(api.get("Timeout", template["Globals"]["Function"]["Timeout"]))


def test_the_default_deadline_is_safely_below_the_lambda_timeout() -> None:
    settings = Settings()
    assert settings.request_deadline + 3 <= _lambda_timeout()


def test_each_call_gets_what_is_left_of_the_deadline_at_most() -> None:
    clock = Clock()
    deadline = Deadline.start(5.0, clock)
    assert deadline.timeout(8.0) == 5.0 and deadline.timeout(2.0) == 2.0
    clock.now += 4.0
    assert deadline.timeout(8.0) == pytest.approx(1.0)
    clock.now += 1.0
    with pytest.raises(DeadlineExceededError):
        deadline.timeout(8.0)


@pytest.mark.parametrize(
    ("method", "path"), [("POST", "/taste-profile"), ("GET", "/me"), ("GET", "/top-tracks")]
)
def test_a_hanging_spotify_is_504_within_the_deadline(
    spotify: FakeSpotify, store: Store, method: str, path: str
) -> None:
    api = Api(Settings(spotify_api_base=spotify.api_base, spotify_timeout=8.0, request_deadline=1.0), store)
    started = time.monotonic()
    status, _, body = api(method, path, token="tok-slow")
    elapsed = time.monotonic() - started
    assert (status, body["error"]) == (504, "deadline_exceeded")
    assert elapsed < 1.0 + MARGIN, "the 8 s per-call timeout is cut to what is left of the deadline"
    assert store.get("acc-ana") is None


def test_a_silent_spotify_is_504_not_the_sum_of_the_timeouts(store: Store) -> None:
    with socket.socket() as silent:  # accepts connections, never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(16)
        base = f"http://127.0.0.1:{silent.getsockname()[1]}/v1/"
        api = Api(Settings(spotify_api_base=base, spotify_timeout=8.0, request_deadline=1.5), store)
        started = time.monotonic()
        status, _, body = api("POST", "/taste-profile", token="tok")
        elapsed = time.monotonic() - started
    assert (status, body["error"]) == (504, "deadline_exceeded")
    assert elapsed < 1.5 + MARGIN  # seven calls of 8 s each, one after another, took 56 s


def test_the_seven_calls_of_a_profile_run_side_by_side(spotify: FakeSpotify, store: Store) -> None:
    spotify.add_user("tok-sluggish", ANA, delay=1.0)
    api = Api(Settings(spotify_api_base=spotify.api_base, request_deadline=9.0), store)
    started = time.monotonic()
    status, _, _ = api("POST", "/taste-profile", token="tok-sluggish")
    elapsed = time.monotonic() - started
    assert status == 200
    assert len([c for c in spotify.calls if c.path.startswith("/v1/me")]) == 7
    assert elapsed < 7 * 1.0 - 1.5, "one after another they would take 7 s"


def test_a_spotify_failure_within_the_deadline_is_still_its_own_status(
    spotify: FakeSpotify, store: Store
) -> None:
    spotify.add_user("tok-down", ANA, FakeSpotify.Scenario.SERVER_ERROR)
    api = Api(Settings(spotify_api_base=spotify.api_base, request_deadline=5.0), store)
    status, _, body = api("POST", "/taste-profile", token="tok-down")
    assert (status, body["error"]) == (502, "spotify_unavailable")


@pytest.mark.slow
@pytest.mark.timeout(180)
def test_serve_api_answers_health_while_a_request_waits_on_spotify(
    spotify: FakeSpotify, tmp_path: Path
) -> None:
    store_url = f"sqlite:///{tmp_path / 'served.db'}"
    env = {"SOULMATE_SPOTIFY_API_BASE": spotify.api_base, "SOULMATE_REQUEST_DEADLINE": "6"}
    with serve_api(store_url, tmp_path, **env) as url:
        slow: dict[str, Any] = {}

        def post() -> None:
            answer = requests.post(
                url + "/taste-profile", headers={"Authorization": "Bearer tok-slow"}, timeout=60
            )
            slow.update(status=answer.status_code, body=answer.json(), done=time.monotonic())

        started = time.monotonic()
        worker = threading.Thread(target=post)
        worker.start()
        while not spotify.arrivals and time.monotonic() - started < 30:
            time.sleep(0.02)  # the slow request is now waiting on Spotify

        health = requests.get(url + "/health", timeout=30)
        health_done = time.monotonic()
        assert health.status_code == 200 and health.json()["status"] == "ok"
        worker.join(timeout=60)

    assert (slow["status"], slow["body"]["error"]) == (504, "deadline_exceeded")
    assert health_done < slow["done"], "/health was answered while the slow request was still running"
    assert slow["done"] - started < 6 + MARGIN + 2


# --- DynamoDB ---------------------------------------------------------------------------------------


@pytest.fixture
def silent_dynamodb(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A DynamoDB endpoint that accepts connections and never answers; the store URL of a table there."""
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(64)
        set_aws_env(monkeypatch, f"http://127.0.0.1:{silent.getsockname()[1]}")
        monkeypatch.delenv("SOULMATE_STORE_TIMEOUT")  # the deployed default, not the stand-ins' one
        yield "dynamodb://profiles"


def test_a_dynamodb_call_gives_up_well_inside_the_request_deadline(silent_dynamodb: str) -> None:
    assert DYNAMODB.worst_seconds() <= Settings().request_deadline * 0.75
    store = open_store(silent_dynamodb)
    config = store._client.meta.config  # type: ignore[attr-defined]
    store.close()
    assert (config.connect_timeout, config.read_timeout) == (DYNAMODB.connect_seconds, DYNAMODB.read_seconds)
    assert config.retries == {"total_max_attempts": DYNAMODB.attempts, "mode": "standard"}


@pytest.mark.slow
@pytest.mark.timeout(90)  # botocore's defaults would hold each request for 10 minutes
@pytest.mark.parametrize(
    ("method", "path"),
    [("POST", "/taste-profile"), ("GET", "/taste-profile/acc-ana"), ("DELETE", "/taste-profile/acc-ana")],
)
def test_a_silent_dynamodb_is_503_within_the_request_deadline(
    spotify: FakeSpotify, silent_dynamodb: str, method: str, path: str
) -> None:
    settings = Settings(spotify_api_base=spotify.api_base)
    store = open_store(silent_dynamodb)  # the limits the deployed API gets
    try:
        started = time.monotonic()
        status, _, body = Api(settings, store)(method, path, token="tok-ana")
        elapsed = time.monotonic() - started
    finally:
        store.close()
    assert (status, body["error"]) == (503, "store_unavailable")
    assert elapsed < settings.request_deadline


SHORT = CallLimits(connect_seconds=0.5, read_seconds=0.3, attempts=2)
STORE_CALLS: dict[str, Callable[[Store], object]] = {
    "get": lambda s: s.get("acc-ana"),
    "get_many": lambda s: s.get_many(["acc-ana", "acc-bo"]),
    "put": lambda s: s.put(sample_profile("acc-ana")),
    "put_with_key": lambda s: s.put_with_key(sample_profile("acc-ana"), "0" * 64),
    "delete": lambda s: s.delete("acc-ana"),
    "iter_all": lambda s: list(s.iter_all()),
    "version": lambda s: s.version(),
}


@pytest.mark.timeout(60)
@pytest.mark.parametrize("call", STORE_CALLS.values(), ids=STORE_CALLS.keys())
def test_a_silent_dynamodb_fails_each_store_call_within_its_limits(
    silent_dynamodb: str, call: Callable[[Store], object]
) -> None:
    store = DynamoDBStore("profiles", limits=SHORT)
    try:
        started = time.monotonic()
        with pytest.raises(StoreError, match="DynamoDB failed"):
            call(store)
        elapsed = time.monotonic() - started
    finally:
        store.close()
    assert elapsed < SHORT.worst_seconds() + MARGIN
