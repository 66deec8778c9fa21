"""Benchmark: the match index against an exhaustive scan and a plain Python loop, by population size.

    python benchmarks/bench_matching.py [--sizes 10000 100000 1000000] [--queries 200] [--work DIR]
    make bench-quick        (10^4 and 10^5)        make bench        (10^4, 10^5 and 10^6)

Per size N, on a synthetic SQLite store (``soulmate seed-synthetic``, kept in --work and reused):

- build: ``soulmate build-index`` as a subprocess, its wall time and peak memory;
- the snapshot: bytes per user, and the time to load it;
- one user's top-10, explained, in process, by three methods: the index, the exhaustive numpy scan
  of every snapshot row, and the naive per-pair Python loop (``exact_top_k``, timed on a sample of
  the population above 10^4 and scaled up); p50 and p99, recall@10 of the index against the scan;
- the first query after a write, against the same queries' p99;
- every user's top-10 as JSON lines (``soulmate matches --all``), up to 10^5 users;
- ``serve-api``: 4 clients, GET /matches (--requests), p50/p99 and errors, against 127.0.0.1 only.

The machine's memory bandwidth is measured in the same run, so each method's time is also given
as a multiple of the floor: the time to read every byte the exhaustive scan reads once. Prints
tables, then the targets with "met" or "MISSED"; exits 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from benchmarks.bench_serve import serve_api_load
from soulmate_adapters import open_store
from soulmate_core.live import LiveIndex
from soulmate_core.matcher import exact_top_k
from soulmate_core.profile import TasteProfile
from soulmate_core.snapshot import Snapshot
from soulmate_core.store.snapshots import SnapshotFile
from soulmate_core.synthetic import synthetic_user_id

K = 10
EVERYONE = 10**9  # probe every cluster: the exhaustive scan
NAIVE_SAMPLE = 10_000


@dataclass
class Size:
    users: int
    rows: dict[str, str] = field(default_factory=dict)
    figures: dict[str, float] = field(default_factory=dict)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "soulmate-bench")
    args = parser.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    bandwidth = memory_bandwidth()
    print(f"memory bandwidth (numpy sum over 1 GB, both cores): {bandwidth / 1e9:.1f} GB/s\n")
    sizes = [measure(n, args, bandwidth) for n in args.sizes]
    print_growth(sizes)
    return print_targets(sizes)


def measure(users: int, args: argparse.Namespace, bandwidth: float) -> Size:
    size = Size(users)
    store_path = args.work / f"synthetic-{users}.db"
    env = {**os.environ, "SOULMATE_STORE": f"sqlite:///{store_path}", "SOULMATE_INDEX": f"{store_path}.npz"}
    print(f"== {users:,} users ==")
    if not store_path.exists():
        seconds, peak = run_timed(["seed-synthetic", "--users", str(users)], env)
        size.figures["seed s"] = seconds
        report(size, "seed-synthetic into SQLite", f"{seconds:.1f} s, peak {peak / 1e6:.0f} MB")
    else:
        report(size, "seed-synthetic into SQLite", "reused from an earlier run")
    seconds, peak = run_timed(["build-index"], env)
    size.figures.update({"build s": seconds, "build peak GB": peak / 1e9})
    report(size, "fit + index build (build-index)", f"{seconds:.1f} s, peak {peak / 1e9:.2f} GB")

    snapshot_file = SnapshotFile(f"{store_path}.npz")
    data = snapshot_file.load() or b""
    started = time.perf_counter()
    snapshot = Snapshot.from_bytes(data)
    size.figures["load s"] = time.perf_counter() - started
    size.figures["bytes per user"] = len(data) / max(1, len(snapshot))
    report(size, "snapshot", f"{len(data) / 1e6:.0f} MB, {size.figures['bytes per user']:.0f} B/user")
    report(size, "snapshot load", f"{size.figures['load s']:.2f} s")

    store = open_store(f"sqlite:///{store_path}")
    index = LiveIndex(store, snapshot_file, compact_in_background=False)
    matcher = index.matcher()
    people = sample_people(store, users, args.queries)
    floor = scanned_bytes(snapshot) / bandwidth
    size.figures["floor ms"] = floor * 1e3

    index_ms, found = timings(lambda me: matcher.top_k(me, K), people)
    scan_ms, exact = timings(
        lambda me: matcher.top_k(me, K, probe=EVERYONE), people[: max(20, len(people) // 4)]
    )
    recall = statistics.fmean(
        len({m.other_id for m in a} & {m.other_id for m in b}) / K for a, b in zip(found, exact, strict=False)
    )
    naive_ms = naive_loop_ms(store, snapshot, people[:3], users)
    size.figures.update(
        {"index p50 ms": pct(index_ms, 50), "index p99 ms": pct(index_ms, 99), "recall": recall}
    )
    for name, times in (("index", index_ms), ("exhaustive numpy scan", scan_ms)):
        report(
            size,
            f"top-{K} explained: {name}",
            f"p50 {pct(times, 50):.2f} ms, p99 {pct(times, 99):.2f} ms, "
            f"{pct(times, 50) / (floor * 1e3):.2f}x floor",
        )
    report(
        size,
        f"top-{K}: naive per-pair Python loop",
        f"{naive_ms:.0f} ms, {naive_ms / (floor * 1e3):.0f}x floor",
    )
    report(size, "recall@10, index against the exhaustive scan", f"{recall:.4f}")
    report(size, "full-scan floor (bytes scanned / bandwidth)", f"{floor * 1e3:.2f} ms")

    after = first_query_after_write(index, store, people)
    size.figures["after write ms"] = after
    report(size, "first query after a write", f"{after:.2f} ms (p99 of the others: {pct(index_ms, 99):.2f})")

    if users <= 100_000:
        started = time.perf_counter()
        lines = every_users_top_10(env)
        size.figures["all s"] = time.perf_counter() - started
        report(
            size,
            f"every user's top-{K}, explained, JSON lines",
            f"{size.figures['all s']:.1f} s, {lines:,} lines",
        )
    if users == 100_000:
        load = serve_api_load(env, args.requests, clients=4, like=people[0])
        size.figures.update({"api p50 ms": load.p50, "api p99 ms": load.p99, "api errors": load.errors})
        report(
            size,
            f"serve-api GET /matches, 4 clients, {load.requests} requests",
            f"p50 {load.p50:.1f} ms, p99 {load.p99:.1f} ms, {load.errors} errors",
        )
    store.close()
    print()
    return size


def report(size: Size, what: str, value: str) -> None:
    size.rows[what] = value
    print(f"  {what:<52} {value}", flush=True)


def run_timed(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall seconds and peak resident bytes of ``soulmate ARGV`` as a subprocess."""
    started = time.perf_counter()
    done = subprocess.run(
        ["/usr/bin/time", "-f", "%M", sys.executable, "-m", "soulmate_cli", *argv],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - started
    if done.returncode:
        raise SystemExit(f"soulmate {' '.join(argv)} failed:\n{done.stderr}")
    return seconds, float(done.stderr.strip().splitlines()[-1]) * 1024


def sample_people(store: object, users: int, count: int) -> list[TasteProfile]:
    picked = random.Random(7).sample(range(users), min(users, count))
    found = store.get_many([synthetic_user_id(i) for i in picked])  # type: ignore[attr-defined]
    return list(found.values())


def timings(
    query: Callable[[TasteProfile], list[object]], people: list[TasteProfile]
) -> tuple[list[float], list[list]]:
    query(people[0])  # warm
    times, results = [], []
    for me in people:
        started = time.perf_counter()
        results.append(query(me))
        times.append((time.perf_counter() - started) * 1e3)
    return times, results


def naive_loop_ms(store: object, snapshot: Snapshot, people: list[TasteProfile], users: int) -> float:
    """The per-pair loop over live profiles: whole at 10^4, on the first 10^4 profiles above, scaled."""
    times = []
    for me in people:
        started = time.perf_counter()
        exact_top_k(_Head(store, NAIVE_SAMPLE), snapshot, me, K)  # type: ignore[arg-type]
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1e3 * max(1.0, users / NAIVE_SAMPLE)


class _Head:
    """The first ``limit`` profiles of a store, for the naive loop's sample."""

    def __init__(self, store: object, limit: int) -> None:
        self.store, self.limit = store, limit

    def iter_all(self) -> object:
        for i, profile in enumerate(self.store.iter_all()):  # type: ignore[attr-defined]
            if i >= self.limit:
                return
            yield profile


def first_query_after_write(index: LiveIndex, store: object, people: list[TasteProfile]) -> float:
    changed = people[-1].with_changes(display_name="Changed", updated_at="2099-01-01T00:00:00.000000Z")
    store.put(changed)  # type: ignore[attr-defined]
    started = time.perf_counter()
    index.matcher().top_k(people[0], K)
    return (time.perf_counter() - started) * 1e3


def every_users_top_10(env: dict[str, str]) -> int:
    done = subprocess.run(
        [sys.executable, "-m", "soulmate_cli", "matches", "--all", "--format", "jsonl"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.count("\n")


def scanned_bytes(snapshot: Snapshot) -> int:
    rows = snapshot.rows
    return int(rows.latent.nbytes + rows.artists.indices.nbytes + rows.artists.data.nbytes)


def memory_bandwidth() -> float:
    block = np.ones(2**27, dtype=np.float64)  # 1 GB
    best = float("inf")
    for _ in range(5):
        started = time.perf_counter()
        block.sum()
        best = min(best, time.perf_counter() - started)
    return block.nbytes / best


def pct(values: list[float], q: float) -> float:
    return float(np.percentile(values, q))


def print_growth(sizes: list[Size]) -> None:
    columns = ["build s", "bytes per user", "load s", "index p50 ms", "index p99 ms", "recall", "floor ms"]
    print("growth: " + " | ".join(f"{c:>14}" for c in ["users", *columns]))
    for size in sizes:
        cells = [f"{size.users:>14,}"] + [f"{size.figures.get(c, float('nan')):>14.3f}" for c in columns]
        print("        " + " | ".join(cells))
    print()


TARGETS: list[tuple[str, int, str, Callable[[dict[str, float]], float], float]] = [
    ("seed-synthetic into SQLite, s", 10**6, "seed s", lambda f: f["seed s"], 600),
    ("fit + index build, s", 10**6, "build s", lambda f: f["build s"], 600),
    ("fit + index build peak memory, GB", 10**6, "build peak GB", lambda f: f["build peak GB"], 8),
    ("index size, bytes per user", 10**6, "bytes per user", lambda f: f["bytes per user"], 1500),
    ("top-10 p50, ms", 10**6, "index p50 ms", lambda f: f["index p50 ms"], 2),
    ("top-10 p99, ms", 10**6, "index p99 ms", lambda f: f["index p99 ms"], 10),
    ("recall@10", 10**6, "recall", lambda f: -f["recall"], -0.99),
    (
        "first query after a write - p99, ms",
        10**6,
        "after write ms",
        lambda f: f["after write ms"] - f["index p99 ms"],
        0,
    ),
    ("every user's top-10 at 10^5, s", 10**5, "all s", lambda f: f["all s"], 30),
    ("serve-api p50 at 10^5, ms", 10**5, "api p50 ms", lambda f: f["api p50 ms"], 30),
    ("serve-api p99 at 10^5, ms", 10**5, "api p99 ms", lambda f: f["api p99 ms"], 100),
    ("serve-api errors at 10^5", 10**5, "api errors", lambda f: f["api errors"], 0),
]


def print_targets(sizes: list[Size]) -> int:
    by_users = {s.users: s.figures for s in sizes}
    missed = 0
    print(f"{'target':<44} {'at':>9} {'measured':>10} {'limit':>8}  verdict")
    for name, users, key, value, limit in TARGETS:
        figures = by_users.get(users)
        if figures is None or key not in figures:
            print(f"{name:<44} {users:>9,} {'not run':>10}")
            continue
        measured = value(figures)
        met = measured <= limit
        missed += not met
        shown = -measured if key == "recall" else figures[key]
        print(f"{name:<44} {users:>9,} {shown:>10.3f} {abs(limit):>8}  {'met' if met else 'MISSED'}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
