"""Uploading a Spotify data export on the Connect page: both formats, bad files, zip bombs."""

from __future__ import annotations

import pytest

from soulmate_app.escape import md
from soulmate_core import Store
from soulmate_core.handles import DEVELOPMENT_KEY, public_name
from tests import export_fixtures as fx

from .conftest import texts, upload_history


def _exports(store: Store):
    return [p for p in store.iter_all() if p.source == "spotify-export"]


@pytest.mark.parametrize(
    "files",
    [
        # The zips take longer; their parsing is also covered by test_spotify_export.py.
        pytest.param(
            [("my_spotify_data.zip", fx.account_zip(), "application/zip")],
            id="account-data-zip",
            marks=pytest.mark.slow,
        ),
        pytest.param(
            [("my_spotify_data.zip", fx.extended_zip(), "application/zip")],
            id="extended-zip",
            marks=pytest.mark.slow,
        ),
        pytest.param(
            [("Streaming_History_Audio_2025_0.json", fx.as_json(fx.extended_rows()), "application/json")],
            id="extended-json",
        ),
    ],
)
def test_an_export_becomes_a_saved_hidden_profile(app, store: Store, files) -> None:
    at = upload_history(app(), files)
    assert "You are **Robin**" in texts(at)
    (profile,) = _exports(store)
    assert profile.display_name == "Robin"
    assert not profile.discoverable
    assert profile.top_artists("long_term", 1)[0].name == "Radiohead"
    assert at.button(key="see_soulmates")
    at.switch_page("pages/my_taste.py").run()
    assert not at.exception
    titles = [c.proto.spec for c in at.get("plotly_chart")]
    assert any("Your taste dimensions" in t for t in titles)  # no genres: latent dimensions instead
    assert any("Radiohead" in t for t in titles)


def test_without_a_name_an_export_appears_as_an_alias_and_keeps_a_name_chosen_later(
    app, store: Store
) -> None:
    files = [("Streaming_History_Audio_2025_0.json", fx.as_json(fx.extended_rows()), "application/json")]
    at = upload_history(app(), files, name="")
    (profile,) = _exports(store)
    assert profile.display_name == ""
    assert f"You are **{md(public_name(profile.user_id, '', DEVELOPMENT_KEY))}**" in texts(at)
    upload_history(at, files, name="Robin")
    upload_history(at, files, name="  ")  # the same session, again: nothing typed keeps the name
    assert [p.display_name for p in _exports(store)] == ["Robin"]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("export.zip", b"PK\x03\x04 not really", "not a valid zip"),
        ("StreamingHistory_music_0.json", b"[{]", "not valid JSON"),
        ("StreamingHistory_music_0.json", b'[{"song": "x"}]', "not a Spotify streaming history row"),
        ("export.zip", fx.zip_of({"Userdata.json": b"{}"}), "no listening history in this zip"),
        ("export.zip", fx.podcast_only_zip(), "no music plays found"),
    ],
)
def test_bad_uploads_get_a_message_and_store_nothing(app, store: Store, name, content, message) -> None:
    before = store.version()
    at = upload_history(app(), [(name, content, "application/octet-stream")])
    errors = " ".join(e.value for e in at.error)
    assert "We could not use this upload" in errors and message in errors
    assert "Nothing was stored" in errors
    assert store.version() == before
    assert not _exports(store)


def test_a_zip_bomb_is_refused(app, store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOULMATE_MAX_EXPORT_MB", "4")
    at = upload_history(app(), [("bomb.zip", fx.bomb_zip(8), "application/zip")])
    assert "zip bomb" in " ".join(e.value for e in at.error)
    assert not _exports(store)


def test_several_uploads_count_against_the_cap_together(
    app, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Streamlit's upload limit is per file; the importer's cap is for all of them."""
    monkeypatch.setenv("SOULMATE_MAX_EXPORT_MB", "1")
    under_the_cap = b"[" + b" " * (600 * 1024) + b"]"
    files = [(f"StreamingHistory_music_{i}.json", under_the_cap, "application/json") for i in range(2)]
    before = store.version()
    at = upload_history(app(), files)
    errors = " ".join(e.value for e in at.error)
    assert "larger than the 1 MB cap together" in errors
    assert store.version() == before
