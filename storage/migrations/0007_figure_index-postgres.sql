-- What the figures' in-memory contribution index needs to follow writes
-- without reading history again, and the data version split by what was
-- written (PostgreSQL; the SQLite file does the same its own way).

-- seq: the id of the transaction that last wrote a rollup row. A reader
-- that remembers the oldest transaction still running when it last read
-- (pg_snapshot_xmin) finds every row written since by seq >= that id,
-- whatever order concurrent writers commit in.
ALTER TABLE contributor_days ADD COLUMN seq BIGINT NOT NULL DEFAULT 0;
ALTER TABLE contributor_days ALTER COLUMN seq SET DEFAULT (pg_current_xact_id()::text::bigint);
CREATE INDEX contributor_days_seq ON contributor_days (seq);
CREATE FUNCTION contributor_days_seq() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.seq := pg_current_xact_id()::text::bigint; RETURN NEW; END $$;
CREATE TRIGGER contributor_days_seq_update BEFORE UPDATE OF contributions ON contributor_days
    FOR EACH ROW EXECUTE FUNCTION contributor_days_seq();

-- A product's contributions of each kind in a window, without reading
-- the rest of history.
CREATE INDEX contributions_repo_day ON contributions (repository_key, day, kind);

-- The version of each domain of data: the global data_version when a write
-- to it last happened.
CREATE TABLE data_versions (
    domain  TEXT PRIMARY KEY,
    version BIGINT NOT NULL
);
INSERT INTO data_versions (domain, version) SELECT 'register', version FROM data_version;
INSERT INTO data_versions (domain, version) SELECT 'repositories', version FROM data_version;
INSERT INTO data_versions (domain, version) SELECT 'activity', version FROM data_version;
INSERT INTO data_versions (domain, version) SELECT 'runs', version FROM data_version;
