"""Write the pinned ``requirements*.txt`` from ``uv.lock``: ``make lock`` (after ``uv lock``).

pyproject.toml is the one source of truth for what the project needs; ``uv.lock`` pins it; these
files are exports of the lock for plain ``pip``. ``--check`` compares instead of writing and fails
when a file is out of date (a test runs it).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
# The Lambda Python runtime ships boto3 and its own dependencies, so the bundle leaves them out.
RUNTIME_PROVIDED = ("boto3", "botocore", "s3transfer", "jmespath")
EXPORTS: dict[str, tuple[str, ...]] = {
    "requirements.txt": ("--extra", "app", "--extra", "api"),  # make run: dashboard, CLI and local API
    "requirements-lambda.txt": ("--extra", "api", *(f"--no-emit-package={p}" for p in RUNTIME_PROVIDED)),
    "requirements-dev.txt": ("--extra", "dev"),
}
HEADER = "# Generated from uv.lock by `make lock` (tools/requirements.py); edit pyproject.toml instead.\n"


def export(args: tuple[str, ...]) -> str:
    uv = Path(sys.executable).with_name("uv")
    command = [str(uv if uv.exists() else "uv"), "export", "--frozen", "--no-hashes", "--no-emit-project"]
    result = subprocess.run(
        [*command, "--no-header", "--no-annotate", *args],
        cwd=REPO,
        check=True,
        capture_output=True,
        text=True,
    )
    return HEADER + result.stdout


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="fail if a file differs from the lock")
    check = parser.parse_args(argv).check
    stale = []
    for name, args in EXPORTS.items():
        text, path = export(args), REPO / name
        if check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                stale.append(name)
        else:
            path.write_text(text, encoding="utf-8")
    if stale:
        print(f"out of date with uv.lock: {', '.join(stale)} (run make lock)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
