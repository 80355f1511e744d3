package dashboard

import (
	"testing"

	"os2pulse/civil"
)

func TestLinksKeepLangAndDate(t *testing.T) {
	day := civil.New(2025, 1, 31)
	tests := []struct {
		v                        view
		link, data, other, today string
	}{
		{view{Lang: "da", Date: day, Path: "/data"}, "/products/a", "/api/v1/x?date=2025-01-31", "/data?lang=en", "/data"},
		{view{Lang: "en", LangExplicit: true, Date: day, DateSet: true, Path: "/"}, "/products/a?date=2025-01-31&lang=en",
			"/api/v1/x?date=2025-01-31", "/?date=2025-01-31&lang=da", "/?lang=en"},
	}
	for _, tt := range tests {
		if got := tt.v.Link("/products/a"); got != tt.link {
			t.Errorf("Link: %q, want %q", got, tt.link)
		}
		if got := tt.v.DataLink("/api/v1/x"); got != tt.data {
			t.Errorf("DataLink: %q, want %q", got, tt.data)
		}
		if got := tt.v.LangSwitch(); got != tt.other {
			t.Errorf("LangSwitch: %q, want %q", got, tt.other)
		}
		if got := tt.v.TodayLink(); got != tt.today {
			t.Errorf("TodayLink: %q, want %q", got, tt.today)
		}
	}
}
