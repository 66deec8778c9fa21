"""My taste in full, Soulmates filters, Compare and the Taste map, for a demo persona."""

from __future__ import annotations

import html
import json

from soulmate_app import explain
from soulmate_app.escape import md
from soulmate_core import Store, service
from soulmate_core.handles import DEVELOPMENT_KEY, alias, public_name

from .conftest import figure_titled, figures, sign_in_as_persona, texts

PERSONA = "demo-0007"


def test_my_taste_shows_sunburst_ranges_drift_and_defined_figures(app, store: Store) -> None:
    at = sign_in_as_persona(app(), PERSONA)
    at.switch_page("pages/my_taste.py").run()
    profile = store.get(PERSONA)
    sunburst = figure_titled(at, "by family")["data"][0]
    assert sunburst["type"] == "sunburst" and next(iter(profile.genre_weights)) in sunburst["labels"]
    for name in profile.ranges:
        assert any(profile.ranges[name].artists[0].name in json.dumps(f) for f in figures(at))
    drift = figure_titled(at, "Taste drift")
    assert drift["data"] and all(len(trace["y"]) == 3 for trace in drift["data"])
    labels = [m.label for m in at.metric]
    assert labels == ["Diversity", "Niche-ness"]
    page = texts(at)
    assert "normalised entropy" in page and "more niche than" in page


def test_soulmates_limit_and_minimum_score(app, store: Store) -> None:
    at = sign_in_as_persona(app(), PERSONA)
    at.switch_page("pages/soulmates.py").run()
    at.slider(key="match_limit").set_value(5).run()
    chart = figure_titled(at, "Your soulmates")
    assert len(chart["data"][0]["y"]) == 5
    counted = [c for c in service.matches_for(store, PERSONA, 1)[0].components if c.weight > 0]
    assert {t["name"] for t in chart["data"]} == {explain.LABELS[c.name] for c in counted}
    best = service.matches_for(store, PERSONA, 5)
    cut = round(100 * best[2].score) + 1
    at.slider(key="match_min").set_value(cut).run()
    shown = figure_titled(at, "Your soulmates")["data"][0]["y"]
    assert len(shown) == sum(1 for m in best if 100 * m.score >= cut) < 5
    page = texts(at)
    for m in best[:2]:  # each card: its score in points, what it means, the parts that make it
        assert f"score **{explain.score_points(m)}**" in page
        assert all(f"{r.label}: {r.sum_line}" in page for r in explain.reasons(m))


def test_compare_overlays_radar_and_lists_shared_and_unique_artists(app, store: Store) -> None:
    at = sign_in_as_persona(app(), PERSONA)
    at.switch_page("pages/soulmates.py").run()
    best = service.matches_for(store, PERSONA, 1)[0]
    at.button(key=f"compare_{alias(best.other_id, DEVELOPMENT_KEY)}").click().run()
    assert at.title[0].value == "Compare"
    radar = figure_titled(at, "Genre families")
    assert [t["name"] for t in radar["data"]] == ["you", seen(best.other_id, best.other_display_name)]
    assert all(t["type"] == "scatterpolar" and max(t["r"]) > 0 for t in radar["data"])
    page = texts(at)
    assert "**Both of you**" in page and md(best.shared_artists[0].name) in page
    assert md(best.summary) in page
    reasons = explain.reasons(best)  # "Why this score": the parts that count, adding up to the score
    assert reasons and sum(r.points for r in reasons) == explain.score_points(best)
    assert all(f"**{r.label}: {r.sum_line}**" in page for r in reasons)
    assert explain.meaning(best) in page


def test_taste_map_shows_discoverable_listeners_by_name_only(app, store: Store) -> None:
    hidden = store.get("demo-0042")
    store.put(hidden.with_changes(discoverable=False))
    at = sign_in_as_persona(app(), PERSONA)
    at.switch_page("pages/taste_map.py").run()
    figure = figure_titled(at, "Taste map")
    traces = {t["name"]: t for t in figure["data"]}
    me, soulmates = traces.pop("you"), traces.pop("your soulmates")
    assert shown(me["text"]) == [store.get(PERSONA).display_name]
    best = service.matches_for(store, PERSONA, 10)
    assert shown(soulmates["text"]) == [seen(m.other_id, m.other_display_name) for m in best]
    clusters = list(traces.values())

    # Every listener who opted in is exactly one mark: a cluster's dot, a soulmate or you (by name).
    discoverable = {
        p.display_name if p.user_id == PERSONA else seen(p.user_id, p.display_name): p
        for p in store.iter_all()
        if p.discoverable
    }
    assert len(discoverable) == sum(1 for _ in store.iter_all()) - 1
    marks = [name for t in [*clusters, soulmates, me] for name in shown(t["text"])]
    assert sorted(marks) == sorted(discoverable)
    assert all(len(t["x"]) == len(t["y"]) == len(t["text"]) > 0 for t in clusters)
    assert hidden.display_name not in json.dumps(figure)
    assert "everyone who opted in" in figure["layout"]["title"]["text"]

    # Each cluster's legend entry is a readable label of genres its own members listen to.
    labels = [t["name"] for t in clusters]
    assert len(clusters) >= 5 and len(set(labels)) == len(labels)
    for trace in clusters:
        member_genres = {g for name in shown(trace["text"]) for g in discoverable[name].genre_weights}
        parts = html.unescape(trace["name"]).split(" / ")
        assert all(part.strip() and part in member_genres for part in parts), trace["name"]

    # Hover shows display names; no user id reaches the browser.
    assert all("%{text}" in t["hovertemplate"] for t in figure["data"])
    dumped = json.dumps(figure)
    assert [p.user_id for p in store.iter_all() if p.user_id in dumped] == []


def seen(user_id: str, display_name: str) -> str:
    """How others see a listener: their name and a tag of their alias."""
    return public_name(user_id, display_name, DEVELOPMENT_KEY)


def shown(texts: list[str]) -> list[str]:
    """Plotly text as the browser shows it: the chart escapes names, since Plotly reads tags."""
    return [html.unescape(text) for text in texts]
