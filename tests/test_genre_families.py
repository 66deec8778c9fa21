"""Genre families: the broad family a listener would file each genre under, for sunbursts and radars.

The genre names are real ones, as Spotify spells its artist genres and as Last.fm users tag artists
(any case, hyphens or not). Each expected family is where a music fan would look for that genre.
"""

from __future__ import annotations

import pytest

from soulmate_core.insights import genre_family

INDIE = "indie & alternative"
SOUL = "soul & r&b"

EXPECTED = [
    # The kind of music comes last: a qualifier in front does not change the family.
    ("baroque pop", "pop"),
    ("chamber pop", "pop"),
    ("art pop", "pop"),
    ("dance pop", "pop"),
    ("synthpop", "pop"),
    ("j-pop", "pop"),
    ("soul jazz", "jazz"),
    ("jazz rap", "hip hop"),
    ("emo rap", "hip hop"),
    ("alternative hip hop", "hip hop"),
    ("alternative metal", "metal"),
    ("alternative r&b", SOUL),
    ("indie folk", "folk"),
    # Era and style words on their own.
    ("baroque", "classical"),
    ("baroque music", "classical"),
    ("contemporary classical", "classical"),
    ("opera", "classical"),
    # Post-punk is its own thing, not punk.
    ("post-punk", INDIE),
    ("post-punk revival", INDIE),
    ("Post-Punk", INDIE),
    ("shoegaze", INDIE),
    ("britpop", INDIE),
    # Rock, pop, indie and alternative give way to what narrows them.
    ("indie rock", INDIE),
    ("indie pop", INDIE),
    ("alternative rock", INDIE),
    ("punk rock", "punk"),
    ("latin pop", "latin"),
    ("classic rock", "rock"),
    ("hard rock", "rock"),
    ("krautrock", "rock"),
    # Punk and its offshoots.
    ("punk", "punk"),
    ("pop punk", "punk"),
    ("hardcore punk", "punk"),
    ("skate punk", "punk"),
    ("post-hardcore", "punk"),
    ("emo", "punk"),
    # Metal.
    ("death metal", "metal"),
    ("melodic death metal", "metal"),
    ("nu-metal", "metal"),
    ("metalcore", "metal"),
    # Hip hop however it is spelled.
    ("hip hop", "hip hop"),
    ("Hip-Hop", "hip hop"),
    ("hiphop", "hip hop"),
    ("gangsta rap", "hip hop"),
    # K-pop is its own family, not pop.
    ("k-pop", "k-pop"),
    ("k-pop girl group", "k-pop"),
    ("kpop", "k-pop"),
    # Trip hop sits with electronic music, as the rest of the list files Bristol's sound.
    ("trip hop", "electronic"),
    ("trip-hop", "electronic"),
    ("dubstep", "electronic"),
    ("deep house", "electronic"),
    ("drum and bass", "electronic"),
    ("electronica", "electronic"),
    # Soul, R&B, jazz, folk, latin, reggae, blues.
    ("neo soul", SOUL),
    ("rnb", SOUL),
    ("rhythm and blues", SOUL),
    ("motown", SOUL),
    ("bebop", "jazz"),
    ("acid jazz", "jazz"),
    ("singer-songwriter", "folk"),
    ("alt-country", "folk"),
    ("reggaeton", "latin"),
    ("roots reggae", "reggae"),
    ("dub", "reggae"),
    ("delta blues", "blues"),
]


@pytest.mark.parametrize(("genre", "family"), EXPECTED, ids=[genre for genre, _ in EXPECTED])
def test_genre_goes_to_the_family_a_fan_expects(genre: str, family: str) -> None:
    assert genre_family(genre) == family


@pytest.mark.parametrize("tag", ["female vocalists", "seen live", "memories", "new age"])
def test_a_tag_naming_no_family_is_its_own_family(tag: str) -> None:
    # "memories" holds the letters of "emo" but is no emo song.
    assert genre_family(tag) == tag


def test_the_family_ignores_case_and_spacing() -> None:
    assert genre_family("  Death   Metal ") == genre_family("death metal") == "metal"
