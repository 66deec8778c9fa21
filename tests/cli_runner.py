"""Run the ``soulmate`` command in-process, as the tests of the CLI and of imports do."""

from __future__ import annotations

import pytest

from soulmate_cli import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """(exit code, stdout, stderr) of ``soulmate ARGV...``; argparse's own exits count too."""
    try:
        code = main(list(argv))
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err
