package dashboard

import (
	"testing"

	"os2pulse/locale"
	"os2pulse/table"
)

// Only http(s) addresses become links; anything else a file says is text.
func TestDocumentationCell(t *testing.T) {
	for _, tt := range []struct {
		doc  string
		want table.Cell
	}{
		{"https://github.com/OS2borgerPC/x", table.Link("https://github.com/OS2borgerPC/x", "https://github.com/OS2borgerPC/x")},
		{"http://os2.eu", table.Link("http://os2.eu", "http://os2.eu")},
		{"javascript:alert(1)", table.Text("javascript:alert(1)")},
		{"https://x.org/a b", table.Text("https://x.org/a b")},
		{"Se styregruppens referater", table.Text("Se styregruppens referater")},
		{"", table.Text("")},
	} {
		if got := documentationCell(tt.doc); got != tt.want {
			t.Errorf("documentationCell(%q) = %+v, want %+v", tt.doc, got, tt.want)
		}
	}
}

func TestDurationText(t *testing.T) {
	for _, tt := range []struct {
		secs   float64
		da, en string
	}{
		{90, "2 min.", "2 min"},
		{5 * 3600, "5,0 timer", "5.0 hours"},
		{3 * 86400, "3,0 dage", "3.0 days"},
	} {
		if got := durationText(locale.DA, tt.secs); got != tt.da {
			t.Errorf("da %v = %q, want %q", tt.secs, got, tt.da)
		}
		if got := durationText(locale.EN, tt.secs); got != tt.en {
			t.Errorf("en %v = %q, want %q", tt.secs, got, tt.en)
		}
	}
}
