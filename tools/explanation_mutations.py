"""Changes every figure and reason the dashboard states about a score, one at a time, in a copy of
the project, and runs the explanation tests against each: every change must make them fail.

    python tools/explanation_mutations.py

Prints one line per change (killed or SURVIVED) and exits 1 if any survived.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXPLAIN = "soulmate_app/explain.py"
TESTS = [
    "tests/test_explanations.py",
    "tests/dashboard/test_shared_line.py",
    "tests/dashboard/test_dash_pages.py",
]
SKIPPED = shutil.ignore_patterns(
    ".venv", ".git", "node_modules", "build", "artifacts", "mutants", "__pycache__"
)

# (what is stated, the text in explain.py, the text it becomes)
MUTATIONS: tuple[tuple[str, str, str], ...] = (
    ("a part's points", 'f"{self.points} points = weight', 'f"{self.points + 1} points = weight'),
    ("a part's similarity", "× {round(100 * self.value)}% alike", "× {round(100 * self.weight)}% alike"),
    ("a part's weight", "weight {round(100 * self.weight)}%", "weight {round(100 * self.value)}%"),
    ("points adding up to the score", "points[i] += 1", "points[i] += 0"),
    ("only parts that count", "if c.weight > 0]", "]"),
    ("the latent split", "round(100 * m.latent_from_shared)))", "round(100 * m.latent_from_shared) + 1))"),
    (
        "a related pair's sides",
        "you play {md(r.mine)}, they play {md(r.theirs)}",
        "you play {md(r.theirs)}, they play {md(r.mine)}",
    ),
    (
        "a part's name",
        '"artists": "Shared artists", "genres": "Shared genres"',
        '"artists": "Shared genres", "genres": "Shared artists"',
    ),
    (
        "the artists' reason",
        '_items("You both play", m.shared_artists',
        '_items("You both play", m.shared_genres',
    ),
    (
        "the percentile",
        "closer than {math.floor(m.percentile)}%",
        "closer than {math.ceil(m.percentile) + 1}%",
    ),
    ("the word for it", "word_for(m.percentile)", "word_for(100 - m.percentile)"),
    ("genres said not to count", "genres.weight > 0 or not", "not"),
    ("the niche mark", 'niche" if s.niche else', 'niche" if not s.niche else'),
    (
        "how many more, in a reason",
        'len(shown) else ""\n    return f"{lead}',
        'len(shown) + 1 else ""\n    return f"{lead}',
    ),
    (
        "how many more, in a line",
        'len(shown) else ""\n    return f"{label}',
        'len(shown) + 1 else ""\n    return f"{label}',
    ),
    ("an artist's points", "(+{_points(s.contribution)})", "(+{_points(2 * s.contribution)})"),
    ("the related points", "{related} through related ones.", "{related + 1} through related ones."),
)


def main() -> int:
    survived = 0
    with tempfile.TemporaryDirectory() as scratch:
        copy = Path(scratch) / "project"
        shutil.copytree(ROOT, copy, ignore=SKIPPED)
        target = copy / EXPLAIN
        original = target.read_text()
        for stated, old, new in MUTATIONS:
            if original.count(old) != 1:
                sys.exit(f"{EXPLAIN} no longer holds {old!r} once: update this list")
            target.write_text(original.replace(old, new))
            command = [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", *TESTS]
            run = subprocess.run(command, cwd=copy, capture_output=True, env=_env(copy), check=False)
            killed = run.returncode == 1
            survived += not killed
            print(f"{'killed' if killed else 'SURVIVED':8}  {stated}", flush=True)
        target.write_text(original)
    print(f"{len(MUTATIONS) - survived} of {len(MUTATIONS)} changes made the explanation tests fail")
    return 1 if survived else 0


def _env(copy: Path) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(copy)}


if __name__ == "__main__":
    raise SystemExit(main())
