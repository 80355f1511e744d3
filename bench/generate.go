package main

import (
	"bufio"
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"os2pulse/figures"
)

// Size is one synthetic portfolio: 1× is about OS2's real scale grown
// ten years, 10× what a much larger community would hold.
type Size struct {
	Name     string
	Products int
	Repos    int // spread over the products
	Commits  int // spread over the repositories and the years
	Persons  int
	Years    int // of history, ending 31 December of Last
}

// Sizes are the portfolios the driver knows.
var Sizes = map[string]Size{
	"tiny": {Name: "tiny", Products: 5, Repos: 12, Commits: 3_000, Persons: 120, Years: 10},
	"1x":   {Name: "1x", Products: 50, Repos: 300, Commits: 300_000, Persons: 5_000, Years: 10},
	"10x":  {Name: "10x", Products: 50, Repos: 300, Commits: 3_000_000, Persons: 50_000, Years: 10},
}

// lastYear is the last year of every synthetic history.
const lastYear = 2025

// Portfolio is a generated portfolio on disk.
type Portfolio struct {
	Size      Size
	Dir       string
	Config    string   // path of os2pulse.toml (its dsn is set by the driver)
	Products  []string // product ids
	Histories []History
}

// History is one repository's git log export.
type History struct {
	Repo    string // FORGE/OWNER/NAME
	File    string // path relative to Dir
	Commits int
}

// domains people commit from: member municipalities (affiliated by
// domain), suppliers, and addresses no rule knows.
var (
	municipalDomains = []string{"aarhus.dk", "kk.dk", "odense.dk", "aalborg.dk", "vejle.dk", "ballerup.dk", "frederiksberg.dk", "svendborg.dk"}
	municipalCodes   = []string{"751", "101", "461", "851", "630", "151", "147", "479"}
	supplierDomains  = []string{"magenta.dk", "bellcom.dk", "itk.aarhus.dk", "netcompany.com"}
	otherDomains     = []string{"gmail.com", "example.org", "users.noreply.github.com"}
)

// Generate writes the portfolio of size s into dir, the same for the same
// seed: configuration, adoption register, members list and one git log
// export per repository.
func Generate(dir string, s Size, seed uint64) (*Portfolio, error) {
	p, r := describe(dir, s, seed)
	if err := os.MkdirAll(filepath.Join(dir, "histories"), 0o755); err != nil {
		return nil, err
	}
	if err := p.writeHistories(r); err != nil {
		return nil, err
	}
	if err := p.writeRegister(r); err != nil {
		return nil, err
	}
	return p, p.writeConfig()
}

// Describe is the portfolio Generate writes into dir, without writing it.
func Describe(dir string, s Size, seed uint64) *Portfolio {
	p, _ := describe(dir, s, seed)
	return p
}

func describe(dir string, s Size, seed uint64) (*Portfolio, *rand.Rand) {
	r := rand.New(rand.NewPCG(seed, uint64(s.Commits)))
	p := &Portfolio{Size: s, Dir: dir, Config: filepath.Join(dir, "os2pulse.toml")}
	for i := range s.Products {
		p.Products = append(p.Products, fmt.Sprintf("product%02d", i+1))
	}
	// Repositories: round robin over products, on a forge os2pulse does
	// not poll, so the histories are the only source of activity.
	perRepo := distribute(r, s.Commits, s.Repos)
	for i := range s.Repos {
		prod := p.Products[i%len(p.Products)]
		p.Histories = append(p.Histories, History{Repo: fmt.Sprintf("git.example.dk/%s/repo%03d", prod, i+1),
			File: fmt.Sprintf("histories/repo%03d.tsv", i+1), Commits: perRepo[i]})
	}
	return p, r
}

// distribute splits n over k parts with a long tail: a few repositories
// carry most of the history, as in real portfolios.
func distribute(r *rand.Rand, n, k int) []int {
	weights := make([]float64, k)
	sum := 0.0
	for i := range weights {
		weights[i] = 1 / float64(1+r.IntN(20))
		sum += weights[i]
	}
	out := make([]int, k)
	given := 0
	for i := range out {
		out[i] = int(float64(n) * weights[i] / sum)
		given += out[i]
	}
	for i := 0; given < n; i = (i + 1) % k {
		out[i]++
		given++
	}
	return out
}

// person i's e-mail address: the first persons are municipal employees,
// then suppliers' staff, then people no affiliation rule knows.
func personEmail(i, persons int) string {
	switch {
	case i < persons/5:
		return fmt.Sprintf("p%d@%s", i, municipalDomains[i%len(municipalDomains)])
	case i < persons*3/5:
		return fmt.Sprintf("p%d@%s", i, supplierDomains[i%len(supplierDomains)])
	}
	return fmt.Sprintf("p%d@%s", i, otherDomains[i%len(otherDomains)])
}

func (p *Portfolio) writeHistories(r *rand.Rand) error {
	start := time.Date(lastYear-p.Size.Years+1, 1, 1, 0, 0, 0, 0, time.UTC)
	span := time.Date(lastYear+1, 1, 1, 0, 0, 0, 0, time.UTC).Sub(start)
	for ri, h := range p.Histories {
		// Each repository has its own circle of persons, overlapping with
		// its neighbours', so products share some contributors.
		circle := max(8, p.Size.Persons/len(p.Histories)*4)
		base := r.IntN(p.Size.Persons)
		ats := make([]time.Time, h.Commits)
		for i := range ats {
			ats[i] = start.Add(time.Duration(r.Int64N(int64(span))))
		}
		sort.Slice(ats, func(i, j int) bool { return ats[i].After(ats[j]) }) // git log: newest first
		f, err := os.Create(filepath.Join(p.Dir, h.File))
		if err != nil {
			return err
		}
		w := bufio.NewWriterSize(f, 1<<16)
		w.WriteString("sha\tparents\tauthor_date\tcommitter_date\tauthor_name\tauthor_email\tcommitter_name\tcommitter_email\n")
		prev := ""
		for i, at := range ats {
			person := (base + r.IntN(circle)) % p.Size.Persons
			sum := sha1.Sum(fmt.Appendf(nil, "%d/%d/%d", ri, i, person))
			sha := hex.EncodeToString(sum[:])
			email := personEmail(person, p.Size.Persons)
			name := fmt.Sprintf("Person %d", person)
			stamp := at.Format(time.RFC3339)
			fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", sha, prev, stamp, stamp, name, email, name, email)
			prev = sha
		}
		if err := w.Flush(); err != nil {
			f.Close()
			return err
		}
		if err := f.Close(); err != nil {
			return err
		}
	}
	return nil
}

func (p *Portfolio) writeRegister(r *rand.Rand) error {
	munis, err := figures.Municipalities()
	if err != nil {
		return err
	}
	first := lastYear - p.Size.Years + 1
	day := func(year int) string {
		return time.Date(year, time.Month(1+r.IntN(12)), 1+r.IntN(28), 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
	}
	var members strings.Builder
	members.WriteString("organization,name,kind,member_since,member_until\n")
	isMember := map[string]bool{}
	for i, m := range munis {
		if i%10 < 7 { // about 70 % of the municipalities are members
			fmt.Fprintf(&members, "%s,,municipality,%s,\n", m.ID, day(first+r.IntN(p.Size.Years/2+1)))
			isMember[m.ID] = true
		}
	}
	members.WriteString("region-a,Region A,region," + day(first) + ",\n")
	var adoption strings.Builder
	adoption.WriteString("organization,product,status,since,until,note\n")
	for pi, prod := range p.Products {
		// Popular products reach most municipalities, the tail a few.
		reach := 0.05 + 0.8/float64(1+pi%10)
		for _, m := range munis {
			if r.Float64() >= reach {
				continue
			}
			y := first + r.IntN(p.Size.Years)
			if r.IntN(8) == 0 { // a pilot first, production a year later
				pilot, prodSince := day(y), fmt.Sprintf("%d-06-01", y+1)
				if pilot < prodSince && y+1 <= lastYear {
					fmt.Fprintf(&adoption, "%s,%s,pilot,%s,%s,synthetic\n", m.ID, prod, pilot, prodSince)
					fmt.Fprintf(&adoption, "%s,%s,production,%s,,synthetic\n", m.ID, prod, prodSince)
					continue
				}
			}
			fmt.Fprintf(&adoption, "%s,%s,production,%s,,synthetic\n", m.ID, prod, day(y))
		}
	}
	if err := os.WriteFile(filepath.Join(p.Dir, "members.csv"), []byte(members.String()), 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(p.Dir, "adoption.csv"), []byte(adoption.String()), 0o644)
}

func (p *Portfolio) writeConfig() error {
	var b strings.Builder
	fmt.Fprintf(&b, `# Synthetic portfolio %s for benchmarks (generated; illustrative).
[portfolio]
name = "Synthetic %s"
illustrative = true

[storage]
driver = "sqlite"
dsn = "os2pulse.db"

[github]
disabled = true

[register]
adoption = "adoption.csv"
members = "members.csv"

`, p.Size.Name, p.Size.Name)
	for _, prod := range p.Products {
		var repos []string
		for _, h := range p.Histories {
			if strings.HasPrefix(h.Repo, "git.example.dk/"+prod+"/") {
				repos = append(repos, fmt.Sprintf("%q", h.Repo))
			}
		}
		fmt.Fprintf(&b, "[[products]]\nid = %q\nname = %q\ngovernance_level = \"2\"\nrepos = [%s]\n\n",
			prod, strings.ToUpper(prod[:1])+prod[1:], strings.Join(repos, ", "))
	}
	for _, h := range p.Histories {
		fmt.Fprintf(&b, "[[activity]]\nrepo = %q\nfile = %q\n\n", h.Repo, h.File)
	}
	for i, d := range municipalDomains {
		fmt.Fprintf(&b, "[[affiliations]]\ndomain = %q\norganization = %q\n\n", d, municipalCodes[i])
	}
	for _, d := range supplierDomains {
		fmt.Fprintf(&b, "[[affiliations]]\ndomain = %q\nsupplier = %q\n\n", d, d)
	}
	fmt.Fprintf(&b, `[[goals]]
id = "members"
title = { da = "Medlemmer", en = "Members" }
metric = "members"
target = 90
baseline_date = "%d-01-01"
deadline = "%d-12-31"

[[goals]]
id = "three-plus"
title = { da = "Tre eller flere produkter", en = "Three or more products" }
metric = "members_three_plus_share"
target = 0.8
baseline_date = "%d-01-01"
deadline = "%d-12-31"

[[goals]]
id = "contributors"
title = { da = "Aktive bidragydere", en = "Active contributors" }
metric = "active_contributors"
product = %q
target = 50
baseline_date = "%d-01-01"
deadline = "%d-12-31"
`, lastYear-3, lastYear+2, lastYear-3, lastYear+2, p.Products[0], lastYear-3, lastYear+2)
	return os.WriteFile(p.Config, []byte(b.String()), 0o644)
}
