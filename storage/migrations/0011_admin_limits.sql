-- The admin area under hostile use: failed logins kept in the database, so
-- their limits hold across restarts and instances; sessions tied to the
-- password they were opened with; organisations kept as they were, so an
-- old version of the register shows the names it had.

-- Failed logins (and refused bearer tokens, name '') per name and address:
-- how many in a row, the last, and until when the next try must wait. A
-- successful login removes the row; rows a day old are removed by the next
-- failure.
CREATE TABLE login_failures (
    name         TEXT NOT NULL,
    address      TEXT NOT NULL,
    failures     INTEGER NOT NULL,
    last_failure TEXT NOT NULL,
    wait_until   TEXT NOT NULL,
    PRIMARY KEY (name, address)
);
CREATE INDEX login_failures_last ON login_failures (last_failure);

-- A short fingerprint of the password hash a session was opened with: a
-- changed password ends the sessions opened with the old one. '' for
-- sessions opened before this version (they end too).
ALTER TABLE admin_sessions ADD COLUMN password_sig TEXT NOT NULL DEFAULT '';

-- Every version of every organisation's name, kind and region, as the
-- adoption records and memberships keep theirs: recorded_at when it became
-- current, retracted_at when it was replaced ('' = current). Organisations
-- known before this version are known since always ('').
CREATE TABLE organization_history (
    id           TEXT NOT NULL,
    name         TEXT NOT NULL,
    kind         TEXT NOT NULL,
    region_code  TEXT NOT NULL,
    region       TEXT NOT NULL,
    recorded_at  TEXT NOT NULL,
    retracted_at TEXT NOT NULL DEFAULT ''
);
CREATE INDEX organization_history_id ON organization_history (id, recorded_at);
INSERT INTO organization_history (id, name, kind, region_code, region, recorded_at, retracted_at)
    SELECT id, name, kind, region_code, region, '', '' FROM organizations;
