"""Other people's text is data: names are cleaned on every way in, and shown escaped everywhere.

A display name or an artist name may carry control characters (NUL, ANSI escapes), bidi overrides
and zero-width characters, or Markdown and HTML. Every way a profile comes in (Spotify through the
API, a data export on the dashboard or the CLI, a listens table, a persona) stores it cleaned, and
every place that shows someone's text (Streamlit Markdown, Plotly, the CLI) shows it literally, even
for rows stored before cleaning. The real-browser half is ``test_finding_02_browser.py``.
"""

from __future__ import annotations

import html
import json
import re
import unicodedata
from collections.abc import Callable
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from soulmate_adapters import open_store
from soulmate_app.escape import WORD_JOINER, md
from soulmate_core import Store, TasteProfile
from soulmate_core.demo import demo_population
from soulmate_core.handles import DEVELOPMENT_KEY, public_name
from soulmate_core.profile import ArtistEntry, RangeTaste, make_profile
from soulmate_core.settings import Settings
from soulmate_core.text import NAME_MAX, clean_name
from tests import export_fixtures as fx
from tests.cli_runner import run
from tests.dashboard.conftest import DASHBOARD, figures, texts
from tests.fakes.spotify_server import FakeSpotify, sample_user
from tests.security.harness import Api

DIRTY = "Tim\x00\x1b[31m\u202eRed\u2066\u200b \t\n Name\x7f\x1b]8;;http://x\x1b\\"
CLEAN = "TimRed Name"
MARKUP = "[Claim free Spotify Premium](http://127.0.0.1:9/claim) <b>x</b> ![t](http://127.0.0.1:9/t.png)"
ALLOWED_FORMAT = {"\u200c", "\u200d"}  # zero-width (non-)joiners: parts of emoji and scripts


def strings(value: object) -> list[str]:
    """Every string in a JSON document, keys and values."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (*strings(k), *strings(v))]
    if isinstance(value, list):
        return [s for v in value for s in strings(v)]
    return []


def forbidden(text: str) -> list[str]:
    """Characters a terminal or a page could act on: controls (bar the newline between lines),
    format characters such as bidi overrides, and line separators."""
    return [
        c
        for c in text
        if c != "\n"
        and c not in ALLOWED_FORMAT
        and unicodedata.category(c) in ("Cc", "Cf", "Cs", "Co", "Zl", "Zp")
    ]


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        (DIRTY, CLEAN),
        ("a\u202eevil\u202c b", "aevil b"),  # right-to-left override and its pop
        ("x\u2067y\u2069\u200e\u200f\u061cz", "xyz"),  # isolates and marks
        ("\x1b[2J\x1b[1;1HCleared", "Cleared"),  # a whole escape sequence goes, not only its ESC
        ("  lots \u00a0 of\u2028space  ", "lots of space"),
        ("Zoë 👨\u200d👩\u200d👧", "Zoë 👨\u200d👩\u200d👧"),  # accents and emoji sequences stay
        ("\x00\x01\x02", ""),
        ("n" * 500, "n" * NAME_MAX),
    ],
)
def test_a_name_keeps_no_control_bidi_or_zero_width_character_and_is_capped(raw: str, clean: str) -> None:
    assert clean_name(raw) == clean
    assert clean_name(clean) == clean  # cleaning twice changes nothing
    assert forbidden(clean_name(raw)) == []


def test_markup_is_kept_as_text_on_input_and_escaped_on_output() -> None:
    """Cleaning does not judge meaning: brackets and tags are someone's text, shown as such."""
    assert clean_name(MARKUP) == MARKUP[:NAME_MAX].rstrip()
    escaped = md(MARKUP)
    assert "](" not in escaped and "<" not in escaped.replace("\\<", "")
    assert escaped.replace("\\", "").replace(WORD_JOINER, "") == MARKUP
    # GFM links bare URLs and addresses after parsing, escaped or not: they are broken up instead
    for bare in ("http://x.io", "HTTPS://x.io", "www.x.io", "me@x.io"):
        assert md(bare).replace(WORD_JOINER, "") != md(bare)


def test_every_source_builds_its_profile_cleaned() -> None:
    """Spotify, exports, listens tables and personas all build profiles with ``make_profile``."""
    taste = RangeTaste(artists=(ArtistEntry("Bad\x1b[31m\u202eArtist", 1.0, ("trip\x00 hop",)),))
    profile = make_profile(user_id="u", display_name=DIRTY, source="demo", ranges={"all_time": taste})
    assert profile.display_name == CLEAN
    (artist,) = profile.ranges["all_time"].artists
    assert (artist.name, artist.genres) == ("BadArtist", ("trip hop",))
    assert list(profile.genre_weights) == ["trip hop"]
    assert all(forbidden(p.display_name) == [] for p in demo_population(20))


def test_spotify_through_the_api_stores_cleaned_names(spotify: FakeSpotify, store: Store) -> None:
    spotify.add_user("tok-a", sample_user("acc-a", DIRTY, [("Port\x1b[5mishead\u202e", ["trip hop"])]))
    spotify.add_user("tok-b", sample_user("acc-b", "Bo", [("Burial", [])]))
    api = Api(Settings(spotify_api_base=spotify.api_base, spotify_timeout=2.0), store)
    status, _, body = api("POST", "/taste-profile", token="tok-a")
    assert status == 200 and body["display_name"] == ""  # Spotify's name is never the public one
    assert store.get("acc-a").top_artists()[0].name == "Portishead"
    chosen = api("POST", "/taste-profile", token="tok-b", body={"display_name": f" {DIRTY} "})[2]
    assert chosen["display_name"] == CLEAN == store.get("acc-b").display_name


def _dirty_export() -> bytes:
    rows = fx.account_rows()
    rows[0]["artistName"] = "Little\x1b[41m Simz\u202e"
    return fx.as_json(rows)


def test_cli_imports_store_cleaned_names(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    export = tmp_path / "StreamingHistory_music_0.json"
    export.write_bytes(_dirty_export())
    code, _, err = run(
        capsys,
        "--store",
        url,
        "import-spotify-export",
        str(export),
        "--user-id",
        "me",
        "--display-name",
        DIRTY,
    )
    assert code == 0, err
    listens = tmp_path / "listens.csv"
    listens.write_text("user_id,artist,weight\nann,Nick\x07 Drake\u2066,3\nann,Burial,2\n", encoding="utf-8")
    code, _, err = run(capsys, "--store", url, "import-listens", str(listens))
    assert code == 0, err

    store = open_store(url)
    try:
        me, ann = store.get("me"), store.get("ann")
    finally:
        store.close()
    assert me.display_name == CLEAN
    assert "Little Simz" in me.artist_names().values()
    assert set(ann.artist_names().values()) == {"Nick Drake", "Burial"}


def test_dashboard_export_stores_a_cleaned_name(app: Callable[[], AppTest], dashboard_store: Store) -> None:
    at = app()
    at.file_uploader(key="export_files").set_value(
        [("StreamingHistory_music_0.json", _dirty_export(), "application/json")]
    ).run()
    at.text_input(key="export_name").input(DIRTY).run()
    at.button(key="export_build").click().run()
    assert not at.exception, at.exception
    (me,) = [p for p in dashboard_store.iter_all() if p.source == "spotify-export"]
    assert me.display_name == CLEAN
    assert forbidden(texts(at)) == []


# --- rows stored before cleaning are still shown safely --------------------------------------


def _legacy(user_id: str, name: str, like: TasteProfile, artist: str) -> TasteProfile:
    """A profile as an older version stored it: built without ``make_profile``, so uncleaned."""
    ranges = {
        r: RangeTaste(artists=(ArtistEntry(artist, 0.2, ("trip <b>hop</b>",)), *t.artists[:20]))
        for r, t in like.ranges.items()
    }
    return TasteProfile(
        user_id=user_id,
        display_name=name,
        source="spotify-export",
        ranges=ranges,
        genre_weights={"trip <b>hop</b>": 0.5, **like.genre_weights},
    )


EVIL_ARTIST = "\x1b[31m[Free](http://127.0.0.1:9/a)\u202e <img src=x>"


@pytest.fixture
def legacy_pair(dashboard_store: Store) -> tuple[TasteProfile, TasteProfile]:
    """A viewer and, taste for taste, a stored stranger whose name and one artist are hostile."""
    persona = dashboard_store.get("demo-0042")
    assert persona is not None
    viewer = _legacy("viewer-1", "Viewer", persona, EVIL_ARTIST)
    stranger = _legacy("stranger-1", DIRTY + MARKUP, persona, EVIL_ARTIST)
    dashboard_store.put_many([viewer, stranger])
    return viewer, stranger


def test_cli_output_carries_no_control_or_bidi_character(
    capsys: pytest.CaptureFixture[str], store_url: str, legacy_pair: tuple[TasteProfile, TasteProfile]
) -> None:
    outputs = {}
    for argv in (
        ("matches", "viewer-1", "--limit", "3"),
        ("matches", "viewer-1", "--limit", "3", "--format", "json"),
        ("profile", "stranger-1"),
        ("profile", "nobody\x1b[2J\u202e"),
    ):
        code, out, err = run(capsys, "--store", store_url, *argv)
        assert code == (1 if argv[1].startswith("nobody") else 0), err
        assert forbidden(out) == [] and forbidden(err) == [], argv
        outputs[argv] = out
    listed = outputs[("matches", "viewer-1", "--limit", "3")]
    assert clean_name(DIRTY + MARKUP) in listed  # shown, as text
    document = json.loads(outputs[("matches", "viewer-1", "--limit", "3", "--format", "json")])
    assert forbidden("".join(strings(document))) == []


def test_dashboard_shows_hostile_names_and_artists_as_text(
    store_url: str, legacy_pair: tuple[TasteProfile, TasteProfile]
) -> None:
    viewer, stranger = legacy_pair
    at = AppTest.from_file(DASHBOARD, default_timeout=60)
    at.session_state["soulmate_user_id"] = viewer.user_id
    at.run()
    shown_as = public_name(stranger.user_id, stranger.display_name, DEVELOPMENT_KEY)
    seen_anywhere = []
    for page in ("pages/soulmates.py", "pages/compare.py", "pages/taste_map.py", "pages/my_taste.py"):
        at.switch_page(page).run()
        assert not at.exception, (page, at.exception)
        page_text = texts(at)
        assert forbidden(page_text.replace(WORD_JOINER, "")) == [], page
        # no Markdown link, image or HTML can form: every bracket and tag is backslash-escaped
        assert re.findall(r"(?<!\\)(?:\]\(|<)", page_text) == [], page
        seen_anywhere.append(md(shown_as) in page_text)
        for figure in figures(at):
            text = " ".join(strings(figure["data"]))
            assert "<b>" not in text and "<img" not in text and "<a " not in text, page
            assert forbidden(text) == [], page
    assert any(seen_anywhere)  # the stranger is shown, by name, as text
    at.switch_page("pages/taste_map.py").run()
    names = [html.unescape(t) for f in figures(at) for trace in f["data"] for t in trace.get("text", [])]
    assert shown_as in names
