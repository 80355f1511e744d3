package metrics

import "github.com/prometheus/client_golang/prometheus"

// AuthFailures counts refused logins and bearer tokens, so an alert can
// see someone guessing. The names and addresses tried are in the log;
// labels stay few: how the secret came.
type AuthFailures struct{ c *prometheus.CounterVec }

// Ways a secret comes (the via label of AuthFailures).
const (
	ViaPassword = "password" // the admin login form
	ViaToken    = "token"    // an Authorization: Bearer header
)

// NewAuthFailures creates the counter and registers it on reg. Both
// label values start at 0, so a rate is defined before the first failure.
func NewAuthFailures(reg prometheus.Registerer) *AuthFailures {
	c := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "os2pulse_auth_failures_total",
		Help: "Refused admin logins (via password) and refused bearer tokens on the admin pages and the admin API (via token).",
	}, []string{"via"})
	c.WithLabelValues(ViaPassword)
	c.WithLabelValues(ViaToken)
	reg.MustRegister(c)
	return &AuthFailures{c}
}

// Add counts one failure; a nil AuthFailures counts nothing (tests, and
// commands without /metrics).
func (a *AuthFailures) Add(via string) {
	if a != nil {
		a.c.WithLabelValues(via).Inc()
	}
}

// Counter is the counter of one way, for tests.
func (a *AuthFailures) Counter(via string) prometheus.Counter { return a.c.WithLabelValues(via) }
