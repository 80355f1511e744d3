-- Fewer indexes for each stored commit to update (see bench/notes.md,
-- "Ingest"). Contributor figures read the rollup from memory (the
-- contribution index), which follows writes through contributor_days_seq;
-- what still reads by day does so per repository, through the primary
-- keys and contributions_repo_day. The indexes by day alone served only
-- the computation from storage that the index replaced.
DROP INDEX IF EXISTS contributions_day;
DROP INDEX IF EXISTS contributor_days_day;
