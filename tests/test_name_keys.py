"""One artist, whatever the spelling: the rules that make two names one key, and the names they
must never join."""

from __future__ import annotations

import pytest

from soulmate_core.profile import ArtistEntry, RangeTaste, artist_key, genre_key, make_profile

SAME_ARTIST = [
    ("The Beatles", "Beatles"),
    ("the beatles", "BEATLES"),
    ("  The   Beatles ", "Beatles"),
    ("Ｔｈｅ Ｂｅａｔｌｅｓ", "Beatles"),  # full width
    ("Beyoncé", "Beyonce"),
    ("BEYONCÉ", "beyonce"),
    ("Björk", "Bjork"),
    ("Motörhead", "Motorhead"),
    ("Sigur Rós", "Sigur Ros"),
    ("Ólafur Arnalds", "Olafur Arnalds"),
    ("Sơn Tùng M-TP", "Son Tung M-TP"),  # stacked Vietnamese marks
    ("MØ", "MO"),
    ("Łona", "Lona"),
    ("Æther Realm", "Aether Realm"),
    ("Die Ärzte", "Die Arzte"),
    ("Daft Punk feat. Pharrell Williams", "Daft Punk"),
    ("Daft Punk Feat. Pharrell Williams", "Daft Punk"),
    ("Daft Punk ft. Pharrell Williams", "Daft Punk"),
    ("Daft Punk ft Pharrell Williams", "Daft Punk"),
    ("Daft Punk feat Pharrell Williams", "Daft Punk"),
    ("Daft Punk featuring Pharrell Williams", "Daft Punk"),
    ("Daft Punk FEATURING Pharrell Williams", "Daft Punk"),
    ("Daft Punk (feat. Pharrell Williams)", "Daft Punk"),
    ("Daft Punk [ft. Pharrell Williams]", "Daft Punk"),
    ("Daft Punk feat.Pharrell Williams", "Daft Punk"),
    ("Juanes feat. Black Eyed Peas", "Juanes"),
    ("The Killers feat. Toni Halliday", "Killers"),
    ("Beyoncé feat. JAY-Z", "Beyonce"),
    ("The Gossip", "Gossip"),
]

DIFFERENT_ARTISTS = [
    ("The The", "The"),
    ("The The", "the"),
    ("The The", "The The The"),
    ("Simon & Garfunkel", "Simon"),
    ("Simon & Garfunkel", "Simon and Garfunkel"),
    ("Florence + the Machine", "Florence"),
    ("Florence + the Machine", "Florence + Machine"),
    ("Little Feat", "Little"),
    ("Little Feat & Friends", "Little"),
    ("Charlie Feathers", "Charlie"),
    ("Daft Punk", "Punk"),
    ("Run-DMC", "Run DMC"),
    ("Jay Rock with Kendrick Lamar", "Jay Rock"),  # "with" is part of the name
    ("Nina x Lux", "Nina"),
    ("ガ", "カ"),  # a dakuten makes another kana
    ("ガガガSP", "カカカSP"),
    ("ぱすぽ☆", "はすほ☆"),  # and a handakuten
    ("Мумий Тролль", "Мумии Тролль"),  # й is not и
    ("Ёлка", "Елка"),
    ("Її", "Іі"),
    ("Ελευθερία Αρβανιτάκη", "Ελευθερια Αρβανιτακη"),  # Greek keeps its accents
    ("feat. Drake", "Drake"),
    ("(feat. Drake)", "Drake"),
]

KEYS = [
    ("The Beatles", "beatles"),
    ("Daft Punk feat. Pharrell Williams", "daft punk"),
    ("The", "the"),
    ("The The", "the the"),
    ("THE  THE", "the the"),
    ("The feat. X", "feat. x"),  # nothing but "the" before the credit: not a credit
    ("feat. Drake", "feat. drake"),
    ("ft. Lauderdale", "ft. lauderdale"),
    ("Florence + the Machine", "florence + the machine"),
    ("Straße", "strasse"),
    ("Мумий Тролль", "мумий тролль"),
    ("ガガガSP", "ガガガsp"),
    ("방탄소년단", "방탄소년단"),  # Hangul decomposes into jamo and must come back whole
    ("Beyoncé", "beyonce"),
]


@pytest.mark.parametrize(("one", "other"), SAME_ARTIST)
def test_spellings_of_one_artist_have_one_key(one: str, other: str) -> None:
    assert artist_key(one) == artist_key(other)


@pytest.mark.parametrize(("one", "other"), DIFFERENT_ARTISTS)
def test_different_artists_keep_different_keys(one: str, other: str) -> None:
    assert artist_key(one) != artist_key(other)


@pytest.mark.parametrize(("name", "key"), KEYS)
def test_a_key_is_never_empty_and_keeps_what_is_not_folded(name: str, key: str) -> None:
    assert artist_key(name) == key


@pytest.mark.parametrize("name", [name for pair in SAME_ARTIST + DIFFERENT_ARTISTS for name in pair])
def test_a_key_is_its_own_key(name: str) -> None:
    assert artist_key(artist_key(name)) == artist_key(name)
    assert genre_key(genre_key(name)) == genre_key(name)


def test_genres_fold_case_width_and_spacing_and_keep_their_words_and_accents() -> None:
    assert genre_key("Música  Popular Brasileira") == "música popular brasileira"  # shown by its key
    assert genre_key("ＪＡＺＺ") == genre_key("jazz")
    assert genre_key("The Sound of Seattle") != genre_key("Sound of Seattle")
    assert genre_key("rap feat. metal") != genre_key("rap")
    assert genre_key("日本のロック") == "日本のロック"


def test_two_spellings_in_one_profile_are_one_artist_with_both_weights() -> None:
    profile = make_profile(
        user_id="u",
        display_name="u",
        source="spotify",
        ranges={
            "long_term": RangeTaste(
                artists=(
                    ArtistEntry("Radiohead", 0.4, ("art rock",)),
                    ArtistEntry("The Beatles", 0.3, ("rock",), spotify_id="3WrFJ7ztbogyGnTHbHJFl2"),
                    ArtistEntry("Beatles", 0.2, ("merseybeat", "rock"), mbid="b10bbbfc"),
                    ArtistEntry("beatles feat. Billy Preston", 0.1),
                )
            )
        },
    )
    artists = profile.ranges["long_term"].artists
    assert [a.name for a in artists] == ["The Beatles", "Radiohead"]  # the heavier spelling, first
    beatles = artists[0]
    assert beatles.weight == pytest.approx(0.6)
    assert beatles.genres == ("rock", "merseybeat")
    assert (beatles.spotify_id, beatles.mbid) == ("3WrFJ7ztbogyGnTHbHJFl2", "b10bbbfc")
    assert profile.artist_weights() == pytest.approx({"beatles": 0.6, "radiohead": 0.4})
    assert profile.artist_names() == {"beatles": "The Beatles", "radiohead": "Radiohead"}
    # the joined artist's weight spreads over the genres of all its spellings
    assert profile.genre_weights == pytest.approx({"art rock": 0.4, "rock": 0.3, "merseybeat": 0.3})
