-- How far each repository's history is known to be complete, and since
-- when its collection fails.
--
-- covered_until: a date (YYYY-MM-DD, '' = not known). Raised by a
-- successful collection from GitHub (the date in Denmark when the poll
-- began) and by a git log import (its covered_until, else its last
-- commit); a failing collection leaves it as it was.
-- failing_since: a stamp ('' = not failing): when the current kind of
-- failure (status) was first seen.
ALTER TABLE repositories ADD COLUMN covered_until TEXT NOT NULL DEFAULT '';
ALTER TABLE repositories ADD COLUMN failing_since TEXT NOT NULL DEFAULT '';

-- What earlier versions knew: a repository whose last poll went well was
-- complete when it was checked; one never polled (a git log import) up
-- to its newest contribution; one whose poll fails has failed at least
-- since it was checked.
UPDATE repositories SET covered_until = substr(checked_at, 1, 10)
    WHERE status IN ('ok', 'empty') AND checked_at <> '';
UPDATE repositories SET covered_until = COALESCE((SELECT MAX(c.day) FROM contributions c
    WHERE c.repository_key = repositories.key), '')
    WHERE checked_at = '';
UPDATE repositories SET failing_since = checked_at
    WHERE status NOT IN ('ok', 'empty', 'moved') AND checked_at <> '';
