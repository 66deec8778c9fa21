"""When rarity may be claimed, and what can then be said of one profile's.

Rarity counts the other listeners here who play an artist. Among a handful of people that count says
nothing: being the one person of four who plays a household name is not niche, and "more niche
than 100%" of four people is chance. So every claim of rarity (niche-ness and its percentile, the
rarest artists, the niche marks on shared artists and genres in a match) is made only among at
least ``MIN_LISTENERS`` counted listeners (``claimed``); below that the reader is told how many
there are so far (``too_few``).

An artist nobody else here plays is not called rare either: the population may simply not know
it yet, or spell it otherwise. The rarest artists are those at least one other listener plays;
the ones only this listener plays are a separate fact about this place ("only you here").
"""

from __future__ import annotations

from dataclasses import dataclass

from soulmate_core.insights import Niche, PopulationStats, niche
from soulmate_core.profile import TasteProfile

MIN_LISTENERS = 50
"""Counted listeners (the discoverable profiles the match index holds) from which rarity is
claimed. Below it one or two people playing an artist is chance, and each person moves a
percentile by more than two points."""


def claimed(listeners: int) -> bool:
    """Whether rarity among ``listeners`` counted listeners means something."""
    return listeners >= MIN_LISTENERS


def too_few(listeners: int) -> str:
    """What a reader is told instead of a rarity claim."""
    return (
        f"Rarity needs at least {MIN_LISTENERS} listeners here to mean something; "
        f"there {'is' if listeners == 1 else 'are'} {listeners:,} so far."
    )


@dataclass(frozen=True, slots=True)
class Rarity:
    """What may be said of one profile's rarity among ``listeners`` counted listeners: nothing
    (``niche`` None) below ``MIN_LISTENERS``."""

    listeners: int
    niche: Niche | None = None
    rarest: tuple[tuple[str, int], ...] = ()
    """(artist, how many other listeners play it, at least one), fewest first."""
    only_you: tuple[str, ...] = ()
    """Some artists no other listener here plays, the ones played most first."""
    only_you_count: int = 0
    """How many artists no other listener here plays, in all."""

    @property
    def claimed(self) -> bool:
        return self.niche is not None


def rarity_of(
    profile: TasteProfile, stats: PopulationStats, *, counted: bool = True, limit: int = 5
) -> Rarity:
    """``profile``'s rarity among the listeners ``stats`` counts; ``counted``: whether ``profile``
    is one of them."""
    if not claimed(stats.listeners):
        return Rarity(stats.listeners)
    alone = _only_yours(profile, stats, counted=counted)
    return Rarity(
        listeners=stats.listeners,
        niche=niche(profile, stats, counted=counted),
        rarest=tuple(rare_artists(profile, stats, limit, counted=counted)),
        only_you=tuple(alone[:limit]),
        only_you_count=len(alone),
    )


def rare_artists(
    profile: TasteProfile, stats: PopulationStats, limit: int = 5, *, counted: bool = True
) -> list[tuple[str, int]]:
    """Your artists that the fewest other listeners play, at least one: (name, other listeners),
    ties by how much you play them. Whether to show them at all is ``claimed``'s call."""
    names, weights = profile.artist_names(), profile.artist_weights()
    others = _others(profile, stats, counted=counted)
    held = sorted((k for k, n in others.items() if n > 0), key=lambda k: (others[k], -weights[k], names[k]))
    return [(names[k], others[k]) for k in held[:limit]]


def _only_yours(profile: TasteProfile, stats: PopulationStats, *, counted: bool) -> list[str]:
    names = profile.artist_names()
    return [names[k] for k, n in _others(profile, stats, counted=counted).items() if n <= 0]


def _others(profile: TasteProfile, stats: PopulationStats, *, counted: bool) -> dict[str, int]:
    """Artist key -> other listeners playing it, heaviest artist first."""
    mine = 1 if counted else 0
    return {k: stats.artist_listeners.get(k, 0) - mine for k in profile.artist_weights()}
