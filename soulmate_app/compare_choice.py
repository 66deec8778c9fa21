"""Who Compare shows you against: one of your soulmates, anyone on the map who opted in, or whoever
gave you their share code or link (pasted, or opened as ``?share=CODE``).

The choice is kept in this session (``TARGET_KEY``) as ``("code", text)`` or ``("user", user_id)``,
and read again on every run: a code replaced or stopped meanwhile, or a listener who left or hid,
ends the comparison at once. Other pages ask for someone with ``compare_with`` (a user id of a
listener who opted in) and ``st.switch_page`` to Compare. Errors name no one and say the same
whether a hidden listener exists or not.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from soulmate_app import data, people, share_link
from soulmate_app.escape import md
from soulmate_core import InputError, Match, TasteProfile, UnknownUserError, service
from soulmate_core.errors import UnknownShareCodeError

TARGET_KEY = "soulmate_compare_target"
COMPARE_WITH = "compare_with"
"""Set by another page (Soulmates, the taste map) to a user id, before switching to Compare."""
CHOICE_KEY = "compare_choice"
NO_ONE = (
    "No one shares that code. Check that you pasted all of it; its owner may also have made a new "
    "link (which stops the old one) or stopped sharing."
)
GONE = "This listener is not among those who opted in any more. Choose someone else."


@dataclass(frozen=True)
class Comparison:
    other: TasteProfile
    match: Match
    by_code: bool


def choose(viewer: TasteProfile, soulmates: list[Match]) -> Comparison | None:
    """The paste field and the soulmate picker, and who they chose (after what another page or a
    link asked for); None, with a message, when no one can be shown."""
    _take_requests()
    with st.form("compare_code_form", clear_on_submit=True, border=False):
        pasted = st.text_input(
            "Paste a share code or link",
            key="compare_code",
            placeholder="https://…/compare?share=… or just the code",
            help="Someone who wants to compare with you makes a link on this page and sends it to you.",
        )
        if st.form_submit_button("Compare with them", key="compare_by_code"):
            st.session_state[TARGET_KEY] = ("code", pasted or "")
    by_id = {m.other_id: m for m in soulmates}
    target = st.session_state.get(TARGET_KEY)
    if target is None and soulmates:
        target = ("user", soulmates[0].other_id)
    st.session_state[CHOICE_KEY] = (
        target[1] if target and target[0] == "user" and target[1] in by_id else None
    )
    st.selectbox(
        "Or one of your soulmates",
        options=list(by_id),
        format_func=lambda other: f"{people.name_of(by_id[other])} ({round(100 * by_id[other].score)})",
        index=None,
        placeholder="Choose a soulmate…",
        key=CHOICE_KEY,
        on_change=_picked,
    )
    if target is None:
        st.info("No soulmates to compare with yet. Paste someone's share code or link above.")
        return None
    return _resolve(viewer, target)


def _take_requests() -> None:
    """What a link or another page asked for since the last run becomes the choice."""
    code = share_link.take_pending()
    if code is not None:
        st.session_state[TARGET_KEY] = ("code", code)
    wanted = st.session_state.pop(COMPARE_WITH, None)
    if isinstance(wanted, str):
        st.session_state[TARGET_KEY] = ("user", wanted)


def _picked() -> None:
    chosen = st.session_state.get(CHOICE_KEY)
    if isinstance(chosen, str):
        st.session_state[TARGET_KEY] = ("user", chosen)


def _resolve(viewer: TasteProfile, target: tuple[str, str]) -> Comparison | None:
    kind, value = target
    try:
        if kind == "code":
            other, found = service.compare_by_code(data.store(), viewer.user_id, value, data.index())
        else:
            other, found = service.compare_with_listener(data.store(), viewer.user_id, value, data.index())
    except UnknownShareCodeError:
        st.error(NO_ONE)
        return None
    except UnknownUserError:
        st.warning(GONE)
        return None
    except InputError as exc:
        st.error(md(exc.reason[:1].upper() + exc.reason[1:]) + ".")
        return None
    return Comparison(other, found, kind == "code")
