"""The screen keeps step with the session: the sidebar names whoever is signed in from the moment
they are, and nobody once they deleted their data; a notice outlives the rerun that redraws it;
the sidebar gets out of the way after navigation on a narrow screen; error text is shown as typed."""

from __future__ import annotations

from soulmate_app import session
from soulmate_app.escape import md
from soulmate_core import Store
from soulmate_core.handles import UNNAMED
from tests import export_fixtures as fx
from tests.markdown_text import as_read

from .conftest import sign_in_as_persona, texts

PERSONA = "demo-0007"


def signed_in_as(at) -> list[str]:
    return [c.value for c in at.sidebar.caption if c.value.startswith("Signed in as")]


def test_the_sidebar_names_you_in_the_very_run_you_pick_a_persona(app, store: Store) -> None:
    at = app()
    assert signed_in_as(at) == []
    sign_in_as_persona(at, PERSONA)
    assert signed_in_as(at) == [f"Signed in as **{md(store.get(PERSONA).display_name)}**"]
    assert at.sidebar.button(key="sign_out")


def test_after_deleting_your_data_the_sidebar_names_nobody(app, store: Store) -> None:
    at = sign_in_as_persona(app(), PERSONA)
    mine = store.get(PERSONA).with_changes(user_id="mine-1", source="persona", discoverable=False)
    store.put(mine)
    at.session_state[session.USER_KEY] = "mine-1"
    at.switch_page("pages/privacy.py").run()
    assert signed_in_as(at) == [f"Signed in as **{md(mine.display_name)}**"]
    at.checkbox(key="delete_confirm").check().run()
    at.button(key="delete_data").click().run()
    assert store.get("mine-1") is None
    assert signed_in_as(at) == [] and not [b for b in at.sidebar.button if b.key == "sign_out"]
    assert "Your data is deleted" in " ".join(s.value for s in at.success)
    at.switch_page("pages/my_taste.py").run()
    assert "Your data is deleted" not in texts(at), "a notice shows once"


def test_each_page_carries_the_script_that_closes_a_narrow_sidebar_after_navigation(app) -> None:
    at = sign_in_as_persona(app(), PERSONA)
    seen = []
    for page, path in (("pages/my_taste.py", "my-taste"), ("pages/soulmates.py", "soulmates")):
        at.switch_page(page).run()
        (script,) = [h.proto.body for h in at.sidebar.get("html")]
        assert f"/* {path} */" in script and "stSidebarCollapseButton" in script
        seen.append(script)
    assert seen[0] != seen[1], "a new page is a new script, so the browser runs it again"


def test_an_upload_error_keeps_its_asterisks(app, store: Store) -> None:
    at = app()
    at.file_uploader(key="export_files").set_value(
        [("export.zip", fx.zip_of({"Userdata.json": b"{}"}), "application/zip")]
    ).run()
    at.button(key="export_build").click().run()
    (error,) = at.error
    assert "StreamingHistory_music_*.json" in as_read(error.value)
    assert "StreamingHistory\\_music\\_\\*\\.json" in error.value, "escaped, so Markdown cannot eat a *"


def test_listeners_who_leave_the_name_empty_are_each_their_own_listener(app, store: Store) -> None:
    files = [("Streaming_History_Audio_2025_0.json", fx.as_json(fx.extended_rows()), "application/json")]
    names = []
    for _ in range(2):
        at = app()
        at.file_uploader(key="export_files").set_value(files).run()
        at.button(key="export_build").click().run()
        (line,) = signed_in_as(at)
        names.append(as_read(line.removeprefix("Signed in as **").removesuffix("**")))
    assert all(name.startswith(f"{UNNAMED} #") for name in names) and names[0] != names[1]
    assert "Export listener" not in " ".join(names)
