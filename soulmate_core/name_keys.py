"""Keys: one artist or genre, however a listener's source spells it.

Two names are one artist when their keys are equal, across every source and every listener; the
name shown stays the one the listener's own source spelled. ``artist_key`` folds:

- case, width and spacing ("BJÖRK", "ｂｊｏｒｋ", "Björk");
- diacritics on Latin letters, and the Latin letters that keyboards often spell plain though they
  have no decomposition: ø ł đ ð ħ ŧ ı æ œ þ ("Beyoncé" and "Beyonce", "Motörhead", "MØ" and "MO",
  "Łona"; case folding already spells ß "ss"). Marks on any other script are letters of their own
  and stay: kana "ガ" is not "カ", Cyrillic "й" is not "и", Greek keeps its accents;
- a leading "The " ("The Beatles" and "Beatles"), unless the word "the" follows it ("The The");
- a featured artist: "X feat. Y", "X ft. Y", "X featuring Y", "X (feat. Y)", "X [ft. Y]" are X,
  unless nothing but "The" is left before the credit ("feat. Drake" stays whole). Names joined by
  "&", "and", "with", "x" or "+" are acts of their own ("Simon & Garfunkel", "Florence + the
  Machine"), and "Little Feat" credits no one.

``genre_key`` folds case, width and spacing only: a genre is never featured, "the" means something
in it, and it is shown by its key, so its accents stay.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# A featured credit and all after it: "feat. Y", "ft Y", "featuring Y", bare or opening a bracket;
# not "Little Feat & Friends".
_FEATURED = re.compile(r"(?:\s+|\s*[(\[]\s*)(?:featuring|feat|ft)(?:\.\s*|\s+)[^\s&+]")
# Combining marks (the blocks a decomposed Latin letter's diacritics come from) after a Latin letter
# (Basic Latin, Latin-1, Extended A to E, IPA, phonetic and additional): not kana's dakuten (U+3099),
# and not those on a Cyrillic, Greek or any other letter.
_MARK = "[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]"
_LATIN = "[a-z\u00aa\u00ba\u00c0-\u02af\u1d00-\u1dbf\u1e00-\u1eff\u2c60-\u2c7f\ua720-\ua7ff\uab30-\uab6f]"
_MARKS = re.compile(_MARK)
_LATIN_MARKS = re.compile(f"(?<={_LATIN}){_MARK}+")
_THE = "the "
_PLAIN = dict(zip("øłđðħŧı", "olddhti", strict=True)) | {"æ": "ae", "œ": "oe", "þ": "th"}
_STROKED = str.maketrans(_PLAIN)
_STROKED_LETTERS = re.compile(f"[{''.join(_PLAIN)}]")


@lru_cache(maxsize=1 << 14)
def artist_key(name: str) -> str:
    """The identity of an artist's name (see the module). Cached for the most recent names (a few
    MB): popular artists recur across a batch of profiles."""
    key = _folded(name)
    featured = _FEATURED.search(key) if " f" in key or "(f" in key or "[f" in key else None
    if featured and key[: featured.start()] not in ("", "the"):
        key = key[: featured.start()]
    if key.startswith(_THE) and not f"{key[len(_THE) :]} ".startswith(_THE):  # not "The The"
        key = key[len(_THE) :]
    return key


@lru_cache(maxsize=1 << 12)
def genre_key(name: str) -> str:
    """The identity of a genre's name: case, width and spacing do not count. Accents stay: a genre
    is shown by its key ("música popular brasileira")."""
    return _spaced(name)


def _folded(name: str) -> str:
    text = _spaced(name)
    return text if text.isascii() else _latin_plain(text)


def _spaced(name: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", name).casefold().split())


def _latin_plain(text: str) -> str:
    """``text`` without the combining marks that follow a Latin letter, and its stroked Latin
    letters plain; every other script as it was. Each step only where it has work (a few C scans)."""
    if _STROKED_LETTERS.search(text):
        text = text.translate(_STROKED)
    decomposed = unicodedata.normalize("NFD", text)
    if not _MARKS.search(decomposed):
        return text
    return unicodedata.normalize("NFC", _LATIN_MARKS.sub("", decomposed))
