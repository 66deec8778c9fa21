"""A child process for the store contract tests: ``python -m tests.store_writer URL PREFIX COUNT GO``.

Opens the store, waits until the file GO exists (so that several writers start together), then puts
COUNT sample profiles one by one.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from soulmate_adapters import open_store
from tests.sample_profiles import sample_profile


def main(url: str, prefix: str, count: int, go: Path) -> None:
    store = open_store(url)
    deadline = time.monotonic() + 60
    while not go.exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    try:
        for i in range(count):
            store.put(sample_profile(f"{prefix}-{i:03d}"))
    finally:
        store.close()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]), Path(sys.argv[4]))
