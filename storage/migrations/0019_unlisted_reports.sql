-- Schema 19: the reports that name a household without being linked to the registry (a name
-- not on the village's list, or stored before the list had it): /ho chuacodanhsach lists them
-- and a household's card looks its name up among them, per village, without reading the
-- village's other reports.
CREATE INDEX reports_unlinked_household ON reports (village, received_at)
    WHERE household_id IS NULL AND household_key IS NOT NULL;
