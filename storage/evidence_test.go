package storage_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"os2pulse/civil"
	"os2pulse/storage"
	"os2pulse/storage/storagetest"
)

// TestLastCommitDays: each repository's newest commit on or before the
// day, whatever other kinds of contribution came later; repositories
// without a commit by then are left out.
func TestLastCommitDays(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		for _, name := range []string{"a", "b", "c"} {
			if err := s.UpsertRepository(ctx, storage.Repository{Forge: "github.com", Owner: "o", Name: name}, nil); err != nil {
				t.Fatal(err)
			}
		}
		a, b := storage.RepoKey("github.com", "o", "a"), storage.RepoKey("github.com", "o", "b")
		at := func(d string) time.Time { return civil.MustParse(d).Time().Add(9 * time.Hour) }
		c := func(key, kind, id, d string) storage.Contribution {
			return storage.Contribution{RepositoryKey: key, Kind: kind, ExtID: id, At: at(d), Email: "x@a.dk", Login: "x"}
		}
		if _, err := s.AddContributions(ctx, []storage.Contribution{
			c(a, storage.KindCommit, "a1", "2024-01-10"), c(a, storage.KindCommit, "a2", "2024-03-05"),
			c(a, storage.KindIssue, "1", "2024-03-20"), c(a, storage.KindCommit, "a3", "2024-06-01"),
			c(b, storage.KindPullRequest, "2", "2024-01-02"), c(b, storage.KindCommit, "b1", "2024-02-29"),
		}); err != nil {
			t.Fatal(err)
		}
		for _, tt := range []struct {
			day  string
			want map[string]civil.Date
		}{
			{"2024-01-05", map[string]civil.Date{}},
			{"2024-01-10", map[string]civil.Date{a: civil.MustParse("2024-01-10")}},
			{"2024-03-31", map[string]civil.Date{a: civil.MustParse("2024-03-05"), b: civil.MustParse("2024-02-29")}},
			{"2025-01-01", map[string]civil.Date{a: civil.MustParse("2024-06-01"), b: civil.MustParse("2024-02-29")}},
		} {
			got, err := s.ReadOnly().LastCommitDays(ctx, civil.MustParse(tt.day))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("on %s: %v, want %v", tt.day, got, tt.want)
			}
			// Of some repositories: the same days, of those only.
			of, err := s.ReadOnly().LastCommitDaysOf(ctx, civil.MustParse(tt.day), []string{b, storage.RepoKey("github.com", "o", "c")})
			if err != nil {
				t.Fatal(err)
			}
			want := map[string]civil.Date{}
			if d, ok := tt.want[b]; ok {
				want[b] = d
			}
			if !reflect.DeepEqual(of, want) {
				t.Errorf("of b and c on %s: %v, want %v", tt.day, of, want)
			}
		}
		if got, err := s.ReadOnly().LastCommitDaysOf(ctx, civil.MustParse("2025-01-01"), nil); err != nil || len(got) != 0 {
			t.Errorf("of no repository: %v, %v; want none", got, err)
		}
	})
}
