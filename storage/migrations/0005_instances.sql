-- Several instances on one database, and collection that survives being
-- killed.

-- Leases: one instance at a time holds the lease named 'collector' and is
-- the only one that collects. The holder renews it while it runs; when it
-- dies, the lease expires and another instance takes it over.
CREATE TABLE leases (
    name        TEXT PRIMARY KEY,
    holder      TEXT NOT NULL,
    acquired_at TEXT NOT NULL,
    renewed_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL
);

-- The instance that ran a run: a run left 'running' by an instance that no
-- longer holds the lease was interrupted (killed, or the machine stopped).
ALTER TABLE collection_runs ADD COLUMN holder TEXT NOT NULL DEFAULT '';

-- A listing or import under way, saved in the transaction of the rows it
-- stands for, so that a restart continues after the last rows stored.
ALTER TABLE sync_state ADD COLUMN progress TEXT NOT NULL DEFAULT '';
