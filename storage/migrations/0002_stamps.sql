-- Every timestamp at one precision: RFC 3339 UTC with six fractional
-- digits (storage.StampLayout). Version 1 wrote some at second precision
-- ("2025-01-01T10:00:00Z"), which sorts after "2025-01-01T10:00:00.5Z" and
-- lets two events in one second collide; this widens them.
UPDATE contributions SET at = substr(at, 1, 19) || '.000000Z' WHERE length(at) = 20;
UPDATE contributions SET committed_at = substr(committed_at, 1, 19) || '.000000Z' WHERE length(committed_at) = 20;
UPDATE contributions SET merged_at = substr(merged_at, 1, 19) || '.000000Z' WHERE length(merged_at) = 20;
UPDATE contributions SET closed_at = substr(closed_at, 1, 19) || '.000000Z' WHERE length(closed_at) = 20;
UPDATE releases SET published_at = substr(published_at, 1, 19) || '.000000Z' WHERE length(published_at) = 20;
UPDATE sync_state SET updated_at = substr(updated_at, 1, 19) || '.000000Z' WHERE length(updated_at) = 20;
UPDATE collection_runs SET started_at = substr(started_at, 1, 19) || '.000000Z' WHERE length(started_at) = 20;
UPDATE collection_runs SET ended_at = substr(ended_at, 1, 19) || '.000000Z' WHERE length(ended_at) = 20;
UPDATE repositories SET checked_at = substr(checked_at, 1, 19) || '.000000Z' WHERE length(checked_at) = 20;
UPDATE schema_migrations SET applied_at = substr(applied_at, 1, 19) || '.000000Z' WHERE length(applied_at) = 20;
