"""The one way the Connect page asks for a public name: the Spotify login and the export upload.

What is typed is cleaned where it is used (``clean_name``, in ``flows``); left empty, a returning
person keeps the name they chose before, and a new one appears as ``Listener #tag``.
"""

from __future__ import annotations

import streamlit as st

LABEL = "Public name (what others see; leave empty to appear as Listener #tag)"
HELP = "Shown with a short tag, e.g. 'Jazzcat #k3x9'. Left empty, you keep the name you chose before."


def name_input(key: str) -> str:
    """A text input for the public name, under ``key``; what was typed, raw."""
    return st.text_input(LABEL, value="", key=key, help=HELP)
