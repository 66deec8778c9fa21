"""``soulmate serve-api`` as a subprocess, the way a user starts it, for tests over real HTTP."""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


@contextlib.contextmanager
def serve_api(store_url: str, folder: Path, **env: str) -> Iterator[str]:
    """``soulmate serve-api --port 0`` with ``env`` added; yields its base URL. Its stdout and stderr
    are ``folder/serve-api.out`` and ``.err``."""
    out_path, err_path = folder / "serve-api.out", folder / "serve-api.err"
    with out_path.open("wb") as out, err_path.open("wb") as err:
        process = subprocess.Popen(
            [sys.executable, "-m", "soulmate_cli", "--store", store_url, "serve-api", "--port", "0"],
            stdout=out,
            stderr=err,
            env={**os.environ, **env},
            cwd=REPO,
        )
    try:
        yield _wait_for_url(out_path, err_path, process)
    finally:
        process.terminate()
        process.wait(timeout=20)


def _wait_for_url(out: Path, err: Path, process: subprocess.Popen[bytes]) -> str:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        found = re.search(r"http://127\.0\.0\.1:\d+", out.read_text(encoding="utf-8", errors="replace"))
        if found:
            return found.group(0)
        if process.poll() is not None:
            raise RuntimeError(f"serve-api exited: {err.read_text(encoding='utf-8', errors='replace')}")
        time.sleep(0.05)
    raise RuntimeError("serve-api did not start within 60 s")
