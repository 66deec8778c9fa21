"""Finding 4: DynamoDB writes and the version counter were not atomic. With the version bump
failing (injected through a proxy), a DELETE answered 503 but the row was gone and the user stayed
in everyone's matches; a retry got 404. ``import-listens`` into DynamoDB exited 2 after writing
50 profiles.

moto serves DynamoDB over HTTP behind a local proxy that refuses chosen requests with
``AccessDeniedException``, as a missing grant on the counter's table would. Every check reads the
table directly, past the proxy. A write and its version now go in one transaction: with the
version refused, a delete does nothing at all (503, the profile still there and still matched),
its retry answers 204 and the user is gone from every process's matches. An import larger than one
transaction that fails midway leaves the table as it was, or names exactly what it could not undo.
"""

from __future__ import annotations

import itertools
import json
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from soulmate_adapters.dynamodb import DynamoDBStore
from soulmate_api.app import create_app, respond
from soulmate_core.errors import PartialWriteError, StoreError
from soulmate_core.settings import Settings
from tests.api_events import FakeContext, http_event
from tests.aws_standins import moto_server, new_table, set_aws_env, standin_limits
from tests.cli_runner import run
from tests.fakes.spotify_server import FakeSpotify
from tests.sample_profiles import sample_profile
from tests.security.erasure_proxies import Proxy, Seen, serving
from tests.test_api_handler import ANA, BO

pytestmark = pytest.mark.slow  # moto over HTTP

IMPORTED = 250  # users in the import: three transactions of at most 99
WRITES = {"PutItem", "UpdateItem", "DeleteItem", "TransactWriteItems", "BatchWriteItem"}


@pytest.fixture(scope="module")
def moto() -> Iterator[str]:
    with moto_server() as endpoint:
        yield endpoint


@pytest.fixture
def proxy(moto: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Proxy]:
    """The proxy, refusing nothing yet; the environment's DynamoDB endpoint is the proxy."""
    chosen = Proxy(moto)
    with serving(chosen) as url:
        set_aws_env(monkeypatch, url)
        yield chosen


@pytest.fixture
def table(proxy: Proxy) -> str:
    return new_table()


@pytest.fixture
def direct(moto: str, table: str) -> Iterator[DynamoDBStore]:
    """The same table read past the proxy: what is really stored."""
    store = DynamoDBStore(table, client=boto3.session.Session().client("dynamodb", endpoint_url=moto))
    yield store
    store.close()


@pytest.fixture
def spotify() -> Iterator[FakeSpotify]:
    with FakeSpotify() as fake:
        for token, user in (("tok-ana", ANA), ("tok-bo", BO)):
            fake.add_user(token, user)
        yield fake


def _writes_to(table_name: str) -> Callable[[Seen], bool]:
    """Refuse any write that touches ``table_name`` (reads still work)."""
    return lambda seen: seen.dynamodb_operation in WRITES and f'"{table_name}"' in seen.body.decode()


class Api:
    """One Lambda container: its own store client and match index, over the proxy."""

    def __init__(self, table: str, spotify: FakeSpotify) -> None:
        self.app = create_app(
            Settings(spotify_api_base=spotify.api_base, spotify_timeout=5.0),
            DynamoDBStore(table, limits=standin_limits()),
        )

    def __call__(
        self, method: str, path: str, token: str, body: Any = None, query: dict[str, str] | None = None
    ) -> tuple[int, Any]:
        event = http_event(method, path, token=token, body=body, query=query)
        answer = respond(self.app, event, FakeContext())
        text = answer.get("body") or ""
        return answer["statusCode"], json.loads(text) if text else None

    def matched(self) -> list[str]:
        """Whom Bo is matched with, by the name each chose (shown with a tag: "Ana #k3x9")."""
        status, body = self("GET", "/matches/acc-bo", "tok-bo", query={"limit": "50"})
        assert status == 200, body
        return [m["display_name"].rsplit(" #", 1)[0] for m in body["matches"]]


def test_a_delete_whose_version_bump_fails_changes_nothing_and_its_retry_removes_the_user_everywhere(
    proxy: Proxy, table: str, direct: DynamoDBStore, spotify: FakeSpotify
) -> None:
    here, elsewhere = Api(table, spotify), Api(table, spotify)
    assert here("POST", "/taste-profile", "tok-ana", {"discoverable": True, "display_name": "Ana"})[0] == 200
    assert here("POST", "/taste-profile", "tok-bo", {"discoverable": True})[0] == 200
    assert here.matched() == elsewhere.matched() == ["Ana"]
    before, stored = direct.version(), direct.get("acc-ana")

    proxy.refuse = _writes_to(table + "-meta")  # the version counter cannot be written
    status, body = here("DELETE", "/taste-profile/acc-ana", "tok-ana")
    assert status == 503, body
    assert proxy.refused, "the fault was never injected"
    assert direct.get("acc-ana") == stored  # nothing happened: no half-done delete
    assert direct.version() == before
    assert here.matched() == elsewhere.matched() == ["Ana"]  # still there, as the 503 said

    proxy.refuse = lambda _: False
    assert here("DELETE", "/taste-profile/acc-ana", "tok-ana")[0] == 204  # the retry deletes
    assert direct.get("acc-ana") is None and direct.version() != before
    assert here.matched() == elsewhere.matched() == []  # gone from every container's matches
    assert here("GET", "/taste-profile/acc-ana", "tok-ana")[0] == 404
    assert here("DELETE", "/taste-profile/acc-ana", "tok-ana")[0] == 404


def test_a_save_whose_version_bump_fails_stores_nothing(
    proxy: Proxy, table: str, direct: DynamoDBStore, spotify: FakeSpotify
) -> None:
    api = Api(table, spotify)
    proxy.refuse = _writes_to(table + "-meta")
    assert api("POST", "/taste-profile", "tok-ana", {"discoverable": True})[0] == 503
    assert direct.get("acc-ana") is None
    assert direct.version() == "dynamodb:0"


def test_a_transaction_cancelled_by_a_concurrent_one_is_tried_again(
    proxy: Proxy, table: str, direct: DynamoDBStore
) -> None:
    """Every write shares the counter item, so real DynamoDB cancels one of two overlapping
    transactions (``TransactionConflict``); the stand-ins never do, so the proxy plays it once."""
    conflicts = itertools.count(1)
    proxy.refusal = {
        "__type": "com.amazonaws.dynamodb.v20120810#TransactionCanceledException",
        "message": "Transaction cancelled, please refer cancellation reasons for specific reasons "
        "[TransactionConflict, None]",
        "CancellationReasons": [{"Code": "TransactionConflict"}, {"Code": "None"}],
    }
    proxy.refuse = lambda seen: seen.dynamodb_operation == "TransactWriteItems" and next(conflicts) <= 2
    DynamoDBStore(table, limits=standin_limits()).put(sample_profile("ana"))
    assert len(proxy.refused) == 2
    assert direct.get("ana") == sample_profile("ana") and direct.version() == "dynamodb:1"


def _listens(path: Path) -> Path:
    rows = ["user_id,artist,weight"] + [
        f"imp-{u:03d},{artist},{w}"
        for u in range(IMPORTED)
        for w, artist in enumerate(("Burial", f"A{u}"), 1)
    ]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def _once_the_table_holds(moto: str, table: str, count: int) -> Callable[[Seen], bool]:
    """Refuse one write: the first to arrive once ``table`` holds ``count`` items or more."""
    client = boto3.session.Session().client("dynamodb", endpoint_url=moto)
    done = threading.Event()

    def refuse(seen: Seen) -> bool:
        if done.is_set() or seen.dynamodb_operation not in WRITES or f'"{table}"' not in seen.body.decode():
            return False
        if client.scan(TableName=table, Select="COUNT", ConsistentRead=True)["Count"] < count:
            return False
        done.set()
        return True

    return refuse


def _raw_user_ids(moto: str, table: str) -> set[str]:
    """Every item's user id, tombstones included: nothing may be left behind."""
    client = boto3.session.Session().client("dynamodb", endpoint_url=moto)
    pages = client.get_paginator("scan").paginate(TableName=table, ConsistentRead=True)
    return {item["user_id"]["S"] for page in pages for item in page.get("Items", [])}


def test_an_import_that_fails_midway_leaves_the_table_as_it_was(
    moto: str,
    proxy: Proxy,
    table: str,
    direct: DynamoDBStore,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    keeper = sample_profile("imp-007", updated_at="2025-01-01T00:00:00.000000Z")  # also in the file
    direct.put(keeper)
    proxy.refuse = _once_the_table_holds(moto, table, 100)

    code, _, err = run(
        capsys, "--store", f"dynamodb://{table}", "import-listens", str(_listens(tmp_path / "l.csv"))
    )

    assert code == 2, err
    assert len(proxy.refused) == 1  # the third transaction: two (198 profiles) had been written
    assert "AccessDeniedException" in err and "nothing was kept (the 198 profiles written were undone)" in err
    assert _raw_user_ids(moto, table) == {"imp-007"}
    assert direct.get("imp-007") == keeper


def test_a_transaction_that_landed_but_answered_an_error_is_undone_too(
    moto: str, proxy: Proxy, table: str
) -> None:
    """The third transaction is applied, but its answer is lost (a 500) and botocore's retry of
    it is refused: the write failed, yet its profiles are in the table. They are undone too."""
    transactions: list[object] = []

    def refuse(seen: Seen) -> bool:
        if seen.dynamodb_operation == "TransactWriteItems":
            transactions.append(seen)
            return len(transactions) == 4
        return False

    proxy.refuse = refuse
    proxy.lose = lambda seen: seen.dynamodb_operation == "TransactWriteItems" and len(transactions) == 3
    profiles = [sample_profile(f"imp-{u:03d}", artists=2) for u in range(IMPORTED)]

    with pytest.raises(StoreError, match="nothing was kept"):
        DynamoDBStore(table, limits=standin_limits()).put_many(profiles)
    assert len(proxy.refused) == 1
    assert _raw_user_ids(moto, table) == set()


def test_an_import_whose_undo_fails_too_names_exactly_the_profiles_left(
    moto: str, proxy: Proxy, table: str, direct: DynamoDBStore
) -> None:
    transactions = itertools.count(1)
    proxy.refuse = lambda seen: seen.dynamodb_operation == "TransactWriteItems" and next(transactions) >= 3
    profiles = [sample_profile(f"imp-{u:03d}", artists=2) for u in range(IMPORTED)]

    with pytest.raises(PartialWriteError) as failed:
        DynamoDBStore(table, limits=standin_limits()).put_many(profiles)
    assert set(failed.value.left) == _raw_user_ids(moto, table) and len(failed.value.left) == 198

    proxy.refuse = lambda _: False
    direct.put_many(profiles)  # a later run completes it
    assert _raw_user_ids(moto, table) == {p.user_id for p in profiles}
