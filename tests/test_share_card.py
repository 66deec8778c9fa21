"""The share card: what it says (layout), that the PNG draws exactly those words, and
`soulmate card USER [--with OTHER] --out FILE.png` with its exit codes."""

from __future__ import annotations

from pathlib import Path

import pytest

from soulmate_adapters import open_store
from soulmate_card import match_card, profile_card
from soulmate_card.draw import BACKGROUND, HEIGHT, MARGIN, WIDTH, draw, font_of, place, png
from soulmate_core.closeness import word_for
from soulmate_core.demo import demo_population
from soulmate_core.handles import DEVELOPMENT_KEY, public_name
from soulmate_core.live import LiveIndex
from soulmate_core.profile import ArtistEntry, RangeTaste, make_profile
from soulmate_core.scoring import Component, Match, SharedItem
from soulmate_core.text import NAME_MAX
from tests.card_pixels import line_of, opened, shows
from tests.cli_runner import run

TAG = " #k3x9"


def a_match(
    score: float = 0.87,
    artists: tuple[str, ...] = (),
    genres: tuple[str, ...] = (),
    percentile: float | None = None,
) -> Match:
    return Match(
        user_id="me-secret-id",
        other_id="their-secret-id",
        other_display_name="Jazzcat",
        score=score,
        components=(Component("artists", 1.0, score),),
        shared_artists=tuple(SharedItem(name, 0.1) for name in artists),
        shared_genres=tuple(SharedItem(name, 0.0) for name in genres),
        summary="",
        shared_artist_count=len(artists),
        shared_genre_count=len(genres),
        percentile=percentile,
    )


def a_profile(artists: list[str], genres: bool = True, user_id: str = "me-secret-id") -> object:
    weights = [1 / (i + 1) for i in range(len(artists))]
    entries = tuple(
        ArtistEntry(name, w / sum(weights), ("dream pop",) if genres else ())
        for name, w in zip(artists, weights, strict=True)
    )
    return make_profile(
        user_id=user_id, display_name="Tim", source="listens", ranges={"all_time": RangeTaste(entries)}
    )


# --- what the card says ---------------------------------------------------------------------------


def test_a_match_card_names_you_them_the_score_and_what_you_both_love() -> None:
    card = match_card(a_match(0.874, ("Bon Iver", "Fleet Foxes", "Big Thief", "Low")), "Jazzcat" + TAG)
    assert card.texts("title") == ["You & Jazzcat #k3x9"]
    assert card.texts("score") == ["87"]
    assert "You both love" in card.texts("heading")
    assert card.texts("item") == ["Bon Iver", "Fleet Foxes", "Big Thief"]  # the three that add the most


def test_a_match_card_says_what_the_score_means_when_the_model_placed_it() -> None:
    assert match_card(a_match(0.66, percentile=99.2), "Jazzcat" + TAG).texts("caption") == [
        "out of 100 · closer than 99% of pairs here: a rare match"
    ]
    assert match_card(a_match(0.31, percentile=62.0), "Jazzcat" + TAG).texts("caption") == [
        "out of 100 · closer than 62% of pairs here: some common ground"
    ]
    assert match_card(a_match(0.31), "Jazzcat" + TAG).texts("caption") == ["match score out of 100"]


def test_a_match_card_shows_your_own_name_only_when_asked() -> None:
    found = a_match(0.5, ("Bon Iver",), ("indie folk", "chamber pop"))
    assert match_card(found, "Jazzcat" + TAG, "Tim").texts("title") == ["Tim", "& Jazzcat #k3x9"]
    card = match_card(found, "Jazzcat" + TAG)
    assert "Tim" not in " ".join(card.texts())
    assert "Shared genres: indie folk · chamber pop" in card.texts("caption")


def test_a_card_never_carries_a_user_id_and_cleans_what_people_typed() -> None:
    found = a_match(0.5, ("Bon\x1b[31m Iver\u202e",))
    card = match_card(found, "Ja\u202ezz\x00cat" + TAG, "T\u200bim\n")
    text = " ".join(card.texts())
    assert "secret-id" not in text
    assert card.texts("title") == ["Tim", "& Jazzcat #k3x9"]
    assert card.texts("item") == ["Bon Iver"]
    assert all(ch.isprintable() for ch in text)


def test_a_masked_match_is_a_score_without_artists() -> None:
    card = match_card(a_match(0.42), "Listener" + TAG)
    assert card.texts("score") == ["42"] and card.texts("item") == [] and card.texts("heading") == []


def test_a_profile_card_lists_the_top_five_artists_and_top_genres() -> None:
    profile = a_profile(["Low", "Bon Iver", "Big Thief", "Nick Drake", "Nina Simone", "Björk"])
    card = profile_card(profile)
    assert card.texts("title") == ["My music taste"]
    assert card.texts("item")[:5] == [
        "1. Low",
        "2. Bon Iver",
        "3. Big Thief",
        "4. Nick Drake",
        "5. Nina Simone",
    ]
    assert card.texts("heading") == ["Top artists", "Top genres"] and card.texts("item")[5] == "dream pop"
    assert profile_card(profile, "Tim").texts("title") == ["Tim's taste"]
    assert "Top genres" not in profile_card(a_profile(["Low"], genres=False)).texts()


# --- what the PNG shows ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("card", "expected"),
    [
        (
            match_card(a_match(0.87, ("Bon Iver", "Fleet Foxes")), "Jazzcat" + TAG),
            [
                "You & Jazzcat #k3x9",
                "87",
                "match score out of 100",
                "You both love",
                "Bon Iver",
                "Fleet Foxes",
            ],
        ),
        (
            profile_card(a_profile(["Sigur Rós", "坂本龍一"], genres=False), "Tim"),
            ["Tim's taste", "Top artists", "1. Sigur Rós", "2. 坂本龍一"],
        ),
    ],
)
def test_the_png_draws_exactly_the_lines_asked_for(card: object, expected: list[str]) -> None:
    image = opened(png(card))  # type: ignore[arg-type]
    assert image.size == (1200, 630) and image.mode == "RGB"
    assert not {key for key in image.info if key not in ("dpi", "gamma")}, image.info  # no text chunks
    lines = place(card)  # type: ignore[arg-type]
    assert [line.text for line in lines][1:] == expected
    for line, text in zip(lines[1:], expected, strict=True):
        assert shows(image, line, text), text
    assert not shows(image, lines[1], expected[1]), "a line does not show other words"
    assert image.getpixel((WIDTH - 5, HEIGHT - 5)) == BACKGROUND


def test_the_fullest_cards_fit_whole() -> None:
    """Two long names, three long shared artists, three genres; five artists and three genres."""
    name = "N" * NAME_MAX
    found = a_match(1.0, ("A" * 300, "B" * 300, "C" * 300), ("g" * 300, "h", "i"))
    profile = a_profile(["X" * 300] * 5 + ["Y"])
    for card in (
        match_card(found, name + TAG, name),
        match_card(found, name + TAG),
        profile_card(profile, name),
    ):
        placed = place(card)
        assert [line.style for line in placed] == [line.style for line in card.lines]
        assert all(line.bottom <= HEIGHT for line in placed)


def test_a_long_name_is_cut_to_fit_and_keeps_its_tag() -> None:
    card = match_card(a_match(0.9, ("A" * 300,)), "Jazzcat " + "very " * 30 + TAG)
    title, *_ = [line for line in place(card) if line.style == "title"]
    assert title.text.startswith("You & Jazzcat very") and title.text.endswith("…" + TAG)
    for line in place(card):
        assert font_of(line.style).getlength(line.text) <= WIDTH - 2 * MARGIN
    image = draw(card)
    right_margin = image.crop((WIDTH - MARGIN + 1, 0, WIDTH, HEIGHT))
    assert right_margin.getcolors() == [(right_margin.width * HEIGHT, BACKGROUND)]


# --- soulmate card ----------------------------------------------------------------------------------


@pytest.fixture
def demo_url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'cards.db'}"
    store = open_store(url)
    store.put_many(demo_population(60))
    store.close()
    return url


def test_soulmate_card_writes_a_match_card_naming_the_other_by_public_name(
    capsys: pytest.CaptureFixture[str], demo_url: str, tmp_path: Path
) -> None:
    people = demo_population(60)
    other = people[7]
    out = tmp_path / "match.png"
    code, printed, err = run(
        capsys, "--store", demo_url, "card", people[3].user_id, "--with", other.user_id, "--out", str(out)
    )
    assert code == 0, err
    their_name = public_name(other.user_id, other.display_name, DEVELOPMENT_KEY)
    assert f"You & {their_name}" in printed and other.user_id not in printed
    image = opened(out.read_bytes())
    assert image.size == (WIDTH, HEIGHT)
    assert shows(image, line_of(match_card(a_match(), their_name), "title"), f"You & {their_name}")
    store = open_store(demo_url)
    placed = LiveIndex(store).matcher().explain_pair(people[3], other)
    store.close()
    assert placed.percentile is not None
    meaning = (
        f"out of 100 · closer than {int(placed.percentile)}% of pairs here: {word_for(placed.percentile)}"
    )
    assert shows(image, line_of(match_card(a_match(), their_name), "caption"), meaning)


def test_soulmate_card_without_with_is_the_profile_card_and_name_shows_your_name(
    capsys: pytest.CaptureFixture[str], demo_url: str, tmp_path: Path
) -> None:
    me = demo_population(60)[3]
    out = tmp_path / "me.png"
    code, printed, _ = run(capsys, "--store", demo_url, "card", me.user_id, "--out", str(out))
    assert code == 0 and "My music taste" in printed
    code, printed, _ = run(capsys, "--store", demo_url, "card", me.user_id, "--name", "--out", str(out))
    assert code == 0 and f"{me.display_name}'s taste" in printed
    assert opened(out.read_bytes()).size == (WIDTH, HEIGHT)


@pytest.mark.parametrize(
    ("argv", "code", "message"),
    [
        (["card", "nobody", "--out", "{dir}/x.png"], 1, "unknown user: nobody"),
        (["card", "demo-0001", "--with", "nobody", "--out", "{dir}/x.png"], 1, "unknown user: nobody"),
        (["card", "demo-0001", "--out", "{dir}/x.jpg"], 2, "--out must name a .png file"),
        (["card", "demo-0001", "--out", "{dir}/missing/x.png"], 2, "no folder"),
        (["card", "demo-0001", "--with", "demo-0001", "--out", "{dir}/x.png"], 2, "--with names USER itself"),
        (["card", "demo-0001"], 2, "--out"),
    ],
)
def test_soulmate_card_refuses_clearly_and_writes_nothing(
    capsys: pytest.CaptureFixture[str],
    demo_url: str,
    tmp_path: Path,
    argv: list[str],
    code: int,
    message: str,
) -> None:
    argv = [arg.replace("{dir}", str(tmp_path)) for arg in argv]
    got, _, err = run(capsys, "--store", demo_url, *argv)
    assert got == code and message in err
    assert not list(tmp_path.glob("*.png")) and not list(tmp_path.glob(".*.tmp"))
