"""Privacy & data: opting in, downloading, deleting; and who may appear in anyone's matches."""

from __future__ import annotations

import json
from typing import Any

import pytest

from soulmate_app.escape import md
from soulmate_core import Store, TasteProfile, service
from soulmate_core.handles import DEVELOPMENT_KEY, public_name
from tests import export_fixtures as fx

from .conftest import sign_in_as_persona, texts

PERSONA = "demo-0042"


def _join_by_export(app, store: Store, name: str):
    at = app()
    at.file_uploader(key="export_files").set_value(
        [("StreamingHistory_music_0.json", fx.export_like(store.get(PERSONA)), "application/json")]
    ).run()
    at.text_input(key="export_name").input(name).run()
    at.button(key="export_build").click().run()
    assert not at.exception
    (me,) = [p for p in store.iter_all() if p.display_name == name]
    return at, me.user_id


def _tag(user_id: str) -> str:
    """How a real listener appears to a demo persona: a tag of their alias, no name."""
    return md(public_name(user_id, "", DEVELOPMENT_KEY))


def _soulmate_names(at) -> str:
    at.switch_page("pages/soulmates.py").run()
    at.slider(key="match_limit").set_value(50).run()
    return texts(at)


@pytest.mark.slow  # two sessions and a real join by export
def test_new_real_users_stay_out_of_matches_until_they_opt_in(app, store: Store) -> None:
    newcomer, user_id = _join_by_export(app, store, "Quinn Newcomer")
    other = sign_in_as_persona(app(), PERSONA)
    assert _tag(user_id) not in _soulmate_names(other)
    for _, found in service.all_matches(store, 10):
        assert user_id not in {m.other_id for m in found}

    newcomer.switch_page("pages/privacy.py").run()
    newcomer.toggle(key="discoverable").set_value(True).run()
    assert store.get(user_id).discoverable
    assert _tag(user_id) in _soulmate_names(other)  # to a demo persona, by tag only


@pytest.mark.slow  # two sessions and a real join by export
def test_delete_removes_me_from_everyones_matches_at_once_and_signs_out(app, store: Store) -> None:
    me, user_id = _join_by_export(app, store, "Rae Leaving")
    me.switch_page("pages/privacy.py").run()
    me.toggle(key="discoverable").set_value(True).run()
    other = sign_in_as_persona(app(), PERSONA)
    assert _tag(user_id) in _soulmate_names(other)

    me.switch_page("pages/privacy.py").run()
    me.checkbox(key="delete_confirm").check().run()
    me.button(key="delete_data").click().run()
    assert "Your data is deleted" in texts(me)
    assert store.get(user_id) is None
    me.switch_page("pages/my_taste.py").run()
    assert "Connect first" in texts(me)
    assert _tag(user_id) not in _soulmate_names(other)


def _profile_in(document: dict[str, Any]) -> dict[str, Any]:
    """The profile of a download: the stored item ``{user_id, profile: {...}}`` or a flat profile."""
    body = document.get("profile")
    return {**document, **body} if isinstance(body, dict) else document


def _strings(node: Any) -> set[str]:
    """Every string value anywhere in a JSON document."""
    if isinstance(node, str):
        return {node}
    if isinstance(node, dict):
        return set().union(*(_strings(v) for v in node.values()))
    if isinstance(node, list):
        return set().union(*(_strings(v) for v in node))
    return set()


def _artists_listed(node: Any) -> set[str]:
    """The names of the artist entries (objects with a name) in every ``artists`` list of a document.

    A track's ``artists`` are plain names and do not count: they credit the track, not the taste."""
    found: set[str] = set()
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "artists" and isinstance(value, list):
                found |= {v["name"] for v in value if isinstance(v, dict) and "name" in v}
            found |= _artists_listed(value)
    elif isinstance(node, list):
        for value in node:
            found |= _artists_listed(value)
    return found


def _names(profile: TasteProfile) -> set[str]:
    """The artist and track names of a profile, over all its time ranges."""
    return {a.name for r in profile.ranges.values() for a in r.artists} | {
        t.name for r in profile.ranges.values() for t in r.tracks
    }


def test_download_my_profile_is_mine_in_full_and_nobody_elses(app, store: Store, downloaded) -> None:
    at = sign_in_as_persona(app(), PERSONA)
    at.switch_page("pages/privacy.py").run()
    assert not at.exception
    (button,) = at.get("download_button")
    assert "Download my profile" in button.proto.label
    assert at.toggle(key="discoverable").value is True
    assert at.toggle(key="discoverable").disabled  # demo personas stay public

    # The file itself: JSON holding this user's profile, whatever its exact layout.
    file = downloaded(button)
    assert file.filename.endswith(".json") and file.mimetype == "application/json"
    document = json.loads(file.content)
    mine = store.get(PERSONA)
    profile = _profile_in(document)
    assert profile["user_id"] == PERSONA
    assert profile["display_name"] == mine.display_name
    assert _artists_listed(document) == {a.name for r in mine.ranges.values() for a in r.artists}
    written = _strings(document)
    assert {t.name for r in mine.ranges.values() for t in r.tracks} <= written

    # Nothing of anyone else: no id, no name, no artist or track only they listen to.
    others = [p for p in store.iter_all() if p.user_id != PERSONA]
    text = "\n".join(written)
    assert [p.user_id for p in others if p.user_id in text] == []
    assert [p.display_name for p in others if p.display_name in text] == []
    theirs = set().union(*(_names(p) for p in others)) - _names(mine) - set(mine.genre_weights)
    assert written & theirs == set()


def test_profile_json_round_trips(store: Store) -> None:
    from soulmate_core import from_item, to_item

    profile = store.get(PERSONA)
    assert from_item(json.loads(json.dumps(to_item(profile)))) == profile
