"""`soulmate import-listens`: validation before any write, errors naming file:line, round trips."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from soulmate_adapters import open_store
from soulmate_cli import ProgressBar
from soulmate_core import to_item
from soulmate_core.demo import demo_population
from soulmate_core.sources.listen_tally import MAX_ARTISTS
from soulmate_core.sources.listens import tally_listens
from tests.cli_runner import run

HEADER = "user_id,artist,weight\n"


@pytest.fixture
def store_url(tmp_path: Path) -> Iterator[str]:
    """A real SQLite store that already holds a few demo profiles."""
    url = "sqlite:///" + str(tmp_path / "s.db")
    store = open_store(url)
    try:
        store.put_many(demo_population(6))
    finally:
        store.close()
    yield url


def snapshot(url: str) -> tuple[str, list[dict[str, Any]]]:
    store = open_store(url)
    try:
        return store.version(), [to_item(p) for p in store.iter_all()]
    finally:
        store.close()


def write(path: Path, content: str | bytes) -> Path:
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8", newline="")
    return path


# --- bad input: the message names file:line and the problem; exit 2; the store is untouched -------

BAD_LISTENS = [
    pytest.param("1,Portishead,3\n2,Tricky,4\n", 1, "header", id="missing-header"),
    pytest.param("user_id,artist,weight,extra\n1,Portishead,3,x\n", 1, "header", id="extra-header-column"),
    pytest.param(HEADER + "1,Portishead,3\n,Tricky,4\n", 3, "user_id", id="empty-user-id"),
    pytest.param(HEADER + "1,Portishead,3\n   ,Tricky,4\n", 3, "user_id", id="blank-user-id"),
    pytest.param(HEADER + "1,Portishead,3\n1,Tricky,lots\n", 3, "not a number", id="non-numeric-weight"),
    pytest.param(HEADER + "1,Portishead,3\n1,Tricky,-2\n", 3, "negative", id="negative-weight"),
    pytest.param(HEADER + "1,Portishead,nan\n", 2, "weight", id="nan-weight"),
    pytest.param(HEADER + "1,Portishead,3\n1,Tricky\n", 3, "fields", id="missing-field"),
    pytest.param("", 1, "empty", id="empty-file"),
    pytest.param("\n\n", 1, "empty", id="blank-file"),
    pytest.param(HEADER, 2, "no data", id="header-only"),
]


@pytest.mark.parametrize(("content", "line", "problem"), BAD_LISTENS)
def test_bad_listens_file_is_rejected_and_changes_nothing(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    store_url: str,
    content: str,
    line: int,
    problem: str,
) -> None:
    listens = write(tmp_path / "listens.csv", content)
    before = snapshot(store_url)

    code, out, err = run(capsys, "--store", store_url, "import-listens", str(listens))

    assert code == 2
    assert out == ""
    assert f"listens.csv:{line}:" in err
    assert problem in err
    assert len(err.strip().splitlines()) == 1
    assert snapshot(store_url) == before


@pytest.mark.parametrize("bad_line", [2, 3, 5])
def test_invalid_utf8_names_the_line_it_is_on(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, store_url: str, bad_line: int
) -> None:
    rows = [b"user_id,artist,weight", b"1,Sigur R\xc3\xb3s,3", b"1,Bj\xc3\xb6rk,2", b"2,Tricky,1", b"2,Air,4"]
    rows[bad_line - 1] = rows[bad_line - 1].replace(b",", b",\xe9", 1)  # Latin-1, not UTF-8
    listens = write(tmp_path / "listens.csv", b"\n".join(rows) + b"\n")
    before = snapshot(store_url)

    code, _, err = run(capsys, "--store", store_url, "import-listens", str(listens))

    assert code == 2
    assert f"listens.csv:{bad_line}:" in err
    assert "UTF-8" in err
    assert snapshot(store_url) == before


def test_a_bad_row_late_in_the_file_writes_nothing_from_the_good_rows(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, store_url: str
) -> None:
    good = "".join(f"new-{i},Artist {i},{i + 1}\n" for i in range(50))
    listens = write(tmp_path / "listens.csv", HEADER + good + "new-50,Artist,-1\n")
    before = snapshot(store_url)

    code, _, err = run(capsys, "--store", store_url, "import-listens", str(listens))

    assert code == 2
    assert "listens.csv:52:" in err
    assert snapshot(store_url) == before


BAD_GENRES = [
    pytest.param("Portishead,trip hop\n", 1, "header", id="missing-header"),
    pytest.param("artist,genre,source\nPortishead,trip hop,tags\n", 1, "header", id="extra-header-column"),
    pytest.param("genre,artist\ntrip hop,Portishead\n", 1, "header", id="swapped-header"),
    pytest.param("", 1, "empty", id="empty-file"),
    pytest.param("artist,genre\nPortishead,\n", 2, "genre", id="empty-genre"),
]


@pytest.mark.parametrize(("content", "line", "problem"), BAD_GENRES)
def test_bad_genres_file_is_rejected_and_changes_nothing(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    store_url: str,
    content: str,
    line: int,
    problem: str,
) -> None:
    listens = write(tmp_path / "listens.csv", HEADER + "1,Portishead,3\n")
    genres = write(tmp_path / "artist_genres.csv", content)
    before = snapshot(store_url)

    code, out, err = run(
        capsys, "--store", store_url, "import-listens", str(listens), "--genres", str(genres)
    )

    assert code == 2
    assert out == ""
    assert f"artist_genres.csv:{line}:" in err
    assert problem in err
    assert snapshot(store_url) == before


def test_invalid_utf8_in_the_genres_file_names_its_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, store_url: str
) -> None:
    listens = write(tmp_path / "listens.csv", HEADER + "1,Portishead,3\n")
    genres = write(tmp_path / "artist_genres.csv", b"artist,genre\nPortishead,trip hop\nAir,\xe9lectro\n")
    before = snapshot(store_url)

    code, _, err = run(capsys, "--store", store_url, "import-listens", str(listens), "--genres", str(genres))

    assert code == 2
    assert "artist_genres.csv:3:" in err
    assert snapshot(store_url) == before


def test_a_missing_file_is_bad_input(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, store_url: str
) -> None:
    before = snapshot(store_url)
    code, _, err = run(capsys, "--store", store_url, "import-listens", str(tmp_path / "nope.csv"))
    assert code == 2
    assert "nope.csv" in err
    assert snapshot(store_url) == before


# --- good input ---------------------------------------------------------------------------------

AWKWARD_USERS = ["smith, jane", 'the "real" dj', "ユーザー七", "Ølvir Þórsson", "مستخدم"]
AWKWARD_ARTISTS = [
    "Crosby, Stills, Nash & Young",
    'Ol\' Dirty "ODB" Bastard',
    "坂本龍一",
    "Сплин",
    "Sigur Rós",
    "방탄소년단",
    "Fairuz فيروز",
]
AWKWARD_GENRES = {
    "坂本龍一": "電子音楽",
    "Сплин": "русский рок",
    "Crosby, Stills, Nash & Young": "folk, rock",
}


def awkward_csvs(tmp_path: Path) -> tuple[Path, Path]:
    listens = io.StringIO()
    writer = csv.writer(listens)
    writer.writerow(["user_id", "artist", "weight"])
    for u, user in enumerate(AWKWARD_USERS):
        for a, artist in enumerate(AWKWARD_ARTISTS):
            if (u + a) % 2 == 0:
                writer.writerow([user, artist, 10 * (a + 1)])
    genres = io.StringIO()
    writer = csv.writer(genres)
    writer.writerow(["artist", "genre"])
    for artist, genre in AWKWARD_GENRES.items():
        writer.writerow([artist, genre])
    return (
        write(tmp_path / "listens.csv", listens.getvalue()),
        write(tmp_path / "artist_genres.csv", genres.getvalue()),
    )


def test_names_with_commas_quotes_and_other_scripts_survive_a_round_trip(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, store_url: str
) -> None:
    listens, genres = awkward_csvs(tmp_path)
    code, _, err = run(capsys, "--store", store_url, "import-listens", str(listens), "--genres", str(genres))
    assert code == 0, err

    for u, user in enumerate(AWKWARD_USERS):
        code, out, err = run(capsys, "--store", store_url, "profile", user, "--format", "json")
        assert code == 0, err
        item = json.loads(out)
        assert item["user_id"] == user
        artists = [a for taste in item["ranges"].values() for a in taste["artists"]]
        expected = {artist for a, artist in enumerate(AWKWARD_ARTISTS) if (u + a) % 2 == 0}
        assert {a["name"] for a in artists} == expected
        for artist in artists:
            wanted = [AWKWARD_GENRES[artist["name"]]] if artist["name"] in AWKWARD_GENRES else []
            assert artist["genres"] == wanted


def test_import_prints_a_summary_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, store_url: str
) -> None:
    listens = write(
        tmp_path / "listens.csv",
        HEADER + "a,Portishead,5\na,Tricky,2\nb,Portishead,1\nb,Air,9\nc,Björk,3\n",
    )
    genres = write(tmp_path / "artist_genres.csv", "artist,genre\nPortishead,trip hop\nAir,downtempo\n")

    code, out, err = run(
        capsys, "--store", store_url, "import-listens", str(listens), "--genres", str(genres)
    )

    assert code == 0, err
    lines = out.strip().splitlines()
    assert len(lines) == 1
    found = re.findall(r"(\d+) (listens|profiles|with genres|distinct)", lines[0])
    numbers = {noun: int(n) for n, noun in found}
    assert numbers == {"listens": 5, "profiles": 3, "with genres": 2, "distinct": 4}


def test_an_import_without_the_weight_column_counts_each_row_once(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, store_url: str
) -> None:
    listens = write(tmp_path / "listens.csv", "user_id,artist\nx,Air\nx,Air\nx,Tricky\n")
    code, _, err = run(capsys, "--store", store_url, "import-listens", str(listens))
    assert code == 0, err
    store = open_store(store_url)
    try:
        profile = store.get("x")
    finally:
        store.close()
    assert profile is not None
    weights = {a.name: a.weight for a in profile.top_artists()}
    assert weights["Air"] > weights["Tricky"] > 0
    assert sum(weights.values()) == pytest.approx(1.0)


def test_an_import_overwrites_the_users_profile_and_keeps_everyone_else(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, store_url: str
) -> None:
    _, others_before = snapshot(store_url)
    first = write(tmp_path / "first.csv", HEADER + "u1,Portishead,5\nu1,Tricky,2\nu2,Air,1\n")
    second = write(tmp_path / "second.csv", HEADER + "u1,Nina Simone,7\n")

    assert run(capsys, "--store", store_url, "import-listens", str(first))[0] == 0
    assert run(capsys, "--store", store_url, "import-listens", str(second))[0] == 0

    store = open_store(store_url)
    try:
        u1, u2 = store.get("u1"), store.get("u2")
        everyone = {p.user_id for p in store.iter_all()}
    finally:
        store.close()
    assert u1 is not None
    assert [a.name for taste in u1.ranges.values() for a in taste.artists] == ["Nina Simone"]
    assert u1.source == "listens"
    assert u2 is not None
    assert [a.name for a in u2.top_artists()] == ["Air"]
    assert everyone == {item["user_id"] for item in others_before} | {"u1", "u2"}


def test_an_import_overwrites_a_demo_profile_with_the_same_id(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, store_url: str
) -> None:
    _, items = snapshot(store_url)
    taken = items[0]["user_id"]
    listens = write(tmp_path / "listens.csv", HEADER + f"{taken},Caetano Veloso,4\n")

    assert run(capsys, "--store", store_url, "import-listens", str(listens))[0] == 0

    store = open_store(store_url)
    try:
        profile = store.get(taken)
    finally:
        store.close()
    assert profile is not None
    assert profile.source == "listens"
    assert [a.name for a in profile.top_artists()] == ["Caetano Veloso"]


# --- progress bar ------------------------------------------------------------------------------


class FakeTerminal(io.StringIO):
    def __init__(self, tty: bool) -> None:
        super().__init__()
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


def test_progress_bar_draws_on_a_terminal() -> None:
    stream = FakeTerminal(tty=True)
    bar = ProgressBar("building profiles", stream)
    for done in range(1, 5):
        bar.update(done, 4)
    bar.close()
    text = stream.getvalue()
    assert "building profiles" in text
    assert "\r" in text
    assert "100%" in text
    assert text.endswith("\n")


def test_progress_bar_is_silent_when_not_a_terminal() -> None:
    stream = FakeTerminal(tty=False)
    bar = ProgressBar("building profiles", stream)
    for done in range(1, 5):
        bar.update(done, 4)
    bar.close()
    assert stream.getvalue() == ""


def test_import_reports_progress_for_every_user(tmp_path: Path) -> None:
    listens = write(tmp_path / "listens.csv", HEADER + "".join(f"u{i},Air,{i}\n" for i in range(7)))
    calls: list[tuple[int, int]] = []
    with tally_listens(listens) as tally:
        list(tally.profiles(progress=lambda done, total: calls.append((done, total))))
    assert calls[-1] == (7, 7)
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)


def test_cli_import_draws_no_bar_when_stderr_is_not_a_terminal(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, store_url: str
) -> None:
    listens = write(tmp_path / "listens.csv", HEADER + "u1,Air,1\nu2,Air,2\n")
    code, _, err = run(capsys, "--store", store_url, "import-listens", str(listens))
    assert code == 0
    assert err == ""


# --- summing as the rows are read ----------------------------------------------------------------


def test_sums_follow_the_file_users_keep_their_first_order_and_artists_their_first_spelling(
    tmp_path: Path,
) -> None:
    listens = write(
        tmp_path / "listens.csv",
        HEADER + "zed,AIR,1\nann,Tricky,5\nzed,Portishead,2\nzed,air,3\nann,tricky,1\nann,Björk,6\n",
    )
    genres = write(
        tmp_path / "g.csv", "artist,genre\nair,french\nAir,downtempo\nAIR,french\nTricky,trip hop\n"
    )
    with tally_listens(listens, genres) as tally:
        profiles = list(tally.profiles())
        assert (tally.rows, tally.users, tally.artists, tally.with_genres) == (6, 2, 4, 2)
    assert [p.user_id for p in profiles] == ["zed", "ann"]
    zed, ann = ({a.name: a for a in p.ranges["all_time"].artists} for p in profiles)
    assert list(zed) == ["AIR", "Portishead"]  # 1 + 3 beats 2; the first spelling seen
    assert zed["AIR"].genres == ("french", "downtempo")
    assert list(ann) == ["Björk", "Tricky"]  # 5 + 1 ties Björk's 6: the key breaks it
    assert ann["Tricky"].genres == ("trip hop",)


def test_a_user_keeps_their_heaviest_artists_up_to_the_limit(tmp_path: Path) -> None:
    rows = "".join(f"u,Artist {i},{i + 1}\n" for i in range(MAX_ARTISTS + 5))
    listens = write(tmp_path / "listens.csv", HEADER + rows)
    with tally_listens(listens) as tally:
        (profile,) = tally.profiles()
    kept = profile.ranges["all_time"].artists
    assert len(kept) == MAX_ARTISTS
    assert kept[0].name == f"Artist {MAX_ARTISTS + 4}"
    assert sum(a.weight for a in kept) == pytest.approx(1.0)


def test_the_cap_holds_for_both_files_together(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, store_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOULMATE_MAX_EXPORT_MB", "1")
    listens = write(tmp_path / "listens.csv", HEADER + "u,Air,1\n" * (600 * 1024 // 8))
    genres = write(tmp_path / "genres.csv", "artist,genre\n" + "Air,french\n" * (600 * 1024 // 11))
    before = snapshot(store_url)
    code, _, err = run(capsys, "--store", store_url, "import-listens", str(listens), "--genres", str(genres))
    assert code == 2
    assert "genres.csv" in err and "1 MB cap" in err
    assert snapshot(store_url) == before
