"""Where a run worker's CPU went, from the cProfile dumps `benchmarks.worker_cpu --profile` writes:
self CPU summed by subsystem (a native function's time goes to the subsystem of the Python code
that called it, unless the function itself names one), and the inclusive CPU of a few functions
that are the costs the issue asks about."""

from __future__ import annotations

import pstats
import re
from pathlib import Path

# (subsystem, pattern over "file:function") — first match wins; native functions are "~:<name>".
SUBSYSTEMS = [
    ("onnxruntime (OCR models)", r"onnxruntime"),
    ("PNG encode/decode", r"ImagingEncoder|ImagingDecoder|PIL/PngImagePlugin|zlib|PIL/ImageFile"),
    ("Dagster event log / storage", r"dagster/_core/storage|dagster_postgres|sqlalchemy|psycopg2|alembic"),
    ("Dagster events / serdes", r"dagster/_core/events|dagster/_serdes|dagster/_core/log_manager|logging/"),
    ("Dagster other", r"site-packages/dagster"),
    ("Gate 1a search / OCR", r"creative_assets/imaging/(text_search|ocr|text_texture|text_veil)|rapidocr"),
    ("gates (1b-4, glyphs)", r"creative_assets/gates/"),
    ("imaging", r"creative_assets/imaging/|site-packages/(PIL|cv2|numpy|shapely|skimage)"),
    ("IO manager", r"creative_assets/io/|upath|fsspec"),
    ("gateway", r"creative_assets/gateway/"),
    ("provider clients", r"creative_assets/providers/|httpx|httpcore|openai/|h11|ssl|anyio"),
    ("pydantic", r"pydantic"),
    ("creative_assets defs", r"creative_assets/defs/|creative_assets/"),
    ("imports", r"importlib|<frozen|marshal"),
]
# Inclusive CPU of these (by "file:function" suffix); recursive functions would count twice.
INCLUSIVE = [
    "text_search.py:find_text",
    "attempts.py:judge",
    "glyph_damage.py:glyph_damage",
    "ocr_copy.py:read_copy",
    "event_log/base.py:store_event",
    "event_log/sql_event_log.py:store_event",
    "dagster_postgres/event_log/event_log.py:store_event",
    "instance/__init__.py:has_dynamic_partition",
    "instance/__init__.py:get_dynamic_partitions",
    "instance/__init__.py:handle_new_event",
    "upath_io_manager.py:load_input",
    "upath_io_manager.py:handle_output",
    "serdes/serdes.py:serialize_value",
    "PngImagePlugin.py:_save",
    "ImageFile.py:load",
]


def _key(func: tuple[str, int, str]) -> str:
    return f"{func[0]}:{func[2]}"


def _subsystem(key: str) -> str | None:
    for name, pattern in SUBSYSTEMS:
        if re.search(pattern, key):
            return name
    return None


def _other(key: str) -> str:
    match = re.search(r"site-packages/([^/]+)", key)
    return f"other: {match.group(1)}" if match else "other"


def by_subsystem(stats: pstats.Stats) -> dict[str, float]:
    out: dict[str, float] = {}
    for func, (_cc, _nc, tt, _ct, callers) in stats.stats.items():  # type: ignore[attr-defined]
        key = _key(func)
        own = _subsystem(key) if func[0] != "~" or _subsystem(key) else None
        if own is None and func[0] == "~" and callers:
            for caller, (_c, _n, ctt, _cct) in callers.items():
                ck = _key(caller)
                name = _subsystem(ck) or _other(ck)
                out[name] = out.get(name, 0.0) + ctt
            continue
        name = own or _other(key)
        out[name] = out.get(name, 0.0) + tt
    return out


def inclusive(stats: pstats.Stats) -> dict[str, float]:
    out: dict[str, float] = {}
    for func, (_cc, _nc, _tt, ct, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        key = _key(func)
        for want in INCLUSIVE:
            if key.endswith(want):
                out[want] = out.get(want, 0.0) + ct
    return out


# py-spy's folded stacks: a sample goes to the first of these (root → leaf order does not
# matter: the list is in priority order) that one of its frames matches, "function (file)".
BUCKETS = [
    ("imports", r"_find_and_load \("),
    ("Gate 1a search (find_text)", r"find_text \(.*text_search"),
    ("Gate 2 glyph check (glyph_damage)", r"glyph_damage \(.*gates/glyph_damage"),
    ("copy OCR (read_copy)", r"read_copy \("),
    ("gates 1b-4 other (judge)", r"judge \(.*compose/attempts"),
    ("layout plan / typesetting", r"plan_layout \(|fit_text \(|typesetting\.py"),
    ("image analysis", r"imaging/analysis\.py|analyze \(.*openai_images"),
    ("Dagster event log writes", r"store_event \(|handle_new_event \("),
    ("Dagster dynamic partitions", r"has_dynamic_partition|get_dynamic_partitions|dynamic_partitions"),
    (
        "Dagster materialization lookups",
        r"get_latest_materialization|fetch_materializations|get_event_records",
    ),
    ("PNG encode", r"_save \(.*PngImagePlugin|ImageFile.py\)$|_encode_tile"),
    ("PNG decode", r"load \(.*ImageFile|decode \(.*ImageFile"),
    ("IO manager", r"creative_assets/io/|upath_io_manager"),
    ("provider clients / HTTP", r"httpx|httpcore|openai/_|creative_assets/providers/"),
    ("gateway (ledger, slots)", r"creative_assets/gateway/"),
    ("roll-up (reports)", r"creative_assets/defs/reports/"),
    ("pydantic", r"pydantic"),
    ("Dagster other", r"dagster"),
    ("creative_assets other", r"creative_assets/"),
]


def folded(path: Path) -> dict[str, int]:
    """Samples per bucket of one py-spy raw file."""
    out: dict[str, int] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        stack, _, count = line.rpartition(" ")
        frames = stack.split(";")
        name = next((b for b, pattern in BUCKETS if any(re.search(pattern, f) for f in frames)), "other")
        out[name] = out.get(name, 0) + int(count)
    return out


def report(directory: Path) -> None:
    """Per tree and run: the subsystems, then the named functions (CPU s under the profiler)."""
    for raw in sorted(directory.glob("*.folded")):
        counts = folded(raw)
        total = sum(counts.values())
        print(f"\n{raw.stem}: {total} samples (py-spy, 100 Hz, active threads)")
        for name, n in sorted(counts.items(), key=lambda kv: -kv[1]):
            print(f"  {name:36} {n / 100:7.2f} s {100 * n / total:5.1f} %")
    groups: dict[str, list[Path]] = {}
    for dump in sorted(p for p in directory.iterdir() if p.suffix != ".folded"):
        groups.setdefault(dump.name.rsplit(".", 1)[0], []).append(dump)
    for group, dumps in sorted(groups.items()):
        stats = pstats.Stats(str(dumps[0]))
        for extra in dumps[1:]:
            stats.add(str(extra))
        subs = by_subsystem(stats)
        total = sum(subs.values())
        print(f"\n{group}: {total:.1f} s profiled CPU in {len(dumps)} threads")
        for name, cpu in sorted(subs.items(), key=lambda kv: -kv[1])[:16]:
            print(f"  {name:32} {cpu:7.2f} s {100 * cpu / total:5.1f} %")
        print("  inclusive:")
        for name, cpu in sorted(inclusive(stats).items(), key=lambda kv: -kv[1]):
            print(f"    {name:48} {cpu:7.2f} s")


def top(directory: Path, group: str, n: int = 40, sort: str = "tottime") -> None:
    """The top functions of one group, for reading a profile by hand."""
    dumps = sorted(directory.glob(f"{group}.*"))
    stats = pstats.Stats(str(dumps[0]))
    for extra in dumps[1:]:
        stats.add(str(extra))
    stats.sort_stats(sort).print_stats(n)


if __name__ == "__main__":
    import sys

    if len(sys.argv) > 2:
        top(Path(sys.argv[1]), sys.argv[2], sort=sys.argv[3] if len(sys.argv) > 3 else "tottime")
    else:
        report(Path(sys.argv[1]))
