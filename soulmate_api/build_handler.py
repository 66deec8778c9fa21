"""The BuildIndex Lambda: ``soulmate_api.build_handler.handler``, on a schedule or invoked by hand.

It reads every profile from the store (DynamoDB: ``SCAN_SEGMENTS`` parallel Scan segments), fits
the match snapshot and saves it where ``SOULMATE_INDEX`` says (S3 in AWS). The API's containers
notice the new object within ``RELOAD_SECONDS`` and swap it in; none of them ever scans the table.
The event is ignored, so the schedule's event and ``aws lambda invoke`` with ``{}`` do the same.
"""

from __future__ import annotations

import time
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from soulmate_adapters import open_store
from soulmate_adapters.stores import open_snapshots
from soulmate_core.errors import StoreError
from soulmate_core.live import build_snapshot
from soulmate_core.settings import Settings, get_settings

SCAN_SEGMENTS = 8
"""Parallel Scan segments: DynamoDB serves each one at its own pace, the threads overlap the waits."""

logger = Logger(service="soulmate-build-index")


def build_index(settings: Settings, scan_segments: int = SCAN_SEGMENTS) -> dict[str, Any]:
    """Build the snapshot from ``settings``' store and save it to ``settings``' index; a summary."""
    if not settings.index_path:
        raise StoreError("SOULMATE_INDEX is unset: the build has nowhere to save the snapshot")
    snapshots = open_snapshots(settings.index_path)
    store = open_store(settings.store_url, scan_segments=scan_segments)
    try:
        started = time.perf_counter()
        snapshot = build_snapshot(store)
        data = snapshot.to_bytes()
        built = time.perf_counter()
        snapshots.save(data)
        saved = time.perf_counter()
        skipped = len(store.skipped)
    finally:
        store.close()
    return {
        "listeners": len(snapshot),
        "skipped_corrupt": skipped,
        "store_version": snapshot.store_version,
        "built_at": snapshot.built_at,
        "bytes": len(data),
        "build_seconds": round(built - started, 3),
        "save_seconds": round(saved - built, 3),
    }


@logger.inject_lambda_context(log_event=False)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    summary = build_index(get_settings())
    logger.info("match snapshot saved", extra=summary)
    return summary
