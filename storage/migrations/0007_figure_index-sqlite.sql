-- What the figures' in-memory contribution index needs to follow writes
-- without reading history again, and the data version split by what was
-- written (SQLite; the PostgreSQL file does the same its own way).

-- seq: the data version a rollup row was last updated at (plus one). New
-- rows are found by their rowid, which only grows (rows are never
-- deleted); a row whose count grows keeps its rowid, so the trigger
-- marks it with the version its transaction is about to write.
ALTER TABLE contributor_days ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
CREATE INDEX contributor_days_seq ON contributor_days (seq);
CREATE TRIGGER contributor_days_seq_update AFTER UPDATE OF contributions ON contributor_days
BEGIN UPDATE contributor_days SET seq = (SELECT version FROM data_version WHERE id = 1) + 1 WHERE rowid = NEW.rowid; END;

-- A product's contributions of each kind in a window, without reading
-- the rest of history.
CREATE INDEX contributions_repo_day ON contributions (repository_key, day, kind);

-- The version of each domain of data: the global data_version when a write
-- to it last happened.
CREATE TABLE data_versions (
    domain  TEXT PRIMARY KEY,
    version INTEGER NOT NULL
);
INSERT INTO data_versions (domain, version) SELECT 'register', version FROM data_version;
INSERT INTO data_versions (domain, version) SELECT 'repositories', version FROM data_version;
INSERT INTO data_versions (domain, version) SELECT 'activity', version FROM data_version;
INSERT INTO data_versions (domain, version) SELECT 'runs', version FROM data_version;
