"""Finding 7: crafted exports crashed the importer with a traceback and exit 1, and the dashboard
showed anonymous visitors the stack trace.

Each crafted input is built here and fed to the real ``soulmate`` entry point and to the Connect
page's upload: exit 2 (or a short message on the page) naming ``file:line``, and the store keeps
exactly what it had. An error nobody expected shows visitors only an id, which the log also carries.
"""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from soulmate_adapters import open_store
from tests import export_fixtures as fx
from tests.cli_runner import run
from tests.markdown_text import as_read

DASHBOARD = str(Path(__file__).resolve().parents[2] / "dashboard.py")
ACCOUNT = "StreamingHistory_music_0.json"
EXTENDED = "Streaming_History_Audio_2025_0.json"
GOOD_ACCOUNT = (
    '{"endTime": "2026-02-01 10:00", "artistName": "Portishead", "trackName": "Roads", "msPlayed": 1000}'
)


def _account_file(bad_row: str) -> bytes:
    """Two good plays, then the crafted one on line 4."""
    return f"[\n{GOOD_ACCOUNT},\n{GOOD_ACCOUNT},\n{bad_row}\n]\n".encode()


def _account_row(ms_played: str, end_time: str = "2026-02-01 10:00") -> str:
    return f'{{"endTime": "{end_time}", "artistName": "A", "trackName": "T", "msPlayed": {ms_played}}}'


def _encrypted_zip() -> bytes:
    """A zip whose member claims traditional PKWARE encryption (general purpose flag bit 0)."""
    data = bytearray(fx.zip_of({f"Spotify Account Data/{ACCOUNT}": _account_file(GOOD_ACCOUNT)}))
    for signature, flag_at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = data.find(signature) + flag_at
        data[at] |= 0x01
    return bytes(data)


def _listens_zip(bad_line: str) -> bytes:
    """A ListenBrainz export whose listens file has two good listens, then ``bad_line`` on line 3."""
    good = json.dumps({"listened_at": 1767261600, "track_metadata": {"artist_name": "A", "track_name": "T"}})
    content = f"{good}\n{good}\n{bad_line}\n".encode()
    return fx.zip_of({"user.json": b"{}", "listens/2026/1.jsonl": content})


LISTENS = "listens/2026/1.jsonl"
LASTFM_ROW = "Portishead,Dummy,Roads,01 Jan 2026 10:00\n"

# (id, file name, content, what the message must name)
CRAFTED = [
    ("nan-play-time", ACCOUNT, _account_file(_account_row("NaN")), f"{ACCOUNT}:4"),
    ("infinity-play-time", ACCOUNT, _account_file(_account_row("Infinity")), f"{ACCOUNT}:4"),
    ("minus-infinity-play-time", ACCOUNT, _account_file(_account_row("-Infinity")), f"{ACCOUNT}:4"),
    ("1e400-play-time", ACCOUNT, _account_file(_account_row("1e400")), f"{ACCOUNT}:4"),
    (
        "1e400-play-time-in-a-zip",
        "my_spotify_data.zip",
        fx.zip_of({f"Spotify Account Data/{ACCOUNT}": _account_file(_account_row("1e400"))}),
        f"{ACCOUNT}:4",
    ),
    ("5000-digit-integer", ACCOUNT, _account_file(_account_row("7" * 5000)), f"{ACCOUNT}:4"),
    ("deeply-nested-json", ACCOUNT, _account_file("[" * 100_000 + "]" * 100_000), f"{ACCOUNT}:4"),
    (
        "deeply-nested-field",
        ACCOUNT,
        _account_file(_account_row("[" * 100_000 + "]" * 100_000)),
        f"{ACCOUNT}:4",
    ),
    ("year-1-account-time", ACCOUNT, _account_file(_account_row("1000", "0001-01-01 00:00")), f"{ACCOUNT}:4"),
    (
        "year-1-extended-time",
        EXTENDED,
        fx.as_json([{**fx.extended_rows()[0], "ts": "0001-01-01T00:00:00Z"}]),
        f"{EXTENDED}:1",
    ),
    ("lone-surrogate-name", ACCOUNT, _account_file(GOOD_ACCOUNT.replace("Roads", "\\ud800")), f"{ACCOUNT}:4"),
    (
        "encrypted-zip",
        "secret.zip",
        _encrypted_zip(),
        f"secret.zip:Spotify Account Data/{ACCOUNT}",
    ),
    (
        "listenbrainz-nan-time",
        "lb.zip",
        _listens_zip('{"listened_at": NaN, "track_metadata": {}}'),
        f"{LISTENS}:3",
    ),
    (
        "listenbrainz-deep-nesting",
        "lb.zip",
        _listens_zip('{"listened_at": 1, "track_metadata": ' + "[" * 100_000 + "]" * 100_000 + "}"),
        f"{LISTENS}:3",
    ),
    (
        "listenbrainz-5000-digit-time",
        "lb.zip",
        _listens_zip('{"listened_at": ' + "7" * 5000 + ', "track_metadata": {}}'),
        f"{LISTENS}:3",
    ),
    (
        "listenbrainz-lone-surrogate",
        "lb.zip",
        _listens_zip(
            '{"listened_at": 1767261600, "track_metadata": {"artist_name": "\\ud800", "track_name": "T"}}'
        ),
        f"{LISTENS}:3",
    ),
    (
        "lastfm-200k-character-field",
        "scrobbles.csv",
        (LASTFM_ROW * 2 + "x" * 200_000 + ",a,t,01 Jan 2026 10:00\n").encode(),
        "scrobbles.csv:3",
    ),
    ("lastfm-1e400-time", "scrobbles.csv", (LASTFM_ROW * 2 + "A,B,C,1e400\n").encode(), "scrobbles.csv:3"),
    (
        "scrobbler-log-not-utf8",
        ".scrobbler.log",
        b"#AUDIOSCROBBLER/1.1\n#TZ/UTC\nA\tB\tC\t1\t200\tL\t1767261600\t\n"
        b"Sigur R\xf3s\tB\tC\t1\t200\tL\t1767261600\t\n",  # Latin-1, not UTF-8
        ".scrobbler.log:4",
    ),
    (
        "scrobbler-log-year-1",
        ".scrobbler.log",
        b"#AUDIOSCROBBLER/1.1\n#TZ/UTC\nA\tB\tC\t1\t200\tL\t-62135596800\t\n",
        ".scrobbler.log:3",
    ),
]


@pytest.fixture
def store_url(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    """A store that already holds one profile, so "unchanged" means more than "empty"."""
    export = tmp_path / "theirs.zip"
    export.write_bytes(fx.account_zip())
    url = f"sqlite:///{tmp_path / 'store.db'}"
    code, _, err = run(capsys, "--store", url, "import-spotify-export", str(export), "--user-id", "them")
    assert code == 0, err
    return url


def _stored(url: str) -> tuple[list[str], int]:
    """(user ids, store version): what a half-written import would change."""
    store = open_store(url)
    try:
        return sorted(p.user_id for p in store.iter_all()), store.version()
    finally:
        store.close()


@pytest.mark.parametrize(("name", "content", "where"), [c[1:] for c in CRAFTED], ids=[c[0] for c in CRAFTED])
def test_a_crafted_export_exits_2_naming_file_and_line_and_changes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], store_url: str, name: str, content: bytes, where: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    before = _stored(store_url)
    code, _, err = run(capsys, "--store", store_url, "import-spotify-export", str(path), "--user-id", "me")
    assert code == 2
    assert f"soulmate: {where}: " in err
    assert "Traceback" not in err and len(err.splitlines()) == 1
    assert _stored(store_url) == before


@pytest.mark.parametrize(
    ("content", "where"),
    [
        ("user_id,artist,weight\n1,Portishead,3\n1,Tricky,NaN\n", "listens.csv:3"),
        ("user_id,artist,weight\n1,Portishead,1e400\n", "listens.csv:2"),
        ("user_id,artist,weight\n1,Portishead," + "7" * 5000 + "\n", "listens.csv:2"),
        ("user_id,artist,weight\n1," + "x" * 200_000 + ",1\n", "listens.csv:2"),
    ],
    ids=["nan", "1e400", "5000-digit-integer", "200k-character-field"],
)
def test_a_crafted_listens_file_exits_2_naming_file_and_line_and_changes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], store_url: str, content: str, where: str
) -> None:
    path = tmp_path / "listens.csv"
    path.write_text(content, encoding="utf-8")
    before = _stored(store_url)
    code, _, err = run(capsys, "--store", store_url, "import-listens", str(path))
    assert code == 2
    assert f"soulmate: {where}: " in err
    assert _stored(store_url) == before


# --- the dashboard --------------------------------------------------------------------------------


@pytest.fixture
def dashboard(store_url: str, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("SOULMATE_STORE", store_url)
    for name in ("SPOTIFY_CLIENT_ID", "SPOTIFY_CLIENT_SECRET"):
        monkeypatch.delenv(name, raising=False)
    return AppTest.from_file(DASHBOARD, default_timeout=60).run()


def _texts(at: AppTest) -> str:
    parts = [e.value for kind in ("markdown", "error", "caption", "info", "warning") for e in at.get(kind)]
    return " ".join(str(p) for p in parts)


def test_crafted_uploads_get_a_short_message_naming_file_and_line_and_no_traceback(
    dashboard: AppTest, store_url: str
) -> None:
    at = dashboard
    before = _stored(store_url)
    for _, name, content, where in CRAFTED:
        at.file_uploader(key="export_files").set_value([(name, content, "application/octet-stream")]).run()
        at.button(key="export_build").click().run()
        assert not at.exception, at.exception
        (error,) = at.error
        assert error.value.startswith("We could not use this upload:")
        assert where in as_read(error.value) and "Nothing was stored" in error.value
        assert len(error.value) < 300 and "Traceback" not in _texts(at)
    assert _stored(store_url) == before


def test_an_unexpected_error_shows_only_an_id_that_the_log_carries(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """A store file that is not a database: the page fails in a way no page handles."""
    broken = tmp_path / "broken.db"
    broken.write_bytes(b"this is not an SQLite database" * 100)
    monkeypatch.setenv("SOULMATE_STORE", f"sqlite:///{broken}")
    with caplog.at_level(logging.ERROR, logger="soulmate.dashboard"):
        at = AppTest.from_file(DASHBOARD, default_timeout=60).run()
    assert not at.exception
    (error,) = at.error
    shown = re.search(r"error id \*\*([0-9a-f]{8})\*\*", error.value)
    assert shown, error.value
    logged = [r for r in caplog.records if r.name == "soulmate.dashboard"]
    assert logged and shown.group(1) in logged[0].getMessage()
    assert logged[0].exc_info is not None  # the traceback goes to the log, not the page
    assert "Traceback" not in _texts(at) and "sqlite" not in error.value.lower()
