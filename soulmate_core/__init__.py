"""Music Soulmate Finder's core: taste profiles, explainable matching, and storage behind one port.

Pure and typed: numpy and pydantic only, nothing of a UI, a cloud or HTTP. This module is the
public surface the dashboard's pages may use; the edges may also use the submodules directly.
"""

from soulmate_core.catalogue import genre_coverage
from soulmate_core.errors import (
    CorruptItemError,
    InputError,
    SoulmateError,
    SpotifyAuthError,
    SpotifyError,
    SpotifyForbiddenError,
    SpotifyRateLimitError,
    SpotifyUnavailableError,
    StaleWriteError,
    StoreError,
    UnknownUserError,
)
from soulmate_core.index import MatchIndex
from soulmate_core.insights import (
    diversity,
    drift,
    family_weights,
    genre_families,
    niche,
    shared_and_unique,
    union_top,
)
from soulmate_core.listening import ListeningSummary, listening_lines
from soulmate_core.profile import ArtistEntry, RangeTaste, TasteProfile, TrackEntry, make_profile
from soulmate_core.rank_paths import RankPath, Slopes, slopes
from soulmate_core.rarity import Rarity, rare_artists, rarity_of
from soulmate_core.schema import MatchesOut, MatchOut, ProfileOut, from_item, to_item
from soulmate_core.scoring import Component, Match, SharedItem, match
from soulmate_core.settings import Settings, get_settings
from soulmate_core.store import Store

__version__ = "0.1.0"

__all__ = [
    "ArtistEntry",
    "Component",
    "CorruptItemError",
    "InputError",
    "ListeningSummary",
    "Match",
    "MatchIndex",
    "MatchOut",
    "MatchesOut",
    "ProfileOut",
    "RangeTaste",
    "RankPath",
    "Rarity",
    "Settings",
    "SharedItem",
    "Slopes",
    "SoulmateError",
    "SpotifyAuthError",
    "SpotifyError",
    "SpotifyForbiddenError",
    "SpotifyRateLimitError",
    "SpotifyUnavailableError",
    "StaleWriteError",
    "Store",
    "StoreError",
    "TasteProfile",
    "TrackEntry",
    "UnknownUserError",
    "__version__",
    "diversity",
    "drift",
    "family_weights",
    "from_item",
    "genre_coverage",
    "genre_families",
    "get_settings",
    "listening_lines",
    "make_profile",
    "match",
    "niche",
    "rare_artists",
    "rarity_of",
    "shared_and_unique",
    "slopes",
    "to_item",
    "union_top",
]
