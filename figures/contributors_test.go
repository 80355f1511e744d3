package figures

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"os2pulse/civil"
	"os2pulse/config"
	"os2pulse/storage"
	"os2pulse/storage/storagetest"
)

const exampleHistories = "../config/example/git-histories"

var historyFiles = []struct{ product, owner, name, file string }{
	{"os2forms", "OS2Forms", "os2forms", "OS2Forms__os2forms.tsv"},
	{"os2borgerpc", "OS2borgerPC", "os2borgerpc-admin-site", "OS2borgerPC__os2borgerpc-admin-site.tsv"},
	{"os2display", "os2display", "display-client", "os2display__display-client.tsv"},
	{"os2compliance", "OS2compliance", "OS2compliance", "OS2compliance__OS2compliance.tsv"},
}

// The affiliation rules of the test configuration, repeated as plain data
// for the independent count.
type testRule struct{ domain, org, supplier, from, until string }

var testRules = []testRule{
	{"aarhus.dk", "751", "", "", ""},
	{"sonderborg.dk", "540", "", "", ""},
	{"bellcom.dk", "", "Bellcom", "", ""},
	{"magenta-aps.dk", "", "Magenta", "", ""},
	{"magenta.dk", "", "Magenta", "", ""},
	{"digital-identity.dk", "", "Digital Identity", "", ""},
	{"kvalitetsit.dk", "", "KvalitetsIT", "", ""},
	{"linuxdev.dk", "", "Linuxdev", "2022-01-01", "2024-01-01"},
}

// Membership of the test register: Aarhus from 2020, Sønderborg 2015–2023.
func testMember(org, day string) bool {
	switch org {
	case "751":
		return day >= "2020-01-01"
	case "540":
		return day >= "2015-01-01" && day < "2024-01-01"
	}
	return false
}

func testConfig(t testing.TB, extra string) *config.Config {
	t.Helper()
	var b strings.Builder
	b.WriteString("[storage]\ndriver = \"sqlite\"\ndsn = \"unused.db\"\n[contributors]\nwindow_days = 90\nbots = [\"^dependabot\", \"^renovate\", \"noreply@weblate\\\\.org$\"]\n")
	b.WriteString(extra)
	for _, h := range historyFiles {
		fmt.Fprintf(&b, "[[products]]\nid = %q\nname = %q\ngovernance_level = \"2\"\nrepos = [\"%s/*\"]\n", h.product, strings.ToUpper(h.product[:3])+h.product[3:], h.owner)
	}
	for _, r := range testRules {
		fmt.Fprintf(&b, "[[affiliations]]\ndomain = %q\n", r.domain)
		if r.org != "" {
			fmt.Fprintf(&b, "organization = %q\n", r.org)
		} else {
			fmt.Fprintf(&b, "supplier = %q\n", r.supplier)
		}
		if r.from != "" {
			fmt.Fprintf(&b, "from = %q\nuntil = %q\n", r.from, r.until)
		}
	}
	cfg, err := config.Parse("test.toml", []byte(b.String()), nil)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func setup(t testing.TB, store *storage.Store, cfg *config.Config) {
	t.Helper()
	ctx := context.Background()
	if err := store.SyncProducts(ctx, storage.ConfiguredProducts(cfg)); err != nil {
		t.Fatal(err)
	}
	_, err := store.ImportRegister(ctx, storage.Register{Source: "test", SHA256: "test", Members: []storage.Membership{
		{OrganizationID: "751", Since: civil.MustParse("2020-01-01")},
		{OrganizationID: "540", Since: civil.MustParse("2015-01-01"), Until: civil.MustParse("2024-01-01")},
	}})
	if err != nil {
		t.Fatal(err)
	}
}

type histRow struct {
	product, key, sha, day, email, name string
	at, committed                       time.Time
}

// readHistories reads the example histories with plain code.
func readHistories(t testing.TB) []histRow {
	t.Helper()
	var out []histRow
	for _, h := range historyFiles {
		f, err := os.Open(filepath.Join(exampleHistories, h.file))
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		sc.Scan()
		for sc.Scan() {
			p := strings.Split(sc.Text(), "\t")
			at, _ := time.Parse(time.RFC3339, p[2])
			committed, _ := time.Parse(time.RFC3339, p[3])
			out = append(out, histRow{product: h.product, key: storage.RepoKey("github.com", h.owner, h.name), sha: p[0],
				day: at.UTC().Format(time.DateOnly), email: strings.ToLower(p[5]), name: p[4], at: at, committed: committed})
		}
		f.Close()
	}
	return out
}

func loadHistories(t testing.TB, store *storage.Store, rows []histRow) {
	t.Helper()
	ctx := context.Background()
	for _, h := range historyFiles {
		if err := store.UpsertRepository(ctx, storage.Repository{Forge: "github.com", Owner: h.owner, Name: h.name}, []string{h.product}); err != nil {
			t.Fatal(err)
		}
	}
	var cs []storage.Contribution
	for _, r := range rows {
		cs = append(cs, storage.Contribution{RepositoryKey: r.key, Kind: storage.KindCommit, ExtID: r.sha, At: r.at, CommittedAt: r.committed, Email: r.email, Name: r.name})
	}
	if n, err := store.AddContributions(ctx, cs); err != nil || n != len(rows) {
		t.Fatalf("stored %d of %d: %v", n, len(rows), err)
	}
	// The histories are whole exports: they reach every date compared.
	for _, h := range historyFiles {
		if err := store.RaiseCoverage(ctx, storage.RepoKey("github.com", h.owner, h.name), civil.New(2026, 12, 31)); err != nil {
			t.Fatal(err)
		}
	}
}

// independent counts active contributors straight from the history rows:
// distinct lower-cased author e-mails whose author date (UTC) falls in the
// window, each under the affiliation of their latest commit.
func independent(rows []histRow, product string, date time.Time, window int) (int, Affiliations) {
	to := date.Format(time.DateOnly)
	from := date.AddDate(0, 0, -(window - 1)).Format(time.DateOnly)
	type latest struct{ day, aff string }
	persons := map[string]latest{}
	rank := map[string]int{"member": 3, "supplier": 2, "unknown": 1}
	for _, r := range rows {
		if (product != "" && r.product != product) || r.day < from || r.day > to {
			continue
		}
		aff := "unknown"
		domain := r.email[strings.LastIndex(r.email, "@")+1:]
		var best *testRule
		for i, rule := range testRules {
			if domain != rule.domain && !strings.HasSuffix(domain, "."+rule.domain) {
				continue
			}
			if (rule.from != "" && r.day < rule.from) || (rule.until != "" && r.day >= rule.until) {
				continue
			}
			if best == nil || len(rule.domain) > len(best.domain) {
				best = &testRules[i]
			}
		}
		switch {
		case best == nil:
		case best.supplier != "":
			aff = "supplier"
		case testMember(best.org, to):
			aff = "member"
		}
		cur, ok := persons[r.email]
		if !ok || r.day > cur.day || (r.day == cur.day && rank[aff] > rank[cur.aff]) {
			persons[r.email] = latest{r.day, aff}
		}
	}
	var a Affiliations
	for _, p := range persons {
		switch p.aff {
		case "member":
			a.Member++
		case "supplier":
			a.Supplier++
		default:
			a.Unknown++
		}
	}
	return len(persons), a
}

// TestContributorsMatchIndependentCount computes the figures from the
// four real histories at every quarter end since 2013 with three windows,
// and as series, and compares them with a count made directly from the
// files.
func TestContributorsMatchIndependentCount(t *testing.T) {
	rows := readHistories(t)
	storagetest.Each(t, func(t *testing.T, store *storage.Store) {
		ctx := context.Background()
		cfg := testConfig(t, "")
		setup(t, store, cfg)
		loadHistories(t, store, rows)
		calc := New(store.ReadOnly(), cfg)

		compared := 0
		for d := time.Date(2013, 3, 31, 0, 0, 0, 0, time.UTC); d.Year() <= 2026; d = time.Date(d.Year(), d.Month()+4, 0, 0, 0, 0, 0, time.UTC) {
			for _, w := range []int{30, 90, 365} {
				got, err := calc.Contributors(ctx, civil.Of(d), w)
				if err != nil {
					t.Fatal(err)
				}
				for i, h := range historyFiles {
					n, aff := independent(rows, h.product, d, w)
					p := got.Products[i]
					if p.ID != h.product || count(p.ActiveContributors) != n || affs(p.ByAffiliation) != aff {
						t.Errorf("%s on %s, %d days: %v %+v, independent count %d %+v", h.product, d.Format(time.DateOnly), w, p.ActiveContributors, p.ByAffiliation, n, aff)
					}
					compared++
				}
				n, aff := independent(rows, "", d, w)
				if count(got.PortfolioActiveContributors) != n || affs(got.PortfolioByAffiliation) != aff {
					t.Errorf("portfolio on %s, %d days: %v %+v, independent count %d %+v", d.Format(time.DateOnly), w, got.PortfolioActiveContributors, got.PortfolioByAffiliation, n, aff)
				}
			}
		}
		if compared != 56*3*4 {
			t.Errorf("%d comparisons, want %d", compared, 56*3*4)
		}

		// The example's figures on 2025-12-31 over 90 days, spelled out.
		got, err := calc.Contributors(ctx, civil.New(2025, 12, 31), 90)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]string{
			"os2forms":      "7 {Member:2 Supplier:2 Unknown:3} 1",
			"os2borgerpc":   "0 {Member:0 Supplier:0 Unknown:0} 1",
			"os2display":    "1 {Member:0 Supplier:0 Unknown:1} 1",
			"os2compliance": "0 {Member:0 Supplier:0 Unknown:0} 1",
		}
		for _, p := range got.Products {
			if s := fmt.Sprintf("%d %+v %d", count(p.ActiveContributors), affs(p.ByAffiliation), p.Repositories); s != want[p.ID] {
				t.Errorf("2025-12-31 %s = %s, want %s", p.ID, s, want[p.ID])
			}
		}
		if count(got.PortfolioActiveContributors) != 8 || got.Date.String() != "2025-12-31" || got.WindowDays != 90 {
			t.Errorf("2025-12-31 portfolio = %v (%s, %d days), want 8", got.PortfolioActiveContributors, got.Date, got.WindowDays)
		}

		checkSeries(t, calc, rows)
	})
}

// TestContributorDefinition checks the definition's edges on hand-made
// contributions: products p1 (o1/*) and p2 (o2/*).
func TestContributorDefinition(t *testing.T) {
	at := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	a, b, old := "github.com/o1/a", "github.com/o2/b", "github.com/o1/old"
	c := func(repo, kind, id, when, login, email, name string) storage.Contribution {
		return storage.Contribution{RepositoryKey: repo, Kind: kind, ExtID: id, At: at(when), Login: login, Email: email, Name: name}
	}
	commit, pr := storage.KindCommit, storage.KindPullRequest
	type want struct {
		p1, p2, portfolio int
		p1Aff             Affiliations
	}
	tests := []struct {
		name   string
		date   string
		window int
		cs     []storage.Contribution
		want   want
	}{
		{"window is D-W+1..D in UTC", "2025-06-30", 30, []storage.Contribution{
			c(a, commit, "1", "2025-06-01T00:00:00Z", "", "first@x.dk", ""),
			c(a, commit, "2", "2025-05-31T23:59:59Z", "", "before@x.dk", ""),
			c(a, commit, "3", "2025-06-30T23:59:59Z", "", "last@x.dk", ""),
			c(a, commit, "4", "2025-07-01T00:00:00Z", "", "after@x.dk", ""),
			c(a, commit, "5", "2025-06-01T01:30:00+02:00", "", "east@x.dk", ""), // 31 May UTC
			c(a, commit, "6", "2025-05-31T23:30:00-02:00", "", "west@x.dk", ""), // 1 June UTC
		}, want{3, 0, 3, Affiliations{Unknown: 3}}},
		{"bots are left out", "2025-06-30", 30, []storage.Contribution{
			c(a, pr, "1", "2025-06-10T10:00:00Z", "dependabot[bot]", "", ""),
			c(a, commit, "2", "2025-06-10T10:00:00Z", "", "41898282+github-actions[bot]@users.noreply.github.com", "github-actions[bot]"),
			c(a, pr, "3", "2025-06-10T10:00:00Z", "renovate-bot", "", ""),
			c(a, commit, "4", "2025-06-10T10:00:00Z", "", "noreply@weblate.org", "Weblate"),
			c(a, commit, "5", "2025-06-10T10:00:00Z", "", "dependabot@example.org", "dependabot"),
			c(a, commit, "6", "2025-06-10T10:00:00Z", "", "human@x.dk", "Human"),
		}, want{1, 0, 1, Affiliations{Unknown: 1}}},
		{"aliases merge a login and e-mails, case-insensitively", "2025-06-30", 30, []storage.Contribution{
			c(a, pr, "1", "2025-06-10T10:00:00Z", "Jane-GH", "", ""),
			c(a, commit, "2", "2025-06-11T10:00:00Z", "", "Jane@Aarhus.dk", "Jane"),
			c(a, commit, "3", "2025-06-12T10:00:00Z", "", "jane@private.example", "Jane"),
			c(b, commit, "4", "2025-06-12T10:00:00Z", "", "JANE@AARHUS.DK", "Jane"),
		}, want{1, 1, 1, Affiliations{Unknown: 1}}},
		{"a login linked on one commit and not on another are two persons", "2025-06-30", 30, []storage.Contribution{
			c(a, commit, "1", "2025-06-10T10:00:00Z", "ann", "ann@x.dk", "Ann"),
			c(a, commit, "2", "2025-06-11T10:00:00Z", "", "ann@x.dk", "Ann"),
		}, want{2, 0, 2, Affiliations{Unknown: 2}}},
		{"the latest contribution's affiliation wins (employer change by login rule)", "2025-06-30", 30, []storage.Contribution{
			c(a, pr, "1", "2025-06-05T10:00:00Z", "mover", "", ""),
			c(a, pr, "2", "2025-06-20T10:00:00Z", "mover", "", ""),
		}, want{1, 0, 1, Affiliations{Supplier: 1}}},
		{"before the change the organisation applies", "2025-06-09", 30, []storage.Contribution{
			c(a, pr, "1", "2025-06-05T10:00:00Z", "mover", "", ""),
			c(a, pr, "2", "2025-06-20T10:00:00Z", "mover", "", ""),
		}, want{1, 0, 1, Affiliations{Member: 1}}},
		{"an organisation counts as member only while a member", "2024-01-15", 30, []storage.Contribution{
			c(a, commit, "1", "2023-12-20T10:00:00Z", "", "s@sonderborg.dk", ""),
			c(a, commit, "2", "2024-01-10T10:00:00Z", "", "a@aarhus.dk", ""),
			c(a, commit, "3", "2024-01-10T10:00:00Z", "", "dev@bibos-admin.magenta-aps.dk", ""),
		}, want{3, 0, 3, Affiliations{Member: 1, Supplier: 1, Unknown: 1}}},
		{"a date-ranged domain rule applies only in its range", "2024-01-15", 30, []storage.Contribution{
			c(a, commit, "1", "2023-12-31T10:00:00Z", "", "x@linuxdev.dk", ""),
			c(a, commit, "2", "2024-01-01T10:00:00Z", "", "y@linuxdev.dk", ""),
		}, want{2, 0, 2, Affiliations{Supplier: 1, Unknown: 1}}},
		{"the portfolio counts a person once; a moved repository's history stays", "2025-06-30", 30, []storage.Contribution{
			c(a, pr, "1", "2025-06-10T10:00:00Z", "both", "", ""),
			c(b, pr, "2", "2025-06-10T10:00:00Z", "both", "", ""),
			c(old, commit, "3", "2025-06-11T10:00:00Z", "", "old@x.dk", ""),
		}, want{2, 1, 2, Affiliations{Unknown: 2}}},
	}
	extra := `[[contributors.aliases]]
person = "Jane"
identities = ["jane-gh", "Jane@Aarhus.dk", "jane@private.example"]
[[affiliations]]
login = "Mover"
organization = "751"
until = "2025-06-10"
[[affiliations]]
login = "mover"
supplier = "Magenta"
from = "2025-06-10"
`
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			store := storagetest.New(t, "sqlite")
			cfg := testConfig(t, extra)
			cfg.Products = []config.Product{
				{ID: "p1", Name: "P1", GovernanceLevel: "1", Repos: []string{"o1/*"}},
				{ID: "p2", Name: "P2", GovernanceLevel: "1", Repos: []string{"o2/*"}},
			}
			setup(t, store, cfg)
			for _, r := range []storage.Repository{
				{Forge: "github.com", Owner: "o1", Name: "a"},
				{Forge: "github.com", Owner: "o2", Name: "b"},
				{Forge: "github.com", Owner: "o1", Name: "old", Status: storage.RepoMoved, MovedTo: a},
			} {
				if err := store.UpsertRepository(ctx, r, cfg.ProductsOf(config.RepoSpec{Forge: r.Forge, Owner: r.Owner, Name: r.Name})); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := store.AddContributions(ctx, tt.cs); err != nil {
				t.Fatal(err)
			}
			d := civil.MustParse(tt.date)
			// The histories reach the date: the figures are known.
			for _, k := range []string{a, storage.RepoKey("github.com", "o2", "b")} {
				if err := store.RaiseCoverage(ctx, k, d); err != nil {
					t.Fatal(err)
				}
			}
			got, err := New(store.ReadOnly(), cfg).Contributors(ctx, d, tt.window)
			if err != nil {
				t.Fatal(err)
			}
			g := want{count(got.Products[0].ActiveContributors), count(got.Products[1].ActiveContributors), count(got.PortfolioActiveContributors), affs(got.Products[0].ByAffiliation)}
			if g != tt.want {
				t.Errorf("got p1 %d, p2 %d, portfolio %d, p1 %+v; want %+v", g.p1, g.p2, g.portfolio, g.p1Aff, tt.want)
			}
			if got.Products[0].Repositories != 1 || got.Products[1].Repositories != 1 {
				t.Errorf("repositories = %d, %d; want 1, 1 (the moved one is not counted twice)", got.Products[0].Repositories, got.Products[1].Repositories)
			}
		})
	}
}

// checkSeries: each point of a series equals the independent count on
// its date; unknown products and empty windows are refused.
func checkSeries(t *testing.T, calc *Calculator, rows []histRow) {
	ctx := context.Background()
	from, to := civil.New(2022, 1, 1), civil.New(2025, 12, 31)
	for _, product := range []string{"", "os2forms", "os2compliance"} {
		s, err := calc.ContributorSeries(ctx, product, from, to, Quarter, 90)
		if err != nil {
			t.Fatal(err)
		}
		if len(s.Points) != 16 || s.Product != product || s.Step != Quarter || s.WindowDays != 90 {
			t.Fatalf("series %q: %d points, %+v", product, len(s.Points), s)
		}
		for _, p := range s.Points {
			d := p.Date
			n, aff := independent(rows, product, d.Time(), 90)
			if count(p.ActiveContributors) != n || affs(p.ByAffiliation) != aff {
				t.Errorf("series %q on %s: %v %+v, independent %d %+v", product, p.Date, p.ActiveContributors, p.ByAffiliation, n, aff)
			}
		}
	}
	if _, err := calc.ContributorSeries(ctx, "nope", from, to, Month, 90); err == nil || !strings.Contains(err.Error(), `unknown product "nope"`) {
		t.Errorf("unknown product: err = %v", err)
	}
	if _, err := calc.Contributors(ctx, to, 0); err == nil {
		t.Error("window 0: no error")
	}
}

// TestProductActivity checks the per-repository detail and the
// concentration figure.
func TestProductActivity(t *testing.T) {
	ctx := context.Background()
	store := storagetest.New(t, "sqlite")
	cfg := testConfig(t, "")
	setup(t, store, cfg)
	a, b := storage.RepoKey("github.com", "OS2Forms", "os2forms"), storage.RepoKey("github.com", "OS2Forms", "quiet")
	for _, r := range []storage.Repository{
		// os2forms was collected from GitHub; quiet only from a git log.
		{Forge: "github.com", Owner: "OS2Forms", Name: "os2forms", Description: "Forms", CheckedAt: "2025-06-30T06:00:00Z"},
		{Forge: "github.com", Owner: "OS2Forms", Name: "quiet", Archived: true},
	} {
		if err := store.UpsertRepository(ctx, r, []string{"os2forms"}); err != nil {
			t.Fatal(err)
		}
	}
	var cs []storage.Contribution
	add := func(repo, kind, who string, n int, day string) {
		for i := 0; i < n; i++ {
			at, _ := time.Parse(time.RFC3339, day+"T10:00:00Z")
			cs = append(cs, storage.Contribution{RepositoryKey: repo, Kind: kind, ExtID: fmt.Sprintf("%s-%s-%d-%s", kind, who, i, day),
				At: at.Add(time.Duration(i) * time.Minute), Email: who + "@aarhus.dk"})
		}
	}
	add(a, storage.KindCommit, "ann", 4, "2025-06-01")
	add(a, storage.KindCommit, "bo", 3, "2025-06-02")
	add(a, storage.KindPullRequest, "cy", 2, "2025-06-03")
	add(a, storage.KindReview, "cy", 1, "2025-06-04")
	add(a, storage.KindIssue, "dependabot", 5, "2025-06-05") // a bot: counted in the repository, not as a person
	add(b, storage.KindCommit, "ann", 1, "2024-01-01")       // before the window
	if _, err := store.AddContributions(ctx, cs); err != nil {
		t.Fatal(err)
	}
	if err := store.PutSnapshot(ctx, storage.Snapshot{RepositoryKey: a, Day: civil.MustParse("2025-05-01"), Stars: 42}); err != nil {
		t.Fatal(err)
	}
	if _, err := store.AddReleases(ctx, []storage.Release{{RepositoryKey: a, ExtID: "1", Tag: "v1.2.0", PublishedAt: time.Date(2025, 5, 2, 0, 0, 0, 0, time.UTC)}}); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{a, b} {
		if err := store.RaiseCoverage(ctx, k, civil.New(2025, 6, 30)); err != nil {
			t.Fatal(err)
		}
	}
	// A bot pattern for the dependabot e-mail.
	cfg.Contributors.Bots = append(cfg.Contributors.Bots, "^dependabot@")
	got, err := New(store.ReadOnly(), cfg).ProductActivity(ctx, "os2forms", civil.New(2025, 6, 30), 90)
	if err != nil {
		t.Fatal(err)
	}
	// ann 4, bo 3, cy 3 of 10: ann and bo make at least half.
	if count(got.ActiveContributors) != 3 || count(got.Contributions) != 10 || count(got.Concentration) != 2 || affs(got.ByAffiliation) != (Affiliations{Member: 3}) {
		t.Errorf("product = %v active, %v contributions, concentration %v, %+v; want 3, 10, 2, 3 members",
			got.ActiveContributors, got.Contributions, got.Concentration, got.ByAffiliation)
	}
	if len(got.Repositories) != 2 {
		t.Fatalf("repositories = %+v", got.Repositories)
	}
	r0, r1 := got.Repositories[0], got.Repositories[1]
	if r0.Key != a || r0.Commits != Know(7) || r0.PullRequests != Know(2) || r0.Reviews != Know(1) || r0.Issues != Know(5) || r0.Contributors != Know(3) ||
		r0.Stars != Know(42) || r0.LatestTag != "v1.2.0" || r0.LastActivity.String() != "2025-06-05" || r0.URL != "https://github.com/OS2Forms/os2forms" || r0.FullName != "OS2Forms/os2forms" {
		t.Errorf("first repository = %+v", r0)
	}
	// Never asked of GitHub: what only GitHub tells is not known.
	if r1.Key != b || r1.Commits != Know(0) || r1.Contributors != Know(0) || !r1.Archived || r1.LastActivity.String() != "2024-01-01" ||
		r1.PullRequests.OK() || r1.Issues.OK() || r1.Reviews.OK() || r1.Stars.OK() {
		t.Errorf("second repository = %+v", r1)
	}
	// A month past the collected history (30 June): each repository's
	// commits and contributors are not known, rather than 0.
	late, err := New(store.ReadOnly(), cfg).ProductActivity(ctx, "os2forms", civil.New(2025, 7, 31), 90)
	if err != nil {
		t.Fatal(err)
	}
	if len(late.Repositories) != 2 {
		t.Fatalf("repositories on 31 July = %+v", late.Repositories)
	}
	for _, r := range late.Repositories {
		if r.Commits.OK() || r.Contributors.OK() {
			t.Errorf("%s on 31 July, past the history: commits %v, contributors %v; want both unknown", r.Key, r.Commits, r.Contributors)
		}
	}
	if _, err := New(store.ReadOnly(), cfg).ProductActivity(ctx, "nope", civil.Today(time.Now()), 90); err == nil {
		t.Error("unknown product: no error")
	}
}

func TestConcentration(t *testing.T) {
	tests := []struct {
		counts []int
		want   int
	}{
		{nil, 0},
		{[]int{1}, 1},
		{[]int{5, 3, 2}, 1},
		{[]int{4, 3, 3}, 2},
		{[]int{1, 1, 1, 1}, 2},
		{[]int{3, 3}, 1},
		{[]int{1, 1, 1, 1, 1}, 3},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.counts), func(t *testing.T) {
			tl := tally{perPers: map[string]int{}}
			for i, n := range tt.counts {
				tl.perPers[fmt.Sprint(i)] = n
				tl.total += n
			}
			if got := tl.concentration(); got != tt.want {
				t.Errorf("concentration(%v) = %d, want %d", tt.counts, got, tt.want)
			}
		})
	}
}
