"""Shared, cached access to the store and to what the match index knows of everyone.

The store and the match index are opened once per process. Everything about the population comes
from the index's snapshot, made by ``soulmate build-index`` and kept current by writes
(``soulmate_core.overview``): no page load reads every profile or fits anything. What is cached
here is keyed by the store's ``version()``, so a save or a delete shows up on the next rerun, in
every session. Nothing here holds per-user state: that lives in ``st.session_state`` (``session``).
"""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from soulmate_adapters import open_store
from soulmate_adapters.stores import open_index
from soulmate_app import people
from soulmate_app.settings import load_settings
from soulmate_core import Store, TasteProfile, overview, service
from soulmate_core.insights import PopulationStats
from soulmate_core.live import LiveIndex
from soulmate_core.overview import Dimensions, Dot, Drawn, TasteMapView
from soulmate_core.scoring import Match
from soulmate_core.snapshot import Snapshot

SOULMATES_ON_THE_MAP = 10


@st.cache_resource(show_spinner=False)
def _store(url: str) -> Store:
    return open_store(url)


def store() -> Store:
    return _store(load_settings().store_url)


@st.cache_resource(show_spinner=False)
def _index(url: str, index_path: str | None) -> LiveIndex:
    """Loads its snapshot in the background from the first visit on: the first page needs no
    index, and the pages after it find it ready."""
    index = open_index(_store(url), url, index_path)
    index.warm_up()
    return index


def index() -> LiveIndex:
    """The process's match index: loaded once, kept current by every write, never refitted here."""
    settings = load_settings()
    return _index(settings.store_url, settings.index_path)


def snapshot() -> Snapshot:
    return index().matcher().snapshot


def stats() -> PopulationStats:
    return overview.population_stats(snapshot())


def counted(profile: TasteProfile) -> bool:
    """Whether ``profile`` is one of the listeners ``stats()`` counts."""
    return profile.user_id in snapshot().positions


@st.cache_resource(show_spinner=False, max_entries=4)
def _personas(url: str, version: str) -> list[TasteProfile]:
    return overview.demo_personas(_store(url))


def demo_personas() -> list[TasteProfile]:
    url = load_settings().store_url
    return _personas(url, _store(url).version())


def matches(user_id: str, limit: int) -> list[Match]:
    return service.matches_for(store(), user_id, limit, index=index())


def visible_matches(viewer: TasteProfile, limit: int) -> list[Match]:
    """``viewer``'s matches as they may see them (``people.visible``)."""
    return people.visible(viewer, matches(viewer.user_id, limit))


def taste_dimensions(profile: TasteProfile) -> Dimensions | None:
    """``profile``'s percentiles on the latent dimensions named at build time."""
    return overview.dimensions(snapshot(), profile)


@st.cache_resource(show_spinner=False, max_entries=4)
def _drawn(url: str, version: str, built_at: str) -> Drawn:
    return overview.drawn(index().matcher())


def taste_map(profile: TasteProfile) -> TasteMapView | None:
    """The map for ``profile``: a sample of everyone who opted in, plus them and their best
    soulmates; None when too few listeners opted in to draw one."""
    current = snapshot()
    if not current.taste_map.available:
        return None
    url = load_settings().store_url
    drawn = _drawn(url, _store(url).version(), current.built_at)
    ids = [m.other_id for m in matches(profile.user_id, SOULMATES_ON_THE_MAP)]
    live = store().get_many(ids)
    view = overview.taste_map_view(current, drawn, profile, [live[u] for u in ids if u in live])
    return replace(
        view,
        listeners=tuple(_seen(profile, dot) for dot in view.listeners),
        soulmates=tuple(_seen(profile, dot) for dot in view.soulmates),
        me=None if view.me is None else replace(view.me, name=people.own_name(profile)),
    )


def _seen(viewer: TasteProfile, dot: Dot) -> Dot:
    return replace(dot, name=people.seen_name(viewer, dot.user_id, dot.name))
