"""The benchmark must keep running as the code changes (tiny sizes; nothing is timed here)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_bench_runs_on_a_tiny_size_and_writes_every_metric(tmp_path: Path) -> None:
    out = tmp_path / "results.json"
    # The PostgreSQL benches write their own sections: a run of this one keeps them.
    earlier = {"postgresql": {"results": {"pg_ingest_ratio": 0.2}}, "results": {"old": 1}}
    out.write_text(json.dumps(earlier), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "bench/run.py", "--tiny", "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    written = json.loads(out.read_text(encoding="utf-8"))
    assert written["postgresql"] == earlier["postgresql"]
    metrics = written["results"]
    assert "old" not in metrics
    for key in (
        "ingest_reports_per_s",
        "raw_insert_per_s",
        "ingest_ratio",
        "tiendo_ms_10k",
        "tiendo_ms_1m",
        "parse_per_s",
        "peak_rss_mb",
        "ingest_ratio",
        "ingest_toy_ratio",
        "inbox_path_ratio",
        "ingest_toy_cpu_ratio",
        "tiendo_ms_province_10k",
        "tiendo_ms_province_1m",
        "xuat_peak_mb_1m",
        "xuat_max_stall_s_1m",
        "csv_peak_mb_1m",
        "fanout_rate_rtt150",
    ):
        assert metrics[key] > 0, key
    assert "parse_per_s" in result.stdout


def test_the_postgresql_bench_runs_on_a_tiny_size(tmp_path: Path) -> None:
    from tests.postgres import postgres_url

    postgres_url()  # skipped without PostgreSQL
    out = tmp_path / "results.json"
    result = subprocess.run(
        [
            *(sys.executable, "bench/postgres.py", "--messages", "60", "--reports", "600"),
            *("--raw", "20", "--out", str(out)),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    metrics = json.loads(out.read_text(encoding="utf-8"))["postgresql"]["results"]
    for key in (
        "pg_ingest_reports_per_s_1p",
        "pg_ingest_reports_per_s_2p",
        "pg_raw_insert_per_s",
        "pg_ingest_ratio",
        "pg_tiendo_ms_1m",
    ):
        assert metrics[key] > 0, key
