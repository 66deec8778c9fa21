"""Group blend: the matrix, each member's closest, the artists that hold a group together, the
playlist seed, and the use case that builds a group from share codes on a real store."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from soulmate_core import service
from soulmate_core.demo import demo_population
from soulmate_core.errors import InputError
from soulmate_core.group import MAX_MEMBERS, blend, glue, playlist_seed
from soulmate_core.live import LiveIndex
from soulmate_core.profile import ArtistEntry, RangeTaste, TasteProfile, TrackEntry, make_profile
from soulmate_core.scoring import match
from soulmate_core.store import Store
from soulmate_core.store.sqlite import SQLiteStore


def person(
    user_id: str, artists: Sequence[str], tracks: Sequence[tuple[str, str]] = (), **ids: str
) -> TasteProfile:
    """Equal shares of ``artists``; ``tracks`` as (title, artist), with Spotify ids by title in ``ids``."""
    return make_profile(
        user_id=user_id,
        display_name=user_id.title(),
        source="listens",
        ranges={
            "all_time": RangeTaste(
                artists=tuple(ArtistEntry(a, 1 / len(artists)) for a in artists),
                tracks=tuple(
                    TrackEntry(t, (a,), 1 / len(tracks), ids.get(t.replace(" ", "_"))) for t, a in tracks
                ),
            )
        },
    )


def shared(a: TasteProfile, b: TasteProfile) -> float:
    """A plain score for the blend's own tests: the Jaccard of the two artist sets."""
    mine, theirs = set(a.artist_weights()), set(b.artist_weights())
    return len(mine & theirs) / len(mine | theirs)


ANA = person("ana", ["Portishead", "Massive Attack", "Björk", "Tricky"])
BO = person("bo", ["portishead", "Massive  Attack", "Burial"])
CY = person("cy", ["Portishead", "Burial", "Four Tet"])
DI = person("di", ["ABBA"])


def test_the_matrix_is_every_pair_once_symmetric_with_an_empty_diagonal() -> None:
    calls: list[tuple[str, str]] = []

    def score(a: TasteProfile, b: TasteProfile) -> float:
        calls.append((a.user_id, b.user_id))
        return shared(a, b)

    group = blend([ANA, BO, CY, DI], score)
    assert len(calls) == 6 and len({frozenset(c) for c in calls}) == 6
    assert group.member_ids == ("ana", "bo", "cy", "di")
    for i, row in enumerate(group.scores):
        assert row[i] is None
        for j, value in enumerate(row):
            if j != i:
                assert value == group.scores[j][i] == shared([ANA, BO, CY, DI][i], [ANA, BO, CY, DI][j])
    assert group.scores[0][1] == pytest.approx(2 / 5)  # case and spacing do not make another artist
    assert group.harmony == pytest.approx(sum(s for r in group.scores for s in r if s is not None) / 12)


def test_each_members_closest_is_their_best_score_and_the_first_added_on_a_tie() -> None:
    group = blend([ANA, BO, CY, DI], shared)
    # Ana: Bo 2/5, Cy 1/6; Bo: Ana 2/5, Cy 2/4; Cy: Bo 2/4; Di (ABBA) shares nothing: a tie at 0
    assert group.closest == (1, 2, 1, 0)
    assert blend([ANA, BO, CY], lambda a, b: 0.5).closest == (1, 0, 0)


def test_the_glue_is_who_most_members_play_then_the_larger_share() -> None:
    found = glue([ANA, BO, CY, DI])
    assert [(a.name, a.members) for a in found] == [("Portishead", 3), ("Burial", 2), ("Massive Attack", 2)]
    assert found[0].share == pytest.approx((1 / 4 + 1 / 3 + 1 / 3) / 4)
    # two members each: Burial has the larger share of the group, (1/3 + 1/3) / 4 against (1/4 + 1/3) / 4
    assert [a.share for a in found[1:]] == pytest.approx([(2 / 3) / 4, (1 / 4 + 1 / 3) / 4])
    assert [a.name for a in glue([ANA, BO, DI])] == ["Massive Attack", "Portishead"]  # a tie: by name


def test_the_seed_puts_tracks_most_members_play_first_and_needs_two_behind_each() -> None:
    ana = person(
        "ana", ["Portishead", "Tricky"], [("Roads", "Portishead"), ("Overcome", "Tricky")], Roads="r1"
    )
    bo = person("bo", ["Portishead", "Burial"], [("roads", "PORTISHEAD"), ("Archangel", "Burial")])
    cy = person("cy", ["Portishead", "Burial"], [("Roads", "Portishead"), ("Glory Box", "Portishead")])
    di = person("di", ["ABBA"], [("Dancing Queen", "ABBA")])
    seed = playlist_seed([ana, bo, cy, di])
    assert [(t.name, t.members, t.artist_members) for t in seed] == [
        ("Roads", 3, 3),  # three members have it
        ("Glory Box", 1, 3),  # one has it; three play Portishead
        ("Archangel", 1, 2),  # one has it; two play Burial
    ]  # Overcome (only Ana plays Tricky) and Dancing Queen have one member behind them: left out
    assert seed[0].spotify_id == "r1" and seed[0].artists == ("Portishead",)


def test_the_seed_keeps_the_first_spotify_id_any_member_has() -> None:
    ana = person("ana", ["Burial"], [("Archangel", "Burial")])
    bo = person("bo", ["Burial"], [("Archangel", "Burial")], Archangel="b1")
    (track,) = playlist_seed([ana, bo, person("cy", ["Burial"])])
    assert (track.members, track.spotify_id) == (2, "b1")


@pytest.mark.parametrize("size", [2, MAX_MEMBERS + 1])
def test_a_group_is_three_to_ten_people(size: int) -> None:
    with pytest.raises(InputError, match="3 to 10"):
        blend([person(f"p{i}", ["X"]) for i in range(size)], shared)


def test_nobody_is_in_a_group_twice() -> None:
    with pytest.raises(InputError, match="twice"):
        blend([ANA, BO, ANA], shared)


# --- from share codes, with the current model ----------------------------------------------------


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = SQLiteStore(tmp_path / "group.db")
    people = demo_population(60)
    opened.put_many(people)
    for n in range(1, 5):
        opened.put(people[n].with_changes(user_id=f"real-{n}", source="listens", discoverable=False))
    yield opened
    opened.close()


def test_a_group_from_codes_is_the_user_first_then_each_codes_owner_scored_by_the_model(store: Store) -> None:
    index = LiveIndex(store, compact_in_background=False)
    codes = [service.new_share_code(store, f"real-{n}") for n in (2, 3)]
    members, group = service.group_by_codes(
        store, "real-1", [codes[0], f"http://h/compare?share={codes[1]}"], index
    )
    assert [m.user_id for m in members] == list(group.member_ids) == ["real-1", "real-2", "real-3"]
    population = index.matcher().snapshot.population
    assert group.scores[0][2] == pytest.approx(match(members[0], members[2], population).score)


def test_a_bad_code_in_a_group_is_named_by_its_place_and_nothing_is_blended(store: Store) -> None:
    index = LiveIndex(store, compact_in_background=False)
    two = service.new_share_code(store, "real-2")
    mine = service.new_share_code(store, "real-1")
    for pasted, where, why in (
        ([two, "nonsense"], "code 2", "no one shares"),
        ([mine, two], "code 1", "your own"),
        ([two, two], "code 2", "already"),
        ([two], None, "2 to 9"),
    ):
        with pytest.raises(InputError, match=why) as raised:
            service.group_by_codes(store, "real-1", pasted, index)
        assert raised.value.where == where
