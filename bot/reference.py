"""The reference data the bot ships (bot/data/): units, the programme's targets and goals."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from importlib import resources
from pathlib import Path

from core.models import Target
from core.ports import Store
from core.poverty_table import read_baseline_rows
from core.programme import ProgrammeGoal, parse_programme_csv
from core.tables import table_rows
from core.units import COMMUNE, UnitDirectory, find_units, parse_units_csv

__all__ = [
    "default_targets",
    "load_units_csv",
    "missing_villages_hint",
    "programme_goals",
    "seed_shipped_baselines",
    "shipped_units",
]

_DATA = resources.files("bot") / "data"


def load_units_csv(path: Path) -> UnitDirectory:
    """A deployment's own units file (the same columns as the shipped one)."""
    return parse_units_csv(path.read_text(encoding="utf-8-sig"))


def shipped_units() -> UnitDirectory:
    return parse_units_csv((_DATA / "units.csv").read_text(encoding="utf-8"))


def default_targets(units: UnitDirectory) -> list[Target]:
    """The programme's targets that are counts of what cadres report (bot/data/targets.csv)."""
    targets = []
    text = (_DATA / "targets.csv").read_text(encoding="utf-8")
    for row in csv.DictReader(io.StringIO(text)):
        found = find_units(units, row["unit"])
        if len(found) != 1:
            continue  # a deployment without that unit simply has no such default
        targets.append(
            Target(
                indicator=row["indicator"],
                unit=found[0].code,
                value=int(row["value"]),
                deadline=date.fromisoformat(row["deadline"]),
                baseline=int(row["baseline"] or 0),
            )
        )
    return targets


async def seed_shipped_baselines(store: Store, *, at: datetime) -> None:
    """Where the poverty rate's path starts (bot/data/poverty_baselines.csv: Mèo Vạc, 29,99% at
    the end of 2021), in a database that has no baseline; a deployment without those units
    simply gets none."""
    if await store.poverty.baselines():
        return
    units, periods = await store.units.load(), await store.periods.load()
    text = (_DATA / "poverty_baselines.csv").read_text(encoding="utf-8")
    table = read_baseline_rows(table_rows(text), units, periods)
    if table.baselines:
        await store.poverty.set_path(table.baselines, table.steps, actor_id=None, at=at)


def programme_goals() -> tuple[ProgrammeGoal, ...]:
    """The programme's goals that cadres do not report (bot/data/programme.csv)."""
    return parse_programme_csv((_DATA / "programme.csv").read_text(encoding="utf-8"))


def missing_villages_hint(units: UnitDirectory) -> str | None:
    """What an admin is told at start while communes have no villages listed (cadres there
    cannot report yet); None once every commune has some."""
    communes = units.of_level(COMMUNE)
    empty = [c.name for c in communes if not units.villages_in(c.code)]
    if not empty:
        return None
    names = ", ".join(empty)
    return (
        f"Chưa có danh sách thôn của {len(empty)}/{len(communes)} xã: {names}."
        " Cán bộ ở đó chưa báo cáo được. Nạp danh sách đầy đủ (tệp .xlsx hoặc .csv):"
        " python -m bot import-units DANH_SACH.xlsx — xem README, mục «Nạp danh sách thôn».\n"
        f"{len(empty)} of {len(communes)} communes have no villages yet: {names}."
        " Import the full list: python -m bot import-units FILE.xlsx (or .csv); see the README."
    )
