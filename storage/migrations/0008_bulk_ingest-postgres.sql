-- Contributions and their daily rollup arrive in batches of thousands
-- (storage/bulk.go): copied into a staging table, then moved in with one
-- INSERT … SELECT. A foreign key costs PostgreSQL a query and a row lock
-- per row, three times the cost of the row itself; the batch's repositories
-- are checked with one query instead. SQLite keeps its foreign keys, which
-- cost it an index lookup per row.
ALTER TABLE contributions DROP CONSTRAINT IF EXISTS contributions_repository_key_fkey;
ALTER TABLE contributor_days DROP CONSTRAINT IF EXISTS contributor_days_repository_key_fkey;
