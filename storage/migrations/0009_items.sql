-- Issues and pull requests a health window is about (storage.Items): those
-- opened in the window, and those still open at its end. Partial indexes,
-- so the commits, which are most of the rows, cost nothing more to store.
CREATE INDEX contributions_items_opened ON contributions (kind, at) WHERE kind IN ('issue', 'pull_request');
CREATE INDEX contributions_items_closed ON contributions (kind, closed_at) WHERE kind IN ('issue', 'pull_request');
