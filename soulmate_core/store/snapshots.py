"""Where a match snapshot is kept between processes: a file beside the SQLite store, by default.

The S3 adapter for the serverless path speaks the same three methods.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


class SnapshotFile:
    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    def load(self) -> bytes | None:
        try:
            return self.path.read_bytes()
        except FileNotFoundError:
            return None

    def save(self, data: bytes) -> None:
        """Atomically: a reader sees the old file or the new one, never half of one."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=self.path.parent, prefix=self.path.name, suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.replace(temporary, self.path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def stamp(self) -> str | None:
        """Changes whenever a new snapshot is saved; None when there is none."""
        try:
            status = self.path.stat()
        except FileNotFoundError:
            return None
        return f"{status.st_mtime_ns}:{status.st_size}"
