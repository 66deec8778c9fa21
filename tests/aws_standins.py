"""Local stand-ins for DynamoDB (and S3) that speak the real HTTP protocols, started on 127.0.0.1.

- ``moto_server()``: moto's ``ThreadedMotoServer`` in this process; it serves S3 too. Its DynamoDB
  requests are answered one at a time: moto's backend keeps no locks (a transaction deep-copies
  the tables while other threads write them, and a conditional put checks, then writes), whereas
  DynamoDB applies each request atomically. Serialising them gives the race tests a stand-in
  whose requests are atomic, as the real service's are.
- ``dynalite_server()``: the npm package dynalite on LevelDB, in a child process. It is installed by
  ``npm ci --prefix tools/dynalite`` (``.ci/run`` does this; ``tools/dynalite/package-lock.json``
  pins it), and found at ``tools/dynalite/node_modules/.bin/dynalite``.

``aws_env(endpoint)`` is the dummy credentials, region and endpoints a test sets with monkeypatch;
``new_table()`` creates a store's tables, under a fresh name, at the endpoint the environment names.
"""

from __future__ import annotations

import socket
import subprocess
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import requests

from tests.browser_support import stop_child
from tests.requirements_check import need

if TYPE_CHECKING:
    from soulmate_adapters.aws_calls import CallLimits

STANDIN_READ_SECONDS = 30
"""A stand-in answers one DynamoDB request at a time, and a busy machine makes that slow."""

REPO = Path(__file__).resolve().parent.parent
DYNALITE = REPO / "tools" / "dynalite" / "node_modules" / ".bin" / "dynalite"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def aws_env(endpoint: str) -> dict[str, str]:
    return {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": "eu-west-1",
        "AWS_REGION": "eu-west-1",
        "AWS_ENDPOINT_URL_DYNAMODB": endpoint,
        "AWS_ENDPOINT_URL_S3": endpoint,
        "AWS_EC2_METADATA_DISABLED": "true",
        "SOULMATE_STORE_TIMEOUT": str(STANDIN_READ_SECONDS),
    }


def set_aws_env(monkeypatch: pytest.MonkeyPatch, endpoint: str) -> None:
    for name in ("AWS_PROFILE", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(name, raising=False)
    for name, value in aws_env(endpoint).items():
        monkeypatch.setenv(name, value)


def standin_limits() -> CallLimits:
    """The deployed DynamoDB limits with a stand-in's read timeout (see ``aws_env``), for stores
    a test builds directly rather than through ``open_store``."""
    from soulmate_adapters.aws_calls import DYNAMODB

    return replace(DYNAMODB, read_seconds=STANDIN_READ_SECONDS)


def new_table(prefix: str = "profiles") -> str:
    """A DynamoDB store's three tables, created under a fresh name; the profiles table's name."""
    from soulmate_adapters.dynamodb import DynamoDBStore

    name = f"{prefix}-{uuid.uuid4().hex[:12]}"
    store = DynamoDBStore(name, limits=standin_limits())
    try:
        store.create_tables()
    finally:
        store.close()
    return name


@contextmanager
def moto_server() -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    with _dynamodb_requests_one_at_a_time():
        server.start()
        try:
            endpoint = f"http://127.0.0.1:{port}"
            _wait_until_up(endpoint)
            yield endpoint
        finally:
            server.stop()


_MOTO_LOCK = threading.RLock()


@contextmanager
def _dynamodb_requests_one_at_a_time() -> Iterator[None]:
    from moto.dynamodb.responses import DynamoHandler

    original = DynamoHandler.call_action
    if getattr(original, "serialised", False):  # another moto server in this process already did it
        yield
        return

    def call_action(self: DynamoHandler) -> object:
        with _MOTO_LOCK:
            return original(self)

    call_action.serialised = True  # type: ignore[attr-defined]
    DynamoHandler.call_action = call_action  # type: ignore[method-assign]
    try:
        yield
    finally:
        DynamoHandler.call_action = original  # type: ignore[method-assign]


@contextmanager
def dynalite_server(data_dir: Path) -> Iterator[str]:
    need(DYNALITE.exists(), "dynalite (run `npm ci --prefix tools/dynalite`)")
    port = free_port()
    command = [str(DYNALITE), "--host", "127.0.0.1", "--port", str(port), "--path", str(data_dir)]
    process = subprocess.Popen(
        [*command, "--createTableMs", "0", "--deleteTableMs", "0"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        endpoint = f"http://127.0.0.1:{port}"
        _wait_until_up(endpoint, process)
        yield endpoint
    finally:
        stop_child(process)


def _wait_until_up(endpoint: str, process: subprocess.Popen[bytes] | None = None) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"the stand-in at {endpoint} exited with {process.returncode}")
        try:
            requests.get(endpoint, timeout=1)
            return
        except (requests.ConnectionError, requests.Timeout):  # not up yet, or a busy machine
            time.sleep(0.05)
    raise RuntimeError(f"the stand-in at {endpoint} did not start within 30 s")
