"""Shared, cached access to the store and to population-level computations.

The store is opened once per process. Everything computed over the population is cached under the
store's ``version()``, so a save or a delete shows up on the next rerun, in every session.
Nothing here holds per-user state: that lives in ``st.session_state`` (see ``session``).
"""

from __future__ import annotations

import streamlit as st

from soulmate_adapters import open_store
from soulmate_adapters.taste_space import TasteSpace, build_taste_space
from soulmate_app.settings import load_settings
from soulmate_core import MatchIndex, Store, TasteProfile, service
from soulmate_core.insights import PopulationStats, population_stats
from soulmate_core.scoring import Match


@st.cache_resource(show_spinner=False)
def _store(url: str) -> Store:
    return open_store(url)


def store() -> Store:
    return _store(load_settings().store_url)


@st.cache_resource(show_spinner="Indexing every listener…", max_entries=4)
def _index(url: str, version: str) -> MatchIndex:
    return service.build_index(_store(url))


def index() -> MatchIndex:
    """The match index over everyone stored, rebuilt when the store changes."""
    url = load_settings().store_url
    return _index(url, _store(url).version())


@st.cache_resource(show_spinner=False, max_entries=4)
def _stats(url: str, version: str) -> PopulationStats:
    return population_stats(_index(url, version).profiles)


def stats() -> PopulationStats:
    url = load_settings().store_url
    return _stats(url, _store(url).version())


def demo_personas() -> list[TasteProfile]:
    return [p for p in index().profiles if p.source == "demo" and p.discoverable]


def matches(user_id: str, limit: int) -> list[Match]:
    return service.matches_for(store(), user_id, limit, index=index())


@st.cache_resource(show_spinner="Mapping everyone's taste…", max_entries=4)
def _space(url: str, version: str) -> TasteSpace | None:
    return build_taste_space([p for p in _index(url, version).profiles if p.discoverable])


def taste_space() -> TasteSpace | None:
    """The taste space of everyone discoverable; None when too few people opted in."""
    url = load_settings().store_url
    return _space(url, _store(url).version())
