"""``need``: a missing browser, stand-in or data file skips a test on a laptop and fails it under CI.

Each case runs pytest in a child process on a tiny generated test file, with ``CI`` set or not, and
reads the outcome from its JUnit report.
"""

from __future__ import annotations

import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
TEST_FILE = "test_generated.py"
TESTS = """
from tests.requirements_check import need


def test_with_what_it_needs():
    need(True, "a thing that is here")


def test_without_what_it_needs():
    need(False, "a thing that is not here")
"""


def outcomes(tmp_path: Path, ci: str | None) -> tuple[int, dict[str, str]]:
    """(pytest's exit code, test name -> "passed" / "skipped" / "failed") for one value of CI."""
    (tmp_path / TEST_FILE).write_text(TESTS)
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"  # plain pytest starts in a fraction of the time
    if ci is not None:
        env["CI"] = ci
    report = tmp_path / "report.xml"
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", f"--junitxml={report}", TEST_FILE],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    outcome = {"skipped": "skipped", "failure": "failed", "error": "failed"}
    found = {
        case.get("name", ""): next((outcome[c.tag] for c in case if c.tag in outcome), "passed")
        for case in ET.parse(report).iter("testcase")
    }
    return done.returncode, found


@pytest.mark.parametrize("ci", ["true", "1"])
def test_a_missing_requirement_fails_under_ci(tmp_path: Path, ci: str) -> None:
    code, found = outcomes(tmp_path, ci)
    assert found == {"test_with_what_it_needs": "passed", "test_without_what_it_needs": "failed"}
    assert code == pytest.ExitCode.TESTS_FAILED


@pytest.mark.parametrize("ci", [None, "false", "0"])
def test_a_missing_requirement_is_skipped_outside_ci(tmp_path: Path, ci: str | None) -> None:
    code, found = outcomes(tmp_path, ci)
    assert found == {"test_with_what_it_needs": "passed", "test_without_what_it_needs": "skipped"}
    assert code == pytest.ExitCode.OK
