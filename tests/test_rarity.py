"""Rarity is claimed only among enough listeners: niche-ness and its percentile, the rarest artists
(those someone else plays too) and, apart from them, the artists only you play here."""

from __future__ import annotations

from collections import Counter

import pytest

from soulmate_core import TasteProfile, niche, rarity_of
from soulmate_core.insights import PopulationStats
from soulmate_core.rarity import MIN_LISTENERS, claimed, too_few
from tests.listeners import person


def stats_of(everyone: list[TasteProfile]) -> PopulationStats:
    """What the match index counts, by hand: who holds each artist, and everyone's niche score."""
    holders = Counter(key for p in everyone for key in p.artist_weights())
    bare = PopulationStats(len(everyone), dict(holders), ())
    scores = tuple(sorted(niche(p, bare).score for p in everyone))
    return PopulationStats(len(everyone), dict(holders), scores)


def crowd(count: int) -> list[TasteProfile]:
    """``me`` plays Hit (everyone does), Cult (three others do), Pair (one other does) and Mine
    (nobody else does); everyone else plays Hit and Filler."""
    me = person("me", ["Hit", "Cult", "Pair", "Mine"], weights=[0.4, 0.3, 0.2, 0.1])
    others = [person(f"p{i}", ["Hit", "Filler"]) for i in range(count - 1)]
    for i in range(3):
        others[i] = person(f"p{i}", ["Hit", "Cult", *(["Pair"] if i == 0 else [])])
    return [me, *others]


def test_the_rule_turns_at_the_threshold() -> None:
    assert not claimed(MIN_LISTENERS - 1) and claimed(MIN_LISTENERS) and not claimed(0)
    assert too_few(4) == (
        f"Rarity needs at least {MIN_LISTENERS} listeners here to mean something; there are 4 so far."
    )
    assert too_few(1).endswith("there is 1 so far.")


def test_among_too_few_listeners_nothing_is_claimed() -> None:
    everyone = crowd(MIN_LISTENERS - 1)
    found = rarity_of(everyone[0], stats_of(everyone))
    assert not found.claimed and found.niche is None
    assert found.rarest == () and found.only_you == () and found.only_you_count == 0
    assert found.listeners == MIN_LISTENERS - 1


def test_among_enough_listeners_niche_ness_and_the_rarest_artists_are_claimed() -> None:
    everyone = crowd(MIN_LISTENERS)
    stats = stats_of(everyone)
    found = rarity_of(everyone[0], stats)
    assert found.claimed and found.niche == niche(everyone[0], stats)
    # Fewest other listeners first; Hit's other listeners are everyone but me.
    assert found.rarest == (("Pair", 1), ("Cult", 3), ("Hit", MIN_LISTENERS - 1))
    # Nobody else plays Mine: not called rare, said apart.
    assert found.only_you == ("Mine",) and found.only_you_count == 1


def test_a_listener_not_yet_counted_sees_the_same_others() -> None:
    """A hidden listener (an upload not yet discoverable) is not among the counted: every other
    listener of their artists is someone else."""
    everyone = crowd(MIN_LISTENERS + 1)
    stats = stats_of(everyone[1:])
    found = rarity_of(everyone[0], stats, counted=False)
    assert found.rarest == (("Pair", 1), ("Cult", 3), ("Hit", MIN_LISTENERS))
    assert found.only_you == ("Mine",)


@pytest.mark.parametrize("limit", [1, 2])
def test_the_lists_keep_to_their_limit_and_count_the_rest(limit: int) -> None:
    me = person("me", ["Hit", "Own 1", "Own 2", "Own 3"])
    everyone = [me, *(person(f"p{i}", ["Hit", "Cult"]) for i in range(MIN_LISTENERS))]
    found = rarity_of(me, stats_of(everyone), limit=limit)
    assert found.only_you == ("Own 1", "Own 2", "Own 3")[:limit]
    assert found.only_you_count == 3
    assert found.rarest == (("Hit", MIN_LISTENERS),)
