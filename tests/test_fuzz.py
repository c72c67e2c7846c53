"""Fuzzing: every crash input found so far stays fixed, and each target survives a short run (a
CI smoke)."""

from __future__ import annotations

from pathlib import Path

import pytest

from rempart.bench.fuzz import TARGETS, _Harness, fuzz

CRASHES = Path(__file__).with_name("fuzz_crashes")
FOUND = sorted(
    (target.name, path)
    for target in CRASHES.iterdir()
    if target.is_dir()
    for path in target.iterdir()
)


def test_every_target_has_regression_inputs() -> None:
    assert {target for target, _path in FOUND} == set(TARGETS)


@pytest.mark.parametrize("target,path", FOUND, ids=[f"{t}/{p.name}" for t, p in FOUND])
def test_a_crash_found_by_fuzzing_is_refused_cleanly(
    target: str, path: Path, tmp_path: Path
) -> None:
    harness = _Harness(tmp_path)
    harness.run(getattr(harness, target), path.read_bytes())
    saved = sorted(tmp_path.glob("crash-*.txt"))
    assert not saved, saved[0].read_text() if saved else ""


@pytest.mark.slow
def test_each_fuzz_target_survives_a_short_run(tmp_path: Path) -> None:
    results = fuzz(4, work=tmp_path)
    assert [r.target for r in results] == list(TARGETS)
    for result in results:
        assert result.executions > 50, result
        assert result.crashes == 0, (
            result,
            [
                (tmp_path / result.target / "crashes" / f"{f}.txt").read_text()[-800:]
                for f in result.crash_files[:1]
                if (tmp_path / result.target / "crashes" / f"{f}.txt").exists()
            ],
        )
