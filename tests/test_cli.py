"""The `soulmate` command line: exit codes, the matches contract, delete, seeding and store URLs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest

from soulmate_adapters import open_store
from soulmate_core.demo import demo_population
from soulmate_core.handles import DEVELOPMENT_KEY, alias
from soulmate_core.profile import artist_key
from soulmate_core.schema import ProfileOut
from tests.cli_runner import run

REPO = Path(__file__).resolve().parent.parent
POPULATION = 40
HIDDEN = "hidden-listener"


@pytest.fixture
def store_url(tmp_path: Path) -> str:
    """A fresh, empty SQLite store file."""
    return "sqlite:///" + str(tmp_path / "s.db")


@pytest.fixture
def populated_url(store_url: str) -> Iterator[str]:
    """The demo population plus one listener who has not opted in to being found."""
    people = demo_population(POPULATION)
    hidden = people[0].with_changes(user_id=HIDDEN, display_name="Hidden", discoverable=False)
    store = open_store(store_url)
    try:
        store.put_many([*people, hidden])
    finally:
        store.close()
    yield store_url


def user_ids(url: str) -> set[str]:
    store = open_store(url)
    try:
        return {p.user_id for p in store.iter_all()}
    finally:
        store.close()


# --- exit codes -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [
        ["profile", "nobody"],
        ["profile", "nobody", "--format", "json"],
        ["matches", "nobody"],
        ["matches", "nobody", "--format", "json"],
        ["delete", "nobody"],
    ],
)
def test_unknown_user_exits_1_with_one_line(
    capsys: pytest.CaptureFixture[str], populated_url: str, command: list[str]
) -> None:
    code, out, err = run(capsys, "--store", populated_url, *command)
    assert code == 1
    assert out == ""
    assert len(err.strip().splitlines()) == 1
    assert "nobody" in err


@pytest.mark.parametrize(
    "arguments",
    [
        ["matches", "demo-0001", "--limit", "0"],
        ["matches", "demo-0001", "--limit", "101"],
        ["matches", "demo-0001", "--limit", "ten"],
        ["matches", "--all", "--limit", "0", "--format", "jsonl"],
        ["matches"],
        ["matches", "--format", "json"],
        ["matches", "--all"],
        ["matches", "--all", "--format", "json"],
        ["matches", "--all", "--format", "table"],
        ["matches", "demo-0001", "--all", "--format", "jsonl"],
        ["matches", "demo-0001", "--format", "jsonl"],
        ["profile", "demo-0001", "--format", "yaml"],
        ["seed-demo", "--users", "0"],
        ["no-such-command"],
        [],
    ],
)
def test_bad_arguments_exit_2(
    capsys: pytest.CaptureFixture[str], populated_url: str, arguments: list[str]
) -> None:
    code, out, err = run(capsys, "--store", populated_url, *arguments)
    assert code == 2
    assert out == ""
    assert "error" in err


def test_bad_store_url_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "--store", "postgres://somewhere", "profile", "x")
    assert code == 2
    assert "store URL" in err


@pytest.mark.parametrize("limit", ["1", "100"])
def test_limit_bounds_are_accepted(
    capsys: pytest.CaptureFixture[str], populated_url: str, limit: str
) -> None:
    code, out, err = run(
        capsys, "--store", populated_url, "matches", "demo-0001", "--limit", limit, "--format", "json"
    )
    assert code == 0, err
    assert len(json.loads(out)["matches"]) == min(int(limit), POPULATION - 1)


def test_module_entry_point_runs_as_a_subprocess(tmp_path: Path) -> None:
    env = {**os.environ, "SOULMATE_STORE": "sqlite:///" + str(tmp_path / "sub.db")}

    def soulmate(*argv: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "soulmate_cli", *argv],
            capture_output=True,
            text=True,
            encoding="utf-8",
            env=env,
            cwd=tmp_path,
            timeout=120,
            check=False,
        )

    seeded = soulmate("seed-demo", "--users", "12")
    assert seeded.returncode == 0, seeded.stderr
    found = soulmate("matches", "demo-0003", "--limit", "3", "--format", "json")
    assert found.returncode == 0, found.stderr
    assert len(json.loads(found.stdout)) == 3
    unknown = soulmate("profile", "nobody")
    assert unknown.returncode == 1
    assert len(unknown.stderr.strip().splitlines()) == 1
    bad = soulmate("matches", "demo-0003", "--limit", "101")
    assert bad.returncode == 2


# --- matches ------------------------------------------------------------------------------------------


def all_matches(capsys: pytest.CaptureFixture[str], url: str, limit: int) -> list[dict[str, Any]]:
    code, out, err = run(
        capsys, "--store", url, "matches", "--all", "--limit", str(limit), "--format", "jsonl"
    )
    assert code == 0, err
    return [json.loads(line) for line in out.splitlines()]


@pytest.mark.parametrize("limit", [1, 7, 100])
def test_matches_all_gives_every_user_their_best_matches(
    capsys: pytest.CaptureFixture[str], populated_url: str, limit: int
) -> None:
    lines = all_matches(capsys, populated_url, limit)

    everyone = user_ids(populated_url)
    assert sorted(line["user_id"] for line in lines) == sorted(everyone)
    discoverable = everyone - {HIDDEN}
    for line in lines:
        me, found = line["user_id"], line["matches"]
        candidates = discoverable - {me}
        assert len(found) == min(limit, len(candidates))
        ids = [m["handle"] for m in found]
        assert len(set(ids)) == len(ids)
        assert set(ids) <= {alias(c, DEVELOPMENT_KEY) for c in candidates}
        scores = [m["score"] for m in found]
        assert all(0.0 <= s <= 1.0 for s in scores)
        assert all(a >= b - 1e-6 for a, b in pairwise(scores))
        for m in found:
            assert {"handle", "score", "components", "shared_artists"} <= m.keys()
            assert all({"name", "weight", "value"} <= c.keys() for c in m["components"])
            assert sum(c["weight"] * c["value"] for c in m["components"]) == pytest.approx(
                m["score"],
                abs=0.02,  # each figure is rounded to whole points
            )


def test_matches_all_agrees_with_single_user_matches(
    capsys: pytest.CaptureFixture[str], populated_url: str
) -> None:
    lines = {line["user_id"]: line["matches"] for line in all_matches(capsys, populated_url, 5)}
    for user in ["demo-0000", "demo-0017", HIDDEN]:
        code, out, err = run(
            capsys, "--store", populated_url, "matches", user, "--limit", "5", "--format", "json"
        )
        assert code == 0, err
        single = json.loads(out)
        assert single["user_id"] == user
        assert [m["handle"] for m in single["matches"]] == [m["handle"] for m in lines[user]]


def test_matches_table_lists_ranked_soulmates(capsys: pytest.CaptureFixture[str], populated_url: str) -> None:
    code, out, _ = run(capsys, "--store", populated_url, "matches", "demo-0002", "--limit", "4")
    assert code == 0
    ranks = [line.split(".")[0].strip() for line in out.splitlines() if line[:3].strip().isdigit()]
    assert ranks == ["1", "2", "3", "4"]


def test_delete_removes_the_user_from_everyone_elses_matches(
    capsys: pytest.CaptureFixture[str], populated_url: str
) -> None:
    before = all_matches(capsys, populated_url, 5)
    favourite = next(
        u for u in user_ids(populated_url) if alias(u, DEVELOPMENT_KEY) == before[0]["matches"][0]["handle"]
    )
    handle = alias(favourite, DEVELOPMENT_KEY)
    assert any(handle in {m["handle"] for m in line["matches"]} for line in before)

    code, out, _ = run(capsys, "--store", populated_url, "delete", favourite)
    assert code == 0
    assert favourite in out

    after = all_matches(capsys, populated_url, 5)
    assert favourite not in {line["user_id"] for line in after}
    assert all(handle not in {m["handle"] for m in line["matches"]} for line in after)
    assert run(capsys, "--store", populated_url, "profile", favourite)[0] == 1
    assert run(capsys, "--store", populated_url, "delete", favourite)[0] == 1


def test_profile_prints_the_profile_schema_not_the_storage_item(
    capsys: pytest.CaptureFixture[str], populated_url: str
) -> None:
    code, out, _ = run(capsys, "--store", populated_url, "profile", "demo-0005", "--format", "json")
    assert code == 0
    printed = json.loads(out)
    assert "profile" not in printed  # the flat profile, not the nested {user_id, profile, updated_at}
    stored = open_store(populated_url).get("demo-0005")
    assert stored is not None
    assert ProfileOut.model_validate(printed).profile() == stored


# --- seeding -------------------------------------------------------------------------------------------


def test_seed_demo_if_empty_seeds_an_empty_store_once(
    capsys: pytest.CaptureFixture[str], store_url: str
) -> None:
    code, _, err = run(capsys, "--store", store_url, "seed-demo", "--users", "15", "--if-empty")
    assert code == 0, err
    seeded = user_ids(store_url)
    assert len(seeded) == 15
    store = open_store(store_url)
    version = store.version()
    store.close()

    code, _, err = run(capsys, "--store", store_url, "seed-demo", "--if-empty")
    assert code == 0, err
    assert user_ids(store_url) == seeded
    store = open_store(store_url)
    assert store.version() == version
    store.close()


def test_seed_demo_if_empty_leaves_imported_users_alone(
    capsys: pytest.CaptureFixture[str], store_url: str, tmp_path: Path
) -> None:
    listens = tmp_path / "listens.csv"
    listens.write_text("user_id,artist,weight\nme,Portishead,3\n", encoding="utf-8")
    assert run(capsys, "--store", store_url, "import-listens", str(listens))[0] == 0
    assert run(capsys, "--store", store_url, "seed-demo", "--if-empty")[0] == 0
    assert user_ids(store_url) == {"me"}


def test_seed_demo_if_empty_teaches_a_store_seeded_before_the_catalogue_its_artists_genres(
    capsys: pytest.CaptureFixture[str], store_url: str
) -> None:
    people = demo_population(15)
    store = open_store(store_url)
    store.put_many(people)  # as a store seeded before there was a catalogue: profiles, no genres learned
    artists = {artist_key(a.name): a.genres for p in people for t in p.ranges.values() for a in t.artists}
    assert store.genres_for(sorted(artists)) == {}
    version = store.version()
    store.close()

    code, _, err = run(capsys, "--store", store_url, "seed-demo", "--users", "15", "--if-empty")
    assert code == 0, err
    assert user_ids(store_url) == {p.user_id for p in people}
    store = open_store(store_url)
    learned = store.genres_for(sorted(artists))
    assert store.version() == version
    store.close()
    assert learned and all(tuple(learned[k]) == tuple(artists[k])[: len(learned[k])] for k in learned)
    assert set(learned) == {k for k, genres in artists.items() if genres}


def test_seed_demo_default_population(capsys: pytest.CaptureFixture[str], store_url: str) -> None:
    code, _, err = run(capsys, "--store", store_url, "seed-demo")
    assert code == 0, err
    assert len(user_ids(store_url)) >= 300


# --- store URLs -------------------------------------------------------------------------------------------


def test_relative_sqlite_url_is_relative_to_the_working_directory(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, _, err = run(capsys, "--store", "sqlite:///nested/rel.db", "seed-demo", "--users", "3")
    assert code == 0, err
    assert (tmp_path / "nested" / "rel.db").is_file()
    assert run(capsys, "--store", "sqlite:///nested/rel.db", "profile", "demo-0002")[0] == 0


def test_absolute_sqlite_url(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    elsewhere = tmp_path / "cwd"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    target = tmp_path / "abs" / "store.db"
    url = "sqlite:///" + str(target)
    assert url.startswith("sqlite:////")
    code, _, err = run(capsys, "--store", url, "seed-demo", "--users", "3")
    assert code == 0, err
    assert target.is_file()
    assert list(elsewhere.iterdir()) == []


def test_soulmate_store_environment_variable_is_honoured(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    target = tmp_path / "from-env.db"
    monkeypatch.setenv("SOULMATE_STORE", "sqlite:///" + str(target))
    code, _, err = run(capsys, "seed-demo", "--users", "4")
    assert code == 0, err
    assert target.is_file()
    assert not (tmp_path / "data").exists()
    assert len(user_ids("sqlite:///" + str(target))) == 4
    assert run(capsys, "profile", "demo-0003")[0] == 0


def test_store_option_wins_over_the_environment(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOULMATE_STORE", "sqlite:///" + str(tmp_path / "env.db"))
    option = tmp_path / "option.db"
    assert run(capsys, "--store", "sqlite:///" + str(option), "seed-demo", "--users", "2")[0] == 0
    assert option.is_file()
    assert not (tmp_path / "env.db").exists()


def test_default_store_is_data_soulmate_db_under_the_working_directory(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SOULMATE_STORE", raising=False)
    assert run(capsys, "seed-demo", "--users", "2")[0] == 0
    assert (tmp_path / "data" / "soulmate.db").is_file()
