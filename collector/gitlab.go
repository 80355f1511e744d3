package collector

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"os2pulse/civil"
	"os2pulse/config"
	"os2pulse/storage"
)

// GitLabSource collects the products' projects on one GitLab instance
// (gitlab.com or self-managed) from its REST API v4, storing the same
// records as GitHubSource: repository metadata and a daily snapshot, and
// commits of the default branch, merge requests (as pull requests, with
// approvals as reviews), issues, comments (as responses) and releases as
// dated contributions. So every figure, health signal, coverage and the
// contribution index treat a GitLab project as they treat a repository.
//
// It runs on the project's own transport and the small client in
// gitlab_client.go, not on gitlab.com/gitlab-org/api/client-go: that
// client (v2.64.0) wraps every http.Client in hashicorp/go-retryablehttp
// (five retries by default), whose retries, backoff and 429 handling would
// sit above the transport's (which already waits out RateLimit-* and
// Retry-After within a cap and retries 5xx with capped backoff), so each
// failure would be retried and waited for twice; and it requires over a
// dozen modules (oauth2, protobuf and CEL validation, a keyring among
// them) for the nine endpoints read here. Through the transport every GET is conditional
// (If-None-Match with the stored ETag), bodies are capped, and the token
// goes only to the configured API host.
//
// Polling is incremental as on GitHub: commits from a "since" cursor, merge
// requests and issues from an "updated_after" cursor, comments and
// approvals from the project's event listing from the last day seen, each
// listing's first page conditional, so an unchanged project costs one 304
// per listing. Every page is stored with the address of the next one, so
// a killed run continues where it stopped (keyset and offset pagination
// alike).
//
// Persons: a GitLab user is stored by login "HOST/username" (the address
// of their profile), so that a username on one forge is never taken for
// the same name on another; [[contributors.aliases]] merges them, and
// commits carry the author's e-mail address as on GitHub. GitLab's bot
// users (project and group access tokens' project_N_bot…, and the ghost
// user of deleted accounts) are not stored.
//
// Merge requests and issues have separate number spaces in GitLab (!5
// and #5); a merge request is stored with its number negated (-5), so
// that responses, matched to their item by repository and number, find
// the right one.
type GitLabSource struct {
	cfg     *config.Config
	forge   config.Forge
	store   *storage.Store
	log     *slog.Logger
	c       *glClient
	tr      *transport
	workers int
	now     func() time.Time
	// bots are the configured patterns ([contributors] bots), matched
	// here against the bare username too: the figures see it as
	// "HOST/username", which "^renovate" would not match.
	bots []*regexp.Regexp
}

// NewGitLabMetrics creates the request instruments of one GitLab instance
// (the GitHub source's, labelled by host) and registers them on reg (nil:
// not registered); instances share one family.
func NewGitLabMetrics(reg prometheus.Registerer, host string) *GitHubMetrics {
	reqs := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "os2pulse_gitlab_requests_total",
		Help: "HTTP requests made to a GitLab API by host and status code (\"error\" when no answer came).",
	}, []string{"host", "code"})
	remaining := prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "os2pulse_gitlab_rate_limit_remaining",
		Help: "Requests left in the current rate-limit window of a GitLab instance, as it last reported.",
	}, []string{"host"})
	if reg != nil {
		if err := reg.Register(reqs); err != nil {
			var are prometheus.AlreadyRegisteredError
			if !errors.As(err, &are) {
				panic(err)
			}
			reqs = are.ExistingCollector.(*prometheus.CounterVec)
		}
		if err := reg.Register(remaining); err != nil {
			var are prometheus.AlreadyRegisteredError
			if !errors.As(err, &are) {
				panic(err)
			}
			remaining = are.ExistingCollector.(*prometheus.GaugeVec)
		}
	}
	// Curried by host: the transport sets the budget without labels, and
	// an instance has no sample until it has reported one.
	return &GitHubMetrics{Requests: reqs.MustCurryWith(prometheus.Labels{"host": host}),
		RateLimitRemaining: remaining.MustCurryWith(prometheus.Labels{"host": host})}
}

// NewGitLabSource returns the source for one GitLab instance of cfg.
// metrics may be nil.
func NewGitLabSource(cfg *config.Config, forge config.Forge, store *storage.Store, metrics *GitHubMetrics, log *slog.Logger) (*GitLabSource, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	base, err := url.Parse(forge.APIURL)
	if err != nil || base.Host == "" {
		return nil, fmt.Errorf("collector: api_url %q of %s is not a URL", forge.APIURL, forge.Host)
	}
	if !strings.HasSuffix(base.Path, "/") {
		base.Path += "/"
	}
	token := ""
	if forge.TokenEnv != "" {
		token = strings.TrimSpace(os.Getenv(forge.TokenEnv))
		if token == "" {
			log.Warn("gitlab: no token: only public projects, at the anonymous rate limit", "host", forge.Host, "token_env", forge.TokenEnv)
		}
	}
	var bots []*regexp.Regexp
	for _, b := range cfg.Contributors.Bots {
		re, err := regexp.Compile(b)
		if err != nil {
			return nil, fmt.Errorf("collector: contributors.bots: %q: %w", b, err)
		}
		bots = append(bots, re)
	}
	workers := max(forge.Concurrency, 1)
	tr := newTransport(nil, store, token, base.Host, workers, metrics, log)
	tr.forge, tr.display = "gitlab "+forge.Host, "GitLab ("+forge.Host+")"
	return &GitLabSource{cfg: cfg, forge: forge, store: store, log: log,
		c: &glClient{http: &http.Client{Transport: tr}, base: base}, tr: tr, workers: workers, now: time.Now, bots: bots}, nil
}

// Name implements Source.
func (g *GitLabSource) Name() string { return config.SourceGitLab(g.forge.Host) }

// Interval implements Source.
func (g *GitLabSource) Interval() time.Duration { return g.forge.Interval.Duration }

// glTarget is a project to poll.
type glTarget struct {
	owner, name string // owner: the namespace's full path, groups nested
	products    []string
	explicit    bool // named in the configuration, not found through group/*
}

func (t glTarget) path() string { return t.owner + "/" + t.name }

// Collect implements Source.
func (g *GitLabSource) Collect(ctx context.Context, rec *Recorder) error {
	ctx = withRecorder(ctx, rec)
	stored, err := g.store.Repositories(ctx, "")
	if err != nil {
		return err
	}
	known := make(map[string]storage.Repository, len(stored))
	for _, r := range stored {
		if r.Forge == g.forge.Host {
			known[r.Key] = r
		}
	}
	targets, sinks, err := g.targets(ctx, rec, known)
	if err != nil {
		return err
	}
	snaps, err := g.store.LatestSnapshots(ctx, civil.UTCDay(g.now()))
	if err != nil {
		return err
	}
	targetKeys := make(map[string]bool, len(targets))
	for _, tg := range targets {
		targetKeys[g.key(tg.owner, tg.name)] = true
	}
	rec.Progress().SetTotal(len(targets))
	res := pollEach(ctx, rec, g.workers, targets, func(tg glTarget) string { return g.key(tg.owner, tg.name) },
		func(tg glTarget) error { return g.collectProject(ctx, tg, known, snaps, targetKeys) },
		func(err error) bool { return glStatusOf(err) == storage.RepoUnreachable })
	if err := ctx.Err(); err != nil {
		return err
	}
	if len(targets) > 0 && res.unreachable == len(targets) {
		return fmt.Errorf("collector: %s unreachable, every request failed: %w", g.forge.Host, res.firstError)
	}
	// Every project was polled, its mirrors found where the token may
	// read them: the GitHub source may now collect the products' GitHub
	// repositories (see gitlab_mirrors.go).
	if err := g.store.PutSyncState(ctx, storage.SyncState{Resource: scannedRes(g.forge.Host), Cursor: storage.Stamp(g.now())}); err != nil {
		return err
	}
	// The group listings' validators last: a listing answered 304 next
	// time stands for the projects stored in this run.
	for _, v := range sinks {
		if err := v.commit(ctx, g.store); err != nil {
			return err
		}
	}
	return nil
}

func (g *GitLabSource) key(owner, name string) string {
	return storage.RepoKey(g.forge.Host, owner, name)
}

// targets expands the configured projects of this host: named ones, and
// group/* through the group's project listing (subgroups included,
// archived projects left out). Projects known to have moved are polled
// under their new path.
func (g *GitLabSource) targets(ctx context.Context, rec *Recorder, known map[string]storage.Repository) ([]glTarget, []*validators, error) {
	byKey := map[string]*glTarget{}
	add := func(owner, name string, explicit bool) {
		k := g.key(owner, name)
		if t, ok := byKey[k]; ok {
			t.explicit = t.explicit || explicit
			return
		}
		byKey[k] = &glTarget{owner: owner, name: name, explicit: explicit}
	}
	groups := map[string]string{}
	for _, p := range g.cfg.Products {
		for _, s := range p.Repos {
			spec, err := config.ParseRepoSpec(s)
			if err != nil || spec.Forge != g.forge.Host {
				continue
			}
			if spec.Name == "*" {
				groups[strings.ToLower(spec.Owner)] = spec.Owner
				continue
			}
			add(spec.Owner, spec.Name, true)
		}
	}
	inGroup := func(r storage.Repository, group string) bool {
		return config.RepoSpec{Forge: g.forge.Host, Owner: group, Name: "*"}.Covers(config.RepoSpec{Forge: r.Forge, Owner: r.Owner, Name: r.Name})
	}
	var sinks []*validators
	names := make([]string, 0, len(groups))
	for k := range groups {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, lg := range names {
		group := groups[lg]
		sink := newValidators()
		projects, err := g.listGroup(ctx, group, sink)
		switch {
		case errors.Is(err, errNotModified):
			// Unchanged listing: the projects stored from it stand
			// (archived ones were left out of it).
			for _, r := range known {
				if inGroup(r, group) && r.Status != storage.RepoMoved && !r.Archived {
					add(r.Owner, r.Name, false)
				}
			}
			sinks = append(sinks, sink)
		case err != nil:
			if ctx.Err() != nil {
				return nil, nil, ctx.Err()
			}
			rec.ItemError(g.forge.Host+"/"+group+"/*", err)
			for _, r := range known {
				if inGroup(r, group) && r.Status != storage.RepoMoved && !r.Archived {
					add(r.Owner, r.Name, false)
				}
			}
		default:
			listed := map[string]bool{}
			byID := map[string]glProject{}
			for _, p := range projects {
				add(p.owner(), p.Path, false)
				listed[g.key(p.owner(), p.Path)] = true
				byID[strconv.FormatInt(p.ID, 10)] = p
			}
			// A stored project missing from the listing was moved,
			// archived or deleted. Listed under another path with its
			// id, it moved within the group: recorded here, so that its
			// new path continues its listings. Else it is polled once to
			// learn which.
			for key, r := range known {
				if !inGroup(r, group) || listed[r.Key] || r.Archived ||
					(r.Status != storage.RepoOK && r.Status != storage.RepoEmpty && r.Status != storage.RepoError) {
					continue
				}
				st, err := g.store.SyncState(ctx, r.Key+"/id")
				if err != nil {
					return nil, nil, err
				}
				if p, ok := byID[st.Cursor]; ok && st.Cursor != "" {
					moved, err := g.recordMove(ctx, r, g.key(p.owner(), p.Path))
					if err != nil {
						return nil, nil, err
					}
					known[key] = moved
					if _, ok := known[moved.MovedTo]; !ok {
						// So that the move is followed below; not stored.
						known[moved.MovedTo] = storage.Repository{Key: moved.MovedTo, Forge: g.forge.Host, Owner: p.owner(), Name: p.Path}
					}
					continue
				}
				add(r.Owner, r.Name, false)
			}
			sinks = append(sinks, sink)
		}
		for _, r := range known {
			if inGroup(r, group) && r.Status == storage.RepoMoved {
				add(r.Owner, r.Name, false)
			}
		}
	}

	final := map[string]*glTarget{}
	for _, t := range byKey {
		spec := config.RepoSpec{Forge: g.forge.Host, Owner: t.owner, Name: t.name}
		products := g.cfg.ProductsOf(spec)
		// Follow recorded moves (a few hops at most, to stop on a cycle).
		for hop := 0; hop < 5; hop++ {
			r, ok := known[g.key(t.owner, t.name)]
			if !ok || r.Status != storage.RepoMoved || r.MovedTo == "" {
				break
			}
			nr, ok := known[r.MovedTo]
			if !ok {
				break
			}
			t.owner, t.name = nr.Owner, nr.Name
		}
		products = appendNew(products, g.cfg.ProductsOf(config.RepoSpec{Forge: g.forge.Host, Owner: t.owner, Name: t.name})...)
		k := g.key(t.owner, t.name)
		if f, ok := final[k]; ok {
			f.products = appendNew(f.products, products...)
			f.explicit = f.explicit || t.explicit
			continue
		}
		t.products = products
		final[k] = t
	}
	out := make([]glTarget, 0, len(final))
	for _, t := range final {
		sort.Strings(t.products)
		out = append(out, *t)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].path() < out[j].path() })
	return out, sinks, nil
}

// recordMove records that the stored project r is now newKey, and carries
// its listings' cursors there.
func (g *GitLabSource) recordMove(ctx context.Context, r storage.Repository, newKey string) (storage.Repository, error) {
	r.Status, r.MovedTo, r.LastError, r.CheckedAt = storage.RepoMoved, newKey, "", storage.Stamp(g.now())
	if err := g.store.UpsertRepository(ctx, r, g.cfg.ProductsOf(config.RepoSpec{Forge: r.Forge, Owner: r.Owner, Name: r.Name})); err != nil {
		return r, err
	}
	g.log.Info("gitlab: project moved", "host", g.forge.Host, "from", r.Key, "to", newKey)
	return r, g.carryState(ctx, r.Key, newKey)
}

// listGroup lists a group's projects, its subgroups' included, archived
// ones left out, by keyset pagination (ordered by id, so a project added
// meanwhile comes last and none is skipped).
func (g *GitLabSource) listGroup(ctx context.Context, group string, sink *validators) ([]glProject, error) {
	q := url.Values{"include_subgroups": {"true"}, "archived": {"false"}, "with_shared": {"false"},
		"simple": {"true"}, "order_by": {"id"}, "sort": {"asc"}, "pagination": {"keyset"}, "per_page": {"100"}}
	var all []glProject
	err := glPaginate(ctx, g.c, g.c.url("groups/"+projectPath(group)+"/projects", q), listing{sink: sink}, "",
		func(_ int, ps []glProject, _ string) (bool, error) {
			all = append(all, ps...)
			return true, nil
		})
	if err != nil && !errors.Is(err, errNotModified) {
		return nil, fmt.Errorf("collector: listing the projects of %s/%s: %w", g.forge.Host, group, err)
	}
	return all, err
}

// glBotRe matches GitLab's bot users: those of project and group access
// tokens (project_12_bot, project_12_bot_3f2a…, group_7_bot_…), and
// "ghost", who stands for deleted accounts.
var glBotRe = regexp.MustCompile(`^(?:(?:project|group)_\d+_bot(?:_[0-9a-f]+|\d*)?|ghost)$`)

// glBot reports whether a username, or the local part of a commit's
// e-mail address, is one of GitLab's bots.
func glBot(username, email string) bool {
	if username != "" && glBotRe.MatchString(strings.ToLower(username)) {
		return true
	}
	local, _, ok := strings.Cut(strings.ToLower(email), "@")
	return ok && local != "ghost" && glBotRe.MatchString(local)
}

// bot reports whether a GitLab user or a commit's author is a bot:
// GitLab's own, or one of the configured patterns.
func (g *GitLabSource) bot(username, email string) bool {
	if glBot(username, email) {
		return true
	}
	for _, re := range g.bots {
		if (username != "" && re.MatchString(strings.ToLower(username))) || (email != "" && re.MatchString(strings.ToLower(email))) {
			return true
		}
	}
	return false
}

// login is how a GitLab user is stored: "HOST/username".
func (g *GitLabSource) login(username string) string {
	if username == "" {
		return ""
	}
	return g.forge.Host + "/" + strings.ToLower(username)
}
