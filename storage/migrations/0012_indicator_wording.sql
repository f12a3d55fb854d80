-- Schema 12: how an indicator's keyword reads with words of unfinished work is stored with
-- the indicator, so the shipped indicators keep it when they are loaded from the database.
-- done_word: the keyword itself says the work is done ("thoát nghèo", "học nghề").
-- under_way: work under way counts ("đang học nghề" is an enrolment).

ALTER TABLE indicators ADD COLUMN done_word INTEGER NOT NULL DEFAULT 0;
ALTER TABLE indicators ADD COLUMN under_way INTEGER NOT NULL DEFAULT 0;
UPDATE indicators SET done_word = 1 WHERE code IN ('graduated', 'training');
UPDATE indicators SET under_way = 1 WHERE code = 'training';
