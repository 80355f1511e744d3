package storage_test

import (
	"context"
	"testing"
	"time"

	"os2pulse/civil"
	"os2pulse/storage"
	"os2pulse/storage/storagetest"
)

func TestPublicCodeVersions(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		now := time.Date(2026, 5, 1, 8, 0, 0, 0, time.UTC)
		s.SetClock(func() time.Time { return now })
		put := func(key, sha, content string, want bool) {
			t.Helper()
			added, err := s.PutPublicCode(ctx, storage.PublicCodeFile{RepositoryKey: key, BlobSHA: sha, Path: "publiccode.yml", Content: content},
				storage.SyncState{Resource: key + "/hygiene", Cursor: sha})
			if err != nil || added != want {
				t.Fatalf("PutPublicCode(%s, %s) = %v, %v; want %v", key, sha, added, err, want)
			}
		}
		put("github/os2/a", "s1", "name: A\n", true)
		now = now.Add(24 * time.Hour)
		put("github/os2/a", "s1", "name: A\n", false) // unchanged: no new version
		put("github/os2/b", "t1", "name: B\n", true)
		now = now.Add(24 * time.Hour)
		put("github/os2/a", "s2", "name: A2\n", true)
		files, err := s.PublicCodeFiles(ctx)
		if err != nil {
			t.Fatal(err)
		}
		want := []storage.PublicCodeFile{
			{RepositoryKey: "github/os2/a", Fetched: time.Date(2026, 5, 1, 8, 0, 0, 0, time.UTC), BlobSHA: "s1", Path: "publiccode.yml", Content: "name: A\n"},
			{RepositoryKey: "github/os2/a", Fetched: time.Date(2026, 5, 3, 8, 0, 0, 0, time.UTC), BlobSHA: "s2", Path: "publiccode.yml", Content: "name: A2\n"},
			{RepositoryKey: "github/os2/b", Fetched: time.Date(2026, 5, 2, 8, 0, 0, 0, time.UTC), BlobSHA: "t1", Path: "publiccode.yml", Content: "name: B\n"},
		}
		if len(files) != len(want) {
			t.Fatalf("%d versions, want %d: %+v", len(files), len(want), files)
		}
		for i := range want {
			if !files[i].Fetched.Equal(want[i].Fetched) || files[i].RepositoryKey != want[i].RepositoryKey || files[i].BlobSHA != want[i].BlobSHA ||
				files[i].Content != want[i].Content || files[i].Path != want[i].Path {
				t.Errorf("version %d = %+v, want %+v", i, files[i], want[i])
			}
		}
		if st, err := s.SyncState(ctx, "github/os2/a/hygiene"); err != nil || st.Cursor != "s2" {
			t.Errorf("checkpoint = %+v, %v", st, err)
		}
	})
}

// The two states OS2's form adds, unknown and unanswered, are stored.
func TestSelfEvaluationNewStates(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		e := storage.SelfEvaluation{ProductID: "os2kitos", Filled: civil.MustParse("2026-05-12"), Source: "x.json", SHA256: "abc",
			Requirements: []storage.SelfEvaluationRequirement{
				{ID: "R1", Category: "relevans", Level: "sandbox", State: "unknown", Text: "a"},
				{ID: "F6", Category: "formkrav", Level: "1", State: "unanswered", Text: "b"},
			}}
		if _, err := s.PutSelfEvaluation(ctx, e); err != nil {
			t.Fatal(err)
		}
		evs, err := s.SelfEvaluations(ctx)
		if err != nil || len(evs) != 1 || len(evs[0].Requirements) != 2 || evs[0].Requirements[0].State != "unknown" ||
			evs[0].Requirements[1].State != "unanswered" {
			t.Fatalf("read %+v, %v", evs, err)
		}
		e.SHA256, e.Requirements[0].State = "def", "maybe"
		if _, err := s.PutSelfEvaluation(ctx, e); err == nil {
			t.Error("a state beyond the five was stored")
		}
	})
}
