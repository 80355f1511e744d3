package api

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"os2pulse/config"
)

// TestCollectTrigger: POST /api/v1/collect wants the admin token (the
// Bearer scheme in any case), says 400 for an unknown source, 409 with
// the running run's id while one runs (or the instance collecting, when
// another one is), and 202 when it started one.
func TestCollectTrigger(t *testing.T) {
	cfg, err := config.Parse("t.toml", []byte(adoptionAPIConfig), nil)
	if err != nil {
		t.Fatal(err)
	}
	var started []string
	collect := func(_ context.Context, source string) error {
		switch source {
		case "nope":
			return ErrUnknownSource
		case "github":
			return &BusyError{Source: "github", RunID: "github-20261201T100000.000000Z-abcdef"}
		case "activity":
			return &BusyError{Source: "activity", Holder: "host-b:1:abcdef"}
		}
		started = append(started, source)
		return nil
	}
	a := New(Options{Config: cfg, Collect: collect, AdminToken: "s3cret"})
	tests := []struct {
		name, query, auth string
		status            int
		want              string
	}{
		{"no token", "", "", 401, "missing or wrong admin token"},
		{"wrong token", "", "Bearer nope", 401, "missing or wrong admin token"},
		{"other scheme", "", "Basic s3cret", 401, "missing or wrong admin token"},
		{"unknown source", "?source=nope", "Bearer s3cret", 400, `"parameter":"source"`},
		{"empty source", "?source=", "Bearer s3cret", 400, `"parameter":"source"`},
		{"busy", "?source=github", "bearer s3cret", 409, `"run":"github-20261201T100000.000000Z-abcdef"`},
		{"another instance collects", "?source=activity", "Bearer s3cret", 409, `"holder":"host-b:1:abcdef"`},
		{"started", "?source=register", "BEARER  s3cret ", 202, `"status": "started"`},
		{"all", "", "Bearer s3cret", 202, `"source": "all"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodPost, "/api/v1/collect"+tt.query, nil)
			if tt.auth != "" {
				req.Header.Set("Authorization", tt.auth)
			}
			rec := httptest.NewRecorder()
			a.ServeHTTP(rec, req)
			if rec.Code != tt.status || !strings.Contains(rec.Body.String(), tt.want) {
				t.Fatalf("%d %s, want %d with %s", rec.Code, rec.Body, tt.status, tt.want)
			}
		})
	}
	if strings.Join(started, ",") != "register," {
		t.Errorf("started %q, want register and all", started)
	}
	// Without a token configured the endpoint is off.
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodPost, "/api/v1/collect", nil)
	req.Header.Set("Authorization", "Bearer ")
	New(Options{Config: cfg, Collect: collect}).ServeHTTP(rec, req)
	if rec.Code != http.StatusForbidden {
		t.Errorf("without a token: %d", rec.Code)
	}
}
