-- Schema 5, PostgreSQL part: the audit history is append-only for everyone, the bot included
-- (the shared part's SQLite triggers, in PostgreSQL's syntax). Also on TRUNCATE.
CREATE FUNCTION events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'events are append-only';
END;
$$;

CREATE TRIGGER events_no_change BEFORE UPDATE OR DELETE OR TRUNCATE ON events
    FOR EACH STATEMENT EXECUTE FUNCTION events_append_only();
