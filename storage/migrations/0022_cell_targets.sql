-- Schema 22: the village targets of each period summed per cell (the villages sharing a
-- pre-2025 and a current commune), kept on write by the targets and the units
-- (storage/area_cells.py, refresh_cell_targets): /tiendo of a province reads a few hundred
-- rows instead of walking its 2,000 villages' targets.
CREATE TABLE cell_targets (
    period       TEXT NOT NULL,
    indicator    TEXT NOT NULL,
    parent       TEXT,
    current      TEXT,
    targets      BIGINT NOT NULL,
    positive     BIGINT NOT NULL,
    value        BIGINT NOT NULL,
    baseline     BIGINT NOT NULL,
    deadline     TEXT NOT NULL,
    largest      BIGINT NOT NULL,
    baseline_abs BIGINT NOT NULL
);
CREATE INDEX cell_targets_parent ON cell_targets (period, parent, current, indicator);
CREATE INDEX cell_targets_current ON cell_targets (period, current, parent, indicator);
INSERT INTO cell_targets (period, indicator, parent, current, targets, positive, value, baseline,
                          deadline, largest, baseline_abs)
    SELECT g.period, g.indicator, v.parent, v.current, COUNT(*),
           SUM(CASE WHEN g.value > 0 THEN 1 ELSE 0 END), SUM(g.value), SUM(g.baseline),
           MAX(g.deadline), MAX(g.value), SUM(ABS(g.baseline))
    FROM targets g JOIN units v ON v.code = g.unit
    WHERE v.level = 'village'
    GROUP BY g.period, g.indicator, v.parent, v.current;
