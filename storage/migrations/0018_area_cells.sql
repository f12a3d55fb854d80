-- Schema 18: indexes for /tiendo of a large area (storage/area_cells.py).

-- The villages in (pre-2025 commune, current commune) order: sums per cell without a sort.
CREATE INDEX units_cells ON units (level, parent, current, code, position);

-- A village's targets of one period, found (and read) from the village.
CREATE INDEX targets_unit ON targets (unit, period, indicator, value, baseline, deadline);
