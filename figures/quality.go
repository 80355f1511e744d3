package figures

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"os2pulse/civil"
	"os2pulse/config"
	"os2pulse/storage"
)

// What the pages and the API show about the data themselves: how and when
// it was collected and what is wrong with it. These are read here, like
// every figure, so presentation never reads storage.

// Run is one collection run of one source.
type Run struct {
	ID        string
	Source    string
	StartedAt time.Time
	EndedAt   time.Time // zero while it runs
	Result    string    // RunRunning, RunSuccess, …
	Holder    string    // the instance that ran it
	Requests  int
	// RateLimitRemaining is the GitHub rate-limit budget left at its end;
	// not known for a run that did not ask GitHub.
	RateLimitRemaining Known[int]
	Message            string
	Errors             []RunError
}

// RunError is a problem with one item that did not stop a run.
type RunError struct {
	Item  string
	Error string
}

// Stamp writes a time as the API carries it, and storage keeps it: UTC,
// RFC 3339 with six fractional digits; "" for the zero time.
func Stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return storage.Stamp(t)
}

// stampTime reads a stored stamp; one that cannot be read is the zero
// time, shown as unknown.
func stampTime(s string) time.Time {
	t, err := storage.ParseStamp(s)
	if err != nil {
		return time.Time{}
	}
	return t
}

func runOf(r storage.Run) Run {
	out := Run{ID: r.ID, Source: r.Source, StartedAt: stampTime(r.StartedAt), EndedAt: stampTime(r.EndedAt), Result: r.Result,
		Holder: r.Holder, Requests: r.Requests, RateLimitRemaining: KnownIf(r.RateLimitRemaining, r.RateLimitRemaining >= 0), Message: r.Message}
	if r.Errors != nil {
		out.Errors = make([]RunError, len(r.Errors))
		for i, e := range r.Errors {
			out.Errors[i] = RunError{Item: e.Item, Error: e.Error}
		}
	}
	return out
}

// RegisterImport is one recorded change of the register: an import of
// files or a form's edit.
type RegisterImport struct {
	ID         string
	Source     string // the files, ", "-separated (see RegisterFileNames)
	ImportedAt time.Time
	SHA256     string
	// Added, Changed, Ended and Unchanged count the records.
	Added, Changed, Ended, Unchanged int
	Actor, Via, Action, Detail       string
}

func registerImportOf(r storage.RegisterImport) RegisterImport {
	return RegisterImport{ID: r.ID, Source: r.Source, ImportedAt: stampTime(r.ImportedAt), SHA256: r.SHA256, Added: r.Added,
		Changed: r.Changed, Ended: r.Ended, Unchanged: r.Unchanged, Actor: r.Actor, Via: r.Via, Action: r.Action, Detail: r.Detail}
}

// Repository is a source repository of a product, with the outcome of its
// last poll.
type Repository struct {
	Key                string
	Forge, Owner, Name string
	Status             string // RepoOK, RepoMoved, …
	MovedTo            string // forge/owner/name, when moved
	CheckedAt          time.Time
	// CoveredUntil is how far its history is known to be complete (zero:
	// not known); FailingSince when its polls began to fail (zero while
	// they succeed).
	CoveredUntil civil.Date
	FailingSince time.Time
}

// FullName is owner/name.
func (r Repository) FullName() string { return r.Owner + "/" + r.Name }

func repositoryOf(r storage.Repository) Repository {
	return Repository{Key: r.Key, Forge: r.Forge, Owner: r.Owner, Name: r.Name, Status: r.Status, MovedTo: r.MovedTo,
		CheckedAt: stampTime(r.CheckedAt), CoveredUntil: r.CoveredUntil, FailingSince: stampTime(r.FailingSince)}
}

// Run results.
const (
	RunRunning = storage.RunRunning
	RunSuccess = storage.RunSuccess
	RunPartial = storage.RunPartial
	RunFailure = storage.RunFailure
	// RunInterrupted: the instance running it stopped before it ended.
	RunInterrupted = storage.RunInterrupted
)

// Lease says which instance holds the collector lease, and until when.
type Lease struct {
	Holder                           string
	AcquiredAt, RenewedAt, ExpiresAt time.Time
}

// Repository statuses.
const (
	RepoOK          = storage.RepoOK
	RepoEmpty       = storage.RepoEmpty
	RepoNotFound    = storage.RepoNotFound
	RepoUnavailable = storage.RepoUnavailable
	RepoMoved       = storage.RepoMoved
	RepoUnreachable = storage.RepoUnreachable
	RepoError       = storage.RepoError
)

// RepoFailing reports whether a repository status is a failed poll.
func RepoFailing(status string) bool { return storage.RepoFailing(status) }

// Adoption statuses; only production counts as adoption.
const (
	StatusProduction = storage.StatusProduction
	StatusPilot      = storage.StatusPilot
	StatusPlanned    = storage.StatusPlanned
	StatusStopped    = storage.StatusStopped
)

// Organisation kinds.
const (
	KindMunicipality = storage.KindMunicipality
	KindRegion       = storage.KindRegion
	KindState        = storage.KindState
	KindOther        = storage.KindOther
)

// MunicipalitiesTotal is the number of Danish municipalities, the
// denominator of every "share of municipalities".
const MunicipalitiesTotal = storage.MunicipalitiesTotal

// Organization is a municipality, region, state body or other organisation.
type Organization struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	Kind       string `json:"kind"` // KindMunicipality, …
	RegionCode string `json:"region_code,omitempty"`
	Region     string `json:"region,omitempty"`
}

// Municipalities is the built-in list of the 98 municipalities with their
// regions, ordered by kommunekode.
func Municipalities() ([]Organization, error) {
	ms, err := storage.Municipalities()
	if err != nil {
		return nil, err
	}
	out := make([]Organization, len(ms))
	for i, m := range ms {
		out[i] = Organization{ID: m.ID, Name: m.Name, Kind: m.Kind, RegionCode: m.RegionCode, Region: m.Region}
	}
	return out, nil
}

// LastRuns returns the newest run of each source.
func (c *Calculator) LastRuns(ctx context.Context) ([]Run, error) {
	return cachedIn(ctx, c, "last-runs", depRuns, func() ([]Run, error) {
		runs, err := c.store.LastRuns(ctx)
		out := make([]Run, len(runs))
		for i, r := range runs {
			out[i] = runOf(r)
		}
		return out, err
	})
}

// CollectorLease returns the collector lease while an instance holds it
// at now; ok is false when none does. It is read every time, not cached:
// renewing a lease changes no figure, so the data version stays.
func (c *Calculator) CollectorLease(ctx context.Context, now time.Time) (Lease, bool, error) {
	l, ok, err := c.store.CurrentLease(ctx, storage.CollectorLease)
	if err != nil || !ok {
		return Lease{}, false, err
	}
	out := Lease{Holder: l.Holder, AcquiredAt: stampTime(l.AcquiredAt), RenewedAt: stampTime(l.RenewedAt), ExpiresAt: stampTime(l.ExpiresAt)}
	if !out.ExpiresAt.After(now) {
		return Lease{}, false, nil
	}
	return out, true, nil
}

// RegisterImports returns the newest imports of the register, at most
// limit, newest first.
func (c *Calculator) RegisterImports(ctx context.Context, limit int) ([]RegisterImport, error) {
	vs, err := c.store.DomainVersions(ctx)
	if err != nil {
		return nil, err
	}
	all, err := c.registerImportsOn(ctx, vs)
	if err != nil {
		return nil, err
	}
	if len(all) > limit {
		all = all[:limit]
	}
	return append([]RegisterImport(nil), all...), nil
}

// registerImportsOn is every register import, newest first, with the data
// versions already read. The result is cached: do not change it.
func (c *Calculator) registerImportsOn(ctx context.Context, vs storage.Versions) ([]RegisterImport, error) {
	return cachedOn(ctx, c, vs, "register-imports", depRegister, "", func() ([]RegisterImport, error) {
		imports, err := c.store.RegisterImports(ctx)
		out := make([]RegisterImport, len(imports))
		for i, r := range imports {
			out[i] = registerImportOf(r)
		}
		return out, err
	})
}

// RepositoryProblems lists the repositories whose data do not reach
// today: those whose last poll failed (not found, unavailable, GitHub not
// reached, error), those that moved, and those whose coverage ends before
// today (a git log import, a collection not yet run today), ordered by
// key.
func (c *Calculator) RepositoryProblems(ctx context.Context, today civil.Date) ([]Repository, error) {
	return cachedIn(ctx, c, "repository-problems|"+today.String(), depRepositories, func() ([]Repository, error) {
		repos, err := c.store.Repositories(ctx, "")
		if err != nil {
			return nil, err
		}
		out := []Repository{}
		for _, r := range repos {
			if storage.RepoFailing(r.Status) || r.Status == RepoMoved || r.CoveredUntil.Before(today) {
				out = append(out, repositoryOf(r))
			}
		}
		return out, nil
	})
}

// OrphanRecord is a current register record naming a product the
// configuration does not have (any more): it counts in no figure.
type OrphanRecord struct {
	Organization string     `json:"organization"`
	Name         string     `json:"name"`
	Product      string     `json:"product"`
	Status       string     `json:"status"`
	Since        civil.Date `json:"since"`
}

// OrphanRecords lists the current register records that name an
// unconfigured product, by product, organisation and since.
func (c *Calculator) OrphanRecords(ctx context.Context) ([]OrphanRecord, error) {
	d, err := c.register(ctx)
	if err != nil {
		return nil, fmt.Errorf("figures: orphan records: %w", err)
	}
	out := []OrphanRecord{}
	for _, r := range d.adoptions {
		if _, ok := c.cfg.Product(r.ProductID); ok {
			continue
		}
		out = append(out, OrphanRecord{Organization: r.OrganizationID, Name: d.orgs[r.OrganizationID].Name,
			Product: r.ProductID, Status: r.Status, Since: r.Since})
	}
	return out, nil
}

// IdleMembers lists the members on date that run no product in
// production (the "0" of the distribution), by name.
func (c *Calculator) IdleMembers(ctx context.Context, date civil.Date) ([]OrgRef, error) {
	d, err := c.register(ctx)
	if err != nil {
		return nil, fmt.Errorf("figures: idle members on %s: %w", date, err)
	}
	s := c.snapshot(d, date)
	out := []OrgRef{}
	for org := range s.members {
		if s.productCount[org] == 0 {
			o := d.orgs[org]
			out = append(out, OrgRef{ID: org, Name: o.Name, Kind: o.Kind})
		}
	}
	sortOrgRefs(out)
	return out, nil
}

func sortOrgRefs(s []OrgRef) {
	sort.Slice(s, func(i, j int) bool { return s[i].Name < s[j].Name || s[i].Name == s[j].Name && s[i].ID < s[j].ID })
}

// statusRank orders an organisation's records of one product current on a
// date, the strongest first: production, pilot, planned, stopped. Lists
// show records in this order, and where one status must stand for an
// organisation (a map, a municipality's row) it is the strongest.
var statusRank = map[string]int{StatusProduction: 0, StatusPilot: 1, StatusPlanned: 2, StatusStopped: 3}

// Stronger reports whether status a ranks before status b.
func Stronger(a, b string) bool { return statusRank[a] < statusRank[b] }

// ProductStatuses maps each organisation with a production, pilot or
// planned record of the product current on date to its strongest record
// (an organisation piloting a product that it also runs counts as running
// it).
func (c *Calculator) ProductStatuses(ctx context.Context, productID string, date civil.Date) (map[string]Adopter, error) {
	adopters, err := c.ProductAdopters(ctx, productID, date)
	if err != nil {
		return nil, err
	}
	out := map[string]Adopter{}
	for _, a := range adopters {
		if cur, ok := out[a.Organization]; !ok || Stronger(a.Status, cur.Status) {
			out[a.Organization] = a
		}
	}
	return out, nil
}

// ErrNotFound is wrapped by the errors of figures about an unknown
// organisation or product.
var ErrNotFound = storage.ErrNotFound

// FailingSince maps each source whose newest runs all failed to when the
// first of them started.
func (c *Calculator) FailingSince(ctx context.Context) (map[string]time.Time, error) {
	return cachedIn(ctx, c, "failing-since", depRuns, func() (map[string]time.Time, error) {
		since, err := c.store.FailingSince(ctx)
		out := make(map[string]time.Time, len(since))
		for src, s := range since {
			out[src] = stampTime(s)
		}
		return out, err
	})
}

// RegisterFileNames shortens a list of register files ("a, b", as imports
// record them) for people: the base names of local files (server paths
// are nobody's business) and whole URLs.
func RegisterFileNames(list string) string {
	var names []string
	for _, src := range strings.Split(list, ", ") {
		switch {
		case src == "":
		case config.IsURL(src):
			names = append(names, src)
		default:
			i := strings.LastIndexAny(src, `/\`)
			names = append(names, src[i+1:])
		}
	}
	return strings.Join(names, ", ")
}

// RegisterStatus is what the public data page says about the register:
// when it last changed and how many records it holds now.
type RegisterStatus struct {
	// LastChanged is when the register last changed; zero before the
	// first change.
	LastChanged time.Time `json:"last_changed"`
	Adoptions   int       `json:"adoption_records"`
	Memberships int       `json:"membership_periods"`
}

// RegisterStatus says when the register last changed and how many
// current adoption records and membership periods it holds.
func (c *Calculator) RegisterStatus(ctx context.Context) (RegisterStatus, error) {
	imports, err := c.RegisterImports(ctx, 1)
	if err != nil {
		return RegisterStatus{}, err
	}
	d, err := c.register(ctx)
	if err != nil {
		return RegisterStatus{}, fmt.Errorf("figures: register status: %w", err)
	}
	st := RegisterStatus{Adoptions: len(d.adoptions), Memberships: len(d.memberships)}
	if len(imports) > 0 {
		st.LastChanged = imports[0].ImportedAt
	}
	return st, nil
}
