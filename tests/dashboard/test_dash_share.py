"""Share links on Compare and the Group blend page, through ``AppTest``: a link made, seen, replaced
and stopped; opened before and after connecting; a code pasted; a listener asked for by another page;
a group of three with its heatmap, its closest matches, its glue and its playlist seed, downloaded."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterator

import pytest
from streamlit.testing.v1 import AppTest

from soulmate_app.compare_choice import COMPARE_WITH, GONE, NO_ONE
from soulmate_app.escape import md
from soulmate_app.login_binding import NONCE_KEY
from soulmate_app.oauth_state import sign_state
from soulmate_app.session import TOKEN_KEY
from soulmate_core import Store, sharing
from soulmate_core.handles import DEVELOPMENT_KEY, public_name
from soulmate_core.profile import TasteProfile
from soulmate_core.sources.spotify_api import SpotifyPayloads, build_taste_profile
from tests.dashboard.conftest import DASHBOARD, figure_titled, sign_in_as_persona, texts
from tests.fakes.spotify_server import FakeSpotify, FakeUser, sample_user, track_payload
from tests.share_people import join_with_key, sign_in_with_key

COMPARE, GROUP = "pages/compare.py", "pages/group.py"


def seen(user_id: str, name: str) -> str:
    return public_name(user_id, name, DEVELOPMENT_KEY)


@pytest.fixture
def people(store: Store) -> dict[str, tuple[str, str]]:
    """Three real listeners, all hidden, who joined from files: name -> (user id, recovery key)."""
    return {name: join_with_key(store, name, like) for name, like in (("Ana", 10), ("Bo", 248), ("Cy", 169))}


def on(app: Callable[[], AppTest], key: str, page: str) -> AppTest:
    at = sign_in_with_key(app(), key)
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def compared(at: AppTest) -> str:
    """The heading of the comparison shown, e.g. "You and Ana #k3x9: score 71"; "" when none."""
    return next((m.value for m in at.markdown if m.value.startswith("### You and ")), "")


# --- your link: made, seen, replaced, stopped ------------------------------------------------------


def test_a_link_is_made_seen_replaced_and_stopped_on_compare(app, store: Store, people) -> None:
    ana_id, ana_key = people["Ana"]
    at = on(app, ana_key, COMPARE)
    assert store.share_code(ana_id) is None
    at.button(key="share_make").click().run()
    first = store.share_code(ana_id)
    assert first is not None and store.user_for_share_code(first) == ana_id
    (shown,) = at.code
    assert sharing.find_code(shown.value) == first and shown.value.endswith(f"/compare?share={first}")

    at.button(key="share_renew").click().run()
    second = store.share_code(ana_id)
    assert second not in (None, first) and store.user_for_share_code(first) is None
    assert "no longer opens anything" in texts(at) and sharing.find_code(at.code[0].value) == second

    at.button(key="share_stop").click().run()
    assert store.share_code(ana_id) is None and store.user_for_share_code(second) is None  # type: ignore[arg-type]
    assert not at.code and at.button(key="share_make")


def test_a_guest_persona_gets_no_link_of_its_own(app, store: Store) -> None:
    at = sign_in_as_persona(app(), "demo-0007")
    at.switch_page(COMPARE).run()
    assert "bring your own listening" in texts(at).casefold()
    assert not [b for b in at.button if b.key == "share_make"]


# --- comparing by link or code --------------------------------------------------------------------


def test_a_link_opened_before_connecting_is_kept_and_compares_once_connected(
    app, store: Store, people
) -> None:
    (ana_id, _), (bo_id, bo_key) = people["Ana"], people["Bo"]
    code = sharing.new_code()
    store.set_share_code(ana_id, code)
    at = AppTest.from_file(DASHBOARD, default_timeout=60)
    at.query_params[sharing.LINK_PARAMETER] = code
    at.switch_page(COMPARE).run()
    assert "Someone sent you their share link" in texts(at) and not compared(at)

    at.query_params.clear()  # as the browser's address after going to Connect
    at.switch_page("pages/connect.py").run()
    sign_in_with_key(at, bo_key)
    at.switch_page(COMPARE).run()
    assert compared(at).startswith(f"### You and {md(seen(ana_id, 'Ana'))}: score ")
    assert "only people with it can compare with them" in texts(at)
    assert ana_id not in texts(at) + json.dumps([c.proto.spec for c in at.get("plotly_chart")])
    assert figure_titled(at, "Genre families")["data"][1]["name"] == seen(ana_id, "Ana")
    assert store.get(bo_id) is not None


def test_pasting_a_link_or_a_code_compares_and_a_bad_one_says_so(app, store: Store, people) -> None:
    (ana_id, _), (cy_id, _), (_, bo_key) = people["Ana"], people["Cy"], people["Bo"]
    ana, cy = sharing.new_code(), sharing.new_code()
    store.set_share_code(ana_id, ana)
    store.set_share_code(cy_id, cy)
    at = on(app, bo_key, COMPARE)

    def paste(text: str) -> AppTest:
        at.text_input(key="compare_code").input(text)
        at.button(key="compare_by_code").click().run()
        assert not at.exception, at.exception
        return at

    assert md(seen(ana_id, "Ana")) in compared(paste(f"http://127.0.0.1:8501/compare?share={ana}"))
    assert md(seen(cy_id, "Cy")) in compared(paste(cy))
    store.set_share_code(cy_id, sharing.new_code())  # Cy makes a new link: the old one stops at once
    at.run()
    assert not compared(at) and NO_ONE in [e.value for e in at.error]
    assert not compared(paste("not a code")) and NO_ONE in [e.value for e in at.error]


def test_ones_own_code_is_refused_with_a_reason(app, store: Store, people) -> None:
    ana_id, ana_key = people["Ana"]
    code = sharing.new_code()
    store.set_share_code(ana_id, code)
    at = on(app, ana_key, COMPARE)
    at.text_input(key="compare_code").input(code)
    at.button(key="compare_by_code").click().run()
    assert not compared(at) and "your own share code" in " ".join(e.value for e in at.error)


def test_another_page_may_ask_for_anyone_who_opted_in_but_a_hidden_one_shows_nothing(
    app, store: Store, people
) -> None:
    at = on(app, people["Ana"][1], COMPARE)
    far = "demo-0300"  # not among Ana's 20 best: the taste map can still open them
    at.session_state[COMPARE_WITH] = far
    at.run()
    far_profile: TasteProfile = store.get(far)  # type: ignore[assignment]
    assert md(seen(far, far_profile.display_name)) in compared(at)
    assert not [o for o in at.selectbox(key="compare_choice").options if far_profile.display_name in o]

    at.session_state[COMPARE_WITH] = people["Cy"][0]  # hidden, with no code: as if unknown
    at.run()
    assert not compared(at) and GONE in [w.value for w in at.warning]
    at.session_state[COMPARE_WITH] = "nobody-at-all"
    at.run()
    assert GONE in [w.value for w in at.warning] and "Cy" not in texts(at)


def test_a_guest_persona_with_a_code_sees_a_tag_and_a_score_only(app, store: Store, people) -> None:
    ana_id = people["Ana"][0]
    code = sharing.new_code()
    store.set_share_code(ana_id, code)
    at = sign_in_as_persona(app(), "demo-0007")
    at.switch_page(COMPARE).run()
    at.text_input(key="compare_code").input(code)
    at.button(key="compare_by_code").click().run()
    assert md(seen(ana_id, "")) in compared(at)
    page = texts(at)
    assert "Ana" not in page and "Bring your own listening" in page and not at.get("plotly_chart")


# --- group blend -----------------------------------------------------------------------------------


def blend(at: AppTest, pasted: str) -> AppTest:
    at.text_area(key="group_codes").input(pasted)
    at.button(key="group_blend").click().run()
    assert not at.exception, at.exception
    return at


def test_a_group_of_three_shows_who_matches_whom_what_holds_it_and_a_playlist(
    app, store: Store, people, downloaded
) -> None:
    (ana_id, _), (bo_id, _), (_, cy_key) = people["Ana"], people["Bo"], people["Cy"]
    codes = {who: sharing.new_code() for who in ("Ana", "Bo")}
    store.set_share_code(ana_id, codes["Ana"])
    store.set_share_code(bo_id, codes["Bo"])
    at = on(app, cy_key, GROUP)
    blend(at, f"http://127.0.0.1:8501/compare?share={codes['Ana']}\n {codes['Bo']}\n")

    names = ["You", seen(ana_id, "Ana"), seen(bo_id, "Bo")]
    heatmap = figure_titled(at, "Who matches whom")["data"][0]
    assert heatmap["type"] == "heatmap" and heatmap["x"] == heatmap["y"] == names
    z = heatmap["z"]
    assert [z[i][i] for i in range(3)] == [None, None, None]
    assert all(z[i][j] == z[j][i] and 0 <= z[i][j] <= 100 for i in range(3) for j in range(3) if i != j)
    pairs = [z[i][j] for i in range(3) for j in range(3) if i != j]
    assert abs(int(at.metric[0].value.split(" / ")[0]) - sum(pairs) / len(pairs)) <= 1  # cells are rounded

    # each member's closest: their best cell in the matrix
    lines = next(m.value for m in at.markdown if m.value.startswith("- **You** and")).splitlines()
    for i, line in enumerate(lines):
        (j,) = [
            j for j in range(3) if j != i and line.startswith(f"- **{md(names[i])}** and **{md(names[j])}**")
        ]
        assert line.endswith(f" · {z[i][j]}") and z[i][j] == max(z[i][k] for k in range(3) if k != i)

    glue = figure_titled(at, "hold you together")["data"][0]
    assert glue["x"] and all(2 <= x <= 3 for x in glue["x"])

    seed_text = next(m.value for m in at.markdown if m.value.startswith("1. **"))
    csv_file, json_file = (downloaded(b) for b in at.get("download_button"))
    rows = list(csv.reader(io.StringIO(csv_file.content.decode())))
    assert rows[0][:4] == ["position", "track", "artists", "members who play it"]
    document = json.loads(json_file.content)
    assert document["group_size"] == 3 and [t["name"] for t in document["tracks"]] == [r[1] for r in rows[1:]]
    assert len(rows) - 1 == len(seed_text.splitlines()) >= 1
    assert "Logged in with Spotify" in texts(at) and not [b for b in at.button if b.key == "group_spotify"]


def test_a_guest_persona_is_asked_for_its_own_listening_before_blending(app) -> None:
    at = sign_in_as_persona(app(), "demo-0007")
    at.switch_page(GROUP).run()
    assert "Bring your own listening" in " ".join(i.value for i in at.info) and not at.text_area


def test_a_group_needs_two_to_nine_codes_that_open_someone(app, store: Store, people) -> None:
    (ana_id, _), (bo_id, _), (_, cy_key) = people["Ana"], people["Bo"], people["Cy"]
    ana = sharing.new_code()
    store.set_share_code(ana_id, ana)
    store.set_share_code(bo_id, sharing.new_code())
    at = on(app, cy_key, GROUP)
    for pasted, said in (
        (ana, "Add the codes of 2 to 9 people, not 1"),
        (f"{ana}\n{sharing.new_code()}", "Code 2: no one shares that code"),
        (f"{ana}, {ana}", "Code 2: that person is in the group already"),
    ):
        blend(at, pasted)
        (error,) = at.error
        assert error.value.startswith(md(said)) and error.value.endswith(". Nothing was blended.")
        assert not at.get("plotly_chart")


def test_a_member_with_a_hostile_name_is_text_in_the_heatmap_and_the_lists(app, store: Store, people) -> None:
    hostile = "<b>Mal</b> [x](http://evil.example) ![i](http://evil.example/i.png)"
    mal_id, _ = join_with_key(store, hostile, 248, user_id="export-mal")
    (ana_id, _), (_, cy_key) = people["Ana"], people["Cy"]
    codes = [sharing.new_code(), sharing.new_code()]
    store.set_share_code(ana_id, codes[0])
    store.set_share_code(mal_id, codes[1])
    at = blend(on(app, cy_key, GROUP), "\n".join(codes))
    stored_name = store.get(mal_id).display_name  # type: ignore[union-attr]
    heatmap = json.dumps(figure_titled(at, "Who matches whom"))
    assert "<b>" not in heatmap and "&lt;b&gt;Mal&lt;/b&gt;" in heatmap  # Plotly shows it, reads no tag
    assert md(seen(mal_id, stored_name)) in texts(at)
    assert re.findall(r"(?<!\\)(?:\]\(|<)", texts(at)) == []  # no Markdown link, image or tag can form


# --- the group's playlist in the visitor's own Spotify ----------------------------------------------

STATE_KEY = "test-state-key"
PORTISHEAD = [("Portishead", ["trip hop"]), ("Massive Attack", ["trip hop"]), ("Burial", [])]


@pytest.fixture
def spotify(store_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeSpotify]:
    with FakeSpotify(client_id="test-client", client_secret="test-secret") as fake:
        monkeypatch.setenv("SPOTIFY_CLIENT_ID", "test-client")
        monkeypatch.setenv("SPOTIFY_CLIENT_SECRET", "test-secret")
        monkeypatch.setenv("SOULMATE_STATE_SECRET", STATE_KEY)
        monkeypatch.setenv("SOULMATE_SPOTIFY_API_BASE", fake.api_base)
        monkeypatch.setenv("SOULMATE_SPOTIFY_ACCOUNTS_BASE", fake.base_url)
        yield fake


def logged_in_with_spotify(spotify: FakeSpotify, user: FakeUser) -> AppTest:
    """A session back from Spotify's login as ``user``, its profile saved."""
    spotify.issue_code("code-1", user)
    at = AppTest.from_file(DASHBOARD, default_timeout=60).run()
    at.query_params["code"] = "code-1"
    at.query_params["state"] = sign_state(STATE_KEY.encode(), at.session_state[NONCE_KEY])
    at.run()
    assert not at.exception and TOKEN_KEY in at.session_state
    return at


def spotify_listener(store: Store, user: FakeUser, name: str) -> str:
    """Save ``user``'s profile as Spotify's answers make it, hidden, with a share code; the code."""
    payloads = SpotifyPayloads(me=user.me, top_artists=user.top_artists, top_tracks=user.top_tracks)
    store.put(build_taste_profile(payloads, display_name=name))
    code = sharing.new_code()
    store.set_share_code(user.me["account_id"], code)
    return code


def test_with_a_spotify_login_the_seed_becomes_a_private_playlist_in_spotify(
    spotify: FakeSpotify, store: Store
) -> None:
    codes = [
        spotify_listener(store, sample_user(f"acc-{name}", name, PORTISHEAD[i:] + PORTISHEAD[:i]), name)
        for i, name in enumerate(("Ana", "Bo"))
    ]
    at = logged_in_with_spotify(spotify, sample_user("acc-sam", "Sam", PORTISHEAD[::-1]))
    at.switch_page(GROUP).run()
    blend(at, "\n".join(codes))
    at.button(key="group_spotify").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]

    (made,) = spotify.playlists.playlists.values()
    assert (
        made.owner == "legacy-acc-sam"
        and made.public is False
        and made.name.startswith("Soulmate blend: you, ")
    )
    songs = {track_payload(f"{name} song", name)["uri"] for name, _ in PORTISHEAD}
    assert set(made.uris) == songs and len(made.uris) == 3  # every member plays all three artists
    assert f"with {len(made.uris)} tracks" in texts(at)
    (link,) = at.get("link_button")
    assert link.proto.url == f"https://open.spotify.com/playlist/{made.id}"
    assert [c.path for c in spotify.calls if c.method == "POST" and c.path.startswith("/v1/")] == [
        "/v1/me/playlists",
        f"/v1/playlists/{made.id}/items",
    ]
