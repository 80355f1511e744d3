package api

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"os2pulse/config"
	"os2pulse/metrics"
)

// countingLimits waits one second per refusal beyond the second, per
// address (the real one, admin.TokenLimits, is tested over the database).
type countingLimits map[string]int

func (c countingLimits) Wait(_ context.Context, addr string) (time.Duration, int, error) {
	if c[addr] > 2 {
		return time.Duration(c[addr]-2) * time.Second, c[addr], nil
	}
	return 0, c[addr], nil
}
func (c countingLimits) Refused(_ context.Context, addr string) error { c[addr]++; return nil }
func (c countingLimits) Accepted(_ context.Context, addr string, _ int) error {
	delete(c, addr)
	return nil
}

// TestTokenRefusals: wrong tokens on the admin endpoint are logged with
// the address and never the token, counted in /metrics, and slowed per
// address; the right token from elsewhere is not.
func TestTokenRefusals(t *testing.T) {
	cfg, err := config.Parse("t.toml", []byte(adoptionAPIConfig), nil)
	if err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	limits := countingLimits{}
	failures := metrics.NewAuthFailures(prometheus.NewRegistry())
	a := New(Options{Config: cfg, Collect: func(context.Context, string) error { return nil }, AdminToken: "s3cret-0123456789-0123456789-0123",
		Log: slog.New(slog.NewTextHandler(&logs, nil)), AuthFailures: failures, TokenLimits: limits})
	send := func(addr, token string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodPost, "/api/v1/collect", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		req.RemoteAddr = addr + ":1234"
		rec := httptest.NewRecorder()
		a.ServeHTTP(rec, req)
		return rec
	}
	steps := []struct {
		addr, token string
		code        int
		retryAfter  string
	}{
		{"203.0.113.9", "guess-1", 401, ""},
		{"203.0.113.9", "guess-2", 401, ""},
		{"203.0.113.9", "guess-3", 401, ""},
		{"203.0.113.9", "guess-4", 429, "1"},
		{"198.51.100.7", "s3cret-0123456789-0123456789-0123", 202, ""},
	}
	for i, st := range steps {
		r := send(st.addr, st.token)
		if r.Code != st.code || r.Header().Get("Retry-After") != st.retryAfter {
			t.Errorf("step %d: %d, Retry-After %q; want %d, %q", i, r.Code, r.Header().Get("Retry-After"), st.code, st.retryAfter)
		}
	}
	if strings.Contains(logs.String(), "guess") || strings.Count(logs.String(), `msg="admin token refused" path=/api/v1/collect address=203.0.113.9`) != 3 {
		t.Errorf("log:\n%s", logs.String())
	}
	if got := testutil.ToFloat64(failures.Counter(metrics.ViaToken)); got != 3 {
		t.Errorf("refused tokens counted %v, want 3", got)
	}
}
