package dashboard

import (
	"bytes"
	"errors"
	"log/slog"
	"strings"
	"testing"
)

// TestReadinessLoggedOnce: a probe polling /readyz every few milliseconds
// while the index is restored logs the reason once, and being ready again
// once, not a line per poll.
func TestReadinessLoggedOnce(t *testing.T) {
	var buf bytes.Buffer
	s := &Server{log: slog.New(slog.NewTextHandler(&buf, nil))}
	restoring := errors.New("the contribution index is being restored from its snapshot")
	for _, err := range []error{nil, restoring, restoring, restoring, nil, nil, restoring, errors.New("database unreachable"), nil} {
		s.sawReadiness(err)
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	want := []string{"not ready", "ready", "not ready", "not ready", "ready"}
	if len(lines) != len(want) {
		t.Fatalf("%d log lines, want %d:\n%s", len(lines), len(want), buf.String())
	}
	for i, w := range want {
		if !strings.Contains(lines[i], "msg=\""+w+"\"") && !strings.Contains(lines[i], "msg="+w+" ") && !strings.HasSuffix(lines[i], "msg="+w) {
			t.Errorf("line %d: %s, want msg %q", i, lines[i], w)
		}
	}
}
