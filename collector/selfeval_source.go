package collector

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"path"
	"sort"
	"strings"
	"time"

	"os2pulse/config"
	"os2pulse/problems"
	"os2pulse/selfeval"
	"os2pulse/storage"
)

// SelfEvalSource collects the products' governance self-evaluations: local
// files beside the configuration, and files in GitHub repositories read
// with the GitHub source's conditional requests, so that an unchanged file
// costs no budget. Every version is kept by its filled date; a malformed
// file is refused with every problem named by file and field, and the
// versions stored before stand. Each refused file is one item error of
// the run: its count and first problem on the first line (which the log
// shows), then at most ten problems.
type SelfEvalSource struct {
	cfg   *config.Config
	store *storage.Store
	gh    *GitHubSource // nil: GitHub is turned off
	log   *slog.Logger
}

// NewSelfEvalSource returns the source; gh may be nil. Fields a file has
// that the reader does not know are logged as a warning, once a file.
func NewSelfEvalSource(cfg *config.Config, store *storage.Store, gh *GitHubSource, log *slog.Logger) *SelfEvalSource {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &SelfEvalSource{cfg: cfg, store: store, gh: gh, log: log}
}

// Name implements Source.
func (s *SelfEvalSource) Name() string { return config.SourceSelfEval }

// Interval implements Source.
func (s *SelfEvalSource) Interval() time.Duration { return s.cfg.GitHub.Interval.Duration }

// Collect implements Source.
func (s *SelfEvalSource) Collect(ctx context.Context, rec *Recorder) error {
	ctx = withRecorder(ctx, rec)
	n := 0
	for _, p := range s.cfg.Products {
		n += len(p.SelfEvaluations)
	}
	rec.Progress().SetTotal(n)
	failed := 0
	for _, p := range s.cfg.Products {
		for _, raw := range p.SelfEvaluations {
			spec, err := config.ParseSelfEvalSpec(raw)
			if err == nil {
				if spec.IsGitHub() {
					err = s.github(ctx, rec, p.ID, spec)
				} else {
					err = s.local(ctx, rec, p.ID, spec.File)
				}
			}
			switch {
			case err == nil:
			case ctx.Err() != nil:
				return ctx.Err()
			case errors.Is(err, errRefused):
				failed++ // each file already recorded
			default:
				failed++
				rec.ItemError(p.ID+": "+raw, err)
			}
			rec.Progress().ItemDone()
		}
	}
	if n > 0 && failed == n {
		return fmt.Errorf("collector: no self-evaluation could be read (%d failed)", failed)
	}
	return nil
}

// errRefused says that a file was refused and recorded as an item error.
var errRefused = errors.New("self-evaluation refused")

// refusal records a refused file as one item error: "refused, N
// problems, the first: …" on its first line, then the problems (at most
// selfeval.MaxProblems and how many more).
func refusal(name string, err error) error {
	ps := problems.Of(err)
	if len(ps) == 0 {
		return fmt.Errorf("refused, the versions stored before stand: %w", err)
	}
	total := len(ps)
	if pe := (*problems.Error)(nil); errors.As(err, &pe) && pe.Total > total {
		total = pe.Total
	}
	return fmt.Errorf("refused, the versions stored before stand: %d problem(s), the first: %s\n%s", total, ps[0], strings.Join(ps, "\n"))
}

// local reads a file beside the configuration.
func (s *SelfEvalSource) local(ctx context.Context, rec *Recorder, product, name string) error {
	f, err := s.cfg.Open(name)
	if err != nil {
		return fmt.Errorf("collector: reading self-evaluation %s: %w", name, err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, 2<<20))
	if err != nil {
		return fmt.Errorf("collector: reading self-evaluation %s: %w", name, err)
	}
	refused, err := s.put(ctx, rec, product, name, data)
	if err != nil {
		return err
	}
	if refused != nil {
		rec.ItemError(name, refused)
		return errRefused
	}
	return nil
}

// put parses a file and stores it as a version of the product's
// evaluation. refused says what is wrong with a malformed file; err is a
// failure to store. What a readable file had that was ignored is noted.
func (s *SelfEvalSource) put(ctx context.Context, rec *Recorder, product, name string, data []byte) (refused, err error) {
	e, err := selfeval.Parse(name, data)
	if err != nil {
		return refusal(name, err), nil
	}
	for _, w := range e.Warnings {
		rec.Progress().Note("%s", w)
		s.log.Warn("self-evaluation read with a warning", "file", name, "warning", w)
	}
	sum := sha256.Sum256(data)
	row := storage.SelfEvaluation{ProductID: product, Filled: e.Filled, Source: name, FilledBy: e.FilledBy,
		GeneratedAt: e.GeneratedAt, SHA256: hex.EncodeToString(sum[:])}
	for _, r := range e.Requirements {
		row.Requirements = append(row.Requirements, storage.SelfEvaluationRequirement{ID: r.ID, Category: r.Category,
			Level: r.Level, State: r.State, Recommendation: r.Recommendation, Text: r.Text, Guidelines: r.Guidelines,
			Documentation: r.Documentation})
	}
	_, err = s.store.PutSelfEvaluation(ctx, row)
	return nil, err
}

// remoteState is what is kept between polls of one GitHub entry: the
// files its directory listing matched, and the problem of each file
// refused (so that a refused file, unchanged, is reported again without
// being read again).
type remoteState struct {
	Files    []string          `json:"files"`
	Problems map[string]string `json:"problems,omitempty"`
}

// github reads the files of one OWNER/REPO:PATH-GLOB entry. A glob lists
// the directory first; every request is conditional, so an unchanged
// directory and unchanged files cost nothing.
func (s *SelfEvalSource) github(ctx context.Context, rec *Recorder, product string, spec config.SelfEvalSpec) error {
	if s.gh == nil {
		rec.Progress().Note("%s: GitHub collection is turned off", spec)
		return nil
	}
	res := "selfeval/" + product + "/" + strings.ToLower(spec.String())
	st, err := s.store.SyncState(ctx, res)
	if err != nil {
		return err
	}
	var state remoteState
	if st.Cursor != "" && json.Unmarshal([]byte(st.Cursor), &state) != nil {
		state = remoteState{}
	}
	sink := newValidators()
	files := []string{spec.Path}
	if strings.ContainsAny(path.Base(spec.Path), "*?[") {
		dir := path.Dir(spec.Path)
		if dir == "." {
			dir = ""
		}
		_, list, _, err := s.gh.client.Repositories.GetContents(withRequestOpts(ctx, requestOpts{sink: sink, unconditional: st.Cursor == ""}),
			spec.Owner, spec.Repo, dir, nil)
		switch {
		case notModified(err):
			files = state.Files
		case err != nil:
			return fmt.Errorf("collector: listing %s/%s:%s: %w", spec.Owner, spec.Repo, dir, apiErr(err))
		default:
			files = files[:0]
			for _, c := range list {
				if ok, _ := path.Match(path.Base(spec.Path), c.GetName()); ok && c.GetType() == "file" {
					files = append(files, c.GetPath())
				}
			}
			sort.Strings(files)
		}
	}
	next := remoteState{Files: files, Problems: map[string]string{}}
	refused := 0
	for _, f := range files {
		name := spec.Owner + "/" + spec.Repo + ":" + f
		fsink := newValidators()
		fc, _, _, err := s.gh.client.Repositories.GetContents(withRequestOpts(ctx, requestOpts{sink: fsink}), spec.Owner, spec.Repo, f, nil)
		switch {
		case notModified(err):
			if p := state.Problems[f]; p != "" {
				next.Problems[f] = p
				rec.ItemError(name, errors.New(p))
				refused++
			}
			continue
		case hasStatus(err, http.StatusNotFound):
			rec.ItemError(name, errors.New(name+": not found"))
			refused++
			continue
		case err != nil:
			return fmt.Errorf("collector: reading %s: %w", name, apiErr(err))
		}
		text, err := fc.GetContent()
		if err != nil {
			return fmt.Errorf("collector: reading %s: %w", name, err)
		}
		bad, err := s.put(ctx, rec, product, name, []byte(text))
		if err != nil {
			return err
		}
		if bad != nil {
			next.Problems[f] = bad.Error()
			rec.ItemError(name, bad)
			refused++
		}
		// The file is stored (or its problem kept): its ETag may be.
		if err := fsink.commit(ctx, s.store); err != nil {
			return err
		}
	}
	cur, _ := json.Marshal(next)
	if err := s.store.PutSyncState(ctx, storage.SyncState{Resource: res, Cursor: string(cur)}); err != nil {
		return err
	}
	if err := sink.commit(ctx, s.store); err != nil {
		return err
	}
	if len(files) == 0 {
		return fmt.Errorf("collector: no file in %s/%s matches %s", spec.Owner, spec.Repo, spec.Path)
	}
	if refused > 0 {
		return errRefused
	}
	return nil
}
