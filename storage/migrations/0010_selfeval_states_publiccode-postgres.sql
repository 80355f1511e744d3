-- Self-evaluations as OS2's form writes them: a requirement may be
-- answered "Ved ikke" (unknown) or not answered yet (unanswered).
ALTER TABLE self_evaluation_requirements DROP CONSTRAINT self_evaluation_requirements_state_check;
ALTER TABLE self_evaluation_requirements ADD CONSTRAINT self_evaluation_requirements_state_check
    CHECK (state IN ('met', 'planned', 'not_met', 'unknown', 'unanswered'));

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
