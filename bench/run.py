"""Benchmarks: is the bot fast enough for a province, and does its cost stay flat?

    python bench/run.py            # full sizes; writes bench/results.json
    python bench/run.py --quick    # the same metrics in under two minutes on two cores
    python bench/run.py --tiny     # seconds; used by a test so the benchmark cannot rot

Every metric runs in a fresh child process, so memory and caches of one do not leak into
another, and peak RSS is the child's own.
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import scenarios  # noqa: E402

SIZES = {
    "full": {
        "messages": 20_000,
        "cadres": 500,
        "raw_rows": 5_000,
        "small": 10_000,
        "large": 1_000_000,
        "fanout": 10_000,
        "fanout_rate": 500,  # messages/s: Telegram's 30/s scaled up so the run is short
        "parse": 200_000,
        "repeat": 51,
    },
    "quick": {
        "messages": 20_000,
        "cadres": 500,
        "raw_rows": 3_000,
        "small": 10_000,
        "large": 1_000_000,
        "fanout": 10_000,
        "fanout_rate": 500,
        "parse": 100_000,
        "repeat": 21,
    },
    "tiny": {
        "messages": 300,
        "cadres": 20,
        "raw_rows": 100,
        "small": 1_000,
        "large": 5_000,
        "fanout": 200,
        "fanout_rate": 500,
        "parse": 2_000,
        "repeat": 5,
    },
}

TARGETS = {
    "ingest_ratio": (">=", 1.0),
    "tiendo_ms_1m": ("<=", 50.0),
    "tiendo_flatness": ("<=", 1.2),
    "reminder_fanout_rate": (">=", 0.95),
    "parse_per_s": (">=", 20_000),
    "peak_rss_mb": ("<=", 150.0),
}


def _child(metric: str, size: str) -> dict[str, float]:
    result = subprocess.run(
        [sys.executable, "-m", "bench.scenarios", metric, json.dumps(SIZES[size])],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=900,
    )
    if result.returncode != 0:
        raise SystemExit(f"benchmark {metric} failed:\n{result.stderr}")
    return dict(json.loads(result.stdout.strip().splitlines()[-1]))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--quick", action="store_true")
    group.add_argument("--tiny", action="store_true")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results.json")
    args = parser.parse_args()
    size = "tiny" if args.tiny else "quick" if args.quick else "full"
    started = time.perf_counter()
    results: dict[str, float] = {}
    for metric in scenarios.METRICS:
        results.update(_child(metric, size))
    results["ingest_ratio"] = results["ingest_reports_per_s"] / results["raw_insert_per_s"]
    results["tiendo_flatness"] = results["tiendo_ms_1m"] / results["tiendo_ms_10k"]
    report = {
        "size": size,
        "sizes": SIZES[size],
        "machine": f"{_cpu()}, {_cores()} cores, Python {platform.python_version()},"
        f" {platform.system()} {platform.release()}",
        "seconds": round(time.perf_counter() - started, 1),
        "results": {k: round(v, 3) for k, v in results.items()},
    }
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"{'metric':<26}{'value':>14}  target")
    for key, value in report["results"].items():
        target = TARGETS.get(key)
        mark = ""
        if target:
            op, limit = target
            ok = value >= limit if op == ">=" else value <= limit
            mark = f"{op} {limit:g}  {'ok' if ok else 'MISSED'}"
        print(f"{key:<26}{value:>14,.3f}  {mark}")
    print(f"({size} sizes, {report['seconds']} s; written to {args.out})")
    return 0


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
