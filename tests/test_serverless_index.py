"""The serverless path of the match index, on moto's DynamoDB and S3 over HTTP.

The BuildIndex function scans the table and writes the snapshot to S3; each API container loads it
once, asks for a newer one at most every ``reload_seconds``, and confirms its best candidates with
BatchGetItem, so deletions, opt-outs and changed profiles hold on the very next query, whichever
container took the write. No API container ever scans the table.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import pytest

from soulmate_adapters import open_store
from soulmate_adapters.dynamodb import DynamoDBStore
from soulmate_adapters.stores import open_index, open_snapshots
from soulmate_api import build_handler
from soulmate_api import handler as lambda_handler
from soulmate_api.app import create_app, respond
from soulmate_api.build_handler import build_index
from soulmate_core.demo import demo_population
from soulmate_core.handles import alias
from soulmate_core.live import LiveIndex
from soulmate_core.matcher import exact_top_k
from soulmate_core.settings import Settings
from soulmate_core.store import Store
from tests.api_events import FakeContext, http_event
from tests.aws_standins import moto_server, set_aws_env, standin_limits
from tests.fakes.spotify_server import FakeSpotify, sample_user
from tests.store_spies import CountingStore

pytestmark = pytest.mark.slow  # a moto server and a fake Spotify per module

TRIP_HOP = [("Portishead", ["trip hop"]), ("Massive Attack", ["trip hop"]), ("Tricky", ["trip hop"])]
LISTENERS = {
    "tok-ana": sample_user("acc-ana", "Ana", [*TRIP_HOP, ("Burial", []), ("Bonobo", None)]),
    "tok-bo": sample_user("acc-bo", "Bo", [*TRIP_HOP, ("Burial", [])]),
    "tok-cy": sample_user("acc-cy", "Cy", [*TRIP_HOP, ("Bonobo", None)]),
    "tok-di": sample_user("acc-di", "Di", [*TRIP_HOP[:2], ("Moloko", ["trip hop"])]),
}


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    with moto_server() as url:
        yield url


@pytest.fixture
def spotify() -> Iterator[FakeSpotify]:
    with FakeSpotify() as fake:
        for token, user in LISTENERS.items():
            fake.add_user(token, user)
        yield fake


@pytest.fixture
def settings(endpoint: str, spotify: FakeSpotify, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """A fresh table pair with the demo listeners in it, and an empty bucket, as the stack has them."""
    set_aws_env(monkeypatch, endpoint)
    name = uuid.uuid4().hex[:12]
    store = DynamoDBStore(f"profiles-{name}", limits=standin_limits())
    store.create_tables()
    store.put_many(demo_population(40))
    store.close()
    boto3.session.Session().client("s3").create_bucket(
        Bucket=f"index-{name}", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}
    )
    return Settings(
        store_url=f"dynamodb://profiles-{name}",
        index_path=f"s3://index-{name}/serving/index.npz",
        spotify_api_base=spotify.api_base,
        spotify_timeout=2.0,
    )


class Container:
    """One API Lambda container, wired as ``handler.configure`` wires it: its own store client,
    its own serving index over the shared S3 snapshot, its own app."""

    def __init__(self, settings: Settings) -> None:
        self.store = CountingStore(open_store(settings.store_url))
        store: Store = self.store  # type: ignore[assignment]
        self.index = open_index(store, settings.store_url, settings.index_path, serving=True)
        self.app = create_app(settings, store, index=self.index)

    def __call__(self, method: str, path: str, **kwargs: Any) -> tuple[int, Any]:
        answer = respond(self.app, http_event(method, path, **kwargs), FakeContext())
        text = answer.get("body") or ""
        return answer["statusCode"], json.loads(text) if text else None

    def matches(self, user_id: str, token: str) -> list[dict[str, Any]]:
        status, body = self("GET", f"/matches/{user_id}", token=token, query={"limit": "10"})
        assert status == 200, body
        found: list[dict[str, Any]] = body["matches"]
        return found


def sign_up(api: Container) -> None:
    for token in LISTENERS:
        assert api("POST", "/taste-profile", token=token, body={"discoverable": True})[0] == 200


def test_the_build_function_writes_the_snapshot_the_api_function_then_serves(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both Lambda entry points, configured from the environment as in AWS."""
    for name, value in (
        ("SOULMATE_STORE", settings.store_url),
        ("SOULMATE_INDEX", settings.index_path),
        ("SOULMATE_SPOTIFY_API_BASE", settings.spotify_api_base),
    ):
        monkeypatch.setenv(name, str(value))
    monkeypatch.setattr(lambda_handler, "_apps", [])
    scans: list[int] = []
    scan = DynamoDBStore.iter_all

    def counted(self: DynamoDBStore) -> Iterator[Any]:
        scans.append(self.scan_segments)
        return scan(self)

    monkeypatch.setattr(DynamoDBStore, "iter_all", counted)
    answer = lambda_handler.handler(
        http_event("POST", "/taste-profile", token="tok-ana", body={"discoverable": True}), FakeContext()
    )
    assert answer["statusCode"] == 200

    summary = build_handler.handler({}, FakeContext())
    discoverable = [p for p in demo_population(40) if p.discoverable]
    assert summary["listeners"] == len(discoverable) + 1 and summary["skipped_corrupt"] == 0
    assert summary["bytes"] > 0 and summary["build_seconds"] >= 0
    assert scans == [build_handler.SCAN_SEGMENTS]
    bucket, key = str(settings.index_path).removeprefix("s3://").split("/", 1)
    head = boto3.session.Session().client("s3").head_object(Bucket=bucket, Key=key)
    assert head["ServerSideEncryption"] == "AES256" and head["ContentLength"] == summary["bytes"]

    answer = lambda_handler.handler(http_event("GET", "/matches/acc-ana", token="tok-ana"), FakeContext())
    assert answer["statusCode"] == 200
    assert len(json.loads(answer["body"])["matches"]) == 10
    assert scans == [build_handler.SCAN_SEGMENTS], "the API never scans the table"


def test_a_fresh_container_without_a_snapshot_answers_503_and_does_not_scan(settings: Settings) -> None:
    api = Container(settings)
    sign_up(api)
    status, body = api("GET", "/matches/acc-ana", token="tok-ana")
    assert status == 503
    assert body == {
        "error": "index_not_ready",
        "message": "the match index is being built; try again shortly",
    }
    assert api.store.full_reads == 0

    build_index(settings)  # the schedule, or someone invoking BuildIndex by hand
    found = api.matches("acc-ana", "tok-ana")
    assert handles(settings, "acc-bo", "acc-cy", "acc-di") <= {m["handle"] for m in found}
    assert api.store.full_reads == 0


def handles(settings: Settings, *user_ids: str) -> set[str]:
    return {alias(u, settings.alias_key) for u in user_ids}


@pytest.mark.parametrize("other_container", [False, True], ids=["same container", "another container"])
def test_deletes_opt_outs_and_changed_profiles_hold_on_the_very_next_query(
    settings: Settings, spotify: FakeSpotify, other_container: bool
) -> None:
    reader = Container(settings)
    writer = Container(settings) if other_container else reader
    sign_up(writer)
    build_index(settings)
    bo, cy, di = (alias(u, settings.alias_key) for u in ("acc-bo", "acc-cy", "acc-di"))
    before = [m["handle"] for m in reader.matches("acc-ana", "tok-ana")]
    assert {bo, cy, di} <= set(before)
    assert before[0] != di

    assert writer("DELETE", "/taste-profile/acc-bo", token="tok-bo")[0] == 204
    assert writer("POST", "/taste-profile", token="tok-cy", body={"discoverable": False})[0] == 200
    spotify.add_user("tok-di", sample_user("acc-di", "Di", [*TRIP_HOP, ("Burial", []), ("Bonobo", None)]))
    assert writer("POST", "/taste-profile", token="tok-di", body={"discoverable": True})[0] == 200

    found = reader.matches("acc-ana", "tok-ana")
    ids = [m["handle"] for m in found]
    assert bo not in ids and cy not in ids
    assert ids[0] == di and found[0]["score"] == pytest.approx(1.0, abs=1e-6)  # Ana's twin now
    live = open_store(settings.store_url)
    try:
        ana = live.get("acc-ana")
        assert ana is not None
        exact = exact_top_k(live, reader.index.matcher().snapshot, ana, 10)
    finally:
        live.close()
    assert [(m["handle"], m["score"]) for m in found] == [
        (alias(m.other_id, settings.alias_key), pytest.approx(m.score, abs=0.005))
        for m in exact  # rounded
    ]
    assert reader.store.full_reads == 0 and writer.store.full_reads == 0


@dataclass
class CountingSnapshots:
    """The S3 snapshots, counting how often the serving index asks for the stamp."""

    inner: Any
    stamps: int = 0

    def load(self) -> bytes | None:
        data: bytes | None = self.inner.load()
        return data

    def save(self, data: bytes) -> None:
        self.inner.save(data)

    def stamp(self) -> str | None:
        self.stamps += 1
        stamp: str | None = self.inner.stamp()
        return stamp


def test_a_container_asks_s3_for_a_newer_snapshot_at_most_every_reload_seconds(settings: Settings) -> None:
    build_index(settings)
    store = open_store(settings.store_url)
    me = store.get("demo-0000")
    assert me is not None
    remote = CountingSnapshots(open_snapshots(str(settings.index_path)))
    patient = LiveIndex(
        store, remote, compact_in_background=False, build_if_missing=False, reload_seconds=3600
    )
    first = patient.matcher().snapshot
    for _ in range(5):
        patient.matcher().top_k(me, 5)
    assert remote.stamps == 1 and patient.matcher().snapshot is first

    eager = LiveIndex(
        store, open_snapshots(str(settings.index_path)), build_if_missing=False, reload_seconds=0
    )
    old = eager.matcher().snapshot
    store.put_many(demo_population(50)[40:])
    newer = build_index(settings)
    deadline = time.monotonic() + 10
    while eager.matcher().snapshot.built_at != newer["built_at"]:
        assert time.monotonic() < deadline, "the newer snapshot in S3 was never loaded"
        time.sleep(0.05)
    assert len(eager.matcher().snapshot) > len(old)
    store.close()
