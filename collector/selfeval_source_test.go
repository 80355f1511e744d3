package collector

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"os2pulse/config"
	"os2pulse/storage"
	"os2pulse/storage/storagetest"
)

// selfEvalFile writes a self-evaluation in OS2's form: filled on date,
// with the requirements given as id, level, state.
func selfEvalFile(date string, reqs ...[3]string) []byte {
	var ks []map[string]string
	for _, r := range reqs {
		ks = append(ks, map[string]string{"id": r[0], "kategori": "formkrav", "krav": "Krav " + r[0],
			"produktniveau": r[1], "retningslinjer": "", "efterlevet": r[2], "dokumentation": "https://example.org/" + r[0]})
	}
	b, _ := json.Marshal(map[string]any{"productName": "OS2borgerPC", "filledBy": "Styregruppen",
		"filledDate": date, "generatedAt": date + "T10:00:00.000Z", "krav": ks})
	return b
}

// TestSelfEvaluationsAreCollectedConditionally: a glob costs one listing
// and one request per file; an unchanged directory and files cost only
// 304s; a malformed file is refused by name and field while the versions
// stored before stand; each version is kept by its filled date.
func TestSelfEvaluationsAreCollectedConditionally(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, store *storage.Store) {
		ctx := context.Background()
		clock := newFakeClock()
		f := newFakeGitHub(t, clock)
		f.addOwner("OS2borgerPC", false)
		repo := f.addRepo("OS2borgerPC", &fakeRepo{name: "os2borgerpc-produktforvaltning", files: map[string][]byte{
			"dokumenter/os2borgerpc-selvevaluering-01022026.json": selfEvalFile("2026-02-01", [3]string{"F1", "sandkasse", "Ja"}, [3]string{"F2", "1", "Nej"}),
			"dokumenter/README.md":                                []byte("# Produktforvaltning"),
		}})
		local := filepath.Join(t.TempDir(), "local.json")
		if err := os.WriteFile(local, selfEvalFile("2025-06-01", [3]string{"F1", "sandkasse", "Planlagt"}), 0o600); err != nil {
			t.Fatal(err)
		}
		doc := fmt.Sprintf("[github]\napi_url = %q\ntoken_env = \"OS2PULSE_TEST_GITHUB_TOKEN\"\n[[products]]\nid = \"os2borgerpc\"\nname = \"OS2borgerPC\"\n"+
			"governance_level = \"2\"\nself_evaluations = [\"OS2borgerPC/os2borgerpc-produktforvaltning:dokumenter/*-selvevaluering-*.json\", %q]\n", f.URL(), local)
		cfg, err := config.Parse("test.toml", []byte(doc), nil)
		if err != nil {
			t.Fatal(err)
		}
		syncProducts(t, store, cfg)
		gh := newTestSource(t, cfg, store, clock, nil, nil)
		src := NewSelfEvalSource(cfg, store, gh, nil)

		versions := func() []string {
			t.Helper()
			evs, err := store.SelfEvaluations(ctx)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, e := range evs {
				out = append(out, fmt.Sprintf("%s %s %s %d", e.ProductID, e.Filled, e.FilledBy, len(e.Requirements)))
			}
			return out
		}

		run := poll(t, store, src, nil)
		reqs := f.takeRequests()
		if run.Result != storage.RunSuccess || len(reqs) != 2 || count(reqs, "*", 200) != 2 {
			t.Fatalf("first poll: %s %v, %d requests (%+v); want success, a listing and one file, both 200", run.Result, run.Errors, len(reqs), reqs)
		}
		if got, want := strings.Join(versions(), "|"), "os2borgerpc 2025-06-01 Styregruppen 1|os2borgerpc 2026-02-01 Styregruppen 2"; got != want {
			t.Errorf("stored %q, want %q", got, want)
		}

		poll(t, store, src, nil)
		reqs = f.takeRequests()
		if len(reqs) != 2 || count(reqs, "*", 304) != 2 {
			t.Errorf("unchanged poll: %+v; want 2 requests, both 304", reqs)
		}

		// A malformed new file: refused, naming the file and the field.
		f.update(func() {
			repo.files["dokumenter/os2borgerpc-selvevaluering-01052026.json"] = selfEvalFile("2026-05-01", [3]string{"F1", "sandkasse", "Måske"})
		})
		run = poll(t, store, src, nil)
		if run.Result != storage.RunPartial || len(run.Errors) != 1 ||
			!strings.Contains(run.Errors[0].Error, "OS2borgerPC/os2borgerpc-produktforvaltning:dokumenter/os2borgerpc-selvevaluering-01052026.json: krav[0].efterlevet") {
			t.Errorf("malformed file: %s %+v; want partial, one error naming the file and krav[0].efterlevet", run.Result, run.Errors)
		}
		if got := len(versions()); got != 2 {
			t.Errorf("%d versions after a malformed file, want the 2 stored before", got)
		}
		f.takeRequests()
		// Unchanged, the refused file is reported again without being read again.
		run = poll(t, store, src, nil)
		reqs = f.takeRequests()
		if count(reqs, "*", 304) != len(reqs) || len(run.Errors) != 1 {
			t.Errorf("unchanged malformed file: %+v, errors %v; want all 304 and the problem again", reqs, run.Errors)
		}

		// Corrected: a third version.
		f.update(func() {
			repo.files["dokumenter/os2borgerpc-selvevaluering-01052026.json"] = selfEvalFile("2026-05-01", [3]string{"F1", "sandkasse", "Ja"}, [3]string{"F2", "1", "Ja"})
		})
		run = poll(t, store, src, nil)
		if run.Result != storage.RunSuccess {
			t.Errorf("corrected: %s %v", run.Result, run.Errors)
		}
		if got := versions(); len(got) != 3 || got[2] != "os2borgerpc 2026-05-01 Styregruppen 2" {
			t.Errorf("versions %v", got)
		}

		// GitHub turned off: the local file is still read.
		off := NewSelfEvalSource(cfg, store, nil, nil)
		c := New(store, nil, []Source{off}, nil, slog.New(slog.DiscardHandler), nil)
		if _, err := c.RunOnce(ctx, off.Name()); err != nil {
			t.Fatal(err)
		}
	})
}

// The example portfolio's illustrative self-evaluations are well formed.
func TestExampleSelfEvaluations(t *testing.T) {
	cfg, err := config.Example()
	if err != nil {
		t.Fatal(err)
	}
	store := storagetest.New(t, "sqlite")
	syncProducts(t, store, cfg)
	src := NewSelfEvalSource(cfg, store, nil, nil)
	run := poll(t, store, src, nil)
	if run.Result != storage.RunSuccess {
		t.Fatalf("%s %v", run.Result, run.Errors)
	}
	evs, err := store.SelfEvaluations(context.Background())
	if err != nil || len(evs) != 4 {
		t.Fatalf("stored %d versions (%v); want two of OS2display and two of OS2kitos", len(evs), err)
	}
	// OS2kitos' are in the exact form OS2's form writes: unanswered and
	// "don't know" lines are stored as such.
	states := map[string]int{}
	for _, e := range evs {
		if len(e.Requirements) != 43 {
			t.Errorf("%s %s: %d lines, want 43", e.ProductID, e.Filled, len(e.Requirements))
		}
		if e.ProductID == "os2kitos" && e.Filled.String() == "2026-05-12" {
			for _, r := range e.Requirements {
				states[r.State]++
			}
		}
	}
	if want := map[string]int{"met": 27, "planned": 1, "not_met": 4, "unknown": 3, "unanswered": 8}; !reflect.DeepEqual(states, want) {
		t.Errorf("OS2kitos 2026 states %v, want %v", states, want)
	}
}

// A refused file is one item error: its count and first problem on the
// first line (what the log shows), then at most ten problems.
func TestRefusedSelfEvaluationIsOneItem(t *testing.T) {
	dir := t.TempDir()
	var lines []string
	for i := 1; i <= 14; i++ {
		lines = append(lines, fmt.Sprintf(`{"id":"F%d","kategori":"formkrav","krav":"k","produktniveau":"niveau 9","efterlevet":null}`, i))
	}
	bad := `{"productName":"OS2kitos","filledBy":"x","filledDate":"2026-05-12","krav":[` + strings.Join(lines, ",") + `]}`
	name := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(name, []byte(bad), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Parse("test.toml", []byte(fmt.Sprintf("[[products]]\nid = \"os2kitos\"\nname = \"OS2kitos\"\ngovernance_level = \"2\"\nself_evaluations = [%q]\n", name)), nil)
	if err != nil {
		t.Fatal(err)
	}
	store := storagetest.New(t, "sqlite")
	syncProducts(t, store, cfg)
	var log bytes.Buffer
	src := NewSelfEvalSource(cfg, store, nil, nil)
	c := New(store, nil, []Source{src}, nil, slog.New(slog.NewTextHandler(&log, nil)), nil)
	runs, err := c.RunOnce(context.Background(), src.Name())
	if len(runs) != 1 {
		t.Fatalf("%d runs (%v)", len(runs), err)
	}
	run := runs[0]
	if run.Result != storage.RunFailure || len(run.Errors) != 1 {
		t.Fatalf("run %+v; want a failure with one item error", run)
	}
	got := strings.Split(run.Errors[0].Error, "\n")
	if run.Errors[0].Item != name || len(got) != 12 ||
		got[0] != `refused, the versions stored before stand: 14 problem(s), the first: `+name+`: krav[0].produktniveau: "niveau 9" is not a level (sandkasse, 1, 2 or 3)` ||
		got[11] != name+": and 4 more problems" {
		t.Errorf("item %q, error:\n%s", run.Errors[0].Item, run.Errors[0].Error)
	}
	if n := strings.Count(log.String(), "collection item failed"); n != 1 || strings.Count(log.String(), "\n") > 4 ||
		!strings.Contains(log.String(), "14 problem(s), the first: "+name+": krav[0].produktniveau") || strings.Contains(log.String(), "krav[1]") {
		t.Errorf("log:\n%s", log.String())
	}
}

// An entry naming one file costs one conditional request: 200 the first
// time, 304 after; a file that is gone is reported by name.
func TestSelfEvaluationOneFile(t *testing.T) {
	store := storagetest.New(t, "sqlite")
	clock := newFakeClock()
	f := newFakeGitHub(t, clock)
	f.addOwner("OS2display", false)
	repo := f.addRepo("OS2display", &fakeRepo{name: "pm", files: map[string][]byte{
		"selvevaluering.json": selfEvalFile("2026-02-01", [3]string{"F1", "sandkasse", "Ja"}),
	}})
	doc := fmt.Sprintf("[github]\napi_url = %q\ntoken_env = \"OS2PULSE_TEST_GITHUB_TOKEN\"\n[[products]]\nid = \"os2display\"\nname = \"OS2display\"\n"+
		"governance_level = \"2\"\nself_evaluations = [\"OS2display/pm:selvevaluering.json\"]\n", f.URL())
	cfg, err := config.Parse("test.toml", []byte(doc), nil)
	if err != nil {
		t.Fatal(err)
	}
	syncProducts(t, store, cfg)
	src := NewSelfEvalSource(cfg, store, newTestSource(t, cfg, store, clock, nil, nil), nil)
	for i, want := range []int{200, 304} {
		run := poll(t, store, src, nil)
		reqs := f.takeRequests()
		if run.Result != storage.RunSuccess || len(reqs) != 1 || reqs[0].Status != want || reqs[0].Path != "/repos/OS2display/pm/contents/selvevaluering.json" {
			t.Errorf("poll %d: %s %v %+v; want one request answered %d", i+1, run.Result, run.Errors, reqs, want)
		}
	}
	f.update(func() { delete(repo.files, "selvevaluering.json") })
	runs, _ := New(store, nil, []Source{src}, nil, slog.New(slog.DiscardHandler), nil).RunOnce(context.Background(), src.Name())
	if len(runs) != 1 {
		t.Fatalf("runs %+v", runs)
	}
	run := runs[0]
	if run.Result != storage.RunFailure || len(run.Errors) != 1 || !strings.Contains(run.Errors[0].Error, "OS2display/pm:selvevaluering.json: not found") {
		t.Errorf("gone: %s %+v", run.Result, run.Errors)
	}
	if evs, _ := store.SelfEvaluations(context.Background()); len(evs) != 1 {
		t.Errorf("%d versions, want the one stored before", len(evs))
	}
}

// Fields OS2's form may add later are named once, as a warning in the
// log and the progress; the file is stored.
func TestSelfEvaluationUnknownFieldsWarnOnce(t *testing.T) {
	dir := t.TempDir()
	var lines []string
	for i := 1; i <= 5; i++ {
		lines = append(lines, fmt.Sprintf(`{"id":"F%d","kategori":"formkrav","krav":"k","produktniveau":"sandkasse","efterlevet":"Ja","kommentar":"ny"}`, i))
	}
	doc := `{"productName":"OS2kitos","filledBy":"x","filledDate":"2026-05-12","generatedAt":"2026-05-12T13:42:10.031Z","formVersion":"3","krav":[` + strings.Join(lines, ",") + `]}`
	name := filepath.Join(dir, "new.json")
	if err := os.WriteFile(name, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Parse("test.toml", []byte(fmt.Sprintf("[[products]]\nid = \"os2kitos\"\nname = \"OS2kitos\"\ngovernance_level = \"2\"\nself_evaluations = [%q]\n", name)), nil)
	if err != nil {
		t.Fatal(err)
	}
	store := storagetest.New(t, "sqlite")
	syncProducts(t, store, cfg)
	var log, progress bytes.Buffer
	src := NewSelfEvalSource(cfg, store, nil, slog.New(slog.NewTextHandler(&log, nil)))
	run := poll(t, store, src, &progress)
	if run.Result != storage.RunSuccess {
		t.Fatalf("%s %v", run.Result, run.Errors)
	}
	want := name + ": ignored the fields this version does not know: formVersion, krav[].kommentar"
	if strings.Count(log.String(), "self-evaluation read with a warning") != 1 || !strings.Contains(log.String(), want) ||
		strings.Count(progress.String(), want) != 1 {
		t.Errorf("log:\n%s\nprogress:\n%s\nwant one warning %q", log.String(), progress.String(), want)
	}
	if evs, _ := store.SelfEvaluations(context.Background()); len(evs) != 1 || len(evs[0].Requirements) != 5 {
		t.Errorf("stored %d evaluations", len(evs))
	}
}
