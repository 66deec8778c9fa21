"""Visitors never see a stack trace: an unexpected error in a page becomes a short message with an
error id, and the server's log carries the same id with the traceback.

``dashboard.py`` runs every page inside ``shown_safely``. Streamlit's own control flow (``st.stop``,
``st.rerun``, ``st.switch_page``) raises ``BaseException``s, which pass through untouched.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st

log = logging.getLogger("soulmate.dashboard")


def new_error_id() -> str:
    return secrets.token_hex(4)


@contextmanager
def shown_safely() -> Iterator[None]:
    """Run a page body; on an unexpected error, log it with an id and show only the id."""
    try:
        yield
    except Exception:  # the page's last line of defence; expected errors are handled in the page
        error_id = new_error_id()
        log.exception("dashboard error %s", error_id)
        st.error(
            f"Something went wrong on our side, and nothing you did caused it. "
            f"If it keeps happening, tell us the error id **{error_id}**."
        )
