"""A group's playlist seed as downloads: a CSV no spreadsheet reads a formula from, one JSON shape,
and the Spotify URIs of the tracks that have ids."""

from __future__ import annotations

import csv
import io
import json

import pytest

from soulmate_core.group import SeedTrack
from soulmate_core.playlist import PlaylistOut, safe_cell, seed_csv, seed_json, spotify_uris

HOSTILE = ['=HYPERLINK("http://evil.example","x")', "+1+1", "-2+3", "@SUM(A1)", "\tTab", "\rCR"]
TRACKS = (
    SeedTrack("Roads", ("Portishead",), 3, 3, 0.2, "3AbC"),
    SeedTrack('Glory Box, "live"', ("Portishead", "Tricky"), 1, 3, 0.1, None),
    *(SeedTrack(name, (name,), 2, 2, 0.05, "bad id!" if i == 0 else None) for i, name in enumerate(HOSTILE)),
)


def rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


@pytest.mark.parametrize("cell", HOSTILE)
def test_a_cell_a_spreadsheet_would_run_stays_text(cell: str) -> None:
    assert safe_cell(cell) == "'" + cell
    assert safe_cell("Roads") == "Roads" and safe_cell("Björk =") == "Björk ="


def test_the_csv_has_one_row_per_track_in_order_and_no_formula() -> None:
    header, *body = rows(seed_csv(TRACKS))
    assert header == ["position", "track", "artists", "members who play it", "spotify_uri"]
    assert [r[0] for r in body] == [str(n) for n in range(1, len(TRACKS) + 1)]
    assert body[0] == ["1", "Roads", "Portishead", "3", "spotify:track:3AbC"]
    assert body[1][1:3] == ['Glory Box, "live"', "Portishead, Tricky"]
    for row in body:
        assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in row)
    assert [r[1] for r in body[2:]] == ["'" + name for name in HOSTILE]


def test_the_json_is_the_one_shape_with_uris_only_for_valid_ids() -> None:
    document = json.loads(seed_json("Our blend", 3, TRACKS))
    parsed = PlaylistOut.model_validate(document)
    assert (parsed.name, parsed.group_size, len(parsed.tracks)) == ("Our blend", 3, len(TRACKS))
    assert [t.spotify_uri for t in parsed.tracks[:3]] == ["spotify:track:3AbC", None, None]
    assert parsed.tracks[2].name == HOSTILE[0]  # JSON is data: the name as it is
    assert spotify_uris(TRACKS + TRACKS[:1]) == ["spotify:track:3AbC"]
