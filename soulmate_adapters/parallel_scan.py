"""A DynamoDB table read by N parallel Scan segments, one thread each, as one stream of pages.

Each thread follows its segment's pagination (1 MB pages) and hands whole pages to the reader
through a bounded queue, so at most ``2 × segments`` pages wait in memory and a slow reader slows
the scans down instead of piling pages up. Pages arrive in no particular order. The first error in
any segment stops the others and is raised to the reader; so does the reader stopping early.
boto3's low-level clients are thread-safe, so the threads share the store's client.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator, Mapping
from typing import Any

Item = Mapping[str, Any]
_PUT_WAIT_SECONDS = 0.1


class _Done:
    """One segment's end of pages."""


def scan_pages(client: Any, table: str, segments: int) -> Iterator[list[Item]]:
    """Every page of ``table``'s items, read strongly consistently by ``segments`` parallel scans."""
    pages: queue.Queue[list[Item] | _Done | BaseException] = queue.Queue(maxsize=2 * segments)
    stop = threading.Event()

    def offer(message: list[Item] | _Done | BaseException) -> bool:
        while not stop.is_set():
            try:
                pages.put(message, timeout=_PUT_WAIT_SECONDS)
                return True
            except queue.Full:
                continue
        return False

    def scan(segment: int) -> None:
        try:
            paginator = client.get_paginator("scan")
            for page in paginator.paginate(
                TableName=table, ConsistentRead=True, Segment=segment, TotalSegments=segments
            ):
                if not offer(list(page.get("Items", []))):
                    return
            offer(_Done())
        except BaseException as exc:  # handed to the reader, which raises it
            offer(exc)

    threads = [
        threading.Thread(target=scan, args=(segment,), name=f"soulmate-scan-{segment}", daemon=True)
        for segment in range(segments)
    ]
    for thread in threads:
        thread.start()
    try:
        finished = 0
        while finished < segments:
            message = pages.get()
            if isinstance(message, BaseException):
                raise message
            if isinstance(message, _Done):
                finished += 1
            else:
                yield message
    finally:
        stop.set()
        for thread in threads:
            thread.join()
