"""My taste for an uploaded export, in a store whose artist catalogue the demo personas taught:
genre charts from the catalogue's genres, and a caption saying where they came from."""

from __future__ import annotations

from soulmate_core import Store, service
from soulmate_core.demo import demo_population
from tests import export_fixtures as fx

from .conftest import texts, upload_history

EXPORT = [("Streaming_History_Audio_2025_0.json", fx.as_json(fx.extended_rows()), "application/json")]


def test_an_export_user_sees_genre_charts_from_the_artist_catalogue(app, store: Store) -> None:
    service.save_profiles(store, demo_population())  # as `soulmate seed-demo` stores them
    at = upload_history(app(), EXPORT)
    (profile,) = [p for p in store.iter_all() if p.source == "spotify-export"]
    assert profile.has_genres and profile.catalogue_genres == 4  # all but Björk are demo artists

    at.switch_page("pages/my_taste.py").run()
    assert not at.exception
    specs = [c.proto.spec for c in at.get("plotly_chart")]
    assert any("Top genres" in s and "art rock" in s for s in specs)
    assert any("Your genres, by family" in s for s in specs)
    assert not any("Your taste dimensions" in s for s in specs)
    assert "Genres from the artist catalogue: 4 of your 5 artists have genres here" in texts(at)


def test_a_catalogue_that_knows_none_of_the_artists_leaves_the_taste_dimensions(app, store: Store) -> None:
    at = upload_history(app(), EXPORT)  # the demo personas were stored directly: nothing taught
    (profile,) = [p for p in store.iter_all() if p.source == "spotify-export"]
    assert not profile.has_genres and profile.catalogue_genres == 0
    at.switch_page("pages/my_taste.py").run()
    assert "artist catalogue" not in texts(at)
    assert any("Your taste dimensions" in c.proto.spec for c in at.get("plotly_chart"))
