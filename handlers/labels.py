"""Moved to handlers.views.labels; kept while scheduler/planning.py imports it from here."""

from __future__ import annotations

from handlers.views.labels import count_label, indicator_name, unit_label

__all__ = ["count_label", "indicator_name", "unit_label"]
