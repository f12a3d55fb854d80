-- Schema 23, PostgreSQL part: the plain day index again (a total in an index would make every
-- update of it a new row version in each index instead of a HOT update).
DROP INDEX village_daily_day;
CREATE INDEX village_daily_day ON village_daily (day, indicator);
