"""Someone else's text (a display name, an artist, a genre) as each medium shows it literally.

Streamlit reads Markdown, plus its own ``:red[...]``, ``:material/...:`` and ``$...$``, in
``st.markdown``, ``st.caption``, ``st.write`` of a string, alerts, tab and metric labels; Plotly
reads tags such as ``<a href>`` and ``<b>`` in labels, ticks and hover text. Nothing typed by a
person reaches either unescaped, whatever was stored: ``clean_text`` first (no control or bidi
characters, one line), then the medium's escaping.
"""

from __future__ import annotations

import html
import re

from soulmate_core.text import clean_text

_LONG = 10_000  # a summary or a list of names: one line, never cut for length here
_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")
# GFM turns bare URLs and e-mail addresses into links after parsing, escapes or not: an invisible
# word joiner after the scheme (or "www") and before "@" keeps them plain text.
_BARE_LINK = re.compile(r"(?i)\b(https?|ftps?|mailto|www)(?=[:.])|(?=@)")
WORD_JOINER = "\u2060"


def md(text: str) -> str:
    """``text`` for any Streamlit element that reads Markdown: every ASCII punctuation mark
    backslash-escaped (CommonMark allows it for each) and bare URLs broken up, so no link, image,
    emphasis, HTML, autolink, colour, icon or formula can form."""
    unlinked = _BARE_LINK.sub(lambda m: (m.group(1) or "") + WORD_JOINER, clean_text(text, _LONG))
    return _PUNCTUATION.sub(r"\\\1", unlinked)


def plotly(text: str) -> str:
    """``text`` for a Plotly label, tick or hover text: ``<``, ``>`` and ``&`` as entities."""
    return html.escape(clean_text(text, _LONG), quote=False)
