"""What a test needs from the machine beyond the Python packages: a browser, a DynamoDB stand-in, data.

``need(condition, what)`` lets a developer without, say, Chromium run the rest of the suite: the test
is skipped. Under CI (``CI`` set, and not "false" or "0") the same gap fails the test instead, since
CI installs everything (``.ci/run``) and a skip there would quietly drop coverage.
"""

from __future__ import annotations

import os

import pytest


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().casefold() not in ("", "false", "0")


def need(condition: object, what: str) -> None:
    """Carry on when ``condition`` holds; otherwise skip, or fail under CI, saying ``what`` is missing."""
    if condition:
        return
    if in_ci():
        pytest.fail(f"{what} is missing, and CI must run every test", pytrace=False)
    pytest.skip(f"{what} is missing")
