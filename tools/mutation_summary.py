"""Print the totals of the last ``make mutation`` run: how many mutants the tests killed.

Reads the counts mutmut writes with ``mutmut export-cicd-stats``. A mutant "not killed" is one that
survived every test that runs its function, or that no test runs at all.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

DEFAULT = Path("mutants/mutmut-cicd-stats.json")


def summary(stats: dict[str, int]) -> str:
    total = stats["total"]
    not_killed = stats["survived"] + stats["no_tests"]
    rate = 100.0 * not_killed / total if total else 0.0
    return (
        f"mutants {total}: killed {stats['killed']}, survived {stats['survived']}, "
        f"no tests {stats['no_tests']}, timeouts {stats['timeout']}, suspicious {stats['suspicious']}; "
        f"not killed {not_killed} ({rate:.1f}%)"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("stats", nargs="?", type=Path, default=DEFAULT, help="mutmut's CI/CD stats file")
    path = parser.parse_args(argv).stats
    print(summary(json.loads(path.read_text(encoding="utf-8"))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
