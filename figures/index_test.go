package figures

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"

	"os2pulse/civil"
	"os2pulse/config"
	"os2pulse/contribindex"
	"os2pulse/storage"
	"os2pulse/storage/storagetest"
)

// randomPortfolio is a hand-built portfolio drawn from a seed: products
// sharing repositories, persons with logins or only e-mail addresses,
// aliases, bots, dated login and domain rules, memberships.
type randomPortfolio struct {
	cfg   *config.Config
	repos map[string][]string // product → repository names
	r     *rand.Rand
	n     int // contributions drawn so far
}

var randomDomains = []string{"aarhus.dk", "sonderborg.dk", "bellcom.dk", "it.bellcom.dk", "example.org", "linuxdev.dk"}

func newRandomPortfolio(t testing.TB, seed uint64) *randomPortfolio {
	t.Helper()
	rp := &randomPortfolio{repos: map[string][]string{}, r: rand.New(rand.NewPCG(seed, 7))}
	var b strings.Builder
	b.WriteString("[storage]\ndriver = \"sqlite\"\ndsn = \"unused.db\"\n[contributors]\nwindow_days = 30\nbots = [\"^ci-\", \"robot@\"]\n")
	b.WriteString("[[contributors.aliases]]\nperson = \"Alice\"\nidentities = [\"alice\", \"p1@aarhus.dk\"]\n")
	b.WriteString("[[contributors.aliases]]\nperson = \"Bob\"\nidentities = [\"p2@bellcom.dk\", \"p3@example.org\"]\n")
	for i := range 4 {
		id := fmt.Sprintf("prod%d", i)
		fmt.Fprintf(&b, "[[products]]\nid = %q\nname = %q\ngovernance_level = \"2\"\nrepos = [\"Org%d/*\"]\n", id, "Product "+id, i)
		for j := range 1 + rp.r.IntN(3) {
			rp.repos[id] = append(rp.repos[id], fmt.Sprintf("repo%d", j))
		}
	}
	b.WriteString(`[[affiliations]]
domain = "aarhus.dk"
organization = "751"
[[affiliations]]
domain = "sonderborg.dk"
organization = "540"
[[affiliations]]
domain = "bellcom.dk"
supplier = "Bellcom"
[[affiliations]]
domain = "it.bellcom.dk"
organization = "540"
from = "2021-03-01"
until = "2021-09-01"
[[affiliations]]
domain = "linuxdev.dk"
supplier = "Linuxdev"
from = "2021-01-01"
until = "2021-06-01"
[[affiliations]]
login = "p4"
organization = "751"
until = "2021-04-15"
`)
	cfg, err := config.Parse("test.toml", []byte(b.String()), nil)
	if err != nil {
		t.Fatal(err)
	}
	rp.cfg = cfg
	return rp
}

func (rp *randomPortfolio) setup(t testing.TB, store *storage.Store) {
	t.Helper()
	ctx := context.Background()
	if err := store.SyncProducts(ctx, storage.ConfiguredProducts(rp.cfg)); err != nil {
		t.Fatal(err)
	}
	_, err := store.ImportRegister(ctx, storage.Register{Source: "test", SHA256: "test", Members: []storage.Membership{
		{OrganizationID: "751", Since: civil.MustParse("2021-02-01")},
		{OrganizationID: "540", Since: civil.MustParse("2020-01-01"), Until: civil.MustParse("2021-07-01")},
	}})
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range rp.cfg.Products {
		for _, name := range rp.repos[p.ID] {
			if err := store.UpsertRepository(ctx, storage.Repository{Forge: "github.com", Owner: fmt.Sprintf("Org%d", i), Name: name}, []string{p.ID}); err != nil {
				t.Fatal(err)
			}
		}
	}
	// One repository shared by two products.
	if err := store.UpsertRepository(ctx, storage.Repository{Forge: "github.com", Owner: "Org0", Name: "shared"}, []string{"prod0", "prod1"}); err != nil {
		t.Fatal(err)
	}
	// Every history reaches mid-2021, so that the figures up to then are
	// known (and compared as numbers) and later ones not (until a test
	// raises a repository's coverage).
	repos, err := store.Repositories(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range repos {
		if err := store.RaiseCoverage(ctx, r.Key, civil.MustParse("2021-06-30")); err != nil {
			t.Fatal(err)
		}
	}
}

var randomStart = civil.MustParse("2020-10-01")

// draw returns n random contributions over 2020-10 … 2021-12; some of
// them repeat earlier ones, which storage ignores.
func (rp *randomPortfolio) draw(n int) []storage.Contribution {
	var out []storage.Contribution
	keys := []string{storage.RepoKey("github.com", "Org0", "shared")}
	for i, p := range rp.cfg.Products {
		for _, name := range rp.repos[p.ID] {
			keys = append(keys, storage.RepoKey("github.com", fmt.Sprintf("Org%d", i), name))
		}
	}
	kinds := []string{storage.KindCommit, storage.KindPullRequest, storage.KindIssue, storage.KindReview}
	for range n {
		rp.n++
		day := randomStart.AddDays(rp.r.IntN(450))
		if rp.r.IntN(4) == 0 {
			// A busy month: rows of one repository, day and person
			// written again by later writes.
			day = randomStart.AddDays(200 + rp.r.IntN(20))
		}
		c := storage.Contribution{RepositoryKey: keys[rp.r.IntN(len(keys))], Kind: kinds[rp.r.IntN(len(kinds))],
			ExtID: fmt.Sprint(rp.n), At: day.Time().Add(time.Duration(rp.r.IntN(86400)) * time.Second)}
		if rp.n > 10 && rp.r.IntN(20) == 0 {
			c.ExtID = fmt.Sprint(rp.r.IntN(rp.n-1) + 1) // known already, or another kind's
		}
		p := rp.r.IntN(40)
		c.Name = fmt.Sprintf("Person %d", p)
		c.Email = fmt.Sprintf("p%d@%s", p, randomDomains[(p+rp.r.IntN(2))%len(randomDomains)])
		switch {
		case p%3 == 0:
			c.Login = fmt.Sprintf("P%d", p)
		case p == 1 && rp.r.IntN(2) == 0:
			c.Login = "alice"
		case p == 5:
			c.Name = "Release [bot]"
		case p == 7:
			c.Login = "ci-runner"
		case p == 8:
			c.Email = "robot@example.org"
		}
		out = append(out, c)
	}
	return out
}

// fromStore computes the figures the old way, from storage, for
// comparison.
func compareWithStore(t *testing.T, ctx context.Context, c *Calculator, rp *randomPortfolio) {
	t.Helper()
	for _, date := range []civil.Date{civil.MustParse("2020-09-30"), civil.MustParse("2021-04-15"),
		civil.MustParse("2021-06-30"), civil.MustParse("2022-03-01")} {
		for _, w := range []int{1, 30, 365} {
			got, err := c.contributorsOn(ctx, date, w)
			if err != nil {
				t.Fatal(err)
			}
			want, err := c.contributorsFromStore(ctx, date, w)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("Contributors(%s, %d):\nindex %+v\nstore %+v", date, w, got, want)
			}
			for _, p := range append(c.productIDs(), "") {
				if p != "" {
					got, err := c.productActivityOn(ctx, p, date, w)
					if err != nil {
						t.Fatal(err)
					}
					want, err := c.productActivityFromStore(ctx, p, date, w)
					if err != nil {
						t.Fatal(err)
					}
					if !reflect.DeepEqual(got, want) {
						t.Fatalf("ProductActivity(%s, %s, %d):\nindex %+v\nstore %+v", p, date, w, got, want)
					}
				}
				for _, step := range []Step{Month, Year} {
					from := date.AddDate(0, -15, 3)
					got, err := c.ContributorSeries(ctx, p, from, date, step, w)
					if err != nil {
						t.Fatal(err)
					}
					pts, _ := Points(from, date, step)
					want, err := c.contributorSeriesFromStore(ctx, p, pts, step, w)
					if err != nil {
						t.Fatal(err)
					}
					if !reflect.DeepEqual(got, want) {
						t.Fatalf("ContributorSeries(%q, %s, %s, %s, %d):\nindex %+v\nstore %+v", p, from, date, step, w, got, want)
					}
				}
			}
		}
	}
}

// TestIndexMatchesStore computes every contributor figure from the index
// and from storage on random portfolios, after each of several writes
// (the index following them). That an index brought up to date write by
// write holds what one read at once does is contribindex's test.
func TestIndexMatchesStore(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, store *storage.Store) {
		ctx := context.Background()
		rp := newRandomPortfolio(t, 1)
		rp.setup(t, store)
		c := New(store.ReadOnly(), rp.cfg)
		batches := 3
		if testing.Short() {
			batches = 1
		}
		for batch := range batches {
			if _, err := store.AddContributions(ctx, rp.draw(150+batch*100)); err != nil {
				t.Fatal(err)
			}
			// Coverage moves too: the figures' completeness with it.
			key := storage.RepoKey("github.com", "Org0", "shared")
			if batch%2 == 1 {
				key = storage.RepoKey("github.com", "Org1", "repo0")
			}
			if err := store.RaiseCoverage(ctx, key, civil.MustParse("2021-11-01").AddDays(60*batch)); err != nil {
				t.Fatal(err)
			}
			compareWithStore(t, ctx, c, rp)
		}
	})
}

// TestWhileTheIndexLoads: the contributors on one date come from storage
// at once, a series waits for the load.
func TestWhileTheIndexLoads(t *testing.T) {
	store := storagetest.New(t, "sqlite")
	ctx := context.Background()
	rp := newRandomPortfolio(t, 2)
	rp.setup(t, store)
	if _, err := store.AddContributions(ctx, rp.draw(200)); err != nil {
		t.Fatal(err)
	}
	c := New(store.ReadOnly(), rp.cfg)
	// A load that does not end while the test runs.
	block := make(chan struct{})
	defer close(block)
	c.ix = contribindex.NewKeeper(blockedRollup{store.ReadOnly(), block}, c.resolver)
	c.ix.LoadInBackground(ctx, nil)
	date := civil.MustParse("2021-04-15")
	got, err := c.Contributors(ctx, date, 30)
	if err != nil {
		t.Fatal(err)
	}
	want, err := c.contributorsFromStore(ctx, date, 30)
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("while loading: %+v, %v; want %+v", got, err, want)
	}
	short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	if _, err := c.ContributorSeries(short, "", date.AddDate(-1, 0, 0), date, Month, 30); err == nil {
		t.Fatal("a series did not wait for the load")
	}
	if c.ix.Loaded() != nil {
		t.Fatal("the index was loaded a second time")
	}
}

// blockedRollup reads the rollup once unblock is closed.
type blockedRollup struct {
	*storage.Reader
	unblock chan struct{}
}

func (b blockedRollup) EachContributorDaySince(ctx context.Context, mark storage.RollupMark, fn func(storage.ContributorDay) error) (storage.RollupMark, error) {
	select {
	case <-b.unblock:
	case <-ctx.Done():
		return mark, ctx.Err()
	}
	return b.Reader.EachContributorDaySince(ctx, mark, fn)
}
