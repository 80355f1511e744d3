-- os2pulse schema, version 1. One file serves SQLite and PostgreSQL: dates
-- are ISO 8601 text (YYYY-MM-DD, or YYYY-MM-DDTHH:MM:SSZ in UTC), which sorts
-- and compares the same way in both, and "open" ends are '' rather than NULL
-- so comparisons need no dialect-specific NULL handling.

-- Organisations: the 98 municipalities (id = kommunekode, seeded at
-- migration time) and regions, state bodies and others from the members list.
CREATE TABLE organizations (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('municipality', 'region', 'state', 'other')),
    region_code TEXT NOT NULL DEFAULT '',
    region      TEXT NOT NULL DEFAULT ''
);

-- Register versions: every import of the adoption register or members list.
CREATE TABLE register_imports (
    id          TEXT PRIMARY KEY,   -- imported_at plus a counter, sortable
    source      TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    sha256      TEXT NOT NULL,
    added       INTEGER NOT NULL,
    changed     INTEGER NOT NULL,
    ended       INTEGER NOT NULL
);

-- Membership periods. A row is never deleted: a re-import that drops or
-- changes it sets retracted_at, so the history of the register is kept and a
-- figure can be recomputed as it was known at any time.
CREATE TABLE memberships (
    organization_id TEXT NOT NULL REFERENCES organizations (id),
    since           TEXT NOT NULL,
    until           TEXT NOT NULL DEFAULT '',
    recorded_at     TEXT NOT NULL,
    retracted_at    TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (organization_id, since, recorded_at)
);
CREATE INDEX memberships_current ON memberships (retracted_at, since);

-- Products as configured; kept when removed from the config (active = 0) so
-- old register rows still name something.
CREATE TABLE products (
    id               TEXT PRIMARY KEY,
    name             TEXT NOT NULL,
    governance_level TEXT NOT NULL,
    focus            INTEGER NOT NULL DEFAULT 0,
    active           INTEGER NOT NULL DEFAULT 1
);

-- Adoption records: organisation runs product with status since/until. Same
-- history rule as memberships.
CREATE TABLE adoptions (
    organization_id TEXT NOT NULL REFERENCES organizations (id),
    product_id      TEXT NOT NULL REFERENCES products (id),
    status          TEXT NOT NULL CHECK (status IN ('production', 'pilot', 'planned', 'stopped')),
    since           TEXT NOT NULL,
    until           TEXT NOT NULL DEFAULT '',
    note            TEXT NOT NULL DEFAULT '',
    recorded_at     TEXT NOT NULL,
    retracted_at    TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (organization_id, product_id, since, recorded_at)
);
CREATE INDEX adoptions_current ON adoptions (retracted_at, product_id, since);

-- Repositories, keyed by "forge/owner/name" in lower case (GitHub names are
-- case-insensitive); owner and name keep GitHub's spelling.
CREATE TABLE repositories (
    key            TEXT PRIMARY KEY,
    forge          TEXT NOT NULL,
    owner          TEXT NOT NULL,
    name           TEXT NOT NULL,
    description    TEXT NOT NULL DEFAULT '',
    default_branch TEXT NOT NULL DEFAULT '',
    archived       INTEGER NOT NULL DEFAULT 0,
    fork           INTEGER NOT NULL DEFAULT 0,
    status         TEXT NOT NULL DEFAULT 'ok',  -- ok, empty, not_found, unavailable, moved, error
    last_error     TEXT NOT NULL DEFAULT '',
    moved_to       TEXT NOT NULL DEFAULT '',
    checked_at     TEXT NOT NULL DEFAULT ''
);

CREATE TABLE product_repositories (
    product_id     TEXT NOT NULL REFERENCES products (id),
    repository_key TEXT NOT NULL REFERENCES repositories (key),
    PRIMARY KEY (product_id, repository_key)
);
CREATE INDEX product_repositories_repo ON product_repositories (repository_key);

-- Contributions: commits on the default branch, pull requests and issues
-- opened, reviews submitted. at is the contribution time (author date for
-- commits) in UTC; day is its UTC date. Keyed on natural ids (sha, number,
-- review id) so collecting twice stores nothing twice.
CREATE TABLE contributions (
    repository_key TEXT NOT NULL REFERENCES repositories (key),
    kind           TEXT NOT NULL CHECK (kind IN ('commit', 'pull_request', 'issue', 'review')),
    ext_id         TEXT NOT NULL,
    at             TEXT NOT NULL,
    day            TEXT NOT NULL,
    login          TEXT NOT NULL DEFAULT '',
    email          TEXT NOT NULL DEFAULT '',
    name           TEXT NOT NULL DEFAULT '',
    committed_at   TEXT NOT NULL DEFAULT '',
    merged_at      TEXT NOT NULL DEFAULT '',
    closed_at      TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (repository_key, kind, ext_id)
);
CREATE INDEX contributions_day ON contributions (day);

-- Daily rollup, written together with each new contribution: one row per
-- repository, UTC day and identity (login, else lower-cased e-mail). Active
-- contributor figures read this, never the raw events.
CREATE TABLE contributor_days (
    repository_key TEXT NOT NULL REFERENCES repositories (key),
    day            TEXT NOT NULL,
    identity       TEXT NOT NULL,
    login          TEXT NOT NULL DEFAULT '',
    email          TEXT NOT NULL DEFAULT '',
    name           TEXT NOT NULL DEFAULT '',
    contributions  INTEGER NOT NULL,
    PRIMARY KEY (repository_key, day, identity)
);
CREATE INDEX contributor_days_day ON contributor_days (day);

CREATE TABLE releases (
    repository_key TEXT NOT NULL REFERENCES repositories (key),
    ext_id         TEXT NOT NULL,
    tag            TEXT NOT NULL,
    name           TEXT NOT NULL DEFAULT '',
    published_at   TEXT NOT NULL,
    PRIMARY KEY (repository_key, ext_id)
);

-- One snapshot per repository and UTC day; a later poll the same day
-- overwrites it.
CREATE TABLE repository_snapshots (
    repository_key TEXT NOT NULL REFERENCES repositories (key),
    day            TEXT NOT NULL,
    stars          INTEGER NOT NULL,
    forks          INTEGER NOT NULL,
    watchers       INTEGER NOT NULL,
    open_issues    INTEGER NOT NULL,
    PRIMARY KEY (repository_key, day)
);

-- Per-resource sync state: the ETag and Last-Modified of the last answer and
-- the incremental cursor (e.g. the newest commit date seen), so a restarted
-- collector still polls conditionally and incrementally.
CREATE TABLE sync_state (
    resource      TEXT PRIMARY KEY,
    etag          TEXT NOT NULL DEFAULT '',
    last_modified TEXT NOT NULL DEFAULT '',
    cursor        TEXT NOT NULL DEFAULT '',
    updated_at    TEXT NOT NULL
);

-- Collection runs, one row per source per run.
CREATE TABLE collection_runs (
    id                   TEXT PRIMARY KEY,
    source               TEXT NOT NULL,
    started_at           TEXT NOT NULL,
    ended_at             TEXT NOT NULL DEFAULT '',
    result               TEXT NOT NULL DEFAULT 'running',  -- running, success, partial, failure
    requests             INTEGER NOT NULL DEFAULT 0,
    rate_limit_remaining INTEGER NOT NULL DEFAULT -1,
    message              TEXT NOT NULL DEFAULT '',
    errors               TEXT NOT NULL DEFAULT '[]'        -- JSON list of {repository, error}
);
CREATE INDEX collection_runs_source ON collection_runs (source, started_at);

-- Figures of each produced annual report, to list later corrections.
CREATE TABLE reports (
    year        INTEGER NOT NULL,
    produced_at TEXT NOT NULL,
    figures     TEXT NOT NULL,   -- JSON
    PRIMARY KEY (year, produced_at)
);

-- A counter bumped by every write that changes figures; caches of rendered
-- pages and computed figures are keyed on it.
CREATE TABLE data_version (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL
);
INSERT INTO data_version (id, version) VALUES (1, 0);
