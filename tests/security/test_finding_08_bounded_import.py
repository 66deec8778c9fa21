"""Finding 8: import memory was not bounded by the size cap (200 MB of JSON took 852 MB), the CLI
read /dev/zero until memory ran out, and the dashboard accepted 200 MB uploads from anyone.

Peak memory is measured in a fresh process, by ``resource.getrusage`` (resident set, all memory)
and by ``tracemalloc`` (Python and numpy allocations), from after the imports to the end of a real
``soulmate import-spotify-export`` of a file just under the cap: both stay under 2× the cap.
"""

from __future__ import annotations

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
from soulmate_core.settings import DEFAULT_MAX_EXPORT_MB
from tests import export_fixtures as fx

ROOT = Path(__file__).resolve().parents[2]
CAP_MB = 16

MEASURE = """
import json, sys
from soulmate_cli import main
import numpy, soulmate_adapters.stores, soulmate_core.sources.spotify_export  # loaded first

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


def _hostile_history(path: Path, size: int) -> int:
    """An account-data file of short rows whose every artist and track is new: the most plays and
    the most distinct names a byte of input can carry. Returns the file's size."""
    with path.open("w", encoding="utf-8") as out:
        out.write("[")
        written, i = 1, 0
        while written < size - 200:
            row = json.dumps(
                {
                    "endTime": "2026-01-01 10:00",
                    "artistName": f"a{i}",
                    "trackName": f"t{i}",
                    "msPlayed": i + 1,
                }
            )
            out.write(("," if i else "") + row + "\n")
            written += len(row) + 2
            i += 1
        out.write("]")
    return path.stat().st_size


@pytest.mark.slow
@pytest.mark.parametrize("packed", [False, True], ids=["json", "zip"])
def test_peak_memory_stays_under_twice_the_cap(tmp_path: Path, packed: bool) -> None:
    cap = CAP_MB * 2**20
    history = tmp_path / "StreamingHistory_music_0.json"
    size = _hostile_history(history, cap - 2**20)
    path = history
    if packed:
        path = tmp_path / "my_spotify_data.zip"
        path.write_bytes(fx.zip_of({f"Spotify Account Data/{history.name}": history.read_bytes()}))
        history.unlink()
    store = f"sqlite:///{tmp_path / 's.db'}"
    result = _soulmate(
        "--store", store, "import-spotify-export", str(path), "--user-id", "me", entry=("-c", MEASURE)
    )
    assert result.returncode == 0, result.stderr
    measured = json.loads(result.stdout.splitlines()[-1])
    assert measured["code"] == 0, result.stderr
    assert size > cap * 0.9  # the file is as large as the cap allows
    # The peak resident set less what the process held before the import: an upper bound on what
    # the import added.
    assert measured["rss_peak"] - measured["rss_before"] < 2 * cap, measured
    print(f"file {size / 2**20:.1f} MB, cap {CAP_MB} MB: {measured}")


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
