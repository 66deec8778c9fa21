"""An older write still in flight, in a second process: ``python -m tests.race_writer URL``.

The parent drives it one line at a time on stdin, and reads one line back for each:

- ``begin USER``: take this write's time now, as a request does when it starts -> ``began``;
- ``write MICROSECONDS``: wait that long, then put USER's discoverable profile stamped with that
  time -> ``stored``, or ``stale`` when the store refused it as older.

``RaceWriter`` is the parent's end.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

from soulmate_adapters import open_store
from soulmate_core.errors import StaleWriteError
from soulmate_core.profile import utc_now_iso
from tests.sample_profiles import sample_profile

IN_FLIGHT_DISPLAY_NAME = "written by a request that began earlier"


def main(url: str) -> None:
    store = open_store(url)
    user, began = "", ""
    try:
        for line in sys.stdin:
            command, _, argument = line.strip().partition(" ")
            if command == "begin":
                user, began = argument, utc_now_iso()
                answer = "began"
            else:
                time.sleep(int(argument) / 1e6)
                profile = sample_profile(user, updated_at=began, display_name=IN_FLIGHT_DISPLAY_NAME)
                try:
                    store.put(profile.with_changes(discoverable=True))
                    answer = "stored"
                except StaleWriteError:
                    answer = "stale"
            print(answer, flush=True)
    finally:
        store.close()


class RaceWriter:
    """The second process, started in the repository with the parent's environment."""

    def __init__(self, url: str, cwd: str) -> None:
        self._process = subprocess.Popen(
            [sys.executable, "-m", "tests.race_writer", url],
            cwd=cwd,
            env=dict(os.environ),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def send(self, line: str) -> None:
        assert self._process.stdin is not None
        self._process.stdin.write(line + "\n")
        self._process.stdin.flush()

    def answer(self) -> str:
        assert self._process.stdout is not None
        line = self._process.stdout.readline().strip()
        if not line:
            raise RuntimeError(f"the race writer stopped (exit {self._process.wait(timeout=10)})")
        return line

    def close(self) -> None:
        if self._process.stdin:
            self._process.stdin.close()
        self._process.wait(timeout=30)
        if self._process.stdout:
            self._process.stdout.close()


if __name__ == "__main__":
    main(sys.argv[1])
