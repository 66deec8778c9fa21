"""A bad row in any format: ``soulmate import`` exits 2 naming ``file:line``, and writes nothing."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from soulmate_adapters import open_store
from soulmate_core import to_item
from soulmate_core.demo import demo_population
from tests import history_fixtures as hx
from tests.cli_runner import run

GOOD = hx.LISTENING[:6]


def _json_rows(rows: list[dict[str, Any]]) -> bytes:
    """A JSON array with each row on its own line: row i on line i + 2."""
    return ("[\n" + ",\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n]\n").encode()


def _spoil(rows: list[dict[str, Any]], at: int, **changes: Any) -> list[dict[str, Any]]:
    return [{**row, **changes} if i == at else row for i, row in enumerate(rows)]


def _lines(content: bytes, line: int, replace: Callable[[str], str]) -> bytes:
    lines = content.decode().split("\n")
    lines[line - 1] = replace(lines[line - 1])
    return "\n".join(lines).encode()


def _listenbrainz_with_a_bad_line() -> bytes:
    """Listens of one month, the third of them with a time that is no time."""
    month = [json.dumps(hx.listenbrainz_line(x)) for x in GOOD]
    month[2] = month[2].replace(f'"listened_at": {int(GOOD[2].ended.timestamp())}', '"listened_at": "soon"')
    return hx.zip_of({"user.json": b"{}", "listens/2025/5.jsonl": ("\n".join(month) + "\n").encode()})


# (id, file name, content, where the error must point, what it must say)
BAD: list[tuple[str, str, bytes, str, str]] = [
    (
        "spotify-extended",
        "Streaming_History_Audio_2025_0.json",
        _json_rows(_spoil(hx.spotify_extended_rows(GOOD), 3, ms_played="lots")),
        "Streaming_History_Audio_2025_0.json:5",
        "not a number",
    ),
    (
        "spotify-endsong",
        "endsong_3.json",
        _json_rows(_spoil(hx.spotify_extended_rows(GOOD, legacy=True), 4, ts="yesterday")),
        "endsong_3.json:6",
        "not a date and time",
    ),
    (
        "spotify-account",
        "StreamingHistory_music_0.json",
        _json_rows(_spoil(hx.spotify_account_rows(GOOD), 1, msPlayed=-3)),
        "StreamingHistory_music_0.json:3",
        "not the length of one play",
    ),
    (
        "spotify-account-legacy",
        "StreamingHistory2.json",
        _json_rows(_spoil(hx.spotify_account_rows(GOOD), 2, artistName=7)),
        "StreamingHistory2.json:4",
        "not text",
    ),
    (
        "listenbrainz",
        "listenbrainz_someone.zip",
        _listenbrainz_with_a_bad_line(),
        "listens/2025/5.jsonl:3",
        "not a number of seconds",
    ),
    (
        "lastfm",
        "scrobbles.csv",
        _lines(hx.lastfm_csv(GOOD), 4, lambda row: row.rsplit(",", 1)[0] + ",someday"),
        "scrobbles.csv:4",
        "not a date and time",
    ),
    (
        "lastfm-with-header",
        "lastfm-export.csv",
        _lines(hx.lastfm_csv_with_header(GOOD), 3, lambda row: row.rsplit(",", 2)[0]),
        "lastfm-export.csv:3",
        "expected 8 fields, found 6",
    ),
    (
        "librefm",
        "librefm.csv",
        _lines(hx.librefm_csv(GOOD), 5, lambda row: ",".join([row.split(",")[0], "", *row.split(",")[2:]])),
        "librefm.csv:5",
        "empty artist",
    ),
    (
        "scrobbler-log",
        ".scrobbler.log",
        _lines(hx.scrobbler_log(GOOD), 6, lambda row: row.replace("\tL\t", "\tX\t")),
        ".scrobbler.log:6",
        "neither L (listened) nor S (skipped)",
    ),
    (
        "timed-table",
        "listens.csv",
        _lines(hx.timed_table({"ana": GOOD, "bo": GOOD}), 9, lambda row: row.rsplit(",", 1)[0] + ",fast"),
        "listens.csv:9",
        "not a number",
    ),
]


@pytest.fixture
def store_url(tmp_path: Path) -> str:
    """A store that already holds a few profiles, so "unchanged" means more than "empty"."""
    url = f"sqlite:///{tmp_path / 'store.db'}"
    store = open_store(url)
    try:
        store.put_many(demo_population(4))
    finally:
        store.close()
    return url


def _stored(url: str) -> tuple[str, list[dict[str, Any]]]:
    store = open_store(url)
    try:
        return store.version(), [to_item(p) for p in store.iter_all()]
    finally:
        store.close()


@pytest.mark.parametrize(
    ("name", "content", "where", "problem"), [b[1:] for b in BAD], ids=[b[0] for b in BAD]
)
def test_a_bad_row_exits_2_naming_file_and_line_and_writes_nothing(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    store_url: str,
    name: str,
    content: bytes,
    where: str,
    problem: str,
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    before = _stored(store_url)
    person = [] if name == "listens.csv" else ["--user-id", "me"]
    code, out, err = run(capsys, "--store", store_url, "import", str(path), *person)
    assert code == 2
    assert out == ""
    assert err.startswith(f"soulmate: {where}: ")
    assert problem in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert _stored(store_url) == before


def test_every_format_has_a_bad_row_case() -> None:
    assert {b[0] for b in BAD} == set(hx.FORMATS) | {"timed-table"}


def test_a_good_file_after_a_bad_one_does_not_get_written_either(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], store_url: str
) -> None:
    good, bad = tmp_path / "scrobbles.csv", tmp_path / ".scrobbler.log"
    good.write_bytes(hx.lastfm_csv())
    bad.write_bytes(_lines(hx.scrobbler_log(GOOD), 4, lambda row: row.replace("\tL\t", "\t?\t")))
    before = _stored(store_url)
    code, _, err = run(capsys, "--store", store_url, "import", str(good), str(bad), "--user-id", "me")
    assert code == 2 and ".scrobbler.log:4: " in err
    assert _stored(store_url) == before
