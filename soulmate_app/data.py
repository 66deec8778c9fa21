"""Shared, cached access to the store and to population-level computations.

The store is opened once per process. Everything computed over the population is cached under the
store's ``version()``, so a save or a delete shows up on the next rerun, in every session.
Nothing here holds per-user state: that lives in ``st.session_state`` (see ``session``).
"""

from __future__ import annotations

import streamlit as st

from soulmate_adapters import open_store
from soulmate_adapters.stores import open_index
from soulmate_adapters.taste_space import TasteSpace, build_taste_space
from soulmate_app.settings import load_settings
from soulmate_core import Store, TasteProfile, service
from soulmate_core.insights import PopulationStats, population_stats
from soulmate_core.live import LiveIndex
from soulmate_core.scoring import Match


@st.cache_resource(show_spinner=False)
def _store(url: str) -> Store:
    return open_store(url)


def store() -> Store:
    return _store(load_settings().store_url)


@st.cache_resource(show_spinner=False)
def _index(url: str, index_path: str | None) -> LiveIndex:
    return open_index(_store(url), url, index_path)


def index() -> LiveIndex:
    """The process's match index: loaded once, kept current by every write, never refitted here."""
    settings = load_settings()
    return _index(settings.store_url, settings.index_path)


@st.cache_resource(show_spinner=False, max_entries=4)
def _everyone(url: str, version: str) -> list[TasteProfile]:
    return list(_store(url).iter_all())


@st.cache_resource(show_spinner=False, max_entries=4)
def _stats(url: str, version: str) -> PopulationStats:
    return population_stats(_everyone(url, version))


def stats() -> PopulationStats:
    url = load_settings().store_url
    return _stats(url, _store(url).version())


def demo_personas() -> list[TasteProfile]:
    url = load_settings().store_url
    return [p for p in _everyone(url, _store(url).version()) if p.source == "demo" and p.discoverable]


def matches(user_id: str, limit: int) -> list[Match]:
    return service.matches_for(store(), user_id, limit, index=index())


@st.cache_resource(show_spinner="Mapping everyone's taste…", max_entries=4)
def _space(url: str, version: str) -> TasteSpace | None:
    return build_taste_space([p for p in _everyone(url, version) if p.discoverable])


def taste_space() -> TasteSpace | None:
    """The taste space of everyone discoverable; None when too few people opted in."""
    url = load_settings().store_url
    return _space(url, _store(url).version())
