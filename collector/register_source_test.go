package collector

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"

	"os2pulse/civil"
	"os2pulse/config"
	"os2pulse/config/configtest"
	"os2pulse/storage"
	"os2pulse/storage/storagetest"
)

const adoptionHeader = "organization,product,status,since,until,note\n"
const membersHeader = "organization,name,kind,member_since,member_until\n"

func registerTestConfig(t testing.TB, dir string, extra string) *config.Config {
	t.Helper()
	return configtest.Parse(t, dir, extra, "os2forms", "os2faktor", "os2borgerpc")
}

// registerServer serves register files with ETag and Last-Modified and
// answers 304 to a matching If-None-Match.
type registerServer struct {
	mu        sync.Mutex
	files     map[string]string
	status    int
	requests  []string // "path If-None-Match If-Modified-Since"
	noHeaders bool
}

func (s *registerServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = append(s.requests, r.URL.Path+" "+r.Header.Get("If-None-Match")+" "+r.Header.Get("If-Modified-Since"))
	if s.status != 0 {
		w.WriteHeader(s.status)
		return
	}
	body, ok := s.files[r.URL.Path]
	if !ok {
		http.NotFound(w, r)
		return
	}
	sum := sha256.Sum256([]byte(body))
	etag := `"` + hex.EncodeToString(sum[:4]) + `"`
	if !s.noHeaders {
		w.Header().Set("ETag", etag)
		w.Header().Set("Last-Modified", "Mon, 02 Mar 2026 10:00:00 GMT")
		if r.Header.Get("If-None-Match") == etag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
	}
	w.Write([]byte(body))
}

func (s *registerServer) take() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.requests
	s.requests = nil
	return r
}

func (s *registerServer) set(path, body string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.files[path] = body
}

func runRegister(t *testing.T, store *storage.Store, cfg *config.Config) (storage.Run, string, error) {
	t.Helper()
	var progress bytes.Buffer
	col := New(store, nil, []Source{NewRegisterSource(cfg, store)}, nil, slog.New(slog.DiscardHandler), &progress)
	runs, err := col.RunOnce(context.Background(), "register")
	if len(runs) != 1 {
		t.Fatalf("runs %+v, %v", runs, err)
	}
	var notes []string
	for _, l := range strings.Split(progress.String(), "\n") {
		if strings.Contains(l, "imported") {
			notes = append(notes, strings.TrimSpace(l[strings.LastIndex(l, "\r")+1:]))
		}
	}
	return runs[0], strings.Join(notes, "\n"), err
}

// TestRegisterSourceHTTP: the register is fetched conditionally; an
// unchanged register costs two 304s and imports nothing; a change in one
// file refetches the other; a bad register fails the run, changes nothing
// and keeps the old validators, so the next run fetches it again.
func TestRegisterSourceHTTP(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, store *storage.Store) {
		ctx := context.Background()
		srv := &registerServer{files: map[string]string{
			"/adoption.csv": adoptionHeader + "101,os2forms,production,2020-01-01,,\nkl,os2faktor,production,2021-01-01,,\n",
			"/members.csv":  membersHeader + "101,,municipality,2015-01-01,\nkl,KL,other,2018-01-01,\n",
		}}
		ts := httptest.NewServer(srv)
		defer ts.Close()
		cfg := registerTestConfig(t, t.TempDir(), "[register]\nadoption = \""+ts.URL+"/adoption.csv\"\nmembers = \""+ts.URL+"/members.csv\"\ninterval = \"5m\"\n")
		syncProducts(t, store, cfg)
		a, m := ts.URL+"/adoption.csv", ts.URL+"/members.csv"
		lm := "Mon, 02 Mar 2026 10:00:00 GMT"

		run, note, err := runRegister(t, store, cfg)
		if err != nil || run.Result != storage.RunSuccess || run.Requests != 2 {
			t.Fatalf("first run %+v, %v", run, err)
		}
		if want := "register: imported " + a + ", " + m + ": 4 added, 0 changed, 0 ended (kept in history), 0 unchanged"; note != want {
			t.Errorf("note %q, want %q", note, want)
		}
		if got := srv.take(); !reflect.DeepEqual(got, []string{"/adoption.csv  ", "/members.csv  "}) {
			t.Errorf("first requests %q, want unconditional", got)
		}
		st, _ := store.SyncState(ctx, "register:"+a)
		if st.ETag == "" || st.LastModified != lm {
			t.Errorf("stored validators %+v", st)
		}

		run, note, err = runRegister(t, store, cfg)
		if err != nil || run.Result != storage.RunSuccess || note != "" {
			t.Fatalf("unchanged run %+v, %q, %v", run, note, err)
		}
		for _, r := range srv.take() {
			if !strings.Contains(r, `"`) || !strings.HasSuffix(r, lm) {
				t.Errorf("request %q is not conditional", r)
			}
		}
		if imps, _ := store.RegisterImports(ctx); len(imps) != 1 {
			t.Errorf("%d imports after an unchanged run, want 1", len(imps))
		}

		// Only the members file changes: kl leaves. The adoption file
		// answers 304 and is fetched again without validators.
		srv.set("/members.csv", membersHeader+"101,,municipality,2015-01-01,\nkl,KL,other,2018-01-01,2026-01-01\n")
		run, note, err = runRegister(t, store, cfg)
		if err != nil || run.Result != storage.RunSuccess {
			t.Fatalf("members change run %+v, %v", run, err)
		}
		if want := "register: imported " + a + ", " + m + ": 0 added, 1 changed, 0 ended (kept in history), 3 unchanged"; note != want {
			t.Errorf("note %q, want %q", note, want)
		}
		if got := srv.take(); len(got) != 3 || got[2] != "/adoption.csv  " {
			t.Errorf("requests %q: want the unchanged file fetched again unconditionally", got)
		}

		// A bad adoption file fails the run and changes nothing.
		srv.set("/adoption.csv", adoptionHeader+"101,os2forms,production,2020-01-01,,\n102,os2faktor,production,2021-01-01,,\n")
		before, _ := store.Adoptions(ctx, "")
		stBefore, _ := store.SyncState(ctx, "register:"+a)
		run, _, err = runRegister(t, store, cfg)
		wantMsg := "register not imported, 1 problem(s):\n" + a + `:3: unknown municipality code "102"`
		if err == nil || run.Result != storage.RunFailure || run.Message != wantMsg {
			t.Fatalf("bad run %+v, %v; want message %q", run, err, wantMsg)
		}
		if after, _ := store.Adoptions(ctx, ""); !reflect.DeepEqual(before, after) {
			t.Errorf("a bad register changed the adoptions: %v → %v", before, after)
		}
		if st, _ := store.SyncState(ctx, "register:"+a); st != stBefore {
			t.Errorf("validators of a bad register were stored: %+v", st)
		}
		srv.take()
		run, _, _ = runRegister(t, store, cfg)
		if run.Result != storage.RunFailure {
			t.Errorf("the still bad register gave %s on the next run", run.Result)
		}

		srv.mu.Lock()
		srv.status = http.StatusInternalServerError
		srv.mu.Unlock()
		run, _, err = runRegister(t, store, cfg)
		if err == nil || run.Result != storage.RunFailure || !strings.Contains(run.Message, "500 Internal Server Error") {
			t.Errorf("server error run %+v, %v", run, err)
		}
	})
}

// TestRegisterSourceLocal reads the files through the configuration's
// directory, does not import an unchanged register again even without
// validators, and records a re-import's changes.
func TestRegisterSourceLocal(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, store *storage.Store) {
		ctx := context.Background()
		dir := t.TempDir()
		write := func(name, body string) {
			if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		write("adoption.csv", adoptionHeader+"101,os2forms,production,2020-01-01,,\n751,os2forms,pilot,2021-01-01,,\n751,os2faktor,production,2021-01-01,,\n")
		cfg := registerTestConfig(t, dir, "[register]\nadoption = \"adoption.csv\"\n")
		syncProducts(t, store, cfg)

		run, note, err := runRegister(t, store, cfg)
		if err != nil || run.Result != storage.RunSuccess || note != "register: imported adoption.csv: 3 added, 0 changed, 0 ended (kept in history), 0 unchanged" {
			t.Fatalf("first run %+v, %q, %v", run, note, err)
		}
		v0, _ := store.DataVersion(ctx)
		if run, note, err = runRegister(t, store, cfg); err != nil || note != "" {
			t.Fatalf("unchanged run %+v, %q, %v", run, note, err)
		}
		if v1, _ := store.DataVersion(ctx); v1 != v0+1 {
			t.Errorf("data version %d → %d: the unchanged register was imported again", v0, v1)
		}

		// 751's pilot became production; the os2faktor row disappeared.
		write("adoption.csv", adoptionHeader+"101,os2forms,production,2020-01-01,,\n751,os2forms,pilot,2021-01-01,2022-01-01,\n751,os2forms,production,2022-01-01,,\n")
		run, note, err = runRegister(t, store, cfg)
		if err != nil || note != "register: imported adoption.csv: 1 added, 1 changed, 1 ended (kept in history), 1 unchanged" {
			t.Fatalf("changed run %+v, %q, %v", run, note, err)
		}
		hist, _ := store.AdoptionHistory(ctx)
		if len(hist) != 5 {
			t.Errorf("history has %d rows, want 5 (3 current, 2 retracted)", len(hist))
		}

		write("adoption.csv", "organisation,product\n")
		run, _, err = runRegister(t, store, cfg)
		if err == nil || !strings.Contains(run.Message, `adoption.csv:1: unknown column "organisation"`) {
			t.Errorf("bad header run %+v, %v", run, err)
		}
		cfg.Register.Adoption = "missing.csv"
		if run, _, err = runRegister(t, store, cfg); err == nil || !strings.Contains(run.Message, "opening register file missing.csv") {
			t.Errorf("missing file run %+v, %v", run, err)
		}
	})
}

func TestRegisterSourceIsCollectedFirst(t *testing.T) {
	store := storagetest.New(t, "sqlite")
	cfg, err := config.Example()
	if err != nil {
		t.Fatal(err)
	}
	srcs, err := Sources(cfg, store, nil, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	if srcs[0].Name() != "register" || srcs[0].Interval() != cfg.Register.Interval.Duration {
		t.Errorf("first source %s every %s, want register every %s", srcs[0].Name(), srcs[0].Interval(), cfg.Register.Interval.Duration)
	}
	cfg.Register.Adoption = ""
	srcs, _ = Sources(cfg, store, nil, slog.New(slog.DiscardHandler))
	for _, s := range srcs {
		if s.Name() == "register" {
			t.Error("a register source without register.adoption")
		}
	}
}

// TestRegisterSourceKeepsLaterChanges: files that did not change since
// this source imported them do not undo a change made since on the admin
// pages or from the command line; once they change, they are imported,
// and the audit trail says the schedule did it.
func TestRegisterSourceKeepsLaterChanges(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, store *storage.Store) {
		ctx := context.Background()
		dir := t.TempDir()
		write := func(body string) {
			if err := os.WriteFile(filepath.Join(dir, "adoption.csv"), []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		write(adoptionHeader + "101,os2forms,production,2020-01-01,,\n")
		cfg := registerTestConfig(t, dir, "[register]\nadoption = \"adoption.csv\"\n")
		syncProducts(t, store, cfg)
		if _, note, err := runRegister(t, store, cfg); err != nil || note == "" {
			t.Fatalf("first run: %q, %v", note, err)
		}
		edit := storage.Register{Source: "", Audit: storage.Audit{Actor: "anna", Via: storage.ViaAdmin, Action: storage.ActionEdit},
			Adoptions: []storage.AdoptionRecord{
				{OrganizationID: "101", ProductID: "os2forms", Status: "production", Since: civil.MustParse("2020-01-01")},
				{OrganizationID: "751", ProductID: "os2forms", Status: "production", Since: civil.MustParse("2021-01-01")},
			}}
		if _, err := store.ImportRegister(ctx, edit); err != nil {
			t.Fatal(err)
		}
		if _, note, err := runRegister(t, store, cfg); err != nil || note != "" {
			t.Errorf("unchanged files imported again over the admin's change: %q, %v", note, err)
		}
		if cur, _ := store.Adoptions(ctx, ""); len(cur) != 2 {
			t.Errorf("%d records, want the admin's 2", len(cur))
		}
		write(adoptionHeader + "101,os2forms,production,2020-01-01,,\n147,os2forms,pilot,2022-01-01,,\n")
		if _, note, err := runRegister(t, store, cfg); err != nil || !strings.Contains(note, "1 added, 0 changed, 1 ended") {
			t.Errorf("changed files: %q, %v", note, err)
		}
		imps, _ := store.RegisterImports(ctx)
		if len(imps) != 3 || imps[0].Via != storage.ViaCollector || imps[1].Via != storage.ViaAdmin || imps[2].Via != storage.ViaCollector {
			t.Errorf("audit trail %+v", imps)
		}
	})
}
