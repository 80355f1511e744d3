-- The register is kept in os2pulse: every change says who made it and how,
-- and the admin pages keep their sessions and pending uploads in the
-- database, so several instances on one database serve the same admins.

-- Who changed the register: an admin's name (via 'admin'), or '' with via
-- 'token', 'command_line' or 'collector'; '' for changes made before this
-- version. action is 'import' (a whole file) or 'edit' (one record from a
-- form, described in detail).
ALTER TABLE register_imports ADD COLUMN actor TEXT NOT NULL DEFAULT '';
ALTER TABLE register_imports ADD COLUMN via TEXT NOT NULL DEFAULT '';
ALTER TABLE register_imports ADD COLUMN action TEXT NOT NULL DEFAULT 'import';
ALTER TABLE register_imports ADD COLUMN detail TEXT NOT NULL DEFAULT '';
ALTER TABLE register_imports ADD COLUMN unchanged INTEGER NOT NULL DEFAULT 0;

-- Admin sessions. Only the SHA-256 of the cookie's token is kept, so a copy
-- of the database opens no session.
CREATE TABLE admin_sessions (
    token_hash TEXT PRIMARY KEY,
    admin      TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX admin_sessions_expires ON admin_sessions (expires_at);

-- Uploaded register files waiting between preview and import: the import
-- applies exactly these bytes. files is JSON ([{name, data (base64)}]);
-- base_version is the register version the preview was computed against.
CREATE TABLE admin_uploads (
    id           TEXT PRIMARY KEY,
    admin        TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    expires_at   TEXT NOT NULL,
    base_version TEXT NOT NULL,
    files        TEXT NOT NULL
);
CREATE INDEX admin_uploads_expires ON admin_uploads (expires_at);
