"""Music Soulmate Finder's core: taste profiles, explainable matching, and storage behind one port."""

from soulmate_core.errors import (
    InputError,
    SoulmateError,
    StaleWriteError,
    StoreError,
    UnknownUserError,
)
from soulmate_core.index import MatchIndex
from soulmate_core.profile import (
    ArtistEntry,
    RangeTaste,
    TasteProfile,
    TrackEntry,
    from_item,
    make_profile,
    to_item,
)
from soulmate_core.scoring import Component, Match, SharedItem, match
from soulmate_core.store import Store, open_store

__version__ = "0.1.0"

__all__ = [
    "ArtistEntry",
    "Component",
    "InputError",
    "Match",
    "MatchIndex",
    "RangeTaste",
    "SharedItem",
    "SoulmateError",
    "StaleWriteError",
    "Store",
    "StoreError",
    "TasteProfile",
    "TrackEntry",
    "UnknownUserError",
    "__version__",
    "from_item",
    "make_profile",
    "match",
    "open_store",
    "to_item",
]
