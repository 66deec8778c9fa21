"""Benchmark: importing a 10-year Spotify extended streaming history of about 200,000 plays.

    python -m benchmarks.bench_import [--plays 200000] [--years 10] [--work DIR]
    make bench-quick / make bench          (both run it as it is)

The history is generated in Spotify's shape (``Streaming_History_Audio_YYYY-YYYY_N.json`` files of
about 20,000 plays each, every field an export row has, one row a line), from invented listening:
3,000 artists of Zipf-like popularity, 8 tracks each, daily sessions over the years, with the noise a
real history holds (skips, short plays, podcasts, audiobooks, private sessions). The same seed gives
the same files.

``soulmate import FILES --user-id bench`` runs in a fresh process, as ``tests/security/
test_finding_08_bounded_import.py`` measures it: its wall time around ``main``, and the peak
resident memory the import added (``VmHWM`` at the end less ``VmRSS`` just before, after the modules
it uses were imported). Once for the loose JSON files, once for the zip Spotify sends (whose size
counts unpacked). Prints a table, then the targets (under 10 s; peak memory added under twice the
files' size) with "met" or "MISSED"; exits 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
END = datetime(2026, 3, 1, tzinfo=UTC)
PER_FILE = 20_000
ARTISTS = 3_000
TRACKS_PER_ARTIST = 8
TIME_LIMIT_S = 10.0
MEMORY_LIMIT = 2.0  # times the files' size

MEASURE = """
import json, sys, time
from soulmate_cli import main
import numpy, soulmate_adapters.stores, soulmate_core.store.sqlite, soulmate_core.sources.history

def status(field):
    with open("/proc/self/status") as lines:
        return next(int(line.split()[1]) * 1024 for line in lines if line.startswith(field))

before = status("VmRSS:")
started = time.perf_counter()
code = main(sys.argv[1:])
seconds = time.perf_counter() - started
print(json.dumps({"code": code, "seconds": seconds, "rss_before": before, "rss_peak": status("VmHWM:")}))
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plays", type=int, default=200_000)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "soulmate-bench-import")
    args = parser.parse_args(argv)
    folder = args.work / f"history-{args.plays}-{args.years}y"
    files = generate(folder, args.plays, args.years)
    size = sum(f.stat().st_size for f in files)
    archive = zip_of(folder, files)
    print(
        f"a generated {args.years}-year extended streaming history: {args.plays:,} plays in {len(files)} "
        f"files, {size / 2**20:.1f} MB ({archive.stat().st_size / 2**20:.1f} MB zipped)\n"
    )
    rows = [
        ("loose JSON files", size, measure([str(f) for f in files], args.work, size)),
        ("the zip", size, measure([str(archive)], args.work, size)),
    ]
    heads = ("plays", "MB", "import s", "peak added MB", "x size", "VmHWM MB")
    print(f"{'input':<18} " + " ".join(f"{h:>{max(7, len(h))}}" for h in heads))
    for label, bytes_in, found in rows:
        cells = (
            f"{args.plays:,}",
            f"{bytes_in / 2**20:.1f}",
            f"{found['seconds']:.2f}",
            f"{found['added'] / 2**20:.1f}",
            f"{found['added'] / bytes_in:.2f}",
            f"{found['rss_peak'] / 2**20:.1f}",
        )
        print(f"{label:<18} " + " ".join(f"{c:>{max(7, len(h))}}" for c, h in zip(cells, heads, strict=True)))
    print()
    return targets(rows)


def measure(paths: list[str], work: Path, size: int) -> dict[str, float]:
    """``soulmate import PATHS --user-id bench`` in a fresh process, into a new store."""
    store = work / "bench.db"
    for leftover in work.glob("bench.db*"):
        leftover.unlink()
    cap_mb = max(500, 2 * size // 2**20)
    env = {**os.environ, "SOULMATE_MAX_EXPORT_MB": str(cap_mb)}
    command = [
        sys.executable,
        "-c",
        MEASURE,
        "--store",
        f"sqlite:///{store}",
        "import",
        *paths,
        "--user-id",
        "bench",
    ]
    done = subprocess.run(
        command, capture_output=True, text=True, cwd=ROOT, env=env, check=False, timeout=600
    )
    if done.returncode:
        raise SystemExit(f"soulmate import failed:\n{done.stderr}")
    found = json.loads(done.stdout.splitlines()[-1])
    if found["code"]:
        raise SystemExit(f"soulmate import exited {found['code']}:\n{done.stderr}")
    found["added"] = found["rss_peak"] - found["rss_before"]
    return found


def targets(rows: list[tuple[str, int, dict[str, float]]]) -> int:
    missed = 0
    print(f"{'target':<46} {'measured':>9} {'limit':>7}  verdict")
    for label, size, found in rows:
        for name, measured, limit in (
            (f"import time, {label} (s)", found["seconds"], TIME_LIMIT_S),
            (f"peak memory added / size, {label}", found["added"] / size, MEMORY_LIMIT),
        ):
            met = measured < limit
            missed += not met
            print(f"{name:<46} {measured:>9.2f} {limit:>7}  {'met' if met else 'MISSED'}")
    return 1 if missed else 0


# --- the history ---------------------------------------------------------------------------------


def generate(folder: Path, plays: int, years: int) -> list[Path]:
    """The history's JSON files, made once per size and kept in ``folder``."""
    done = folder / "done"
    if done.exists():
        return sorted(folder.glob("Streaming_History_Audio_*.json"))
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("Streaming_History_Audio_*.json"):
        old.unlink()
    rows = list(_rows(plays, years))
    paths = []
    for part, start in enumerate(range(0, len(rows), PER_FILE)):
        chunk = rows[start : start + PER_FILE]
        first, last = chunk[0]["ts"][:4], chunk[-1]["ts"][:4]
        path = folder / f"Streaming_History_Audio_{first}-{last}_{part}.json"
        path.write_text(
            "[\n" + ",\n".join(json.dumps(r, ensure_ascii=False) for r in chunk) + "\n]\n", encoding="utf-8"
        )
        paths.append(path)
    done.touch()
    return paths


def zip_of(folder: Path, files: list[Path]) -> Path:
    archive = folder / "my_spotify_data.zip"
    if not archive.exists():
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as out:
            for path in files:
                out.write(path, f"Spotify Extended Streaming History/{path.name}")
    return archive


def _rows(plays: int, years: int) -> Iterator[dict[str, Any]]:
    rng = random.Random(2026)
    start = END - timedelta(days=365 * years)
    weights = [1 / (rank + 10) for rank in range(ARTISTS)]
    artists = rng.choices(range(ARTISTS), weights=weights, k=plays)
    step = (END - start) / plays
    for i, artist in enumerate(artists):
        moment = start + step * i + timedelta(seconds=rng.randrange(60))
        track = rng.randrange(TRACKS_PER_ARTIST)
        length = 120_000 + (artist * 7919 + track * 104_729) % 300_000
        kind = rng.random()
        if kind < 0.02:
            yield _row(moment, None, None, rng.randrange(60_000, 3_600_000), "trackdone", episode=True)
        elif kind < 0.025:
            yield _row(moment, None, None, rng.randrange(60_000, 1_800_000), "trackdone", audiobook=True)
        elif kind < 0.22:  # a skip: a few seconds to most of the track
            row = _row(moment, artist, track, rng.randrange(1_000, length), "fwdbtn")
            row["skipped"] = rng.random() < 0.5
            yield row
        else:
            row = _row(moment, artist, track, length, "trackdone")
            row["incognito_mode"] = kind > 0.99
            yield row


def _row(
    moment: datetime,
    artist: int | None,
    track: int | None,
    ms: int,
    reason_end: str,
    *,
    episode: bool = False,
    audiobook: bool = False,
) -> dict[str, Any]:
    named = artist is not None and track is not None
    return {
        "ts": moment.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "username": "bench-listener",
        "platform": "Android OS 14 API 34 (Google, Pixel 8)",
        "ms_played": ms,
        "conn_country": "GB",
        "ip_addr": "203.0.113.7",
        "master_metadata_track_name": f"Track {track} of Artist {artist}" if named else None,
        "master_metadata_album_artist_name": f"Artist {artist}" if named else None,
        "master_metadata_album_album_name": f"Album {artist}" if named else None,
        "spotify_track_uri": f"spotify:track:{artist:06d}{track:02d}AbCdEfGhIjKlMn" if named else None,
        "episode_name": "An Episode" if episode else None,
        "episode_show_name": "A Show" if episode else None,
        "spotify_episode_uri": "spotify:episode:0123456789AbCdEfGhIjKl" if episode else None,
        "audiobook_title": "A Book" if audiobook else None,
        "audiobook_uri": "spotify:audiobook:0123456789AbCdEfGhIjKl" if audiobook else None,
        "audiobook_chapter_uri": None,
        "audiobook_chapter_title": None,
        "reason_start": "trackdone",
        "reason_end": reason_end,
        "shuffle": False,
        "skipped": False,
        "offline": False,
        "offline_timestamp": None,
        "incognito_mode": False,
    }


if __name__ == "__main__":
    sys.exit(main())
