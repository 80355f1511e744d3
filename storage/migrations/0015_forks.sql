-- Forks of collected repositories, for OS2's requirement F12 (one version
-- of the core code): how far each recently pushed fork is ahead of its
-- upstream's default branch (docs/governance.md).

-- One row per day the forks of a repository were listed (200 or 304): a
-- listing with no recent fork leaves no row in forks, yet says something.
CREATE TABLE fork_listings (
    repository_key TEXT NOT NULL,
    day            TEXT NOT NULL,
    PRIMARY KEY (repository_key, day)
);

-- One row per fork and version of it (its pushed_at): the listings from
-- first_listed to last_listed showed it so. A push is a new row, so the
-- forks on any date are those whose rows span that date's listing. The
-- comparison with the upstream's default branch belongs to the version it
-- was made of; compared_on is '' until then.
CREATE TABLE forks (
    repository_key TEXT NOT NULL,
    fork           TEXT NOT NULL,
    pushed_at      TEXT NOT NULL,
    branch         TEXT NOT NULL,
    first_listed   TEXT NOT NULL,
    last_listed    TEXT NOT NULL,
    compared_on    TEXT NOT NULL DEFAULT '',
    ahead_by       INTEGER NOT NULL DEFAULT 0,
    behind_by      INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (repository_key, fork, pushed_at)
);
