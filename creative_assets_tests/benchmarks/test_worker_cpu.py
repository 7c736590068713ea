"""The run-worker CPU benchmark's own parts: its per-function timers and its profile buckets."""

from __future__ import annotations

import pstats
import sys
import types
from pathlib import Path

from benchmarks import worker_cpu, worker_profile


def test_timers_count_a_function_once_however_deep_it_recurses(monkeypatch) -> None:
    module = types.ModuleType("cpu_bench_fake")

    def spin(n: int) -> int:
        total = sum(i * i for i in range(20000))
        return total if n == 0 else module.spin(n - 1)

    module.spin = spin
    monkeypatch.setitem(sys.modules, "cpu_bench_fake", module)
    monkeypatch.setattr(worker_cpu, "TIMED", ["cpu_bench_fake:spin", "cpu_bench_fake:missing"])
    spent = worker_cpu._timers()
    module.spin(3)
    assert set(spent) == {"spin"}
    assert 0 < spent["spin"] < 5


def test_folded_stacks_go_to_the_first_bucket_that_any_frame_matches(tmp_path: Path) -> None:
    raw = tmp_path / "x.campaign_variant.folded"
    raw.write_text(
        "run (a.py);judge (creative_assets/defs/compose/attempts.py);glyph_damage "
        "(creative_assets/gates/glyph_damage.py);align (x.py) 7\n"
        "run (a.py);store_event (dagster_postgres/event_log.py) 3\n"
        "run (a.py);loop (b.py) 2\n",
        encoding="utf-8",
    )
    assert worker_profile.folded(raw) == {
        "Gate 2 glyph check (glyph_damage)": 7,
        "Dagster event log writes": 3,
        "other": 2,
    }


def test_a_native_function_is_charged_to_its_callers_subsystem(tmp_path: Path) -> None:
    import cProfile
    import random

    data = [random.random() for _ in range(300000)]

    def in_gates() -> None:
        sorted(data)  # a native function: its time goes to the caller's file

    in_gates.__code__ = in_gates.__code__.replace(co_filename="/x/creative_assets/gates/fake.py")
    prof = cProfile.Profile()
    prof.runcall(in_gates)
    subs = worker_profile.by_subsystem(pstats.Stats(prof))
    assert max(subs, key=subs.get) == "gates (1b-4, glyphs)"
