package storage

import (
	"context"
	"fmt"
	"os"
)

// Identity names this database among others and among copies of it, for
// whoever keeps what it read from it elsewhere (the contribution index's
// snapshot): the time its schema was first migrated and, on SQLite, the
// file (device and inode: a restored backup or a copy is a new file); on
// PostgreSQL the cluster (its system identifier and timeline, which a
// point-in-time recovery moves on), the database and the schema. Two
// databases with one identity hold the same history up to the older's
// data version.
func (s *Reader) Identity(ctx context.Context) (string, error) {
	var created string
	if err := s.db.GetContext(ctx, &created, `SELECT COALESCE(MIN(applied_at), '') FROM schema_migrations`); err != nil {
		return "", fmt.Errorf("storage: unable to read the database's identity: %w", err)
	}
	if s.driver == "postgres" {
		var where string
		err := s.db.GetContext(ctx, &where, `SELECT (SELECT system_identifier FROM pg_control_system())::text
			|| '/' || (SELECT timeline_id FROM pg_control_checkpoint())::text
			|| '/' || (SELECT oid FROM pg_database WHERE datname = current_database())::text
			|| '/' || current_schema()`)
		if err != nil {
			return "", fmt.Errorf("storage: unable to read the database's identity: %w", err)
		}
		return "postgres:" + where + ":" + created, nil
	}
	var list []struct {
		Seq  int    `db:"seq"`
		Name string `db:"name"`
		File string `db:"file"`
	}
	if err := s.db.SelectContext(ctx, &list, `PRAGMA database_list`); err != nil {
		return "", fmt.Errorf("storage: unable to read the database's identity: %w", err)
	}
	file := ""
	for _, d := range list {
		if d.Name == "main" {
			file = d.File
		}
	}
	if file == "" {
		return "", fmt.Errorf("storage: an in-memory database has no identity")
	}
	fi, err := os.Stat(file)
	if err != nil {
		return "", fmt.Errorf("storage: unable to read the database's identity: %w", err)
	}
	return "sqlite:" + fileID(fi) + ":" + created, nil
}
