"""Privacy & data: opting in, downloading, deleting; and who may appear in anyone's matches."""

from __future__ import annotations

import json

from soulmate_core import Store, service
from tests import export_fixtures as fx

from .conftest import sign_in_as_persona, texts

PERSONA = "demo-0042"


def _export_like(store: Store, user_id: str) -> bytes:
    """A data export whose listening mirrors a persona's, so the two match each other best."""
    profile = store.get(user_id)
    rows = [
        {
            "endTime": "2026-02-01 10:00",
            "artistName": a.name,
            "trackName": "x",
            "msPlayed": int(a.weight * 1e8),
        }
        for a in profile.top_artists("long_term", 30)
    ]
    return fx.as_json(rows)


def _join_by_export(app, store: Store, name: str):
    at = app()
    at.file_uploader(key="export_files").set_value(
        [("StreamingHistory_music_0.json", _export_like(store, PERSONA), "application/json")]
    ).run()
    at.text_input(key="export_name").input(name).run()
    at.button(key="export_build").click().run()
    assert not at.exception
    (me,) = [p for p in store.iter_all() if p.display_name == name]
    return at, me.user_id


def _soulmate_names(at) -> str:
    at.switch_page("pages/soulmates.py").run()
    at.slider(key="match_limit").set_value(50).run()
    return texts(at)


def test_new_real_users_stay_out_of_matches_until_they_opt_in(app, store: Store) -> None:
    newcomer, user_id = _join_by_export(app, store, "Quinn Newcomer")
    other = sign_in_as_persona(app(), PERSONA)
    assert "Quinn Newcomer" not in _soulmate_names(other)
    for _, found in service.all_matches(store, 10):
        assert user_id not in {m.other_id for m in found}

    newcomer.switch_page("pages/privacy.py").run()
    newcomer.toggle(key="discoverable").set_value(True).run()
    assert store.get(user_id).discoverable
    assert "Quinn Newcomer" in _soulmate_names(other)


def test_delete_removes_me_from_everyones_matches_at_once_and_signs_out(app, store: Store) -> None:
    me, user_id = _join_by_export(app, store, "Rae Leaving")
    me.switch_page("pages/privacy.py").run()
    me.toggle(key="discoverable").set_value(True).run()
    other = sign_in_as_persona(app(), PERSONA)
    assert "Rae Leaving" in _soulmate_names(other)

    me.switch_page("pages/privacy.py").run()
    me.checkbox(key="delete_confirm").check().run()
    me.button(key="delete_data").click().run()
    assert "Your data is deleted" in texts(me)
    assert store.get(user_id) is None
    me.switch_page("pages/my_taste.py").run()
    assert "Connect first" in texts(me)
    assert "Rae Leaving" not in _soulmate_names(other)


def test_download_my_profile_is_the_stored_item(app, store: Store) -> None:
    at = sign_in_as_persona(app(), PERSONA)
    at.switch_page("pages/privacy.py").run()
    assert not at.exception
    (button,) = at.get("download_button")
    assert "Download my profile" in button.proto.label
    assert at.toggle(key="discoverable").value is True
    assert at.toggle(key="discoverable").disabled  # demo personas stay public


def test_profile_json_round_trips(store: Store) -> None:
    from soulmate_core import from_item, to_item

    profile = store.get(PERSONA)
    assert from_item(json.loads(json.dumps(to_item(profile)))) == profile
