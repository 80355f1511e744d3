package collector

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/google/go-github/v60/github"

	"os2pulse/civil"
	"os2pulse/config"
	"os2pulse/storage"
)

const githubForge = "github.com"

// GitHubSource collects the products' repositories from the GitHub REST
// API: metadata and a daily snapshot of each repository, and its commits
// on the default branch, pull requests, reviews, issues and releases as
// dated contributions.
//
// Polling is incremental and conditional. Every listing starts with its
// first page, sent with the ETag of the last time; GitHub answers 304 for
// free when nothing changed, and the listing is skipped. When it changed,
// only what is new is read: commits and issues from a "since" cursor,
// pull requests until the last update seen. Validators and cursors are
// stored only after the data they stand for, so a crash costs requests,
// never data.
type GitHubSource struct {
	cfg     *config.Config
	store   *storage.Store
	log     *slog.Logger
	client  *github.Client
	tr      *transport
	workers int
	now     func() time.Time
}

// NewGitHubSource returns the GitHub source for cfg. metrics may be nil.
func NewGitHubSource(cfg *config.Config, store *storage.Store, metrics *GitHubMetrics, log *slog.Logger) (*GitHubSource, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	base, err := url.Parse(cfg.GitHub.APIURL)
	if err != nil || base.Host == "" {
		return nil, fmt.Errorf("collector: github.api_url %q is not a URL", cfg.GitHub.APIURL)
	}
	if !strings.HasSuffix(base.Path, "/") {
		base.Path += "/"
	}
	token := ""
	if cfg.GitHub.TokenEnv != "" {
		token = strings.TrimSpace(os.Getenv(cfg.GitHub.TokenEnv))
	}
	if token == "" {
		log.Warn("no GitHub token: 60 requests per hour", "token_env", cfg.GitHub.TokenEnv)
	}
	workers := cfg.GitHub.Concurrency
	if workers < 1 {
		workers = 1
	}
	tr := newTransport(nil, store, token, base.Host, workers, metrics, log)
	client := github.NewClient(&http.Client{Transport: tr})
	client.BaseURL = base
	client.UserAgent = "os2pulse"
	return &GitHubSource{cfg: cfg, store: store, log: log, client: client, tr: tr, workers: workers, now: time.Now}, nil
}

// Name implements Source.
func (g *GitHubSource) Name() string { return config.SourceGitHub }

// Interval implements Source.
func (g *GitHubSource) Interval() time.Duration { return g.cfg.GitHub.Interval.Duration }

// Collect implements Source.
func (g *GitHubSource) Collect(ctx context.Context, rec *Recorder) error {
	ctx = withRecorder(ctx, rec)
	stored, err := g.store.Repositories(ctx, "")
	if err != nil {
		return err
	}
	known := make(map[string]storage.Repository, len(stored))
	for _, r := range stored {
		known[r.Key] = r
	}
	targets, listings, listFailures, err := g.targets(ctx, rec, known)
	if err != nil {
		if ctx.Err() == nil {
			g.markUnreachable(ctx, known, err)
		}
		return err
	}
	targetKeys := make(map[string]bool, len(targets))
	for _, tg := range targets {
		targetKeys[tg.key()] = true
	}
	snaps, err := g.store.LatestSnapshots(ctx, civil.UTCDay(g.now()))
	if err != nil {
		return err
	}
	rec.Progress().SetTotal(len(targets))

	res := pollEach(ctx, rec, g.workers, targets, target.key,
		func(tg target) error { return g.collectRepo(ctx, tg, known, snaps, targetKeys) }, isTransportError)
	if err := ctx.Err(); err != nil {
		return err
	}
	unreachable, firstErr := len(listFailures)+res.unreachable, res.firstUnreachable
	if len(listFailures) > 0 {
		firstErr = listFailures[0]
	}
	// Nothing answered at all: a failed run, not a partial one.
	if attempts := len(targets) + listings.attempted; attempts > 0 && unreachable == attempts {
		err := fmt.Errorf("collector: GitHub unreachable, every request failed: %w", firstErr)
		g.markUnreachable(ctx, known, err)
		return err
	}
	// The owner listings' validators go last: a listing answered 304 next
	// time is replaced by the repositories stored in this run.
	for _, v := range listings.sinks {
		if err := v.commit(ctx, g.store); err != nil {
			return err
		}
	}
	return nil
}

// markUnreachable records that GitHub could not be reached for any of the
// known GitHub repositories: each keeps the coverage of its last
// successful collection and shows, from now on, since when it fails.
func (g *GitHubSource) markUnreachable(ctx context.Context, known map[string]storage.Repository, cause error) {
	var keys []string
	for k, r := range known {
		if r.Forge == githubForge && r.Status != storage.RepoMoved {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	if err := g.store.RepositoriesFailing(ctx, keys, storage.RepoUnreachable, cause.Error()); err != nil {
		g.log.Error("github: unable to record unreachable repositories", "error", err)
	}
}
