"""Finding 1: a profile made from an export was lost on reload, in a new tab, or on sign-out; its
owner could no longer download or delete it, and uploading again made a duplicate.

Now every profile made from a file gets a recovery key, shown once and offered as a file. A new
session (a reload, another browser) signs in with it and gets the profile back, with its download
and its deletion; an upload while signed in replaces the profile. A wrong key changes nothing, and
no store keeps the key itself: only its SHA-256.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from pathlib import Path

import boto3
import pytest
from streamlit.testing.v1 import AppTest

from soulmate_adapters.dynamodb import DynamoDBStore
from soulmate_app.escape import md
from soulmate_core import Store, recovery, service
from soulmate_core.errors import UnknownKeyError
from tests import export_fixtures as fx
from tests.aws_standins import moto_server, set_aws_env, standin_limits
from tests.dashboard.conftest import texts
from tests.sample_profiles import sample_profile

PERSONA = "demo-0042"
ROBIN = "Robin Returning"


def _upload(at: AppTest, files: list[tuple[str, bytes, str]], name: str) -> AppTest:
    at.file_uploader(key="export_files").set_value(files).run()
    at.text_input(key="export_name").input(name).run()
    at.button(key="export_build").click().run()
    assert not at.exception, at.exception
    return at


def _export_of(store: Store, like: str = PERSONA) -> list[tuple[str, bytes, str]]:
    return [("StreamingHistory_music_0.json", fx.export_like(store.get(like)), "application/json")]


def _exports(store: Store) -> list[str]:
    return sorted(p.user_id for p in store.iter_all() if p.source == "spotify-export")


def _sign_in_with(at: AppTest, text: str) -> AppTest:
    at.text_input(key="recovery_key").input(text)  # a form: sent with its submit button
    at.button(key="recovery_key_sign_in").click().run()
    assert not at.exception, at.exception
    return at


@pytest.fixture
def joined(
    app: Callable[[], AppTest], dashboard_store: Store, downloaded: Callable[..., object]
) -> tuple[AppTest, str, str]:
    """A visitor who built a profile from an export: their session, their user id, and the text
    of the key file they downloaded."""
    at = _upload(app(), _export_of(dashboard_store), ROBIN)
    (user_id,) = _exports(dashboard_store)
    button = at.get("download_button")[0]
    assert "recovery key" in button.proto.label
    file = downloaded(button)
    assert file.mimetype == "text/plain" and file.filename == "soulmate-recovery-key.txt"
    return at, user_id, file.content.decode()


def _the_key(key_file: str) -> str:
    key = recovery.find_key(key_file)
    assert key is not None and key.startswith(recovery.KEY_PREFIX)
    return key


# --- the key: made once, shown once, high-entropy ----------------------------------------------------


def test_a_new_export_profile_gets_a_key_shown_once_and_offered_as_a_file(
    joined: tuple[AppTest, str, str],
) -> None:
    at, _, key_file = joined
    key = _the_key(key_file)
    assert len(key) == len(recovery.KEY_PREFIX) + 43  # 32 random bytes, URL-safe
    assert [c.value for c in at.code] == [key]
    at.button(key="recovery_key_saved").click().run()
    assert key not in texts(at) and not at.code and not at.get("download_button")
    at.run()  # and it does not come back
    assert not at.code


def test_keys_are_random_and_found_in_what_a_person_pastes() -> None:
    keys = {recovery.new_key() for _ in range(1000)}
    assert len(keys) == 1000
    key = keys.pop()
    assert recovery.find_key(f"  {key}\n") == key
    assert recovery.find_key(recovery.key_file(key)) == key
    assert recovery.find_key(recovery.key_file(key).replace("\n", "")) == key  # a one-line field
    assert recovery.find_key(key[:-1]) is None
    assert recovery.find_key("soulmate-key-" + "!" * 43) is None
    assert recovery.key_hash(key) != recovery.key_hash(keys.pop())


# --- the finding: a reload (a new session) gets the profile back -------------------------------------


@pytest.mark.slow  # three sessions and real uploads
def test_a_reload_signs_in_with_the_key_and_can_download_and_delete(
    joined: tuple[AppTest, str, str],
    app: Callable[[], AppTest],
    dashboard_store: Store,
    downloaded: Callable[..., object],
) -> None:
    _, user_id, key_file = joined
    later = _sign_in_with(app(), key_file)  # the whole key file, pasted
    assert f"You are **{ROBIN}**" in texts(later)
    assert not later.code  # the key is not shown again

    later.switch_page("pages/privacy.py").run()
    assert not later.exception
    (button,) = later.get("download_button")
    document = json.loads(downloaded(button).content)
    assert document["user_id"] == user_id and document["display_name"] == ROBIN

    later.checkbox(key="delete_confirm").check().run()
    later.button(key="delete_data").click().run()
    assert "Your data is deleted" in texts(later)
    assert dashboard_store.get(user_id) is None
    assert dashboard_store.user_for_key(recovery.key_hash(_the_key(key_file))) is None  # erased too

    again = _sign_in_with(app(), _the_key(key_file))
    assert recovery.KEY_PREFIX in " ".join(e.value for e in again.error)
    assert "You are" not in texts(again)


@pytest.mark.slow  # three sessions and real uploads
def test_an_upload_while_signed_in_by_key_replaces_the_profile(
    joined: tuple[AppTest, str, str], app: Callable[[], AppTest], dashboard_store: Store
) -> None:
    _, user_id, key_file = joined
    later = _sign_in_with(app(), _the_key(key_file))  # another tab
    before = dashboard_store.get(user_id)
    _upload(later, _export_of(dashboard_store, "demo-0007"), "Robin Again")
    assert _exports(dashboard_store) == [user_id]  # one profile, the same user id
    now = dashboard_store.get(user_id)
    assert now.display_name == "Robin Again" and now.updated_at > before.updated_at
    assert now.top_artists("long_term", 3) != before.top_artists("long_term", 3)
    assert not later.code  # no new key: the old one still opens the profile
    assert service.profile_for_key(dashboard_store, key_file) == now


def test_a_wrong_key_gets_a_clear_error_and_changes_nothing(
    joined: tuple[AppTest, str, str], app: Callable[[], AppTest], dashboard_store: Store
) -> None:
    _, user_id, key_file = joined
    key = _the_key(key_file)
    stored, version = dashboard_store.get(user_id), dashboard_store.version()
    wrong = [recovery.new_key(), key[:-1] + ("A" if key[-1] != "A" else "B"), "letmein", ""]
    for text in wrong:
        at = _sign_in_with(app(), text)
        (error,) = at.error
        assert "does not open any profile" in error.value and "Nothing was changed" in error.value
        assert "You are" not in texts(at)
        with pytest.raises(UnknownKeyError):
            service.profile_for_key(dashboard_store, text)
    # A visitor already signed in stays who they were.
    persona = app()
    persona.selectbox(key="persona_choice").set_value(PERSONA).run()
    persona.button(key="use_persona").click().run()
    _sign_in_with(persona, wrong[0])
    assert f"You are **{md(dashboard_store.get(PERSONA).display_name)}**" in texts(persona)
    assert (dashboard_store.get(user_id), dashboard_store.version()) == (stored, version)


# --- the key is never stored, logged or cached as itself ---------------------------------------------


def test_the_key_is_in_no_store_file_and_no_log(
    app: Callable[[], AppTest],
    dashboard_store: Store,
    downloaded: Callable[..., object],
    store_url: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.DEBUG):
        at = _upload(app(), _export_of(dashboard_store), ROBIN)
        key = _the_key(downloaded(at.get("download_button")[0]).content.decode())
        _sign_in_with(app(), key)
    path = Path(store_url.removeprefix("sqlite:///"))
    files = [p for p in path.parent.iterdir() if p.name.startswith(path.name)]  # the db, -wal, -shm
    assert len(files) >= 2
    for file in files:
        raw = file.read_bytes()
        assert key.encode() not in raw and key[len(recovery.KEY_PREFIX) :].encode() not in raw
    (user_id,) = _exports(dashboard_store)
    assert dashboard_store.user_for_key(recovery.key_hash(key)) == user_id  # only its hash
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert key[len(recovery.KEY_PREFIX) :] not in logged


@pytest.fixture
def dynamodb_store(monkeypatch: pytest.MonkeyPatch) -> Iterator[DynamoDBStore]:
    with moto_server() as endpoint:
        set_aws_env(monkeypatch, endpoint)
        store = DynamoDBStore("keys-finding", limits=standin_limits())
        store.create_tables()
        yield store
        store.close()


@pytest.mark.slow  # moto over HTTP
def test_on_dynamodb_only_the_hash_is_stored_and_a_delete_erases_it(dynamodb_store: DynamoDBStore) -> None:
    profile, key = service.save_new_profile(dynamodb_store, sample_profile("export-robin"))
    assert service.profile_for_key(dynamodb_store, key) == profile
    client = boto3.session.Session().client("dynamodb")
    tables = [dynamodb_store.table, dynamodb_store.meta_table, dynamodb_store.table + "-keys"]

    def everything() -> str:
        return json.dumps([client.scan(TableName=t)["Items"] for t in tables])

    stored = everything()
    assert key[len(recovery.KEY_PREFIX) :] not in stored
    assert recovery.key_hash(key) in stored
    assert dynamodb_store.delete("export-robin") is True
    assert recovery.key_hash(key) not in everything()
    assert client.scan(TableName=tables[2])["Items"] == []
    with pytest.raises(UnknownKeyError):
        service.profile_for_key(dynamodb_store, key)
