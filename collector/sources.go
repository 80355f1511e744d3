package collector

import (
	"log/slog"

	"github.com/prometheus/client_golang/prometheus"

	"os2pulse/config"
	"os2pulse/storage"
)

// Sources returns the sources a configuration asks for, in the order a
// full collection runs them: the register first (so organisations exist),
// then git log exports, then GitHub.
func Sources(cfg *config.Config, store *storage.Store, reg prometheus.Registerer, log *slog.Logger) ([]Source, error) {
	var out []Source
	if cfg.Register.Adoption != "" {
		out = append(out, NewRegisterSource(cfg, store))
	}
	if len(cfg.Activity) > 0 {
		out = append(out, NewActivitySource(cfg, store, log))
	}
	if !cfg.GitHub.Disabled {
		gh, err := NewGitHubSource(cfg, store, NewGitHubMetrics(reg), log)
		if err != nil {
			return nil, err
		}
		out = append(out, gh)
	}
	return out, nil
}
