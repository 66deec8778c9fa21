"""Offline match quality on a split: listens and genres in, friendships only to score.

A split directory holds ``listens.csv``, ``artist_genres.csv`` (optional) and ``friends.csv``. The
profiles go through the normal import path into a temporary store and are ranked by the normal match
index. Metrics, over users with at least one friend in the population:

- recall@k: friends in the top k / min(k, friends);
- hit@k: share of users with at least one friend in the top k;
- MRR: mean of 1 / rank of the best-ranked friend in the full ranking.
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from soulmate_core.errors import InputError
from soulmate_core.index import MatchIndex
from soulmate_core.population import Population
from soulmate_core.profile import TasteProfile
from soulmate_core.scoring import DEFAULT_BLEND
from soulmate_core.sources.listens import tally_listens
from soulmate_core.store.sqlite import SQLiteStore

Progress = Callable[[int, int], None]
Scorer = Callable[[NDArray[np.intp]], NDArray[np.float32]]

_BLOCK = 512


@dataclass(frozen=True, slots=True)
class Metrics:
    method: str
    recall: float
    hit: float
    mrr: float
    users: int


def read_friends(path: str | Path) -> dict[str, set[str]]:
    """user_id -> friends, from a ``user_id,friend_id`` CSV; friendship counts both ways."""
    name = Path(path).name
    friends: dict[str, set[str]] = {}
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise InputError(f"cannot read the file: {exc.strerror}", name) from exc
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [cell.strip() for cell in next(reader, [])]
    if header != ["user_id", "friend_id"]:
        raise InputError(f"header is {','.join(header)!r}; expected user_id,friend_id", f"{name}:1")
    for cells in reader:
        if not cells:
            continue
        if len(cells) != 2 or not cells[0].strip() or not cells[1].strip():
            raise InputError("expected user_id,friend_id", f"{name}:{reader.line_num}")
        a, b = cells[0].strip(), cells[1].strip()
        if a != b:
            friends.setdefault(a, set()).add(b)
            friends.setdefault(b, set()).add(a)
    return friends


def load_split(split_dir: str | Path, progress: Progress | None = None) -> list[TasteProfile]:
    """The split's profiles, imported into a temporary SQLite store and read back."""
    root = Path(split_dir)
    genres_path = root / "artist_genres.csv"
    genres = genres_path if genres_path.exists() else None
    with (
        tally_listens(root / "listens.csv", genres) as tally,
        tempfile.TemporaryDirectory(prefix="soulmate-eval-") as tmp,
    ):
        store = SQLiteStore(Path(tmp) / "split.db")
        try:
            store.put_many(tally.profiles(progress=progress))
            return sorted(store.iter_all(), key=lambda p: p.user_id)
        finally:
            store.close()


def evaluate_split(
    split_dir: str | Path,
    k: int = 10,
    progress: Progress | None = None,
    ranking_progress: Progress | None = None,
) -> list[Metrics]:
    """Our matcher, artist-set Jaccard and the ablations, on one split."""
    friends = read_friends(Path(split_dir) / "friends.csv")
    profiles = load_split(split_dir, progress)
    return evaluate_methods(profiles, friends, k, ranking_progress)


def evaluate_methods(
    profiles: Sequence[TasteProfile],
    friends: Mapping[str, set[str]],
    k: int = 10,
    progress: Progress | None = None,
) -> list[Metrics]:
    """One row per method; ``progress`` hears (methods done, methods)."""
    ours = MatchIndex.build(profiles)
    plain = MatchIndex.build(profiles, population=Population.fit(profiles, rarity=False))
    no_genres = MatchIndex.build(
        profiles, DEFAULT_BLEND.without("genres"), Population.fit(profiles, genres=False)
    )
    methods: list[tuple[str, MatchIndex, Scorer]] = [
        ("our matcher", ours, ours.scores),
        ("jaccard (artist sets)", ours, jaccard_scorer(profiles)),
        ("no genres", no_genres, no_genres.scores),
        ("no rarity weighting", plain, plain.scores),
        ("no latent component", ours, lambda rows: ours.scores(rows, DEFAULT_BLEND.without("latent"))),
    ]
    results = []
    for done, (name, index, scorer) in enumerate(methods, start=1):
        results.append(measure(name, index, scorer, friends, k))
        if progress:
            progress(done, len(methods))
    return results


def measure(
    name: str, index: MatchIndex, scorer: Scorer, friends: Mapping[str, set[str]], k: int = 10
) -> Metrics:
    recall, hit, rr = per_user_metrics(index, scorer, friends, k)
    if not recall.size:
        return Metrics(name, 0.0, 0.0, 0.0, 0)
    return Metrics(name, float(recall.mean()), float(hit.mean()), float(rr.mean()), int(recall.size))


def per_user_metrics(
    index: MatchIndex, scorer: Scorer, friends: Mapping[str, set[str]], k: int = 10
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """recall@k, hit@k and reciprocal rank for each user with a friend in the index, in index order."""
    known = friend_matrix(index, friends)
    recall, hit, rr = [], [], []
    for rows, ranking in _rankings(index, scorer):
        for row, order in zip(rows.tolist(), ranking, strict=True):
            mask = known[row, order]
            total = int(mask.sum())
            if total == 0:
                continue
            found = int(mask[:k].sum())
            recall.append(found / min(k, total))
            hit.append(1.0 if found else 0.0)
            rr.append(1.0 / (int(np.argmax(mask)) + 1))
    return np.array(recall), np.array(hit), np.array(rr)


def friend_matrix(index: MatchIndex, friends: Mapping[str, set[str]]) -> NDArray[np.bool_]:
    """known[i, j]: user j is a friend of user i (both in the index)."""
    known = np.zeros((len(index), len(index)), dtype=bool)
    for user_id, theirs in friends.items():
        row = index.positions.get(user_id)
        if row is not None:
            columns = [index.positions[f] for f in theirs if f in index.positions]
            known[row, columns] = True
    return known


def jaccard_scorer(profiles: Sequence[TasteProfile]) -> Scorer:
    """|A ∩ B| / |A ∪ B| over artist sets, vectorised."""
    vocabulary: dict[str, int] = {}
    for p in profiles:
        for key in p.artist_weights():
            vocabulary.setdefault(key, len(vocabulary))
    member = np.zeros((len(profiles), max(len(vocabulary), 1)), dtype=np.float32)
    for i, p in enumerate(profiles):
        member[i, [vocabulary[key] for key in p.artist_weights()]] = 1.0
    sizes = member.sum(axis=1)

    def scores(rows: NDArray[np.intp]) -> NDArray[np.float32]:
        shared = member[rows] @ member.T
        union = sizes[rows][:, None] + sizes[None, :] - shared
        out: NDArray[np.float32] = np.divide(shared, union, out=np.zeros_like(shared), where=union > 0)
        return out

    return scores


def _rankings(index: MatchIndex, scorer: Scorer) -> Iterator[tuple[NDArray[np.intp], list[NDArray[np.intp]]]]:
    """Each user's candidates, best first (ties by position, as the index breaks them)."""
    for start in range(0, len(index), _BLOCK):
        rows = np.arange(start, min(start + _BLOCK, len(index)), dtype=np.intp)
        masked = index.candidates(rows, scorer(rows))
        order = np.argsort(-masked, axis=1, kind="stable")
        valid = np.take_along_axis(np.isfinite(masked), order, axis=1)
        yield rows, [o[v] for o, v in zip(order, valid, strict=True)]


def format_table(results: Sequence[Metrics], k: int = 10) -> str:
    """The evaluation as a plain-text table, plus our recall over Jaccard's."""
    lines = [f"{'method':<24} {f'recall@{k}':>10} {f'hit@{k}':>8} {'MRR':>7}"]
    lines += [f"{m.method:<24} {m.recall:>10.4f} {m.hit:>8.4f} {m.mrr:>7.4f}" for m in results]
    by_name = {m.method: m for m in results}
    ours, jaccard = by_name.get("our matcher"), by_name.get("jaccard (artist sets)")
    users = results[0].users if results else 0
    lines.append(f"users with a friend: {users}")
    if ours and jaccard and jaccard.recall > 0:
        lines.append(f"recall@{k} ratio, our matcher / jaccard: {ours.recall / jaccard.recall:.2f}")
    return "\n".join(lines)
