"""Share cards on Soulmates and My taste, and the charts people read: the drift slope chart, the
genre sunburst's labels, and the taste map's colours, density and click-to-compare."""

from __future__ import annotations

import html
import json

import pytest

from soulmate_app.escape import md
from soulmate_app.map_chart import cluster_colours
from soulmate_card import match_card, profile_card
from soulmate_card.draw import place
from soulmate_core import Store, service, taste_map
from soulmate_core.handles import DEVELOPMENT_KEY, alias, chosen_name, public_name
from tests import export_fixtures as fx
from tests.card_pixels import line_of, opened, shows

from .conftest import figure_titled, select_points, sign_in_as_persona, texts

PERSONA = "demo-0007"


# --- share cards --------------------------------------------------------------------------------


def test_each_soulmate_has_a_share_card_naming_them_by_public_name(app, store: Store, downloaded) -> None:
    at = sign_in_as_persona(app(), PERSONA)
    at.switch_page("pages/soulmates.py").run()
    best = service.matches_for(store, PERSONA, 10)
    buttons = {b.key: b for b in at.get("download_button")}
    first = best[0]
    button = buttons[f"card_{alias(first.other_id, DEVELOPMENT_KEY)}"]
    file = downloaded(button)
    assert file.mimetype == "image/png" and file.filename.endswith(".png")
    assert first.other_id not in file.filename and PERSONA not in file.filename
    image = opened(file.content)
    assert image.size == (1200, 630) and image.mode == "RGB"
    their_name = public_name(first.other_id, first.other_display_name, DEVELOPMENT_KEY)
    card = match_card(first, their_name)
    assert shows(image, line_of(card, "title"), f"You & {their_name}")
    assert shows(image, line_of(card, "score"), str(round(100 * first.score)))
    assert shows(image, line_of(card, "item"), first.shared_artists[0].name)
    assert len([k for k in buttons if k and k.startswith("card_")]) == len(best)


def test_a_share_card_shows_your_name_only_when_you_turn_it_on(app, store: Store, downloaded) -> None:
    at = sign_in_as_persona(app(), PERSONA)
    at.switch_page("pages/soulmates.py").run()
    first = service.matches_for(store, PERSONA, 1)[0]
    key = f"card_{alias(first.other_id, DEVELOPMENT_KEY)}"
    me = store.get(PERSONA)
    their_name = public_name(first.other_id, first.other_display_name, DEVELOPMENT_KEY)
    title = line_of(match_card(first, their_name), "title")
    off = opened(downloaded(next(b for b in at.get("download_button") if b.key == key)).content)
    assert shows(off, title, f"You & {their_name}")
    at.toggle(key="card_my_name").set_value(True).run()
    on = opened(downloaded(next(b for b in at.get("download_button") if b.key == key)).content)
    mine, theirs = [line for line in place(match_card(first, their_name, "me")) if line.style == "title"]
    assert shows(on, mine, chosen_name(me.user_id, me.display_name))
    assert shows(on, theirs, f"& {their_name}")


def test_my_taste_offers_a_card_of_my_top_artists(app, store: Store, downloaded) -> None:
    at = sign_in_as_persona(app(), PERSONA)
    at.switch_page("pages/my_taste.py").run()
    me = store.get(PERSONA)
    (button,) = [b for b in at.get("download_button") if b.key == "card_profile"]
    image = opened(downloaded(button).content)
    card = profile_card(me)
    assert shows(image, line_of(card, "title"), "My music taste")
    assert shows(image, line_of(card, "item"), f"1. {me.top_artists(limit=1)[0].name}")
    at.toggle(key="card_my_name").set_value(True).run()
    (button,) = [b for b in at.get("download_button") if b.key == "card_profile"]
    assert shows(opened(downloaded(button).content), line_of(card, "title"), f"{me.display_name}'s taste")


# --- My taste ------------------------------------------------------------------------------------


def test_drift_is_a_slope_chart_of_ranks_named_where_each_line_ends(app, store: Store) -> None:
    at = sign_in_as_persona(app(), PERSONA)
    at.switch_page("pages/my_taste.py").run()
    me = store.get(PERSONA)
    figure = figure_titled(at, "Taste drift")
    traces = figure["data"]
    newest = [a.name for a in me.ranges["short_term"].artists[:8]]
    oldest = [a.name for a in me.ranges["long_term"].artists[:8]]
    assert [html.unescape(t["name"]) for t in traces][: len(newest)] == newest
    assert {html.unescape(t["name"]) for t in traces} == set(newest) | set(oldest)
    for trace in traces:
        name = html.unescape(trace["name"])
        ranks = [
            [a.name for a in me.ranges[r].artists].index(name) + 1
            if name in [a.name for a in me.ranges[r].artists[:8]]
            else 9
            for r in ("long_term", "medium_term", "short_term")
        ]
        assert trace["y"] == ranks, name
        labelled = [i for i, text in enumerate(trace["text"]) if text]
        assert labelled == ([2] if ranks[2] <= 8 else [0])
        colour = trace["line"]["color"]
        assert (
            colour
            == {-1: "#FF8A3D", 0: "#8D99AE", 1: "#1DB954"}[(ranks[0] > ranks[2]) - (ranks[0] < ranks[2])]
        )
        assert not trace.get("showlegend", True)
    assert figure["layout"]["yaxis"]["autorange"] == "reversed"


def test_the_sunburst_names_only_slices_big_enough_to_read(app, store: Store) -> None:
    at = sign_in_as_persona(app(), PERSONA)
    at.switch_page("pages/my_taste.py").run()
    sunburst = figure_titled(at, "by family")["data"][0]
    me = store.get(PERSONA)
    genre_text = {
        html.unescape(slice_id.rsplit("/", 1)[1]): html.unescape(text)
        for slice_id, text in zip(sunburst["ids"], sunburst["text"], strict=True)
        if slice_id.startswith("genre/")
    }
    top_genre = next(iter(me.genre_weights))
    assert genre_text[top_genre] == top_genre
    small = [g for g, share in me.genre_weights.items() if share < 0.04 and g in genre_text]
    assert small and all(genre_text[g] == "" for g in small)
    assert figure_titled(at, "by family")["layout"]["uniformtext"] == {"minsize": 11, "mode": "hide"}


# --- Taste map -----------------------------------------------------------------------------------


def test_cluster_colours_follow_names_not_their_order() -> None:
    labels = ["jazz", "punk", "k-pop", "trip hop", "classical", "r&b", "hip hop", "indie folk"]
    colours = cluster_colours(labels)
    assert cluster_colours(reversed(labels)) == colours
    assert len(set(colours.values())) == len(labels), "up to the palette's size, all differ"
    fewer = cluster_colours([label for label in labels if label != "punk"])
    moved = [label for label in fewer if fewer[label] != colours[label]]
    assert len(moved) <= 1, moved


def test_the_taste_map_colours_each_cluster_by_its_name_and_draws_you_last(app, store: Store) -> None:
    at = sign_in_as_persona(app(), PERSONA)
    at.switch_page("pages/taste_map.py").run()
    figure = figure_titled(at, "Taste map")
    traces = {t["name"]: t for t in figure["data"]}
    assert figure["data"][-1]["name"] == "you" and figure["data"][-1]["cliponaxis"] is False
    (label,) = figure["layout"]["annotations"]
    assert html.unescape(label["text"]) == f"<b>{store.get(PERSONA).display_name}</b> (you)"
    clusters = [t for name, t in traces.items() if name not in ("you", "your soulmates")]
    colours = cluster_colours(html.unescape(t["name"]) for t in clusters)
    assert all(t["marker"]["color"] == colours[html.unescape(t["name"])] for t in clusters)
    assert figure["layout"]["legend"]["orientation"] == "h", "a side legend would leave a phone a sliver"
    assert not [t for t in figure["data"] if t["type"] == "contour"], "everyone is drawn: no shading"


def test_clicking_a_dot_opens_compare_with_that_listener(app, store: Store) -> None:
    at = sign_in_as_persona(app(), PERSONA)
    at.switch_page("pages/taste_map.py").run()
    figure = figure_titled(at, "Taste map")
    soulmates = next(t for t in figure["data"] if t["name"] == "your soulmates")
    best = service.matches_for(store, PERSONA, 10)
    assert soulmates["customdata"] == [alias(m.other_id, DEVELOPMENT_KEY) for m in best]
    picked = best[3]
    select_points(
        at, "taste_map", [{"curve_number": 1, "point_index": 3, "customdata": soulmates["customdata"][3]}]
    )
    assert not at.exception
    assert at.title[0].value == "Compare"
    picked_name = public_name(picked.other_id, picked.other_display_name, DEVELOPMENT_KEY)
    assert f"You and {md(picked_name)}" in texts(at), "Compare shows the listener clicked"


def test_a_click_on_your_own_star_or_on_nothing_stays_on_the_map(app) -> None:
    at = sign_in_as_persona(app(), PERSONA)
    at.switch_page("pages/taste_map.py").run()
    select_points(at, "taste_map", [{"curve_number": 12, "point_index": 0}])
    assert at.title[0].value == "Taste map"
    select_points(at, "taste_map", [])
    assert at.title[0].value == "Taste map"


def test_a_sampled_map_shades_where_everyone_is_and_keeps_you_and_your_soulmates(
    app, store: Store, store_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(taste_map, "DRAWN", 60)
    at = sign_in_as_persona(app(), PERSONA)
    at.switch_page("pages/taste_map.py").run()
    figure = figure_titled(at, "Taste map")
    (shading,) = [t for t in figure["data"] if t["type"] == "contour"]
    assert figure["data"][0] is shading, "under every dot"
    assert shading["hoverinfo"] == "skip" and len(shading["z"]) == 48
    assert "60 of the" in figure["layout"]["title"]["text"]
    names = {t["name"] for t in figure["data"]}
    assert {"you", "your soulmates"} <= names
    dumped = json.dumps(figure)
    assert [p.user_id for p in store.iter_all() if p.user_id in dumped] == []
    assert "grey shading shows where everyone is" in " ".join(c.value for c in at.caption)


def test_a_listener_without_a_name_sees_their_tag_by_their_star(app, store: Store) -> None:
    files = [("Streaming_History_Audio_2025_0.json", fx.as_json(fx.extended_rows()), "application/json")]
    at = app()
    at.file_uploader(key="export_files").set_value(files).run()
    at.button(key="export_build").click().run()
    (mine,) = [p for p in store.iter_all() if p.source == "spotify-export"]
    at.switch_page("pages/taste_map.py").run()
    figure = figure_titled(at, "Taste map")
    (label,) = figure["layout"]["annotations"]
    tag = public_name(mine.user_id, "", DEVELOPMENT_KEY)
    assert html.unescape(label["text"]) == f"<b>{tag}</b> (you)"
    assert mine.user_id not in json.dumps(figure)
