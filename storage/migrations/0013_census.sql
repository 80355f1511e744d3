-- The yearly adoption census: the secretariat asks each organisation to
-- confirm what it runs; answers wait for review before anything reaches
-- the register (docs/census.md).

-- A census, open for answers from opens to closes (both days included,
-- dates in Denmark). purged_at is set when its contact data were erased.
CREATE TABLE censuses (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    opens      TEXT NOT NULL,
    closes     TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    purged_at  TEXT NOT NULL DEFAULT ''
);

-- One personal link per organisation asked. Only the SHA-256 of the
-- link's token is kept, so a copy of the database opens no answer form;
-- reissuing replaces the hash, revoking sets revoked_at.
CREATE TABLE census_invitations (
    census_id       TEXT NOT NULL REFERENCES censuses (id),
    organization_id TEXT NOT NULL,
    token_hash      TEXT NOT NULL UNIQUE,
    issued_at       TEXT NOT NULL,
    revoked_at      TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (census_id, organization_id)
);

-- The latest answer of each organisation (a new one replaces it) and the
-- secretariat's review of it. items is JSON written and read by the admin
-- pages; contact_* are personal data, shown only under /admin/ and erased
-- by a purge. review is '' (waiting), 'accepted', 'partial' or 'rejected';
-- import_id names the register change an acceptance made.
CREATE TABLE census_answers (
    census_id       TEXT NOT NULL,
    organization_id TEXT NOT NULL,
    answered_at     TEXT NOT NULL,
    items           TEXT NOT NULL,
    contact_name    TEXT NOT NULL,
    contact_role    TEXT NOT NULL,
    contact_email   TEXT NOT NULL,
    note            TEXT NOT NULL,
    review          TEXT NOT NULL DEFAULT '',
    reviewed_at     TEXT NOT NULL DEFAULT '',
    reviewed_by     TEXT NOT NULL DEFAULT '',
    review_note     TEXT NOT NULL DEFAULT '',
    import_id       TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (census_id, organization_id),
    FOREIGN KEY (census_id, organization_id) REFERENCES census_invitations (census_id, organization_id)
);
