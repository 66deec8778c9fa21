"""Finding 3 at the store: a delete or a hide raced by an older write from a second process, 100
rounds on each store (SQLite, and DynamoDB on moto and on dynalite), and nothing resurrected.

These are the store contract's own race tests (``tests/test_store_contract.py``), collected here
too with the contract's store factories, so that this suite reproduces the finding on every store
without a second copy of the code. ``test_finding_03_erasure_sticks.py`` races the same over HTTP,
through two ``serve-api`` processes.
"""

from __future__ import annotations

from tests.test_store_contract import (
    RACE_ROUNDS,
    dynalite_endpoint,
    dynalite_store_url,
    moto_store_url,
    sqlite_store_url,
    store,
    store_url,
    test_a_delete_raced_by_an_older_write_from_another_process_stays_deleted,
    test_a_hide_raced_by_an_older_write_from_another_process_stays_hidden,
)

__all__ = [  # fixtures and tests, used by pytest by name
    "dynalite_endpoint",
    "dynalite_store_url",
    "moto_store_url",
    "sqlite_store_url",
    "store",
    "store_url",
    "test_a_delete_raced_by_an_older_write_from_another_process_stays_deleted",
    "test_a_hide_raced_by_an_older_write_from_another_process_stays_hidden",
]


def test_the_races_run_100_rounds() -> None:
    assert RACE_ROUNDS == 100
