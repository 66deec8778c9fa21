"""Finding 8: import memory was not bounded by the size cap (200 MB of JSON took 852 MB; a 7 MB
listens CSV took 2 GB), the CLI read /dev/zero until memory ran out, and the dashboard accepted 200 MB
uploads from anyone.

Peak memory is measured in a fresh process from ``/proc/self/status``: the peak resident set
(``VmHWM``) at the end of a real ``soulmate import...`` less the resident set (``VmRSS``) just
before it began, after the modules it uses were imported. That difference bounds from above what
the import added, whether Python, numpy or SQLite allocated it. Inputs are as large as the cap
allows and shaped to cost the most memory a byte can: every play or row a new artist (and track),
in every format the importer reads, the text formats' rows as short as they can be.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
import tomllib
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from streamlit import config as streamlit_config
from streamlit.testing.v1 import AppTest

from soulmate_app.settings import UPLOAD_OPTION, load_settings
from soulmate_core.errors import InputError
from soulmate_core.settings import DEFAULT_MAX_EXPORT_MB
from soulmate_core.sources.history import profile_from_history, read_history
from tests import export_fixtures as fx

ROOT = Path(__file__).resolve().parents[2]
CAP_MB = 8
"""Small enough that the fixed cost of a run (SQLite's caches, one batch of rows) is a real share
of twice the cap, so an import whose memory follows its input fails the test by far."""

MEASURE = """
import json, sys
from soulmate_cli import main
import numpy, soulmate_adapters.stores, soulmate_core.store.sqlite  # loaded first
import soulmate_core.sources.history, soulmate_core.sources.listens

def status(field):
    with open("/proc/self/status") as lines:
        return next(int(line.split()[1]) * 1024 for line in lines if line.startswith(field))

before = status("VmRSS:")
code = main(sys.argv[1:])
print(json.dumps({"code": code, "rss_before": before, "rss_peak": status("VmHWM:")}))
"""


def _soulmate(
    *argv: str,
    cap_mb: int = CAP_MB,
    stdin: bytes | None = None,
    entry: tuple[str, str] = ("-m", "soulmate_cli"),
) -> subprocess.CompletedProcess[str]:
    """``soulmate ARGV...`` in a fresh process (``entry`` may wrap it in a measuring script)."""
    return subprocess.run(
        [sys.executable, *entry, *argv],
        input=stdin.decode("latin-1") if stdin is not None else None,
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "SOULMATE_MAX_EXPORT_MB": str(cap_mb)},
        cwd=ROOT,
        check=False,
        timeout=300,
    )


def _fill(path: Path, size: int, head: str, row: Callable[[int], str], sep: str, tail: str) -> None:
    """``head``, then rows ``row(0)``, ``row(1)``... joined by ``sep`` while they fit in ``size``
    bytes, then ``tail``."""
    with path.open("w", encoding="utf-8") as out:
        out.write(head)
        written, i = len(head) + len(tail), 0
        while True:
            text = (sep if i else "") + row(i)
            if written + len(text) > size:
                break
            out.write(text)
            written += len(text)
            i += 1
        out.write(tail)


def _account_row(i: int) -> str:
    return json.dumps(
        {"endTime": "2026-01-01 10:00", "artistName": f"a{i}", "trackName": f"t{i}", "msPlayed": i + 1}
    )


def _extended_row(i: int) -> str:
    return json.dumps(
        {
            "ts": "2026-01-01T10:00:00Z",
            "ms_played": i + 1,
            "master_metadata_track_name": f"t{i}",
            "master_metadata_album_artist_name": f"a{i}",
            "spotify_track_uri": f"spotify:track:{i}",
        }
    )


def _export(shape: str, tmp_path: Path, size: int) -> list[str]:
    """A history file (or a zip of one) of ``size`` bytes unpacked; the command's arguments."""
    name, row = {
        "account": ("StreamingHistory_music_0.json", _account_row),
        "extended": ("Streaming_History_Audio_2026_0.json", _extended_row),
    }[shape.removesuffix("-zip")]
    history = tmp_path / name
    _fill(history, size, "[", row, ",\n", "]")
    path = history
    if shape.endswith("-zip"):
        path = tmp_path / "my_spotify_data.zip"
        path.write_bytes(fx.zip_of({f"Spotify Account Data/{name}": history.read_bytes()}))
        history.unlink()
    return ["import-spotify-export", str(path), "--user-id", "me"]


def _listens(tmp_path: Path, size: int) -> list[str]:
    """A listens table of 50,000 users whose every row is a new artist, with a genres file for
    them: both together ``size`` bytes."""
    listens, genres = tmp_path / "listens.csv", tmp_path / "artist_genres.csv"
    _fill(
        listens,
        size * 7 // 8,
        "user_id,artist,weight\n",
        lambda i: f"{i % 50_000},a{i},{i % 97 + 1}\n",
        "",
        "",
    )
    _fill(genres, size // 8, "artist,genre\n", lambda i: f"a{i},g{i % 5000}\n", "", "")
    return ["import-listens", str(listens), "--genres", str(genres)]


def _listenbrainz_line(i: int) -> str:
    artist = f"a{i}"
    mbid = f"{i:08x}-0000-4000-8000-000000000000"
    return json.dumps(
        {
            "listened_at": 1767261600 + i,
            "track_metadata": {
                "artist_name": artist,
                "track_name": f"t{i}",
                "additional_info": {
                    "duration_ms": 200_000,
                    "spotify_id": f"https://open.spotify.com/track/{i}",
                },
                "mbid_mapping": {
                    "artist_mbids": [mbid],
                    "artists": [{"artist_credit_name": artist, "artist_mbid": mbid}],
                },
            },
        }
    )


def _scrobbles(case: str, tmp_path: Path, size: int) -> list[str]:
    """One person's scrobbles (Last.fm and Libre.fm CSVs, a .scrobbler.log, ListenBrainz lines; the
    text formats' rows as short as a row can be) or many people's timed plays, every row a new artist
    and track."""
    name, head, row = {
        "lastfm": ("scrobbles.csv", "", lambda i: f"a{i},,t{i},{1 + i % 28:02d} Jan 2026 10:{i % 60:02d}\n"),
        "librefm": ("librefm.csv", "time,artist,track,album\n", lambda i: f"{1767261600 + i},a{i},t{i},\n"),
        "scrobbler-log": (
            ".scrobbler.log",
            "#AUDIOSCROBBLER/1.1\n",
            lambda i: f"a{i}\t\tt{i}\t\t\tL\t{1767261600 + i}\n",
        ),
        "listenbrainz": ("1.jsonl", "", lambda i: _listenbrainz_line(i) + "\n"),
        "timed": (
            "timed.csv",
            "user_id,ts,artist,track,album,ms_played\n",
            lambda i: f"{i % 50_000},{1767261600 + i},a{i},t{i},,{40_000 + i}\n",
        ),
    }[case]
    path = tmp_path / name
    _fill(path, size, head, row, "", "")
    return ["import", str(path), *([] if case == "timed" else ["--user-id", "me"])]


SCROBBLES = ("lastfm", "librefm", "scrobbler-log", "listenbrainz", "timed")


def _inputs(case: str, tmp_path: Path, size: int) -> list[str]:
    if case in SCROBBLES:
        return _scrobbles(case, tmp_path, size)
    return _listens(tmp_path, size) if case == "listens" else _export(case, tmp_path, size)


CASES = [
    "account",
    "account-zip",
    "extended",
    "listens",
    "librefm",  # the shortest rows, so the most plays a byte
    *(
        pytest.param(case, marks=pytest.mark.slow)
        for case in ("lastfm", "scrobbler-log", "listenbrainz", "timed")
    ),
]


def _peak_added(case: str, tmp_path: Path, cap_mb: int) -> tuple[int, int]:
    """(bytes of input, bytes the import added at its peak for that input) for one run just under
    the cap. For the play-by-play formats, the peak added by a run of the same format on a tiny input
    (the stores' page caches, the first allocations) is taken off, so what is measured is what grows
    with the input. (A tiny Spotify history here holds only plays under 30 s, and imports nothing.)"""
    fixed = _peak_of(case, tmp_path / "tiny", cap_mb, 2**16)[1] if case in SCROBBLES else 0
    size, added = _peak_of(case, tmp_path / "full", cap_mb, cap_mb * 2**20 - 2**16)
    print(
        f"{case}: input {size / 2**20:.1f} MB, cap {cap_mb} MB, added {added / 2**20:.1f} MB"
        f" ({fixed / 2**20:.1f} MB of it for any input)"
    )
    return size, added - fixed


def _peak_of(case: str, tmp_path: Path, cap_mb: int, wanted: int) -> tuple[int, int]:
    """(bytes of input, bytes the import added at its peak) for one run of about ``wanted`` bytes."""
    tmp_path.mkdir()
    argv = _inputs(case, tmp_path, wanted)
    size = sum(f.stat().st_size for f in tmp_path.iterdir())
    if case.endswith("-zip"):
        size = wanted  # what it unpacks to
    store = f"sqlite:///{tmp_path / 's.db'}"
    result = _soulmate("--store", store, *argv, cap_mb=cap_mb, entry=("-c", MEASURE))
    assert result.returncode == 0, result.stderr
    measured = json.loads(result.stdout.splitlines()[-1])
    assert measured["code"] == 0, result.stderr
    return size, measured["rss_peak"] - measured["rss_before"]


@pytest.mark.parametrize("case", CASES)
def test_peak_memory_stays_under_twice_the_cap(tmp_path: Path, case: str) -> None:
    size, added = _peak_added(case, tmp_path, CAP_MB)
    assert size > CAP_MB * 2**20 * 0.98  # the input is as large as the cap allows
    assert added < 2 * CAP_MB * 2**20


@pytest.mark.slow
@pytest.mark.parametrize("case", [c if isinstance(c, str) else c.values[0] for c in CASES])
def test_peak_memory_stays_under_twice_a_larger_cap(tmp_path: Path, case: str) -> None:
    size, added = _peak_added(case, tmp_path, 32)
    assert size > 32 * 2**20 * 0.98
    assert added < 2 * 32 * 2**20


@pytest.mark.parametrize("command", ["import-spotify-export", "import-listens"])
def test_dev_zero_stops_at_the_cap_with_exit_2(tmp_path: Path, command: str) -> None:
    extra = ["--user-id", "me"] if command == "import-spotify-export" else []
    result = _soulmate("--store", f"sqlite:///{tmp_path / 's.db'}", command, "/dev/zero", *extra, cap_mb=8)
    assert result.returncode == 2
    assert "zero: the input is larger than the 8 MB cap" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_pipe_longer_than_the_cap_stops_at_the_cap_with_exit_2(tmp_path: Path) -> None:
    stream = (
        b"["
        + b'{"endTime": "2026-01-01 10:00", "artistName": "a", "trackName": "t", "msPlayed": 1},'
        * (9 * 2**20 // 80)
    )
    store = f"sqlite:///{tmp_path / 's.db'}"
    result = _soulmate(
        "--store", store, "import-spotify-export", "/dev/stdin", "--user-id", "me", cap_mb=4, stdin=stream
    )
    assert result.returncode == 2
    assert "stdin: the input is larger than the 4 MB cap" in result.stderr


def test_a_zip_bomb_stops_at_the_cap_with_exit_2(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.zip"
    bomb.write_bytes(fx.bomb_zip(16))
    result = _soulmate(
        "--store",
        f"sqlite:///{tmp_path / 's.db'}",
        "import-spotify-export",
        str(bomb),
        "--user-id",
        "me",
        cap_mb=4,
    )
    assert result.returncode == 2
    assert "bomb.zip" in result.stderr and "zip bomb" in result.stderr


@pytest.fixture
def upload_option() -> Iterator[str]:
    """Streamlit's server upload limit, put back after the test: it is the process's, not a run's."""
    saved = streamlit_config.get_option(UPLOAD_OPTION)
    yield UPLOAD_OPTION
    streamlit_config.set_option(UPLOAD_OPTION, saved)


@pytest.mark.parametrize("cap_mb", [3, DEFAULT_MAX_EXPORT_MB])
def test_the_dashboard_accepts_no_upload_larger_than_the_importers_cap(
    app: Callable[[], AppTest], upload_option: str, monkeypatch: pytest.MonkeyPatch, cap_mb: int
) -> None:
    monkeypatch.setenv("SOULMATE_MAX_EXPORT_MB", str(cap_mb))
    streamlit_config.set_option(upload_option, 1000)  # whatever the shipped config.toml says
    configured = load_settings().max_export_bytes  # the importer's cap, as the dashboard reads it
    at = app()  # Connect, with its uploader
    assert not at.exception, at.exception
    uploader = at.get("file_uploader")[0].proto
    assert uploader.max_upload_size_mb * 2**20 == configured  # what the browser enforces
    assert streamlit_config.get_option(upload_option) * 2**20 == configured  # and the server


def test_the_shipped_upload_limit_is_the_default_cap_until_the_first_page_runs() -> None:
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["maxUploadSize"] == DEFAULT_MAX_EXPORT_MB


def test_visitors_get_no_error_details_no_developer_toolbar_and_no_usage_statistics() -> None:
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["client"]["showErrorDetails"] == "none"
    assert config["client"]["toolbarMode"] == "viewer"
    assert config["browser"]["gatherUsageStats"] is False
    # ...and the installed Streamlit reads them so: its own view of the effective configuration.
    shown = subprocess.run(
        [str(Path(sys.executable).with_name("streamlit")), "config", "show"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
        timeout=120,
    ).stdout
    for line in (
        'showErrorDetails = "none"',
        'toolbarMode = "viewer"',
        "gatherUsageStats = false",
        f"maxUploadSize = {DEFAULT_MAX_EXPORT_MB}",
    ):
        assert f"\n{line}\n" in shown


def test_an_upload_is_read_as_a_stream_and_left_open_for_the_caller() -> None:
    upload = io.BytesIO(fx.as_json(fx.extended_rows()))
    history = read_history([("Streaming_History_Audio_2025_0.json", upload)])
    profile = profile_from_history(history, user_id="me", display_name="Me")  # a second pass
    assert profile.top_artists("long_term", 1)[0].name == "Radiohead"
    assert not upload.closed


def test_the_cap_holds_for_several_files_together() -> None:
    under_the_cap = b"[" + b" " * (600 * 1024) + b"]"
    files = [(f"StreamingHistory_music_{i}.json", io.BytesIO(under_the_cap)) for i in range(2)]
    with pytest.raises(InputError, match="larger than the 1 MB cap"):
        read_history(files, max_total_bytes=2**20)
