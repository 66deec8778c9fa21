"""``soulmate import``: one front door for every format, today's import commands as its aliases,
tables of many listeners, and the refusals that change nothing."""

from __future__ import annotations

import argparse
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from soulmate_adapters import open_store
from soulmate_cli.commands import build_parser
from soulmate_core import TasteProfile, to_item
from soulmate_core.sources.formats import ACCEPTED
from tests import history_fixtures as hx
from tests.cli_runner import run

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def store_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'store.db'}"


def _stored(url: str) -> dict[str, TasteProfile]:
    store = open_store(url)
    try:
        return {p.user_id: p for p in store.iter_all()}
    finally:
        store.close()


def _items(url: str) -> list[dict[str, Any]]:
    return [to_item(p) for p in _stored(url).values()]


def _file(tmp_path: Path, kind: str) -> Path:
    name, content, _ = hx.FORMATS[kind]
    path = tmp_path / name
    path.write_bytes(content())
    return path


@pytest.mark.parametrize("kind", sorted(hx.FORMATS))
def test_import_reads_every_format_into_one_persons_profile(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], store_url: str, kind: str
) -> None:
    path = _file(tmp_path, kind)
    code, out, err = run(
        capsys, "--store", store_url, "import", str(path), "--user-id", "me", "--display-name", "Mo"
    )
    assert code == 0, err
    source = hx.FORMATS[kind][2]
    assert out.startswith(f"imported {len(hx.LISTENING)} listens for me ({source}): short_term 2 artists")
    (profile,) = _stored(store_url).values()
    assert (profile.user_id, profile.display_name, profile.source) == ("me", "Mo", source)
    assert not profile.discoverable
    assert profile.top_artists("long_term", 1)[0].name == hx.TOP_LONG_TERM


def test_import_says_what_it_left_out_and_why(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], store_url: str
) -> None:
    path = _file(tmp_path, "spotify-extended")
    code, out, _ = run(capsys, "--store", store_url, "import", str(path), "--user-id", "me")
    assert code == 0
    for line in (
        "1 play under 30 s ignored.",
        "1 podcast episode ignored.",
        "1 play in a private session ignored.",
    ):
        assert f"  {line}\n" in out


def test_profile_lists_each_ranges_top_tracks_and_the_minutes_listened(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], store_url: str
) -> None:
    path = _file(tmp_path, "spotify-extended")
    assert run(capsys, "--store", store_url, "import", str(path), "--user-id", "me")[0] == 0
    code, out, err = run(capsys, "--store", store_url, "profile", "me")
    assert code == 0, err
    last = hx.LISTENING[-1].ended
    recent = [x for x in hx.LISTENING if x.ended > last - timedelta(weeks=4)]
    lines = out.splitlines()
    after = lines[next(i for i, row in enumerate(lines) if row.startswith("  short_term")) + 1]
    assert after.split()[:2] == [str(len({x.track for x in recent})), "tracks:"]
    assert all(f"{x.track} ({x.artist})" in after for x in recent)
    minutes = round(sum(x.seconds for x in hx.LISTENING) / 60)
    assert f"  Those listens lasted {minutes:,} minutes in all.\n" in out


def test_several_files_of_one_person_are_one_profile_and_discoverable_when_asked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], store_url: str
) -> None:
    paths = [str(_file(tmp_path, "lastfm")), str(_file(tmp_path, "listenbrainz"))]
    code, _, err = run(capsys, "--store", store_url, "import", *paths, "--user-id", "me", "--discoverable")
    assert code == 0, err
    (profile,) = _stored(store_url).values()
    assert profile.source == "history" and profile.discoverable
    assert profile.listening is not None and profile.listening.counted == 2 * len(hx.LISTENING)


@pytest.mark.parametrize("kind", ["listenbrainz", "lastfm", "spotify-account"])
def test_the_old_export_command_is_an_alias_of_import(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], store_url: str, kind: str
) -> None:
    path = _file(tmp_path, kind)
    code, _, err = run(capsys, "--store", store_url, "import-spotify-export", str(path), "--user-id", "me")
    assert code == 0, err
    assert _stored(store_url)["me"].source == hx.FORMATS[kind][2]


def test_an_unknown_file_exits_2_listing_the_accepted_formats_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], store_url: str
) -> None:
    known = _file(tmp_path, "lastfm")
    unknown = tmp_path / "shopping.csv"
    unknown.write_text("item,price\nbread,2\n", encoding="utf-8")
    code, out, err = run(capsys, "--store", store_url, "import", str(known), str(unknown), "--user-id", "me")
    assert (code, out) == (2, "")
    assert err.startswith("soulmate: shopping.csv:1: not a listening history this importer knows")
    for accepted in ACCEPTED:
        assert accepted in err
    assert _stored(store_url) == {}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--display-name", "x"], "--user-id is needed to import one person's history"),
        (["--user-id", "me", "--genres", "g.csv"], "--genres goes with a user_id,artist,weight table"),
    ],
)
def test_one_persons_history_needs_a_user_id_and_takes_no_genres(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], store_url: str, args: list[str], message: str
) -> None:
    path = _file(tmp_path, "librefm")
    code, _, err = run(capsys, "--store", store_url, "import", str(path), *args)
    assert code == 2 and message in err
    assert _stored(store_url) == {}


# --- tables of many listeners ------------------------------------------------------------------------


def _table(tmp_path: Path) -> Path:
    ana = hx.LISTENING
    bo = [
        hx.Listen(x.artist, x.track, x.album, x.ended - timedelta(days=400), x.seconds)
        for x in hx.LISTENING[:20]
    ]
    path = tmp_path / "listens.csv"
    content = hx.timed_table({"ana": ana, "bo": bo}).decode()
    content += "cy,2026-02-01T10:00:00Z,Some Band,A Skit,Album,12000\n"  # only a 12-s play: no profile
    path.write_text(content, encoding="utf-8")
    return path


def test_a_timed_table_gives_each_listener_ranges_from_their_own_last_play(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], store_url: str
) -> None:
    code, out, err = run(capsys, "--store", store_url, "import", str(_table(tmp_path)))
    assert code == 0, err
    assert out.splitlines() == [
        f"imported {len(hx.LISTENING) + 20 + 1} plays: 2 profiles, 5 distinct artists",
        "  1 listener had no play that counts as a listen: cy",
    ]
    stored = _stored(store_url)
    assert set(stored) == {"ana", "bo"}
    ana, bo = stored["ana"], stored["bo"]
    assert ana.source == bo.source == "listens"
    assert [a.name for a in ana.ranges["short_term"].artists] == hx.SHORT_TERM
    assert bo.listening is not None and bo.listening.last_play == (
        hx.LISTENING[19].ended - timedelta(days=400)
    ).strftime("%Y-%m-%d")
    assert "short_term" in bo.ranges  # measured back from bo's own last play, 400 days earlier


def test_import_listens_is_an_alias_for_tables_and_reads_a_table_inside_a_zip(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], store_url: str
) -> None:
    zipped = tmp_path / "tables.zip"
    zipped.write_bytes(hx.zip_of({"data/listens.csv": _table(tmp_path).read_bytes()}))
    code, _, err = run(capsys, "--store", store_url, "import-listens", str(zipped))
    assert code == 0, err
    assert set(_stored(store_url)) == {"ana", "bo"}


@pytest.mark.parametrize("mix", ["person-and-table", "user-id-with-table", "two-kinds-of-table"])
def test_tables_are_imported_on_their_own(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], store_url: str, mix: str
) -> None:
    table = _table(tmp_path)
    weights = tmp_path / "weights.csv"
    weights.write_text("user_id,artist,weight\nana,Air,3\n", encoding="utf-8")
    argv = {
        "person-and-table": [str(table), str(_file(tmp_path, "lastfm")), "--user-id", "me"],
        "user-id-with-table": [str(table), "--user-id", "me"],
        "two-kinds-of-table": [str(table), str(weights)],
    }[mix]
    code, _, err = run(capsys, "--store", store_url, "import", *argv)
    assert code == 2, err
    assert _items(store_url) == []


# --- the docs --------------------------------------------------------------------------------------


def test_the_readme_lists_every_command_and_every_format() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    block = readme.split("## Command line", 1)[1].split("```", 2)[1]
    subparsers = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    for command in subparsers.choices:
        assert re.search(rf"^\s+{re.escape(command)}\b", block, re.MULTILINE), command
    formats = readme.split("## Listening histories", 1)[1]
    for service in (
        "Spotify",
        "ListenBrainz",
        "Last.fm",
        "Libre.fm",
        ".scrobbler.log",
        "user_id,ts,artist,track",
    ):
        assert service in formats
