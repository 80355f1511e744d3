package figures

import (
	"context"
	"os"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"os2pulse/config"
	"os2pulse/golden"
	"os2pulse/publiccode"
	"os2pulse/register"
	"os2pulse/storage"
	"os2pulse/storage/storagetest"
)

// kitosOwn is OS2kitos' own publiccode.yml in the fixture: valid, but
// with a licence and a usedBy list that disagree with what os2pulse
// knows.
const kitosOwn = `publiccodeYmlVersion: "0.4"
name: OS2kitos
url: "https://github.com/os2kitos/kitos"
softwareVersion: "14.1.0"
releaseDate: "2025-12-01"
platforms: [web]
developmentStatus: stable
softwareType: "standalone/web"
usedBy: [Aarhus Kommune, Københavns Kommune]
legal:
  license: MIT
  repoOwner: OS2
maintenance:
  type: community
  contacts:
    - name: Anne Jensen
localisation:
  localisationReady: false
  availableLanguages: [da]
description:
  da:
    shortDescription: Overblik over it-systemer.
    longDescription: Kitos giver kommunerne et fælles overblik over it-systemer, kontrakter, databehandleraftaler og projekter, så porteføljen kan styres og dokumenteres på tværs af forvaltninger.
`

// publicCodeFixture is the example portfolio's register with OS2kitos'
// repositories as collected by 2026-11-23: a main repository with
// releases, a licence, its own publiccode.yml (one version valid, a
// later one with a problem) and contributions by a supplier and a
// municipality; a second repository without the file; a third not
// checked yet.
func publicCodeFixture(t *testing.T, store *storage.Store) (*Calculator, *config.Config) {
	t.Helper()
	ctx := context.Background()
	cfg, err := config.Example()
	if err != nil {
		t.Fatal(err)
	}
	read := func(name string) register.File {
		b, err := os.ReadFile("../config/" + name)
		if err != nil {
			t.Fatal(err)
		}
		return register.File{Name: name, Data: b}
	}
	reg, err := register.Parse(cfg, nil, read(cfg.Register.Adoption), read(cfg.Register.Members))
	if err != nil {
		t.Fatal(err)
	}
	must(t, store.SyncProducts(ctx, storage.ConfiguredProducts(cfg)))
	_, err = store.ImportRegister(ctx, reg.Register)
	must(t, err)
	for _, name := range []string{"kitos", "kitos-frontend", "kitos-docs"} {
		must(t, store.UpsertRepository(ctx, storage.Repository{Key: storage.RepoKey("github.com", "os2kitos", name), Forge: "github.com",
			Owner: "os2kitos", Name: name, Status: "ok"}, []string{"os2kitos"}))
	}
	main := storage.RepoKey("github.com", "os2kitos", "kitos")
	front := storage.RepoKey("github.com", "os2kitos", "kitos-frontend")
	at := func(s string) time.Time { tm, _ := time.Parse(time.RFC3339, s); return tm }
	_, err = store.AddReleases(ctx, []storage.Release{
		{RepositoryKey: main, ExtID: "1", Tag: "v14.1.0", PublishedAt: at("2025-12-01T10:00:00Z")},
		{RepositoryKey: main, ExtID: "2", Tag: "v14.2.0", PublishedAt: at("2026-09-15T10:00:00Z")},
		{RepositoryKey: front, ExtID: "3", Tag: "v2.0.0", PublishedAt: at("2026-02-01T10:00:00Z")},
	})
	must(t, err)
	must(t, store.PutHygiene(ctx, storage.Hygiene{RepositoryKey: main, Day: day("2026-01-10"), License: "MPL-2.0", Readme: true, PublicCode: true}))
	must(t, store.PutHygiene(ctx, storage.Hygiene{RepositoryKey: front, Day: day("2026-01-10"), License: "MPL-2.0", Readme: true}))
	store.SetClock(func() time.Time { return at("2026-01-10T06:00:00Z") })
	_, err = store.PutPublicCode(ctx, storage.PublicCodeFile{RepositoryKey: main, BlobSHA: "a1", Path: "publiccode.yml", Content: kitosOwn})
	must(t, err)
	store.SetClock(func() time.Time { return at("2026-10-01T06:00:00Z") })
	_, err = store.PutPublicCode(ctx, storage.PublicCodeFile{RepositoryKey: main, BlobSHA: "a2", Path: "publiccode.yml",
		Content: strings.Replace(kitosOwn, "developmentStatus: stable", "developmentStatus: production", 1)})
	must(t, err)
	var cs []storage.Contribution
	for i, c := range []struct{ email, at string }{
		{"dev@magenta.dk", "2026-03-01T10:00:00Z"}, {"dev@magenta.dk", "2026-06-01T10:00:00Z"},
		{"it@kk.dk", "2026-05-01T10:00:00Z"}, {"old@bellcom.dk", "2024-05-01T10:00:00Z"},
	} {
		cs = append(cs, storage.Contribution{RepositoryKey: main, Kind: "commit", ExtID: string(rune('a' + i)), At: at(c.at),
			CommittedAt: at(c.at), Email: c.email, Name: c.email})
	}
	_, err = store.AddContributions(ctx, cs)
	must(t, err)
	return New(store.ReadOnly(), cfg), cfg
}

func TestPublicCodeStates(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, store *storage.Store) {
		ctx := context.Background()
		c, _ := publicCodeFixture(t, store)
		for _, tc := range []struct {
			date  string
			want  map[string]string // repository → state
			count [4]int            // valid, problems, missing, unknown
		}{
			{"2026-01-09", map[string]string{"os2kitos/kitos": PublicCodeUnknown, "os2kitos/kitos-frontend": PublicCodeUnknown,
				"os2kitos/kitos-docs": PublicCodeUnknown}, [4]int{0, 0, 0, 3}},
			{"2026-06-30", map[string]string{"os2kitos/kitos": PublicCodeValid, "os2kitos/kitos-frontend": PublicCodeMissing,
				"os2kitos/kitos-docs": PublicCodeUnknown}, [4]int{1, 0, 1, 1}},
			{"2026-11-23", map[string]string{"os2kitos/kitos": PublicCodeProblems, "os2kitos/kitos-frontend": PublicCodeMissing,
				"os2kitos/kitos-docs": PublicCodeUnknown}, [4]int{0, 1, 1, 1}},
		} {
			t.Run(tc.date, func(t *testing.T) {
				p, err := c.ProductPublicCode(ctx, "os2kitos", day(tc.date))
				if err != nil {
					t.Fatal(err)
				}
				got := map[string]string{}
				for _, r := range p.Repositories {
					got[r.Repository] = r.State
				}
				if !reflect.DeepEqual(got, tc.want) || [4]int{p.Valid, p.Problems, p.Missing, p.Unknown} != tc.count {
					t.Errorf("states %v %v, want %v %v", got, [4]int{p.Valid, p.Problems, p.Missing, p.Unknown}, tc.want, tc.count)
				}
			})
		}
		p, err := c.ProductPublicCode(ctx, "os2kitos", day("2026-11-23"))
		if err != nil {
			t.Fatal(err)
		}
		r := p.Repositories[0]
		want := []string{`os2kitos/kitos/publiccode.yml:7: developmentStatus "production" is not one of concept, development, beta, stable, obsolete`}
		if r.Repository != "os2kitos/kitos" || !reflect.DeepEqual(r.Problems, want) || r.Versions != 2 || r.Read.String() != "2026-10-01" ||
			r.File == nil || r.File.License != "MIT" {
			t.Errorf("main repository %+v, want the second version's problem %q", r, want)
		}
		all, err := c.PublicCode(ctx, day("2026-11-23"))
		if err != nil || len(all.Products) != len(c.cfg.Products) {
			t.Fatalf("portfolio: %d products (%v)", len(all.Products), err)
		}
		for _, p := range all.Products {
			if p.Product != "os2kitos" && len(p.Repositories) != 0 {
				t.Errorf("%s has repositories %v", p.Product, p.Repositories)
			}
		}
		if _, err := c.ProductPublicCode(ctx, "nope", day("2026-11-23")); err == nil {
			t.Error("an unknown product has publiccode.yml files")
		}
	})
}

// The proposal for the example portfolio's OS2kitos: a golden file, which
// the checker reads with no problem; and what it finds different in the
// product's own file.
func TestPublicCodeProposal(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, store *storage.Store) {
		ctx := context.Background()
		c, _ := publicCodeFixture(t, store)
		p, err := c.PublicCodeProposal(ctx, "os2kitos", day("2026-11-23"))
		if err != nil {
			t.Fatal(err)
		}
		y := p.YAML()
		golden.Check(t, "testdata/publiccode-os2kitos.yml", y)
		if problems := publiccode.Check(y, "proposal"); len(problems) != 0 {
			t.Errorf("the proposal has problems:\n%s", strings.Join(problems, "\n"))
		}
		d := p.Document
		if p.Repository != "os2kitos/kitos" || d.SoftwareVersion != "v14.2.0" || d.ReleaseDate != "2026-09-15" || d.Legal.License != "MPL-2.0" ||
			d.Maintenance.Type != "contract" || len(d.Maintenance.Contractors) != 1 || d.Maintenance.Contractors[0].Name != "Magenta" {
			t.Errorf("proposal %+v", p)
		}
		// usedBy: those in production on the date, by name; no pilots or
		// planned ones.
		adopters, err := c.ProductAdopters(ctx, "os2kitos", day("2026-11-23"))
		if err != nil {
			t.Fatal(err)
		}
		production, others := 0, map[string]bool{}
		for _, a := range adopters {
			if a.Status == StatusProduction {
				production++
			} else {
				others[a.Name] = true
			}
		}
		if len(d.UsedBy) != production || production < 10 {
			t.Errorf("usedBy has %d organisations, the register %d in production", len(d.UsedBy), production)
		}
		for _, n := range d.UsedBy {
			if others[n] {
				t.Errorf("usedBy names %s, which only pilots or plans", n)
			}
		}
		wantDiff := []PublicCodeDifference{{Field: "file", File: "1", Known: "0"}, {Field: "usedBy", File: "2", Known: strconv.Itoa(production)},
			{Field: "legal.license", File: "MIT", Known: "MPL-2.0"}, {Field: "softwareVersion", File: "14.1.0", Known: "v14.2.0"}}
		if !reflect.DeepEqual(p.Differences, wantDiff) {
			t.Errorf("differences %+v, want %+v", p.Differences, wantDiff)
		}

		// A product without repositories or suppliers: the fields
		// os2pulse cannot know are named, not made up.
		q, err := c.PublicCodeProposal(ctx, "os2faktor", day("2026-11-23"))
		if err != nil {
			t.Fatal(err)
		}
		got := publiccode.Check(q.YAML(), "p.yml")
		for _, want := range []string{"url is empty", "legal.license is missing", "maintenance.contacts is missing"} {
			if !strings.Contains(strings.Join(got, "\n"), want) {
				t.Errorf("os2faktor's proposal: problems %q lack %q", got, want)
			}
		}
		docs, err := c.PublicCodeProposals(ctx, day("2026-11-23"))
		if err != nil || len(docs) != len(c.cfg.Products) || docs[6].Name != "OS2kitos" {
			t.Errorf("portfolio: %d documents (%v)", len(docs), err)
		}
	})
}

func TestMainRepository(t *testing.T) {
	date := day("2026-11-23")
	repo := func(name, status string, archived bool) storage.Repository {
		return storage.Repository{Key: "github.com/o/" + name, Forge: "github.com", Owner: "o", Name: name, Status: status, Archived: archived}
	}
	rel := func(name, at string) storage.Release {
		tm, _ := time.Parse("2006-01-02", at)
		return storage.Release{RepositoryKey: "github.com/o/" + name, Tag: name + "-" + at, PublishedAt: tm}
	}
	releases := []storage.Release{rel("a", "2026-01-01"), rel("a", "2026-02-01"), rel("b", "2026-03-01"), rel("b", "2026-04-01"),
		rel("c", "2026-05-01"), rel("c", "2026-05-02"), rel("c", "2026-05-03"), rel("d", "2026-05-01"), rel("d", "2026-05-02"),
		rel("d", "2026-05-03"), rel("e", "2024-01-01"), rel("e", "2024-02-01"), rel("e", "2024-03-01")}
	for _, tc := range []struct {
		name    string
		repos   []storage.Repository
		hygiene map[string]storage.Hygiene
		want    string
		latest  string
	}{
		{"most releases in the year", []storage.Repository{repo("a", "ok", false), repo("b", "ok", false), repo("e", "ok", false)}, nil, "a", "a-2026-02-01"},
		{"tie: the one with a publiccode.yml", []storage.Repository{repo("a", "ok", false), repo("b", "ok", false)},
			map[string]storage.Hygiene{"github.com/o/b": {PublicCode: true}}, "b", "b-2026-04-01"},
		{"archived, gone and moved left out", []storage.Repository{repo("a", "ok", false), repo("c", "ok", true), repo("d", storage.RepoNotFound, false),
			repo("e", storage.RepoMoved, false)}, nil, "a", "a-2026-02-01"},
		{"old releases count for the latest only", []storage.Repository{repo("e", "ok", false)}, nil, "e", "e-2024-03-01"},
		{"none", []storage.Repository{repo("c", "ok", true)}, nil, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, l := mainRepository(tc.repos, releases, tc.hygiene, date)
			got, latest := "", ""
			if m != nil {
				got = m.Name
			}
			if l != nil {
				latest = l.Tag
			}
			if got != tc.want || latest != tc.latest {
				t.Errorf("main %q latest %q, want %q %q", got, latest, tc.want, tc.latest)
			}
		})
	}
}
