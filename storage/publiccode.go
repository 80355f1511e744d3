package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// PublicCodeFile is one version of a repository's publiccode.yml, as
// fetched.
type PublicCodeFile struct {
	RepositoryKey string
	Fetched       time.Time // when this version was first read
	BlobSHA       string    // git's SHA of the file, as the root listing gives it
	Path          string    // publiccode.yml or publiccode.yaml
	Content       string
}

// PutPublicCode stores a version of a repository's publiccode.yml unless
// the newest stored one has the same blob SHA, with the checkpoints in the
// same transaction. It reports whether a version was added.
func (s *Store) PutPublicCode(ctx context.Context, f PublicCodeFile, checkpoints ...SyncState) (bool, error) {
	added := false
	err := s.tx(ctx, func(tx *sqlx.Tx) error {
		var sha string
		err := tx.GetContext(ctx, &sha, tx.Rebind(`SELECT blob_sha FROM publiccode_files WHERE repository_key = ?
			ORDER BY fetched_at DESC LIMIT 1`), f.RepositoryKey)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if err != nil || sha != f.BlobSHA {
			at := f.Fetched
			if at.IsZero() {
				at = s.now()
			}
			if _, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO publiccode_files (repository_key, fetched_at, blob_sha, path, content)
				VALUES (?, ?, ?, ?, ?)`), f.RepositoryKey, Stamp(at), f.BlobSHA, f.Path, f.Content); err != nil {
				return err
			}
			added = true
		}
		if err := putSyncStates(ctx, tx, s.nowStamp(), checkpoints); err != nil {
			return err
		}
		if !added {
			return nil
		}
		return bumpVersion(ctx, tx, DomainActivity)
	})
	if err != nil {
		return false, fmt.Errorf("storage: unable to store the publiccode.yml of %s: %w", f.RepositoryKey, err)
	}
	return added, nil
}

// PublicCodeFiles returns every stored version of every repository's
// publiccode.yml, by repository and time.
func (s *Reader) PublicCodeFiles(ctx context.Context) ([]PublicCodeFile, error) {
	var rows []struct {
		RepositoryKey string `db:"repository_key"`
		FetchedAt     string `db:"fetched_at"`
		BlobSHA       string `db:"blob_sha"`
		Path          string `db:"path"`
		Content       string `db:"content"`
	}
	if err := s.db.SelectContext(ctx, &rows, `SELECT repository_key, fetched_at, blob_sha, path, content FROM publiccode_files
		ORDER BY repository_key, fetched_at`); err != nil {
		return nil, fmt.Errorf("storage: unable to read publiccode.yml versions: %w", err)
	}
	out := make([]PublicCodeFile, 0, len(rows))
	for _, r := range rows {
		at, err := ParseStamp(r.FetchedAt)
		if err != nil {
			return nil, fmt.Errorf("storage: publiccode.yml of %s: %w", r.RepositoryKey, err)
		}
		out = append(out, PublicCodeFile{RepositoryKey: r.RepositoryKey, Fetched: at, BlobSHA: r.BlobSHA, Path: r.Path, Content: r.Content})
	}
	return out, nil
}
