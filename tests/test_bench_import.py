"""The import benchmark runs end to end on a smaller history (big enough that a few MB of fixed costs
do not decide the memory ratio), and prints its table and its targets."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks import bench_import

pytestmark = pytest.mark.slow


def test_the_import_benchmark_measures_a_generated_history(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert bench_import.main(["--plays", "30000", "--years", "3", "--work", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "30,000 plays in 2 files" in out
    assert out.count("  met") == 4 and "MISSED" not in out
    files = sorted((tmp_path / "history-30000-3y").glob("Streaming_History_Audio_*.json"))
    assert [f.name for f in files] == [
        "Streaming_History_Audio_2023-2025_0.json",
        "Streaming_History_Audio_2025-2026_1.json",
    ]
