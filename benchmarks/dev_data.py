"""Benchmark: the issue's end-to-end CLI sequence on the shared Last.fm dev data, stage by stage.

    python benchmarks/dev_data.py [DATA_DIR]      (default: <repo>/../shared/data/lastfm-hetrec-dev)

Runs, as real subprocesses on a fresh SQLite store,

    soulmate --store URL import-listens listens.csv --genres artist_genres.csv
    soulmate --store URL matches --all --limit 10 --format jsonl

checks that every user got 10 distinct matches (never themself), then times the same work stage by
stage in process. Machines are noisy, so the same run also times two baselines: reading the CSV
with the stdlib csv module, and a plain artist-set Jaccard top-10 for everyone. Not a test: it
prints a table and exits 1 only when a check fails.
"""

from __future__ import annotations

import csv
import heapq
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from soulmate_adapters import open_store
from soulmate_core import MatchIndex
from soulmate_core.handles import DEVELOPMENT_KEY
from soulmate_core.schema import MatchesOut
from soulmate_core.sources.listens import tally_listens

REPO = Path(__file__).resolve().parent.parent
DEFAULT_DATA = REPO.parent / "shared" / "data" / "lastfm-hetrec-dev"
LIMIT = 10
BUDGET_SECONDS = 60.0

T = TypeVar("T")


def timed(rows: list[tuple[str, float]], stage: str, work: Callable[[], T]) -> T:
    start = time.perf_counter()
    result = work()
    rows.append((stage, time.perf_counter() - start))
    return result


def soulmate(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "soulmate_cli", *argv],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )


def csv_baseline(listens: Path) -> int:
    with listens.open(encoding="utf-8", newline="") as handle:
        return sum(1 for _ in csv.reader(handle))


def jaccard_baseline(listens: Path, k: int) -> int:
    """Top-k by artist-set Jaccard for every user: the plain pairwise pass to compare against."""
    artists: dict[str, set[str]] = {}
    with listens.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            artists.setdefault(row["user_id"], set()).add(row["artist"].casefold())
    users = list(artists)
    found = 0
    for me in users:
        mine = artists[me]
        scored = (
            (len(mine & artists[other]) / len(mine | artists[other]), other) for other in users if other != me
        )
        found += len(heapq.nlargest(k, scored))
    return found


def check_cli_output(text: str, users: int, errors: list[str]) -> None:
    lines = [json.loads(line) for line in text.splitlines()]
    if len(lines) != users:
        errors.append(f"matches --all wrote {len(lines)} lines for {users} users")
    for line in lines:
        ids = [m["user_id"] for m in line["matches"]]
        if len(ids) != LIMIT or len(set(ids)) != LIMIT or line["user_id"] in ids:
            errors.append(
                f"user {line['user_id']} got {len(set(ids))} distinct matches (self included: "
                f"{line['user_id'] in ids})"
            )
            break


def main(argv: list[str]) -> int:
    data = Path(argv[0]) if argv else DEFAULT_DATA
    listens, genres = data / "listens.csv", data / "artist_genres.csv"
    if not (listens.is_file() and genres.is_file()):
        print(f"skipped: no dev data at {data} (expected listens.csv and artist_genres.csv)")
        return 0

    rows: list[tuple[str, float]] = []
    errors: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        # 1. The sequence, exactly as a user runs it.
        url = "sqlite:///" + str(Path(tmp) / "cli.db")
        imported = timed(
            rows,
            "CLI import-listens (subprocess)",
            lambda: soulmate("--store", url, "import-listens", str(listens), "--genres", str(genres)),
        )
        if imported.returncode != 0:
            errors.append(f"import-listens exited {imported.returncode}: {imported.stderr.strip()}")
        found = timed(
            rows,
            f"CLI matches --all --limit {LIMIT} (subprocess)",
            lambda: soulmate("--store", url, "matches", "--all", "--limit", str(LIMIT), "--format", "jsonl"),
        )
        if found.returncode != 0:
            errors.append(f"matches --all exited {found.returncode}: {found.stderr.strip()}")
        cli_total = rows[0][1] + rows[1][1]

        # 2. The same work in process, stage by stage.
        tally = timed(rows, "  read + validate + sum both CSVs", lambda: tally_listens(listens, genres))
        with tally:
            profiles = timed(rows, "  build profiles", lambda: list(tally.profiles()))
            listen_count, artist_count = tally.rows, tally.artists
        store = open_store("sqlite:///" + str(Path(tmp) / "stages.db"))
        try:
            timed(rows, "  write to SQLite (one transaction)", lambda: store.put_many(profiles))
            loaded = timed(rows, "  load all profiles from SQLite", lambda: list(store.iter_all()))
        finally:
            store.close()
        index = timed(rows, "  build MatchIndex", lambda: MatchIndex.build(loaded))
        everyone = timed(rows, f"  top-{LIMIT} for everyone + explain", lambda: list(index.top_k_all(LIMIT)))
        timed(
            rows,
            "  JSON lines",
            lambda: [MatchesOut.of(u, ms, DEVELOPMENT_KEY).model_dump_json() for u, ms in everyone],
        )

        # 3. Same-run baselines.
        timed(rows, "baseline: stdlib csv.reader over listens.csv", lambda: csv_baseline(listens))
        timed(
            rows,
            f"baseline: plain Jaccard top-{LIMIT} (pure Python)",
            lambda: jaccard_baseline(listens, LIMIT),
        )

    users = len(loaded)
    if found.returncode == 0:
        check_cli_output(found.stdout, users, errors)
    short = [u for u, ms in everyone if len(ms) != LIMIT]
    if short:
        errors.append(f"{len(short)} users got fewer than {LIMIT} matches in process")

    csv_seconds = dict(rows)["baseline: stdlib csv.reader over listens.csv"]
    width = max(len(stage) for stage, _ in rows)
    print(f"{users} users, {listen_count} listens, {artist_count} artists ({data})")
    print(f"{'stage':<{width}}  {'seconds':>8}  {'x csv parse':>11}")
    for stage, seconds in rows:
        print(f"{stage:<{width}}  {seconds:8.3f}  {seconds / csv_seconds:11.1f}")
    print(f"{'CLI sequence total':<{width}}  {cli_total:8.3f}  (budget {BUDGET_SECONDS:.0f} s)")
    if cli_total > BUDGET_SECONDS:
        errors.append(f"the CLI sequence took {cli_total:.1f} s, over the {BUDGET_SECONDS:.0f} s budget")
    for error in errors:
        print(f"FAIL: {error}")
    if not errors:
        print(f"ok: every one of {users} users got {LIMIT} matches")
    return 1 if errors else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
