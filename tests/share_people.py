"""Real listeners for the share-link and group tests: copies of demo personas saved as if they had
joined from a data export (hidden, with a recovery key), and signing in with that key."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from soulmate_core import Store, service
from soulmate_core.demo import demo_user_id


def join_with_key(store: Store, name: str, like: int, user_id: str | None = None) -> tuple[str, str]:
    """Save ``name``, who listens like demo persona number ``like``, hidden; (user id, recovery key)."""
    persona = store.get(demo_user_id(like))
    assert persona is not None
    profile = persona.with_changes(
        user_id=user_id or f"export-{name.casefold()}",
        display_name=name,
        source="spotify-export",
        discoverable=False,
    )
    saved, key = service.save_new_profile(store, profile)
    return saved.user_id, key


def sign_in_with_key(at: AppTest, key: str) -> AppTest:
    """Sign ``at``'s session in on Connect with a recovery key."""
    at.text_input(key="recovery_key").input(key)
    at.button(key="recovery_key_sign_in").click().run()
    assert not at.exception, at.exception
    return at
