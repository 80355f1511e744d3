package collector

import (
	"log/slog"

	"github.com/prometheus/client_golang/prometheus"

	"os2pulse/config"
	"os2pulse/storage"
)

// Sources returns the sources a configuration asks for, in the order a
// full collection runs them: the register first (so organisations exist),
// then git log exports, then each GitLab instance (before GitHub, so that
// the mirrors GitLab reports are known when GitHub is polled), then
// GitHub, then the self-evaluations.
func Sources(cfg *config.Config, store *storage.Store, reg prometheus.Registerer, log *slog.Logger) ([]Source, error) {
	var out []Source
	if cfg.Register.Adoption != "" {
		out = append(out, NewRegisterSource(cfg, store))
	}
	if len(cfg.Activity) > 0 {
		out = append(out, NewActivitySource(cfg, store, log))
	}
	for _, f := range cfg.GitLabForges() {
		gl, err := NewGitLabSource(cfg, f, store, NewGitLabMetrics(reg, f.Host), log)
		if err != nil {
			return nil, err
		}
		out = append(out, gl)
	}
	var gh *GitHubSource
	if !cfg.GitHub.Disabled {
		var err error
		if gh, err = NewGitHubSource(cfg, store, NewGitHubMetrics(reg), log); err != nil {
			return nil, err
		}
		out = append(out, gh)
	}
	for _, p := range cfg.Products {
		if len(p.SelfEvaluations) > 0 {
			// After GitHub, through its transport: the same budget, the
			// same conditional requests.
			out = append(out, NewSelfEvalSource(cfg, store, gh, log))
			break
		}
	}
	return out, nil
}
