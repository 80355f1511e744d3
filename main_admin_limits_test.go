package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"os2pulse/storage"
)

// TestAdminTokenLength: a token shorter than 32 characters is refused by
// config check and by serve before it listens, without printing it.
func TestAdminTokenLength(t *testing.T) {
	dir := t.TempDir()
	cfg := reliabilityConfig(t, dir, "", "", "1m", "")
	tests := []struct {
		token, want string
	}{
		{"x", "the token in $OS2PULSE_ADMIN_TOKEN has 1 characters; at least 32 are needed"},
		{strings.Repeat("a", 31) + "\n", "has 31 characters; at least 32"},
		{strings.Repeat("a", 32) + "\n", ""},
		{"", ""}, // no token: the admin endpoints are off
	}
	for _, tt := range tests {
		t.Setenv("OS2PULSE_ADMIN_TOKEN", tt.token)
		_, errOut, err := runCLI(t, "config", "check", "-config", cfg)
		if tt.want == "" {
			if err != nil {
				t.Errorf("config check with a %d-character token: %v %s", len(strings.TrimSpace(tt.token)), err, errOut)
			}
			continue
		}
		if err == nil || !strings.Contains(errOut, tt.want) || strings.Contains(errOut, strings.TrimSpace(tt.token)+" ") {
			t.Errorf("config check with %q: %v %s", tt.token, err, errOut)
		}
		if _, _, err := runCLI(t, "serve", "-config", cfg, "-listen", "127.0.0.1:0", "-no-collect"); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("serve with %q: %v", tt.token, err)
		}
	}
}

// TestAdminLogoutAll: the command ends the sessions of one admin, or of
// all, in the database.
func TestAdminLogoutAll(t *testing.T) {
	dir := t.TempDir()
	cfg := reliabilityConfig(t, dir, "", "", "1m", "")
	ctx := context.Background()
	store, err := storage.Open(ctx, "sqlite", dir+"/os2pulse.db")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	for _, s := range []storage.AdminSession{{TokenHash: "a1", Admin: "anna"}, {TokenHash: "a2", Admin: "anna"}, {TokenHash: "b1", Admin: "bo"}} {
		if err := store.PutAdminSession(ctx, s, time.Hour); err != nil {
			t.Fatal(err)
		}
	}
	store.Close()
	for _, step := range []struct {
		args []string
		want string
	}{
		{[]string{"anna"}, "ended 2 sessions of anna\n"},
		{nil, "ended 1 sessions of every admin\n"},
	} {
		out, _, err := runCLI(t, append([]string{"admin", "logout-all", "-config", cfg}, step.args...)...)
		if err != nil || !strings.HasSuffix(out, step.want) {
			t.Errorf("admin logout-all %v: %q, %v", step.args, out, err)
		}
	}
}
