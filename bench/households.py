"""Parser throughput with a household registry of 20,000 households loaded.

Not a test: run it by hand, `python bench/households.py`. It builds a registry of 20,000
made-up households spread over the shipped villages, then parses the dev corpus with and
without it and prints messages per second (the budget: at least 20,000 with it).
"""

from __future__ import annotations

import json
import random
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.reference import load_units_csv  # noqa: E402
from core.household_names import HouseholdNames  # noqa: E402
from core.households import Category, Household  # noqa: E402
from core.parser import parse_report  # noqa: E402
from core.units import VILLAGE  # noqa: E402

FAMILY = ("Giàng", "Vàng", "Sùng", "Lò", "Ly", "Thào", "Hầu", "Mua")
MIDDLE = ("Seo", "Mí", "Văn", "Thị", "A")
GIVEN = ("Chứ", "Páo", "Sính", "Già", "Kỷ", "Dình", "Lử", "Pó")


def main() -> int:
    units = load_units_csv(ROOT / "bot" / "data" / "units.csv")
    code = {u.name: u.code for u in units if u.level == VILLAGE}
    rng = random.Random(1)
    villages = sorted(code.values())
    households = [
        Household(
            i,
            rng.choice(villages),
            f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)} {i}",
            Category.POOR,
            2025,
        )
        for i in range(20_000)
    ]
    started = time.perf_counter()
    names = HouseholdNames(households)
    print(f"registry of {len(names):,} households indexed in {time.perf_counter() - started:.2f} s")
    corpus = ROOT / "tests" / "data" / "corpus_dev.jsonl"
    cases = [json.loads(line) for line in corpus.read_text(encoding="utf-8").splitlines()]
    args = [(c["text"], code[c["village"]], date.fromisoformat(c["today"])) for c in cases]
    for label, registry in (("without a registry", None), ("with the registry", names)):
        best = float("inf")
        for _ in range(5):
            started = time.perf_counter()
            for _ in range(200):
                for text, village, today in args:
                    parse_report(
                        text, home_village=village, today=today, units=units, households=registry
                    )
            best = min(best, time.perf_counter() - started)
        print(f"{label}: {200 * len(args) / best:,.0f} messages/s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
