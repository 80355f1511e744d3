-- What the governance evidence (docs/governance.md) reads besides what
-- the health signals do.

-- Whether a repository ships a container format (OS2's governance
-- recommendation F19), from the same daily listing of its root as its
-- security policy: 'file' a Containerfile, Dockerfile or compose file in
-- the root; 'dir' none there, but a directory that usually holds one
-- (docker/, .docker/, container/); 'none' neither; '' not checked (rows
-- written before this column).
ALTER TABLE repository_hygiene ADD COLUMN container TEXT NOT NULL DEFAULT '';

-- Whether each pull request's title or description references an issue
-- (a closing keyword or #N), for OS2's requirement F11 (public issue
-- tracking linked to code changes). Read from the pull request listing the
-- collector reads anyway; a later edit replaces it. merged_at as in
-- contributions ('' while not merged).
CREATE TABLE pull_request_refs (
    repository_key TEXT NOT NULL,
    number         INTEGER NOT NULL,
    merged_at      TEXT NOT NULL DEFAULT '',
    refs_issue     INTEGER NOT NULL,
    PRIMARY KEY (repository_key, number)
);
