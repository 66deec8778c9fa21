"""Spotify data export parsing: both formats and their older names, rows left out, time ranges,
privacy, hostile zips."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from soulmate_adapters import open_store
from soulmate_cli import main
from soulmate_core import InputError, to_item
from soulmate_core.sources.history import profile_from_history, read_history
from tests import export_fixtures as fx
from tests import history_fixtures as hx


def _profile(files: list[tuple[str, bytes]]):
    return profile_from_history(read_history(files), user_id="u", display_name="u")


def test_account_data_zip_gives_ranked_artists_counted_by_listens() -> None:
    history = read_history([("my_spotify_data.zip", fx.account_zip())])
    assert len(history) == len(fx.LISTENING)
    profile = profile_from_history(history, user_id="u1", display_name="Ana")
    long_term = [a.name for a in profile.ranges["long_term"].artists]
    assert long_term[0] == hx.TOP_LONG_TERM  # 30 listens, the most
    assert set(long_term) == {"Radiohead", "Portishead", "Björk", "Little Simz", "Nick Drake"}
    assert profile.source == "spotify-export"
    assert not profile.discoverable
    assert not profile.has_genres
    assert profile.listening is not None and profile.listening.dropped == {"podcast": 1}


def test_extended_history_leaves_out_what_is_not_a_listen_and_says_why() -> None:
    history = read_history([("my_spotify_data.zip", fx.extended_zip())])
    assert {p.artist for p in history} == {x.artist for x in fx.LISTENING}
    profile = profile_from_history(history, user_id="u", display_name="u")
    assert profile.listening is not None
    assert profile.listening.counted == len(fx.LISTENING)
    assert profile.listening.dropped == hx.NOISE


def test_both_formats_agree() -> None:
    account = _profile([("a.zip", fx.account_zip())])
    extended = _profile([("b.zip", fx.extended_zip())])
    for name in ("short_term", "medium_term", "long_term"):
        assert [(a.name, round(a.weight, 9)) for a in account.ranges[name].artists] == [
            (a.name, round(a.weight, 9)) for a in extended.ranges[name].artists
        ]


def test_time_ranges_mirror_spotify_from_the_last_play() -> None:
    profile = _profile([("x.zip", fx.extended_zip())])
    assert [a.name for a in profile.ranges["short_term"].artists] == hx.SHORT_TERM
    medium = {a.name for a in profile.ranges["medium_term"].artists}
    assert medium == {"Radiohead", "Björk", "Little Simz", "Nick Drake", "Portishead"}
    assert sum(a.weight for a in profile.ranges["medium_term"].artists) == pytest.approx(1.0)


def test_loose_json_files_are_accepted() -> None:
    files = [("StreamingHistory_music_0.json", fx.as_json(fx.account_rows()))]
    files.append(("Streaming_History_Audio_2025_0.json", fx.as_json(hx.spotify_extended_rows())))
    assert len(read_history(files)) == 2 * len(fx.LISTENING)


@pytest.mark.parametrize("legacy", [False, True], ids=["extended", "endsong"])
def test_personal_fields_never_reach_the_profile(legacy: bool) -> None:
    rows = hx.spotify_extended_rows(legacy=legacy)
    name = "endsong_0.json" if legacy else "Streaming_History_Audio_2025_0.json"
    stored = json.dumps(to_item(_profile([(name, fx.as_json(rows))])))
    for private in ("203.0.113.7", "198.51.100.23", "ip_addr", "conn_country", "android", "someone", "agent"):
        assert private not in stored


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("notes.txt", b"hello there", "not a listening history this importer knows"),
        ("export.zip", b"PK\x03\x04 but not really a zip", "not a valid zip"),
        ("StreamingHistory_music_0.json", b"[{]", "not valid JSON"),
        ("StreamingHistory_music_0.json", b'{"endTime": "x"}', "expected a list of plays"),
        ("StreamingHistory_music_0.json", b'[{"song": "x"}]', "not a Spotify streaming history row"),
        ("StreamingHistory_music_0.json", b"\xff\xfe[]", "not UTF-8"),
        ("export.zip", fx.zip_of({"Userdata.json": b"{}"}), "no listening history in this zip"),
        ("export.zip", fx.podcast_only_zip(), "no music plays found"),
    ],
)
def test_bad_input_gets_a_clear_message(name: str, content: bytes, message: str) -> None:
    with pytest.raises(InputError, match=message):
        read_history([(name, content)])


def test_zip_bomb_is_refused_by_inflated_size() -> None:
    bomb = fx.bomb_zip(8)
    assert len(bomb) < 100_000
    with pytest.raises(InputError, match="zip bomb"):
        read_history([("bomb.zip", bomb)], max_total_bytes=4 * 2**20)


def test_too_many_members_are_refused() -> None:
    with pytest.raises(InputError, match="at most 50"):
        read_history([("many.zip", fx.many_members_zip(51))], max_members=50)


def test_cli_imports_an_export(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    export = tmp_path / "my_spotify_data.zip"
    export.write_bytes(fx.extended_zip())
    url = f"sqlite:///{tmp_path / 's.db'}"
    argv = ["--store", url, "import-spotify-export", str(export), "--user-id", "me", "--display-name", "Me"]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert f"imported {len(fx.LISTENING)} listens for me (spotify-export)" in out
    assert "  1 play in a private session ignored.\n" in out
    store = open_store(url)
    profile = store.get("me")
    store.close()
    assert profile is not None and profile.display_name == "Me" and not profile.discoverable


def test_cli_refuses_bad_export_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "StreamingHistory_music_0.json"
    bad.write_bytes(b"[{]")
    url = f"sqlite:///{tmp_path / 's.db'}"
    assert main(["--store", url, "import-spotify-export", str(bad), "--user-id", "me"]) == 2
    assert "not valid JSON" in capsys.readouterr().err
    store = open_store(url)
    assert list(store.iter_all()) == []
    store.close()
