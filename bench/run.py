"""Benchmarks: is the bot fast enough for a province, and does its cost stay flat?

    python bench/run.py            # full sizes; writes bench/results.json
    python bench/run.py --quick    # the same metrics, smaller: the exports of 200,000 reports
    python bench/run.py --tiny     # seconds; used by a test so the benchmark cannot rot

Every metric runs in a fresh child process, so memory and caches of one do not leak into
another, and peak RSS is the child's own. Ratios are measured side by side in one process,
in interleaved rounds (medians), so they hold on a busy machine; absolute rates do not.
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

SIZES: dict[str, dict[str, int]] = {
    "full": {
        "messages": 10_000,
        "cadres": 500,
        "raw_rows": 5_000,
        "rounds": 3,
        "small": 10_000,
        "large": 1_000_000,
        "fanout": 10_000,
        "fanout_rate": 500,  # messages/s: Telegram's 30/s scaled up so the run is short
        "fanout_rtt": 500,  # at Telegram's 25/s with a 150 ms round trip: 20 s
        "parse": 200_000,
        "repeat": 51,
        "province_small": 10_000,
        "province_large": 1_000_000,
        "export": 1_000_000,
    },
    "quick": {
        "messages": 4_000,
        "cadres": 500,
        "raw_rows": 2_000,
        "rounds": 3,
        "small": 10_000,
        "large": 1_000_000,
        "fanout": 10_000,
        "fanout_rate": 500,
        "fanout_rtt": 250,
        "parse": 100_000,
        "repeat": 21,
        "province_small": 10_000,
        "province_large": 1_000_000,
        "export": 200_000,
    },
    "tiny": {
        "messages": 300,
        "cadres": 20,
        "raw_rows": 100,
        "rounds": 1,
        "small": 1_000,
        "large": 5_000,
        "fanout": 200,
        "fanout_rate": 500,
        "fanout_rtt": 25,
        "parse": 2_000,
        "repeat": 5,
        "province_small": 1_000,
        "province_large": 5_000,
        "export": 2_000,
    },
}

# (key, comparison, goal): the goals beside the earlier ones.
TARGETS = {
    "ingest_ratio": (">=", 1.0),
    "ingest_toy_ratio": (">=", 0.6),
    "inbox_path_ratio": (">=", 0.9),
    "tiendo_ms_1m": ("<=", 50.0),
    "tiendo_flatness": ("<=", 1.2),
    "tiendo_ms_province_10k": ("<=", 20.0),
    "tiendo_ms_province_1m": ("<=", 20.0),
    "xuat_peak_mb_1m": ("<=", 200.0),
    "xuat_max_stall_s_1m": ("<=", 0.1),
    "csv_peak_mb_1m": ("<=", 100.0),
    "reminder_fanout_rate": (">=", 0.95),
    "fanout_rate_rtt150": (">=", 0.9),
    "parse_per_s": (">=", 20_000),
    "peak_rss_mb": ("<=", 150.0),
}


def _child(metric: str, sizes: dict[str, Any]) -> dict[str, float]:
    result = subprocess.run(
        [sys.executable, "-m", "bench.scenarios", metric, json.dumps(sizes)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=3600,
    )
    if result.returncode != 0:
        raise SystemExit(f"benchmark {metric} failed:\n{result.stderr}")
    return dict(json.loads(result.stdout.strip().splitlines()[-1]))


def _province(sizes: dict[str, int], folder: Path) -> dict[str, float]:
    """Build each province once, then measure /tiendo, /xuat and the CSV export on copies."""
    results: dict[str, float] = {}
    dbs: dict[int, str] = {}
    for reports in sorted({sizes["province_small"], sizes["province_large"], sizes["export"]}):
        dbs[reports] = str(folder / f"province-{reports}.sqlite3")
        built = _child("province_build", {"db": dbs[reports], "reports": reports})
        results[f"province_build_s_{reports}"] = built["province_build_s"]
    for key, reports in (("10k", sizes["province_small"]), ("1m", sizes["province_large"])):
        run = _child("tiendo_province", {**sizes, "db": dbs[reports]})
        results[f"tiendo_ms_province_{key}"] = run["tiendo_ms"]
        # Load-independent beside it: CPU time, and the per-village path side by side.
        results[f"tiendo_cpu_ms_province_{key}"] = run["tiendo_cpu_ms"]
        results[f"tiendo_reference_ms_province_{key}"] = run["tiendo_reference_ms"]
    export = {**sizes, "db": dbs[sizes["export"]]}
    xuat = _child("xuat", export)
    csv = _child("csv_export", export)
    results.update(
        {
            "xuat_peak_mb_1m": xuat["xuat_peak_mb"],
            "xuat_max_stall_s_1m": xuat["xuat_max_stall_s"],
            "xuat_seconds_1m": xuat["xuat_seconds"],
            "xuat_files_1m": xuat["xuat_files"],
            "xuat_mb_1m": xuat["xuat_mb"],
            "csv_peak_mb_1m": csv["csv_peak_mb"],
            "csv_seconds_1m": csv["csv_seconds"],
        }
    )
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--quick", action="store_true")
    group.add_argument("--tiny", action="store_true")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results.json")
    args = parser.parse_args()
    size = "tiny" if args.tiny else "quick" if args.quick else "full"
    sizes = SIZES[size]
    started = time.perf_counter()
    results: dict[str, float] = {}
    for metric in ("parse", "ingest_suite", "tiendo_small", "tiendo_large", "fanout"):
        results.update(_child(metric, sizes))
    results.update(_child("fanout_rtt", sizes))
    with tempfile.TemporaryDirectory() as tmp:
        results.update(_province(sizes, Path(tmp)))
    results["tiendo_flatness"] = results["tiendo_ms_1m"] / results["tiendo_ms_10k"]
    report = {
        "size": size,
        "sizes": {**sizes, "note": _note(sizes)},
        "machine": f"{_cpu()}, {_cores()} cores, Python {platform.python_version()},"
        f" {platform.system()} {platform.release()}",
        "seconds": round(time.perf_counter() - started, 1),
        "results": {k: round(v, 3) for k, v in results.items()},
    }
    # The PostgreSQL figures (bench/postgres.py, bench/pg_drivers.py) are kept beside these.
    kept = {k: v for k, v in _earlier(args.out).items() if k in _OTHER_BENCHES}
    args.out.write_text(json.dumps({**report, **kept}, indent=2) + "\n", encoding="utf-8")
    print(f"{'metric':<28}{'value':>14}  goal")
    for key, value in report["results"].items():
        target = TARGETS.get(key)
        mark = ""
        if target:
            op, limit = target
            ok = value >= limit if op == ">=" else value <= limit
            mark = f"{op} {limit:g}  {'ok' if ok else 'MISSED'}"
        print(f"{key:<28}{value:>14,.3f}  {mark}")
    print(f"({size} sizes, {report['seconds']} s; written to {args.out})")
    return 0


_OTHER_BENCHES = ("postgresql", "postgresql_drivers")


def _earlier(path: Path) -> dict[str, Any]:
    try:
        earlier = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return earlier if isinstance(earlier, dict) else {}


def _note(sizes: dict[str, int]) -> str:
    """What the *_1m export keys really measured."""
    if sizes["export"] == 1_000_000:
        return "exports of 1,000,000 reports"
    return f"exports of {sizes['export']:,} reports (keys named _1m keep their name)"


def _cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return f"{platform.machine()} {line.split(':', 1)[1].strip()}"
    except OSError:
        pass
    return platform.machine()


def _cores() -> int:
    import os

    return os.cpu_count() or 1


if __name__ == "__main__":
    raise SystemExit(main())
