"""``match`` without a population, checked against values worked out by hand.

Without a population every artist and genre counts alike and there is no latent part, so a score
is the cosine of the two people's shares, and the summary is plain arithmetic on them.
"""

from __future__ import annotations

import math

import pytest

from soulmate_core import TasteProfile, make_profile, match
from soulmate_core.scoring import RELATED_TASTE, Blend, SharedItem, summarise
from tests.listeners import component, person, weights

GENRES = {
    "Air": ("electronic",),
    "air": ("electronic",),
    "Beck": ("rock",),
    "Cibo Matto": ("rock", "pop"),
    "Portishead": ("trip hop",),
    "Massive Attack": ("dub",),
    "Tricky": ("grime",),
    "Burial": ("garage",),
}
NOTHING_IN_COMMON = "No artists or genres in common yet"


def norm(*values: float) -> float:
    return math.sqrt(sum(v * v for v in values))


# a: Air .5, Beck .5 (electronic .5, rock .5); b: Air .75, Cibo Matto .25 (electronic .75, rock and
# pop .125 each). They share Air, and the genres electronic and rock.
ARTIST_COSINE = 0.5 * 0.75 / (norm(0.5, 0.5) * norm(0.75, 0.25))
GENRE_NORM = norm(0.5, 0.5) * norm(0.75, 0.125, 0.125)
ELECTRONIC_PART = 0.5 * 0.75 / GENRE_NORM
ROCK_PART = 0.5 * 0.125 / GENRE_NORM


def a_and_b(*, b_genres: bool = True) -> tuple[TasteProfile, TasteProfile]:
    a = person("a", ["Air", "Beck"], GENRES, weights=[0.5, 0.5])
    b = person("b", ["air", "Cibo Matto"], GENRES if b_genres else None, weights=[0.75, 0.25])
    return a, b.with_changes(display_name="Bea")


def test_the_score_is_the_cosine_of_the_artist_shares() -> None:
    a, b = a_and_b()
    m = match(a, b)

    assert m.score == pytest.approx(ARTIST_COSINE)
    # No population, so no latent part: the default blend's latent weight goes to the artists.
    assert weights(m) == {"artists": 1.0, "genres": 0.0, "latent": 0.0}
    assert (m.user_id, m.other_id, m.other_display_name) == ("a", "b", "Bea")
    # The shared artist as the asking user spells it; never niche without a population to say so.
    (shared,) = m.shared_artists
    assert (shared.name, shared.niche) == ("Air", False)
    assert shared.contribution == pytest.approx(ARTIST_COSINE)
    assert [s.name for s in match(b, a).shared_artists] == ["air"]


def test_genres_count_as_the_blend_says_when_both_have_them() -> None:
    a, b = a_and_b()
    m = match(a, b, blend=Blend(artists=0.5, genres=0.5, latent=0.0))

    assert weights(m) == {"artists": 0.5, "genres": 0.5, "latent": 0.0}
    assert component(m, "genres") == pytest.approx(ELECTRONIC_PART + ROCK_PART)
    assert m.score == pytest.approx(0.5 * ARTIST_COSINE + 0.5 * (ELECTRONIC_PART + ROCK_PART))
    assert [(s.name, s.niche) for s in m.shared_genres] == [("electronic", False), ("rock", False)]
    contributions = [s.contribution for s in m.shared_genres]
    assert contributions == pytest.approx([0.5 * ELECTRONIC_PART, 0.5 * ROCK_PART])


def test_a_genre_component_without_weight_still_says_how_alike_the_genres_are() -> None:
    """The default blend gives genres no weight; the component shows their similarity, counted 0."""
    a, b = a_and_b()
    m = match(a, b)

    assert weights(m)["genres"] == 0.0
    assert component(m, "genres") == pytest.approx(ELECTRONIC_PART + ROCK_PART)
    assert m.score == pytest.approx(ARTIST_COSINE)
    assert [s.contribution for s in m.shared_genres] == [0.0, 0.0]


def test_someone_without_genres_is_not_marked_down_for_it() -> None:
    """The genre weight goes to the other components instead of counting as a mismatch."""
    a, b = a_and_b(b_genres=False)
    m = match(a, b, blend=Blend(artists=0.5, genres=0.5, latent=0.0))

    assert weights(m) == {"artists": 1.0, "genres": 0.0, "latent": 0.0}
    assert component(m, "genres") == 0.0
    assert m.score == pytest.approx(ARTIST_COSINE)
    assert m.shared_genres == ()


@pytest.mark.parametrize(
    ("genres", "latent", "expected"),
    [
        (True, True, {"artists": 0.2, "genres": 0.3, "latent": 0.5}),
        (False, True, {"artists": 0.2 / 0.7, "genres": 0.0, "latent": 0.5 / 0.7}),
        (True, False, {"artists": 0.2 / 0.5, "genres": 0.3 / 0.5, "latent": 0.0}),
        (False, False, {"artists": 1.0, "genres": 0.0, "latent": 0.0}),
    ],
)
def test_blend_weights_renormalise_over_the_components_a_pair_has(
    genres: bool, latent: bool, expected: dict[str, float]
) -> None:
    assert Blend(0.2, 0.3, 0.5).weights(genres=genres, latent=latent) == pytest.approx(expected)


def test_blend_weights_fall_back_to_artists_when_nothing_else_counts() -> None:
    only_missing_parts = Blend(artists=0.0, genres=0.3, latent=0.7)
    assert only_missing_parts.weights(genres=False, latent=False) == {
        "artists": 1.0,
        "genres": 0.0,
        "latent": 0.0,
    }


def test_blend_without_a_component_keeps_the_others() -> None:
    assert Blend(0.2, 0.3, 0.5).without("genres") == Blend(0.2, 0.0, 0.5)
    assert Blend(0.2, 0.3, 0.5).without("latent") == Blend(0.2, 0.3, 0.0)


def test_the_summary_names_two_artists_and_the_genre_overlap() -> None:
    # a: trip hop .5, dub .3, grime .2; b: trip hop .5, dub .3, grime .1, garage .1. The summary
    # names the two biggest of the three shared genres. Their overlap is the weighted Jaccard:
    # sum of minima / sum of maxima = (.5 + .3 + .1) / (.5 + .3 + .2 + .1) = 82%.
    a = person("a", ["Portishead", "Massive Attack", "Tricky"], GENRES, weights=[0.5, 0.3, 0.2])
    b_artists = ["Portishead", "Massive Attack", "Tricky", "Burial"]
    b = person("b", b_artists, GENRES, weights=[0.5, 0.3, 0.1, 0.1])
    assert match(a, b).summary == (
        "You both love Portishead and Massive Attack; 82% of your genres overlap (trip hop, dub)"
    )


def test_the_summary_leaves_out_genres_the_two_do_not_share() -> None:
    a = person("a", ["Björk", "Portishead"], GENRES, weights=[0.5, 0.5])
    b = person("b", ["Björk", "Burial"], GENRES, weights=[0.5, 0.5])
    assert match(a, b).summary == "You both love Björk"


def test_nothing_in_common_says_so() -> None:
    a = person("a", ["Portishead"], GENRES)
    b = person("b", ["Beck"], GENRES)
    m = match(a, b)
    assert m.score == 0.0
    assert m.summary == NOTHING_IN_COMMON


def test_a_profile_without_artists_matches_nobody() -> None:
    empty = make_profile(user_id="new", display_name="New", source="listens", ranges={})
    m = match(empty, person("a", ["Air", "Beck"], GENRES))
    assert m.score == 0.0
    assert component(m, "artists") == 0.0
    assert m.summary == NOTHING_IN_COMMON


def test_shared_artists_that_add_the_same_are_listed_by_name() -> None:
    names = ["Yo La Tengo", "air", "Low", "Beck", "Mogwai", "Cat Power"]
    a = person("a", names, weights=[1 / 6] * 6)
    b = person("b", names[::-1], weights=[1 / 6] * 6)
    assert [s.name for s in match(a, b).shared_artists] == sorted(names, key=str.casefold)


TWO = (SharedItem("Portishead", 0.2), SharedItem("Tricky", 0.1))
THREE = (*TWO, SharedItem("Burial", 0.05))


def test_related_taste_is_mentioned_from_its_threshold_when_few_artists_are_shared() -> None:
    assert summarise(TWO, (), None, RELATED_TASTE) == (
        "You both love Portishead and Tricky; you listen to closely related artists"
    )
    assert summarise((), (), None, 0.9) == "You listen to closely related artists"
    assert summarise((), (), None, RELATED_TASTE - 0.01) == NOTHING_IN_COMMON


def test_related_taste_goes_unsaid_when_three_artists_are_shared() -> None:
    assert summarise(THREE, (), None, 0.9) == "You both love Portishead and Tricky"
