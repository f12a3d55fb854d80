-- Schema 17: a household's category changes by the commune's decision, recorded in chat
-- (/quyetdinh) or by importing the decided list. Each step of the history keeps the
-- decision's date, who recorded it (NULL: an import) and, once a mistake was undone
-- (/quyetdinh huy), when; a cancelled step stays, as nothing is deleted.
ALTER TABLE household_categories ADD COLUMN decided_on TEXT;
ALTER TABLE household_categories ADD COLUMN actor_id INTEGER;
ALTER TABLE household_categories ADD COLUMN cancelled_at TEXT;
