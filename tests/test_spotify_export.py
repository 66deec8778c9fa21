"""Spotify data export parsing: both formats, skipped rows, time ranges, privacy, hostile zips."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from soulmate_adapters import open_store
from soulmate_cli import main
from soulmate_core import InputError, to_item
from soulmate_core.sources.spotify_export import profile_from_plays, read_export
from tests import export_fixtures as fx


def test_account_data_zip_gives_ranked_artists_weighted_by_time_played() -> None:
    plays = read_export([("my_spotify_data.zip", fx.account_zip())])
    assert len(plays) == len(fx.LISTENING)
    profile = profile_from_plays(plays, user_id="u1", display_name="Ana")
    long_term = [a.name for a in profile.ranges["long_term"].artists]
    assert long_term[0] == "Radiohead"  # 500 minutes, the most
    assert set(long_term) == {"Radiohead", "Portishead", "Björk", "Little Simz", "Nick Drake"}
    assert profile.source == "spotify-export"
    assert not profile.discoverable
    assert not profile.has_genres


def test_extended_history_skips_podcasts_audiobooks_and_null_tracks() -> None:
    plays = read_export([("my_spotify_data.zip", fx.extended_zip())])
    assert len(plays) == len(fx.LISTENING)
    assert {p.artist for p in plays} == {a for a, *_ in fx.LISTENING}


def test_both_formats_agree() -> None:
    account = profile_from_plays(read_export([("a.zip", fx.account_zip())]), user_id="u", display_name="u")
    extended = profile_from_plays(read_export([("b.zip", fx.extended_zip())]), user_id="u", display_name="u")
    for name in ("short_term", "medium_term", "long_term"):
        assert [a.name for a in account.ranges[name].artists] == [
            a.name for a in extended.ranges[name].artists
        ]


def test_time_ranges_mirror_spotify_from_the_last_play() -> None:
    profile = profile_from_plays(read_export([("x.zip", fx.extended_zip())]), user_id="u", display_name="u")
    assert [a.name for a in profile.ranges["short_term"].artists] == ["Little Simz", "Nick Drake"]
    medium = {a.name for a in profile.ranges["medium_term"].artists}
    assert medium == {"Radiohead", "Portishead", "Björk", "Little Simz", "Nick Drake"}
    assert sum(a.weight for a in profile.ranges["medium_term"].artists) == pytest.approx(1.0)


def test_loose_json_files_are_accepted() -> None:
    files = [("StreamingHistory_music_0.json", fx.as_json(fx.account_rows()))]
    files.append(("Streaming_History_Audio_2025_0.json", fx.as_json(fx.extended_rows())))
    assert len(read_export(files)) == 2 * len(fx.LISTENING)


def test_personal_fields_never_reach_the_profile() -> None:
    profile = profile_from_plays(read_export([("x.zip", fx.extended_zip())]), user_id="u", display_name="u")
    stored = json.dumps(to_item(profile))
    for private in ("203.0.113.7", "ip_addr", "conn_country", "android", "someone"):
        assert private not in stored


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("notes.txt", b"hello there", "not a zip or a JSON file"),
        ("export.zip", b"PK\x03\x04 but not really a zip", "not a valid zip"),
        ("StreamingHistory_music_0.json", b"[{]", "not valid JSON"),
        ("StreamingHistory_music_0.json", b'{"endTime": "x"}', "expected a list of plays"),
        ("StreamingHistory_music_0.json", b'[{"song": "x"}]', "not a Spotify streaming history row"),
        ("StreamingHistory_music_0.json", b"\xff\xfe[]", "not UTF-8"),
        ("export.zip", fx.zip_of({"Userdata.json": b"{}"}), "no streaming history in this zip"),
        ("export.zip", fx.podcast_only_zip(), "no music plays found"),
    ],
)
def test_bad_input_gets_a_clear_message(name: str, content: bytes, message: str) -> None:
    with pytest.raises(InputError, match=message):
        read_export([(name, content)])


def test_zip_bomb_is_refused_by_inflated_size() -> None:
    bomb = fx.bomb_zip(8)
    assert len(bomb) < 100_000
    with pytest.raises(InputError, match="zip bomb"):
        read_export([("bomb.zip", bomb)], max_total_bytes=4 * 2**20)


def test_too_many_members_are_refused() -> None:
    with pytest.raises(InputError, match="at most 50"):
        read_export([("many.zip", fx.many_members_zip(51))], max_members=50)


def test_cli_imports_an_export(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    export = tmp_path / "my_spotify_data.zip"
    export.write_bytes(fx.extended_zip())
    url = f"sqlite:///{tmp_path / 's.db'}"
    assert (
        main(
            ["--store", url, "import-spotify-export", str(export), "--user-id", "me", "--display-name", "Me"]
        )
        == 0
    )
    assert "imported 7 music plays for me" in capsys.readouterr().out
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
