"""Finding 1, identity without Spotify: a profile made from a file or a persona was lost on reload.
Where the operator configures ``[auth]``, signing in through OIDC (``st.login``) ties the profile to
a lasting account: its user id is ``account_user_id(iss, sub)``, and a new session of the same
account finds it again. Where ``[auth]`` is not configured, nothing changes. The browser test signs
in through a local provider that speaks the real protocol (``oidc_provider``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from soulmate_adapters import open_store
from soulmate_app.escape import md
from soulmate_core.accounts import account_user_id
from soulmate_core.demo import demo_population
from soulmate_core.errors import InputError
from soulmate_core.store import Store
from tests.browser_support import free_port, serve_dashboard
from tests.dashboard.conftest import DASHBOARD, sign_in_as_persona, texts
from tests.security.oidc_provider import local_provider, secrets_toml

try:
    from playwright import sync_api
except ImportError:  # `need` reports it: a skip, or a failure under CI
    sync_api = None

ISSUER = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_example"
AUTH = {
    "redirect_uri": "http://127.0.0.1:8501/oauth2callback",
    "cookie_secret": "test-cookie-secret",
    "client_id": "client",
    "client_secret": "secret",
    "server_metadata_url": f"{ISSUER}/.well-known/openid-configuration",
}
PERSONA = "demo-0002"


def _session(user: dict[str, Any] | None, *, auth: bool = True) -> AppTest:
    at = AppTest.from_file(DASHBOARD, default_timeout=60)
    if auth:
        at.secrets["auth"] = AUTH
    if user is not None:
        at.user = user
    at.run()
    assert not at.exception, at.exception
    return at


def _ana(sub: str = "ana-sub") -> dict[str, Any]:
    return {"is_logged_in": True, "iss": ISSUER, "sub": sub, "email": "ana@example.org"}


# --- the user id -----------------------------------------------------------------------------------
def test_the_account_user_id_is_stable_prefixed_and_apart_per_provider() -> None:
    user_id = account_user_id(ISSUER, "ana-sub")
    assert user_id == account_user_id(ISSUER + "/", "ana-sub")
    assert user_id.startswith("oidc-") and len(user_id) == len("oidc-") + 32
    assert "ana" not in user_id  # the subject, sometimes an e-mail address, is not kept
    assert user_id != account_user_id("https://accounts.google.com", "ana-sub")
    assert user_id != account_user_id(ISSUER, "bo-sub")


@pytest.mark.parametrize(("iss", "sub"), [("", "x"), (ISSUER, ""), ("  ", "x")])
def test_an_identity_without_issuer_or_subject_is_refused(iss: str, sub: str) -> None:
    with pytest.raises(InputError):
        account_user_id(iss, sub)


# --- the dashboard, headless -------------------------------------------------------------------------
def test_without_auth_settings_nothing_changes(dashboard_store: Store) -> None:
    at = _session(None, auth=False)
    assert not [b for b in at.button if b.key in ("account_sign_in", "account_sign_out")]
    assert "Signed in as" not in texts(at)
    sign_in_as_persona(at, PERSONA)
    assert dashboard_store.get(account_user_id(ISSUER, "ana-sub")) is None


def test_with_auth_settings_a_visitor_is_offered_sign_in(dashboard_store: Store) -> None:
    at = _session({"is_logged_in": False})
    assert at.button(key="account_sign_in").label == "Sign in"


def test_a_persona_chosen_while_signed_in_is_kept_with_the_account(dashboard_store: Store) -> None:
    at = _session(_ana())
    assert f"Signed in as **{md('ana@example.org')}** with your account" in texts(at)
    sign_in_as_persona(at, PERSONA)

    mine = dashboard_store.get(account_user_id(ISSUER, "ana-sub"))
    persona = dashboard_store.get(PERSONA)
    assert mine is not None and persona is not None
    assert mine.source == "persona" and not mine.discoverable  # hidden until she opts in
    assert mine.top_artists(limit=50) == persona.top_artists(limit=50)

    later = _session(_ana())  # a reload, a new tab, another day: a new session of the same account
    assert f"You are **{md(persona.display_name)}**" in texts(later)
    later.switch_page("pages/privacy.py").run()
    assert later.button(key="delete_data")  # hers to delete, unlike a shared persona


def test_another_account_does_not_get_that_profile(dashboard_store: Store) -> None:
    sign_in_as_persona(_session(_ana()), PERSONA)
    other = _session(_ana("bo-sub"))
    assert "You are" not in texts(other)


# --- a real browser and a real OIDC provider ----------------------------------------------------------
@pytest.mark.browser
@pytest.mark.slow
def test_in_a_real_browser_sign_in_keeps_a_persona_profile_across_reloads(
    chromium, tmp_path: Path
) -> None:
    db = tmp_path / "soulmate.db"
    store = open_store(f"sqlite:///{db}")
    store.put_many(demo_population())
    port = free_port()
    dashboard = f"http://127.0.0.1:{port}"
    with local_provider(f"{dashboard}/oauth2callback", f"{dashboard}/") as provider:
        secrets = tmp_path / "secrets.toml"
        secrets.write_text(secrets_toml(provider, dashboard), encoding="utf-8")
        with serve_dashboard(db, port=port, secrets_file=secrets) as base:
            context = chromium.new_context(viewport={"width": 1400, "height": 1000})
            try:
                page = context.new_page()
                page.goto(base + "/")
                page.get_by_role("button", name="Sign in").click()
                page.wait_for_url(f"{provider.issuer}/**", timeout=30_000)
                page.locator("input[name=login]").fill("ana")
                page.locator("input[name=password]").fill("any password")
                page.get_by_role("button", name="Sign-in").click()
                page.get_by_role("button", name="Continue").click()  # consent
                page.wait_for_url(f"{base}/**", timeout=30_000)
                sync_api.expect(page.get_by_text("Signed in as ana")).to_be_visible(
                    timeout=30_000
                )

                persona = next(p for p in demo_population() if p.user_id == PERSONA)
                page.get_by_role("tab", name="Try a demo persona").click()
                page.get_by_role("combobox").last.click()
                page.keyboard.type(persona.display_name)
                page.get_by_role("option", name=persona.display_name, exact=True).click()
                page.get_by_role("button", name="Use this persona").click()
                sync_api.expect(page.get_by_text(f"You are {persona.display_name}")).to_be_visible(
                    timeout=30_000
                )
                mine = store.get(account_user_id(provider.issuer, "ana"))
                assert mine is not None and mine.source == "persona"

                page.reload()  # a new Streamlit session: the identity cookie brings the profile back
                sync_api.expect(page.get_by_text(f"You are {persona.display_name}")).to_be_visible(
                    timeout=30_000
                )
                sync_api.expect(page.get_by_text("Signed in as ana")).to_be_visible()
            finally:
                context.close()
                store.close()
