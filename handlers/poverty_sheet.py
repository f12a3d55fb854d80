"""The workbook's poverty-rate sheet: the area and each part, at each year's end of the period
(and now while it runs): households, rates, target, verdict, phát sinh and tái nghèo."""

from __future__ import annotations

from core.render import ColumnKind, Sheet
from core.units import UnitDirectory
from handlers.poverty import PovertySection, RateRow
from handlers.views.labels import unit_label
from handlers.views.poverty import rate_status
from locales.translator import Translator

__all__ = ["poverty_sheet"]

_COUNT, _PERCENT = ColumnKind.COUNT, ColumnKind.PERCENT


def _values(t: Translator, name: str, row: RateRow) -> list[object]:
    rate = row.rate
    poor, near = rate.poor_rate, rate.near_poor_rate
    return [
        name,
        t.gettext("hiện nay") if row.now else t.gettext("cuối năm {year}").format(year=row.year),
        rate.poor if poor is not None else None,
        rate.near_poor if near is not None else None,
        rate.total if poor is not None else None,
        float(poor) if poor is not None else None,
        float(near) if near is not None else None,
        float(row.target.rate) if row.target else None,
        rate_status(t, row.verdict) or None,
        None if row.now else row.movements.newly_poor,
        None if row.now else row.movements.poor_again,
        f"{rate.counted}/{rate.villages}",
    ]


def poverty_sheet(t: Translator, units: UnitDirectory, section: PovertySection) -> Sheet:
    headers = [
        t.gettext("Đơn vị"),
        t.gettext("Thời điểm"),
        t.gettext("Hộ nghèo"),
        t.gettext("Hộ cận nghèo"),
        t.gettext("Tổng số hộ"),
        t.gettext("Tỷ lệ hộ nghèo"),
        t.gettext("Tỷ lệ hộ cận nghèo"),
        t.gettext("Mục tiêu (tỷ lệ hộ nghèo ≤)"),
        t.gettext("Đánh giá"),
        t.gettext("Phát sinh"),
        t.gettext("Tái nghèo"),
        t.gettext("Thôn có số liệu"),
    ]
    rows: list[list[object]] = []
    bold = set()
    area = unit_label(t, units[section.unit])
    for index, row in enumerate(section.rows):
        bold.add(len(rows))
        rows.append(_values(t, area, row))
        rows.extend(_values(t, unit_label(t, units[p.code]), p.rows[index]) for p in section.parts)
    return Sheet(
        title=t.gettext("Tỷ lệ hộ nghèo"),
        headers=headers,
        rows=rows,
        kinds=(
            None,
            None,
            _COUNT,
            _COUNT,
            _COUNT,
            _PERCENT,
            _PERCENT,
            _PERCENT,
            None,
            _COUNT,
            _COUNT,
        ),
        bold_rows=frozenset(bold),
    )
