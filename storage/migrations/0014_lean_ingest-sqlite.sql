-- Fewer B-trees for each stored commit to update (see bench/notes.md,
-- "Ingest"). Contributor figures read the rollup from memory (the
-- contribution index), which follows writes through rowid and
-- contributor_days_seq; what still reads by day does so per repository,
-- through the primary keys and contributions_repo_day. The indexes by day
-- alone served only the computation from storage that the index replaced.
DROP INDEX IF EXISTS contributions_day;
DROP INDEX IF EXISTS contributor_days_day;

-- A new rollup row keeps seq 0 and is found by its rowid; only a row
-- whose count grew later (seq > 0, set by contributor_days_seq_update)
-- needs finding by seq. Indexing only those spares each new row a B-tree.
DROP INDEX IF EXISTS contributor_days_seq;
CREATE INDEX contributor_days_seq ON contributor_days (seq) WHERE seq > 0;
