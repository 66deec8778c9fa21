"""The store contract: every adapter behind the ``Store`` port must pass this one suite.

Each adapter only supplies a factory: a fixture returning the URL of a fresh, empty store, with
whatever environment that URL needs already set. The suite runs against SQLite, and against the
DynamoDB adapter on moto's ``ThreadedMotoServer`` and on dynalite, both over HTTP on 127.0.0.1.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import boto3
import pytest

from soulmate_adapters import open_store
from soulmate_adapters.dynamodb import encode_item
from soulmate_core import service
from soulmate_core.catalogue import MAX_GENRES
from soulmate_core.errors import CorruptItemError, InputError, StaleWriteError, StoreError, UnknownUserError
from soulmate_core.listening import ListeningSummary
from soulmate_core.profile import TasteProfile, utc_now_iso
from soulmate_core.store import Store
from soulmate_core.trim import item_size
from tests.aws_standins import REPO, dynalite_server, new_table, set_aws_env
from tests.race_writer import RaceWriter
from tests.sample_profiles import UNICODE_ARTISTS, sample_profile, with_time

T1 = "2026-01-01T00:00:00.000000Z"
T2 = "2026-01-02T00:00:00.000000Z"
T3 = "2026-01-03T00:00:00.000000Z"

# --- the factories: one per adapter -------------------------------------------------------------


@pytest.fixture(scope="module")
def dynalite_endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with dynalite_server(tmp_path_factory.mktemp("dynalite")) as endpoint:
        yield endpoint


def _fresh_dynamodb(endpoint: str, monkeypatch: pytest.MonkeyPatch) -> str:
    set_aws_env(monkeypatch, endpoint)
    return f"dynamodb://{new_table()}"


@pytest.fixture
def sqlite_store_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'contract.db'}"


@pytest.fixture
def moto_store_url(moto_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> str:
    return _fresh_dynamodb(moto_endpoint, monkeypatch)


@pytest.fixture
def dynalite_store_url(dynalite_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> str:
    return _fresh_dynamodb(dynalite_endpoint, monkeypatch)


@pytest.fixture(params=["sqlite", *(pytest.param(s, marks=pytest.mark.slow) for s in ("moto", "dynalite"))])
def store_url(request: pytest.FixtureRequest) -> str:
    url: str = request.getfixturevalue(f"{request.param}_store_url")
    return url


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    opened = open_store(store_url)
    yield opened
    opened.close()


# --- the contract ----------------------------------------------------------------------------------


def test_round_trip_is_lossless(store: Store) -> None:
    profile = sample_profile("ana", artists=20)
    store.put(profile)
    assert store.get("ana") == profile


def test_an_imported_historys_summary_and_artist_ids_round_trip(store: Store) -> None:
    """What an import counted and left out, and the MusicBrainz ids of its artists, come back as
    they were written, however the store encodes numbers and maps."""
    summary = ListeningSummary(
        counted=48_213,
        dropped={"short": 1204, "skipped": 310, "podcast": 52, "incognito": 3},
        capped_tracks=2,
        first_play="2016-03-01",
        last_play="2026-02-28",
        ms_played=9_876_543_210,  # past 32 bits: ten years of listening is
        timed_listens=47_000,
        range_ms={"short_term": 61_234_567, "medium_term": 912_345_678, "long_term": 9_876_543_210},
    )
    base = sample_profile("ana", artists=6)
    long_term = base.ranges["long_term"]
    artists = tuple(
        replace(a, mbid=f"a74b1b7f-71a5-4011-9441-d0b5e416{i:04d}") if i % 2 else a
        for i, a in enumerate(long_term.artists)
    )
    profile = base.with_changes(
        source="history",
        listening=summary,
        ranges={**base.ranges, "long_term": replace(long_term, artists=artists)},
    )
    store.put(profile)
    assert store.get("ana") == profile
    assert [p.listening for p in store.iter_all()] == [summary]


def test_an_unknown_user_reads_as_none(store: Store) -> None:
    assert store.get("nobody") is None


def test_a_put_overwrites_the_users_one_item(store: Store) -> None:
    store.put(sample_profile("ana", updated_at=T1, artists=3))
    newer = sample_profile("ana", updated_at=T2, artists=7, display_name="Ana again")
    store.put(newer)
    assert store.get("ana") == newer
    assert [p.user_id for p in store.iter_all()] == ["ana"]


def test_a_put_with_the_same_updated_at_overwrites(store: Store) -> None:
    store.put(sample_profile("ana", artists=3))
    same_time = sample_profile("ana", artists=4)
    store.put(same_time)
    assert store.get("ana") == same_time


def test_delete_removes_only_that_user(store: Store) -> None:
    store.put_many([sample_profile("ana"), sample_profile("bo")])
    assert store.delete("ana") is True
    assert store.get("ana") is None
    assert store.delete("ana") is False
    assert store.get("bo") == sample_profile("bo")


def test_iterate_all_returns_every_profile(store: Store) -> None:
    profiles = [sample_profile(f"user-{i}") for i in range(7)]
    assert store.put_many(profiles) == 7
    assert sorted(store.iter_all(), key=lambda p: p.user_id) == profiles


@pytest.mark.parametrize("parts", [1, 2, 3, 8, 40])
def test_the_parts_of_a_store_hold_every_profile_once(store: Store, parts: int) -> None:
    profiles = [sample_profile(f"user-{i:02d}") for i in range(23)]
    store.put_many(profiles)
    read = [p for part in range(parts) for p in store.iter_part(part, parts)]
    assert sorted(read, key=lambda p: p.user_id) == profiles


def test_iterate_all_reads_more_than_a_megabyte(store: Store) -> None:
    profiles = [sample_profile(f"big-{i:02d}", artists=60, name_length=400) for i in range(45)]
    assert sum(item_size(p) for p in profiles) > 1_200_000  # DynamoDB pages Scan at 1 MB
    store.put_many(profiles)
    assert sorted(store.iter_all(), key=lambda p: p.user_id) == profiles


@pytest.mark.parametrize("user_id", ["ana", "Zoë, \"the\" 'fan'", "ユーザー", "пользователь", "مستخدم"])
def test_unicode_survives(store: Store, user_id: str) -> None:
    profile = sample_profile(user_id, display_name=f'{user_id} — "DJ", 李')
    store.put(profile)
    assert store.get(user_id) == profile
    names = {a.name.rsplit(" ", 1)[0] for a in profile.ranges["long_term"].artists}
    assert names == set(UNICODE_ARTISTS)
    assert list(store.iter_all()) == [profile]


def test_version_changes_on_every_write_and_delete(store: Store) -> None:
    seen = [store.version()]
    store.put(sample_profile("ana", updated_at=T1))
    seen.append(store.version())
    store.put(sample_profile("bo", updated_at=T1))
    seen.append(store.version())
    store.put(sample_profile("ana", updated_at=T2))
    seen.append(store.version())
    store.put_many([sample_profile("cy"), sample_profile("di")])
    seen.append(store.version())
    store.delete("bo")
    seen.append(store.version())
    assert len(set(seen)) == len(seen)
    assert store.version() == seen[-1]  # reading changes nothing


def test_a_stale_write_raises_and_changes_nothing(store: Store) -> None:
    newer = sample_profile("ana", updated_at=T2, artists=5)
    store.put(newer)
    before = store.version()
    with pytest.raises(StaleWriteError):
        store.put(sample_profile("ana", updated_at=T1, artists=9))
    assert store.get("ana") == newer
    assert store.version() == before


def test_concurrent_writers_of_one_user_leave_the_newest(store_url: str) -> None:
    times = [f"2026-02-01T00:00:{s:02d}.000000Z" for s in range(40)]
    errors: list[BaseException] = []

    def write(stamps: list[str]) -> None:
        try:
            writer = open_store(store_url)
            try:
                for stamp in stamps:
                    with contextlib.suppress(StaleWriteError):
                        writer.put(sample_profile("ana", updated_at=stamp, artists=3 + int(stamp[17:19]) % 7))
            finally:
                writer.close()
        except BaseException as exc:  # surfaced by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(times[k::2],)) for k in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    reader = open_store(store_url)
    try:
        stored = reader.get("ana")
    finally:
        reader.close()
    assert stored == sample_profile("ana", updated_at=times[-1], artists=3 + 39 % 7)


def test_two_processes_writing_100_profiles_each(store_url: str, tmp_path: Path) -> None:
    go = tmp_path / "go"
    writers = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.store_writer", store_url, prefix, "100", str(go)],
            cwd=REPO,
            env=dict(os.environ),
        )
        for prefix in ("left", "right")
    ]
    go.touch()
    assert [w.wait(timeout=120) for w in writers] == [0, 0]

    reader = open_store(store_url)
    try:
        stored = {p.user_id: p for p in reader.iter_all()}
        assert len(stored) == 200
        for prefix in ("left", "right"):
            for i in range(100):
                user_id = f"{prefix}-{i:03d}"
                assert stored[user_id] == sample_profile(user_id)
                assert reader.get(user_id) == stored[user_id]
    finally:
        reader.close()


def test_with_time_helper_keeps_content() -> None:
    assert with_time(sample_profile("x"), T3).updated_at == T3


# --- corrupt items ---------------------------------------------------------------------------------


def _plant_corrupt(store_url: str, user_id: str) -> None:
    """Write an item no adapter would write (an artist weight that is not a number, no source),
    behind the adapter's back, as a bad migration or a hand edit would."""
    body = {"display_name": "Mallory", "ranges": {"all_time": {"artists": [{"name": "X", "weight": "lots"}]}}}
    if store_url.startswith("sqlite:///"):
        with contextlib.closing(sqlite3.connect(store_url.removeprefix("sqlite:///"))) as conn, conn:
            conn.execute(
                "INSERT INTO profiles (user_id, profile, updated_at) VALUES (?, ?, ?)",
                (user_id, json.dumps(body), T1),
            )
    else:
        client = boto3.session.Session().client("dynamodb")
        client.put_item(
            TableName=store_url.removeprefix("dynamodb://"),
            Item=encode_item({"user_id": user_id, "profile": body, "updated_at": T1}),
        )


def test_a_corrupt_item_is_skipped_with_a_warning_and_breaks_no_one_elses_matches(
    store_url: str, store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    store.put(sample_profile("ana", artists=6).with_changes(discoverable=True))
    store.put(sample_profile("bo", artists=6).with_changes(discoverable=True))
    _plant_corrupt(store_url, "mallory")

    with caplog.at_level("WARNING", logger="soulmate.store"):
        readable = sorted(p.user_id for p in store.iter_all())
    assert readable == ["ana", "bo"]
    assert store.skipped == ["mallory"]
    (warning,) = [r for r in caplog.records if r.name == "soulmate.store"]
    assert warning.levelname == "WARNING" and "mallory" in warning.getMessage()

    assert [m.other_id for m in service.matches_for(store, "ana", 10)] == ["bo"]
    with pytest.raises(CorruptItemError, match="mallory") as caught:
        store.get("mallory")
    assert caught.value.user_id == "mallory"


def test_get_many_reads_the_ones_that_exist_and_skips_a_corrupt_one(store_url: str, store: Store) -> None:
    store.put_many([sample_profile(u) for u in ("ana", "bo", "cy")])
    _plant_corrupt(store_url, "mallory")
    found = store.get_many(["cy", "nobody", "ana", "mallory", "ana"])
    assert found == {"ana": store.get("ana"), "cy": store.get("cy")}
    assert store.skipped == ["mallory"]
    many = [sample_profile(f"u{i:03}", artists=2) for i in range(150)]  # more than one batch
    store.put_many(many)
    assert set(store.get_many([p.user_id for p in many])) == {p.user_id for p in many}


def test_changes_since_a_version_are_exactly_the_writes_after_it_or_unknown(store: Store) -> None:
    store.put_many([sample_profile(u) for u in ("ana", "bo", "cy")])
    before = store.version()
    unchanged = store.changes_since(before)
    assert unchanged is None or (unchanged.saved, unchanged.deleted) == ([], [])
    store.put(sample_profile("dee"))
    store.put(sample_profile("ana", updated_at=T2))
    store.delete("bo")
    changes = store.changes_since(before)
    if changes is None:  # the adapter keeps no change log (DynamoDB): readers confirm candidates
        return
    assert sorted(p.user_id for p in changes.saved) == ["ana", "dee"]
    assert changes.deleted == ["bo"]
    assert changes.version == store.version()
    assert {p.user_id: p for p in changes.saved}["ana"] == store.get("ana")
    nothing = store.changes_since(changes.version)
    assert nothing is not None and (nothing.saved, nothing.deleted) == ([], [])


# --- recovery keys: a hash per user, written with the profile, erased with it ----------------------

H1, H2, H3 = ("1" * 64, "2" * 64, "3" * 64)


def test_a_recovery_key_hash_finds_its_user_and_no_one_else(store: Store) -> None:
    ana = sample_profile("ana", artists=4)
    store.put_with_key(ana, H1)
    store.put_with_key(sample_profile("bo"), H2)
    assert store.get("ana") == ana
    assert (store.user_for_key(H1), store.user_for_key(H2), store.user_for_key(H3)) == ("ana", "bo", None)
    assert sorted(p.user_id for p in store.iter_all()) == ["ana", "bo"]  # keys are no profiles


def test_a_new_key_replaces_the_users_old_one_and_other_writes_keep_it(store: Store) -> None:
    store.put_with_key(sample_profile("ana", updated_at=T1), H1)
    before = store.version()
    store.put_with_key(sample_profile("ana", updated_at=T2), H2)
    assert store.version() != before
    assert (store.user_for_key(H1), store.user_for_key(H2)) == (None, "ana")
    store.put(sample_profile("ana", updated_at=T3, artists=6))
    store.put_many([sample_profile("ana", updated_at=T3, artists=7), sample_profile("bo")])
    service.set_discoverable(store, "ana", True)
    assert store.user_for_key(H2) == "ana"


def test_a_delete_erases_the_key_and_a_comeback_has_none(store: Store) -> None:
    store.put_with_key(sample_profile("ana"), H1)
    store.put_with_key(sample_profile("bo"), H2)
    assert store.delete("ana") is True
    assert store.user_for_key(H1) is None
    store.put(sample_profile("ana", updated_at=utc_now_iso()))
    assert store.user_for_key(H1) is None
    assert store.user_for_key(H2) == "bo"
    store.put_with_key(sample_profile("ana", updated_at=utc_now_iso()), H1)  # a new key after coming back
    assert store.user_for_key(H1) == "ana"


def test_a_stale_put_with_key_stores_neither(store: Store) -> None:
    newer = sample_profile("ana", updated_at=T2, artists=5)
    store.put_with_key(newer, H1)
    before = store.version()
    with pytest.raises(StaleWriteError):
        store.put_with_key(sample_profile("ana", updated_at=T1), H2)
    assert (store.get("ana"), store.user_for_key(H1), store.user_for_key(H2)) == (newer, "ana", None)
    assert store.version() == before
    began = utc_now_iso()
    store.delete("ana")
    with pytest.raises(StaleWriteError):  # began before the delete
        store.put_with_key(sample_profile("ana", updated_at=began), H3)
    assert (store.get("ana"), store.user_for_key(H3)) == (None, None)


def test_another_users_key_hash_is_refused_and_nothing_changes(store: Store) -> None:
    store.put_with_key(sample_profile("ana"), H1)
    before = store.version()
    with pytest.raises(StoreError):
        store.put_with_key(sample_profile("bo"), H1)
    assert (store.get("bo"), store.user_for_key(H1), store.version()) == (None, "ana", before)


# --- share codes: one per user, found by the code, replaced or dropped at once, erased with the user --

C1, C2, C3 = ("A" * 22, "B" * 22, "C" * 22)


def test_a_share_code_finds_its_user_and_its_owner_sees_it(store: Store) -> None:
    store.put_many([sample_profile("ana"), sample_profile("bo")])
    before = store.version()
    store.set_share_code("ana", C1)
    store.set_share_code("bo", C2)
    assert (store.user_for_share_code(C1), store.user_for_share_code(C2)) == ("ana", "bo")
    assert (store.share_code("ana"), store.share_code("bo"), store.share_code("cy")) == (C1, C2, None)
    assert store.user_for_share_code(C3) is None
    assert store.version() == before  # no profile changed
    assert sorted(p.user_id for p in store.iter_all()) == ["ana", "bo"]  # codes are no profiles


def test_a_new_share_code_stops_the_old_one_at_once_and_dropping_stops_sharing(store: Store) -> None:
    store.put(sample_profile("ana", updated_at=T1))
    store.set_share_code("ana", C1)
    store.set_share_code("ana", C2)
    assert (store.user_for_share_code(C1), store.user_for_share_code(C2)) == (None, "ana")
    store.put(sample_profile("ana", updated_at=T2, artists=5))  # a save keeps the code
    service.set_discoverable(store, "ana", True)
    assert (store.share_code("ana"), store.user_for_share_code(C2)) == (C2, "ana")
    assert store.drop_share_code("ana") is True
    assert (store.share_code("ana"), store.user_for_share_code(C2)) == (None, None)
    assert store.drop_share_code("ana") is False
    store.set_share_code("ana", C2)  # the same code again, once dropped
    assert store.user_for_share_code(C2) == "ana"


def test_a_delete_erases_the_share_code_and_a_comeback_has_none(store: Store) -> None:
    store.put_many([sample_profile("ana"), sample_profile("bo")])
    store.set_share_code("ana", C1)
    store.set_share_code("bo", C2)
    assert store.delete("ana") is True
    assert (store.user_for_share_code(C1), store.share_code("ana")) == (None, None)
    store.put(sample_profile("ana", updated_at=utc_now_iso()))
    assert (store.user_for_share_code(C1), store.share_code("ana")) == (None, None)
    assert store.user_for_share_code(C2) == "bo"


def test_a_share_code_needs_a_stored_profile(store: Store) -> None:
    with pytest.raises(UnknownUserError):
        store.set_share_code("nobody", C1)
    store.put(sample_profile("ana"))
    store.delete("ana")
    with pytest.raises(UnknownUserError):
        store.set_share_code("ana", C1)
    assert (store.user_for_share_code(C1), store.share_code("ana")) == (None, None)


def test_another_users_share_code_is_refused_and_nothing_changes(store: Store) -> None:
    store.put_many([sample_profile("ana"), sample_profile("bo")])
    store.set_share_code("ana", C1)
    store.set_share_code("bo", C2)
    with pytest.raises(StoreError):
        store.set_share_code("bo", C1)
    assert (store.user_for_share_code(C1), store.share_code("bo")) == ("ana", C2)


# --- the artist catalogue: genres by artist key, learned by upsert, read in batches, bounded ----------


def test_the_catalogue_gives_what_it_learned_and_leaves_unknown_artists_out(store: Store) -> None:
    assert store.genres_for(["radiohead"]) == {}
    learned = store.learn_genres({"radiohead": ("art rock", "alternative rock"), "björk": ["art pop"]})
    assert learned == 2
    asked = ["radiohead", "björk", "portishead", "radiohead"]
    assert store.genres_for(asked) == {"radiohead": ("art rock", "alternative rock"), "björk": ("art pop",)}
    assert store.genres_for([]) == {}


def test_learning_an_artist_again_replaces_its_genres_and_an_empty_list_learns_nothing(store: Store) -> None:
    store.learn_genres({"radiohead": ["art rock"], "portishead": ["trip hop"]})
    assert store.learn_genres({"radiohead": ["permanent wave", "alternative rock"], "portishead": []}) == 1
    assert store.genres_for(["radiohead", "portishead"]) == {
        "radiohead": ("permanent wave", "alternative rock"),
        "portishead": ("trip hop",),
    }


def test_an_artist_keeps_at_most_the_first_max_genres_once_each(store: Store) -> None:
    genres = ["indie", "Indie", *(f"genre {i}" for i in range(MAX_GENRES + 10))]
    store.learn_genres({"everything": genres})
    assert store.genres_for(["everything"]) == {"everything": ("indie", *genres[2 : MAX_GENRES + 1])}


def test_hundreds_of_artists_are_learned_and_read_past_one_batch(store: Store) -> None:
    """DynamoDB takes 25 puts and 100 keys a request: 260 artists and 310 keys take several."""
    known = {f"artist {i:03d} ☂": (f"genre {i % 7}", f"scene {i % 3}") for i in range(260)}
    assert store.learn_genres(known) == 260
    asked = [*(f"unknown {i}" for i in range(50)), *reversed(known)]
    assert store.genres_for(asked) == known


def test_the_catalogue_changes_no_profile_and_outlives_a_delete(store: Store) -> None:
    store.put(sample_profile("ana"))
    before = store.version()
    store.learn_genres({"radiohead": ["art rock"]})
    assert store.version() == before
    store.delete("ana")
    assert store.genres_for(["radiohead"]) == {"radiohead": ("art rock",)}


def test_a_profile_says_how_many_artists_the_catalogue_lent_genres(store: Store) -> None:
    profile = sample_profile("ana").with_changes(source="spotify-export", catalogue_genres=4)
    store.put(profile)
    assert store.get("ana") == profile
    assert next(iter(store.iter_all())).catalogue_genres == 4


# --- erasure and opt-out stick: tombstones, all-or-none writes ------------------------------------

RACE_ROUNDS = 100


def test_a_write_that_began_before_a_delete_is_refused_after_it(store: Store) -> None:
    store.put(sample_profile("ana"))
    began = utc_now_iso()
    assert store.delete("ana") is True
    with pytest.raises(StaleWriteError):
        store.put(sample_profile("ana", updated_at=began))
    assert store.get("ana") is None
    assert store.get_many(["ana"]) == {}
    assert list(store.iter_all()) == []
    with pytest.raises(StaleWriteError):  # even one stamped the very moment of the delete
        store.put_many([sample_profile("bo"), sample_profile("ana", updated_at=began)])
    assert store.get("bo") is None  # all or none


def test_a_user_who_comes_back_after_a_delete_is_stored_again(store: Store) -> None:
    store.put(sample_profile("ana"))
    assert store.delete("ana") is True
    back = sample_profile("ana", updated_at=utc_now_iso(), artists=4)
    store.put(back)
    assert store.get("ana") == back
    assert [p.user_id for p in store.iter_all()] == ["ana"]
    assert store.delete("ana") is True  # and can leave again
    assert store.get("ana") is None


def test_a_delete_of_someone_never_stored_still_stops_their_older_first_save(store: Store) -> None:
    began = utc_now_iso()
    before = store.version()
    assert store.delete("newcomer") is False
    assert store.version() == before  # no profile changed
    with pytest.raises(StaleWriteError):
        store.put(sample_profile("newcomer", updated_at=began))
    assert store.get("newcomer") is None


def test_a_delete_removes_a_profile_stamped_in_the_future_and_blocks_writes_up_to_it(store: Store) -> None:
    future = "2099-01-01T00:00:00.000000Z"
    store.put(sample_profile("ana", updated_at=future))
    assert store.delete("ana") is True
    assert store.get("ana") is None
    with pytest.raises(StaleWriteError):
        store.put(sample_profile("ana", updated_at=future))


def test_a_hide_holds_against_an_older_write(store: Store) -> None:
    store.put(sample_profile("ana").with_changes(discoverable=True))
    began = utc_now_iso()
    assert service.set_discoverable(store, "ana", False).discoverable is False
    with pytest.raises(StaleWriteError):
        store.put(sample_profile("ana", updated_at=began).with_changes(discoverable=True))
    stored = store.get("ana")
    assert stored is not None and stored.discoverable is False


def test_changes_since_reports_a_delete_and_a_comeback(store: Store) -> None:
    store.put(sample_profile("ana"))
    before = store.version()
    store.delete("ana")
    gone = store.changes_since(before)
    if gone is None:  # DynamoDB: readers confirm candidates against the table instead
        return
    assert (gone.saved, gone.deleted) == ([], ["ana"])
    store.put(sample_profile("ana", updated_at=utc_now_iso()))
    back = store.changes_since(gone.version)
    assert back is not None and [p.user_id for p in back.saved] == ["ana"] and back.deleted == []


def test_put_many_past_one_transaction_is_all_or_none(store: Store) -> None:
    store.put(sample_profile("u120", updated_at=T3))
    kept = {p.user_id: p for p in store.iter_all()}
    batch = [sample_profile(f"u{i:03}", updated_at=T2, artists=2) for i in range(250)]
    with pytest.raises(StaleWriteError) as refused:  # u120 is stored newer: the 121st of 250
        store.put_many(batch)
    assert refused.value.user_id == "u120"
    assert {p.user_id: p for p in store.iter_all()} == kept
    assert store.put_many(batch[121:]) == 129


def test_put_many_reads_a_generator_as_it_writes_and_an_error_from_it_undoes_everything(
    store: Store,
) -> None:
    """An import hands ``put_many`` a generator of profiles so it never holds them all: one that
    fails late (a bad profile, an interrupt) leaves the store as it was."""
    kept = {p.user_id: p for p in store.iter_all()}
    read: list[str] = []

    def profiles() -> Iterator[TasteProfile]:
        for i in range(250):
            read.append(f"g{i:03}")
            yield sample_profile(f"g{i:03}", updated_at=T2, artists=2)
        raise InputError("a bad row after 250 profiles", "listens.csv:251")

    with pytest.raises(InputError):
        store.put_many(profiles())
    assert len(read) == 250
    assert {p.user_id: p for p in store.iter_all()} == kept
    assert store.put_many(sample_profile(f"g{i:03}", updated_at=T2) for i in range(3)) == 3


def _race(
    request: pytest.FixtureRequest, store: Store, act: Callable[[str], None], outcome: Callable[[str], bool]
) -> None:
    """``RACE_ROUNDS`` rounds: a second process begins a write of a stored, discoverable user; this
    process then runs ``act`` (a delete or a hide) on them; the older write lands after it (even
    rounds: only once ``act`` has returned, as in the finding) or around it (odd rounds: after a
    random pause on each side). ``outcome`` must hold after every round: nothing resurrected."""
    rng = random.Random(3)
    store_url: str = request.getfixturevalue("store_url")
    writer = RaceWriter(store_url, str(REPO))
    answers: list[str] = []
    resurrected = []
    try:
        for round_ in range(RACE_ROUNDS):
            user = f"race-{round_:03d}"
            store.put(sample_profile(user).with_changes(discoverable=True))
            writer.send(f"begin {user}")
            assert writer.answer() == "began"
            if round_ % 2 == 0:
                act(user)
                writer.send("write 0")
            else:
                writer.send(f"write {rng.randrange(3000)}")
                time.sleep(rng.randrange(3000) / 1e6)
                act(user)
            answers.append(writer.answer())
            if not outcome(user):
                resurrected.append(user)
    finally:
        writer.close()
    stale = answers.count("stale")
    print(
        f"\n{request.node.name}: {RACE_ROUNDS} rounds, {stale} older writes refused, "
        f"{answers.count('stored')} landed first and were undone by the delete or hide, "
        f"{len(resurrected)} resurrected"
    )
    assert resurrected == []
    assert stale >= RACE_ROUNDS // 2  # every even round, at least, raced as in the finding


def test_a_delete_raced_by_an_older_write_from_another_process_stays_deleted(
    request: pytest.FixtureRequest, store: Store
) -> None:
    def delete(user: str) -> None:
        assert store.delete(user) is True  # the API answers 204

    _race(request, store, delete, lambda user: store.get(user) is None and store.get_many([user]) == {})


def test_a_hide_raced_by_an_older_write_from_another_process_stays_hidden(
    request: pytest.FixtureRequest, store: Store
) -> None:
    def hide(user: str) -> None:
        service.set_discoverable(store, user, False)

    def hidden(user: str) -> bool:
        stored = store.get(user)
        return stored is not None and not stored.discoverable

    _race(request, store, hide, hidden)
