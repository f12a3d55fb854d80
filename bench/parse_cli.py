"""Throughput of `python -m bot parse` end to end (process start, JSON in and out).

Not a test: run it by hand, e.g. `python bench/parse_cli.py --lines 200000`. It feeds the
dev corpus, repeated, through a child process and prints messages per second, with and
without the start-up time, and checks that every answer of the first round is right.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "data" / "corpus_dev.jsonl"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lines", type=int, default=100_000, help="messages to feed")
    args = parser.parse_args()
    cases = [line for line in CORPUS.read_text(encoding="utf-8").splitlines() if line.strip()]
    feed = "\n".join(cases[i % len(cases)] for i in range(args.lines)) + "\n"
    command = [sys.executable, "-m", "bot", "parse"]

    started = time.perf_counter()
    subprocess.run(command, input=b"", capture_output=True, check=True, cwd=ROOT)
    startup = time.perf_counter() - started

    started = time.perf_counter()
    done = subprocess.run(
        command, input=feed.encode("utf-8"), capture_output=True, check=True, cwd=ROOT
    )
    elapsed = time.perf_counter() - started
    answers = done.stdout.decode("utf-8").splitlines()
    assert len(answers) == args.lines, (len(answers), args.lines)
    wrong = 0
    for case, answer in zip(cases, answers, strict=False):
        got = json.loads(answer)
        got.pop("message", None)
        wrong += got != json.loads(case)["expect"]
    print(f"{args.lines} messages in {elapsed:.2f} s (start-up {startup:.2f} s)")
    print(f"  {args.lines / elapsed:,.0f} msg/s overall")
    print(f"  {args.lines / max(elapsed - startup, 1e-9):,.0f} msg/s after start-up")
    print(f"  first {len(cases)} answers: {len(cases) - wrong} right")
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
