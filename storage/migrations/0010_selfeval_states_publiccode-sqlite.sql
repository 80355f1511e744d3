-- Self-evaluations as OS2's form writes them: a requirement may be
-- answered "Ved ikke" (unknown) or not answered yet (unanswered). SQLite
-- cannot change a CHECK constraint, so the table is made anew with the
-- wider one and its rows copied.
CREATE TABLE self_evaluation_requirements_0012 (
    product_id     TEXT NOT NULL,
    filled_date    TEXT NOT NULL,
    position       INTEGER NOT NULL,
    id             TEXT NOT NULL,
    category       TEXT NOT NULL,
    level          TEXT NOT NULL,
    state          TEXT NOT NULL CHECK (state IN ('met', 'planned', 'not_met', 'unknown', 'unanswered')),
    recommendation INTEGER NOT NULL DEFAULT 0,
    text           TEXT NOT NULL DEFAULT '',
    guidelines     TEXT NOT NULL DEFAULT '',
    documentation  TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (product_id, filled_date, position)
);
INSERT INTO self_evaluation_requirements_0012 SELECT product_id, filled_date, position, id, category, level, state,
    recommendation, text, guidelines, documentation FROM self_evaluation_requirements;
DROP TABLE self_evaluation_requirements;
ALTER TABLE self_evaluation_requirements_0012 RENAME TO self_evaluation_requirements;

-- Every version of each repository's publiccode.yml, as fetched: a new
-- row only when the file changed (its git blob SHA). The file is kept as
-- it was, so that a better check later judges every version again.
CREATE TABLE publiccode_files (
    repository_key TEXT NOT NULL,
    fetched_at     TEXT NOT NULL,
    blob_sha       TEXT NOT NULL,
    path           TEXT NOT NULL,
    content        TEXT NOT NULL,
    PRIMARY KEY (repository_key, fetched_at)
);
