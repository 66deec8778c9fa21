"""``soulmate evaluate``: metrics on a tiny hand-made split whose answer is known."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from soulmate_cli import main
from soulmate_core.evaluation import (
    evaluate_split,
    jaccard_scorer,
    load_split,
    measure,
    read_friends,
)
from soulmate_core.index import MatchIndex
from soulmate_core.tuning import blend_grid, cross_validate, sweep

LISTENS = """user_id,artist,weight
u1,A,10
u1,B,5
u1,C,1
u2,a,10
u2,B ,5
u2,C,1
u3,D,10
u3,E,5
u3,F,1
u4,D,10
u4,E,5
u4,G,1
"""
GENRES = "artist,genre\nA,rock\nB,rock\nD,jazz\n"
FRIENDS = "user_id,friend_id\nu1,u2\nu3,u1\n"


@pytest.fixture
def split(tmp_path: Path) -> Path:
    root = tmp_path / "split"
    root.mkdir()
    (root / "listens.csv").write_text(LISTENS)
    (root / "artist_genres.csv").write_text(GENRES)
    (root / "friends.csv").write_text(FRIENDS)
    return root


def test_friendships_count_both_ways(split: Path) -> None:
    assert read_friends(split / "friends.csv") == {"u1": {"u2", "u3"}, "u2": {"u1"}, "u3": {"u1"}}


def test_jaccard_metrics_match_the_hand_computed_answer(split: Path) -> None:
    # Jaccard: u1-u2 = 1, u3-u4 = 2/4, across = 0 (ties broken by position: u1, u2, u3, u4).
    # u1 ranks u2 (friend) first; u2 ranks u1 (friend) first; u3 ranks u4, then u1 (friend) second.
    profiles = load_split(split)
    index = MatchIndex.build(profiles)
    friends = read_friends(split / "friends.csv")
    scorer = jaccard_scorer(profiles)
    assert scorer(np.array([0, 2]))[:, [1, 3]] == pytest.approx(np.array([[1.0, 0.0], [0.0, 0.5]]))

    at_1 = measure("jaccard", index, scorer, friends, k=1)
    assert (at_1.users, at_1.recall, at_1.hit) == (3, pytest.approx(2 / 3), pytest.approx(2 / 3))
    assert at_1.mrr == pytest.approx((1 + 1 + 1 / 2) / 3)

    at_2 = measure("jaccard", index, scorer, friends, k=2)
    assert (at_2.recall, at_2.hit, at_2.mrr) == (1.0, 1.0, pytest.approx(at_1.mrr))


def test_evaluate_prints_every_method_and_the_ratio(split: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["evaluate", str(split), "--limit", "2"]) == 0
    out = capsys.readouterr().out
    for method in ("our matcher", "jaccard (artist sets)", "no genres", "no rarity", "no latent"):
        assert method in out
    assert "recall@2" in out and "hit@2" in out and "MRR" in out
    assert "ratio" in out


def test_friends_only_score_they_never_change_the_ranking(split: Path) -> None:
    # Our matcher puts each user's taste twin first, whoever their friends are.
    results = {m.method: m for m in evaluate_split(split, k=1)}
    assert results["our matcher"].users == 3
    (split / "friends.csv").write_text("user_id,friend_id\nu3,u4\n")
    changed = {m.method: m for m in evaluate_split(split, k=1)}
    assert changed["our matcher"].recall == 1.0 and changed["our matcher"].users == 2


def test_a_missing_split_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["evaluate", str(tmp_path / "nowhere")]) == 2
    assert "friends.csv" in capsys.readouterr().err


def test_cross_validation_picks_from_the_grid_and_scores_held_out_users(split: Path) -> None:
    profiles = load_split(split)
    index = MatchIndex.build(profiles)
    grid = blend_grid(0.5)
    assert all(b.artists > 0 and b.artists + b.genres + b.latent == pytest.approx(1.0) for b in grid)
    points = sweep(index, read_friends(split / "friends.csv"), grid, k=1)
    result = cross_validate(points, folds=3)
    assert len(result.chosen) == len(result.held_out) == 3
    assert set(result.chosen) <= set(grid) and result.best in grid
    assert all(0.0 <= r <= 1.0 for r in result.held_out)
