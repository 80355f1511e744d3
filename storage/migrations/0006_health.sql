-- Product health: governance self-evaluations and what the health signals
-- are computed from (first responses on issues and pull requests,
-- repository hygiene).

-- Self-evaluations: every version a product published, one per filled
-- date (a later file with the same date replaces it). source names the
-- file (OWNER/REPO:PATH or a local path).
CREATE TABLE self_evaluations (
    product_id   TEXT NOT NULL,
    filled_date  TEXT NOT NULL,
    source       TEXT NOT NULL,
    filled_by    TEXT NOT NULL DEFAULT '',
    generated_at TEXT NOT NULL DEFAULT '',
    sha256       TEXT NOT NULL,
    recorded_at  TEXT NOT NULL,
    PRIMARY KEY (product_id, filled_date)
);

CREATE TABLE self_evaluation_requirements (
    product_id     TEXT NOT NULL,
    filled_date    TEXT NOT NULL,
    position       INTEGER NOT NULL,
    id             TEXT NOT NULL,
    category       TEXT NOT NULL,
    level          TEXT NOT NULL,
    state          TEXT NOT NULL CHECK (state IN ('met', 'planned', 'not_met')),
    recommendation INTEGER NOT NULL DEFAULT 0,
    text           TEXT NOT NULL DEFAULT '',
    guidelines     TEXT NOT NULL DEFAULT '',
    documentation  TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (product_id, filled_date, position)
);

-- Responses on issues and pull requests: comments (issue and review
-- comments) and submitted reviews, with the item they answer. Time to
-- first response reads these beside the item's author in contributions.
CREATE TABLE responses (
    repository_key TEXT NOT NULL,
    kind           TEXT NOT NULL CHECK (kind IN ('comment', 'review_comment', 'review')),
    ext_id         TEXT NOT NULL,
    number         INTEGER NOT NULL,
    login          TEXT NOT NULL DEFAULT '',
    at             TEXT NOT NULL,
    PRIMARY KEY (repository_key, kind, ext_id)
);
CREATE INDEX responses_item ON responses (repository_key, number);

-- Repository hygiene as GitHub's community profile and the repository's
-- root show it, one row per repository and UTC day.
CREATE TABLE repository_hygiene (
    repository_key  TEXT NOT NULL,
    day             TEXT NOT NULL,
    license         TEXT NOT NULL DEFAULT '',
    readme          INTEGER NOT NULL DEFAULT 0,
    contributing    INTEGER NOT NULL DEFAULT 0,
    code_of_conduct INTEGER NOT NULL DEFAULT 0,
    security        INTEGER NOT NULL DEFAULT 0,
    publiccode      INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (repository_key, day)
);
