"""The Connect page's upload takes every history format the importer reads, tells them apart by
content as ``soulmate import`` does, and My taste says what the history counted and left out."""

from __future__ import annotations

import pytest

from soulmate_core import Store
from soulmate_core.sources.formats import ACCEPTED
from tests import history_fixtures as hx
from tests.markdown_text import as_read

from .conftest import sign_in_as_persona, texts, upload_history


def _imported(store: Store):
    return [p for p in store.iter_all() if p.user_id.startswith("export-")]


@pytest.mark.parametrize("kind", ["listenbrainz", "lastfm", "librefm", "scrobbler-log", "spotify-endsong"])
def test_every_format_uploads_into_a_saved_hidden_profile(app, store: Store, kind: str) -> None:
    name, content, source = hx.FORMATS[kind]
    at = upload_history(app(), [(name, content(), "application/octet-stream")])
    assert "You are **Robin**" in texts(at)
    (profile,) = _imported(store)
    assert profile.source == source and not profile.discoverable
    assert profile.top_artists("long_term", 1)[0].name == hx.TOP_LONG_TERM
    assert at.button(key="see_soulmates")


def test_files_from_two_services_make_one_history(app, store: Store) -> None:
    half = len(hx.LISTENING) // 2
    files = [
        ("scrobbles.csv", hx.lastfm_csv(hx.LISTENING[:half]), "text/csv"),
        ("listenbrainz.zip", hx.listenbrainz_zip(hx.LISTENING[half:]), "application/zip"),
    ]
    upload_history(app(), files)
    (profile,) = _imported(store)
    assert profile.source == "history"
    assert profile.listening is not None and profile.listening.counted == len(hx.LISTENING)


def test_my_taste_says_what_the_history_counted_and_left_out(app) -> None:
    name, content, _ = hx.FORMATS["spotify-extended"]
    at = upload_history(app(), [(name, content(), "application/json")])
    at.switch_page("pages/my_taste.py").run()
    assert not at.exception
    assert next(h.value for h in at.subheader) == "What your history counted"  # before the charts
    page = texts(at)
    first, last = hx.LISTENING[0].ended, hx.LISTENING[-1].ended
    assert f"{len(hx.LISTENING)} listens counted from {first:%Y-%m-%d} to {last:%Y-%m-%d}" in page.replace(
        "\\", ""
    )
    for line in ("1 play under 30 s ignored", "1 podcast episode ignored", "1 skipped play ignored"):
        assert line in page.replace("\\", "")


def test_a_profile_from_a_login_or_a_persona_has_no_such_section(app) -> None:
    at = sign_in_as_persona(app(), "demo-0003")
    at.switch_page("pages/my_taste.py").run()
    assert "What your history counted" not in [h.value for h in at.subheader]


def test_the_connect_page_says_which_files_it_takes_and_how_to_get_them(app) -> None:
    at = app()
    uploader = at.get("file_uploader")[0].proto
    assert set(uploader.type) >= {".zip", ".json", ".jsonl", ".csv", ".log"}
    help_text = " ".join(str(e.value) for e in at.expander[0].markdown)
    for service in ("Spotify", "Download your data", "ListenBrainz", "Last.fm", "Libre.fm", ".scrobbler.log"):
        assert service in help_text


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("shopping.csv", b"item,price\nbread,2\n", "not a listening history this importer knows"),
        ("listens.csv", hx.timed_table({"ana": hx.LISTENING[:3]}), "a table of many listeners"),
        (
            ".scrobbler.log",
            b"#AUDIOSCROBBLER/1.1\n#TZ/UTC\nA\tB\tC\t1\t200\tQ\t1767225600\t\n",
            ".scrobbler.log:3",
        ),
    ],
)
def test_a_file_it_cannot_use_gets_a_message_and_nothing_is_stored(
    app, store: Store, name, content, message
) -> None:
    before = store.version()
    at = upload_history(app(), [(name, content, "application/octet-stream")])
    errors = as_read(" ".join(e.value for e in at.error))
    assert errors.startswith("We could not use this upload") and message in errors
    assert "Nothing was stored" in errors
    if name == "shopping.csv":
        assert all(accepted in errors for accepted in ACCEPTED)
    assert store.version() == before
    assert not _imported(store)
