package dashboard

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"os2pulse/figures"
	"os2pulse/figures/figurestest"
	"os2pulse/storage"
	"os2pulse/storage/storagetest"
)

// TestRegisterNeverRead walks the pages of a fresh install whose register
// has never been read (served with -no-collect, or before the first upload
// in /admin/): each page that shows figures of the register says so, its
// register key figures are "–" (never 0 members or 0 users), its register
// charts draw nothing, its goals of the register are unknown, and the
// annual report says why it cannot be made. Once the register is read,
// the same pages show its figures.
func TestRegisterNeverRead(t *testing.T) {
	for _, driver := range storagetest.Drivers {
		t.Run(driver, func(t *testing.T) { registerNeverRead(t, driver) })
	}
}

func registerNeverRead(t *testing.T, driver string) {
	{
		ctx := context.Background()
		store, cfg := figurestest.ExampleUnregistered(t, driver)
		now := func() time.Time { return figurestest.ExampleClock }
		h := newServer(cfg, figures.New(store.ReadOnly(), cfg), now).Handler()
		const note = "The adoption register has not been read yet"
		for _, tt := range []struct {
			path string
			keys []string // register key figures, each "–"
		}{
			{"/?lang=en", []string{"Members", "Products in production", "Members running three or more products", "Most adopted product"}},
			{"/products?lang=en", nil},
			{"/products/os2forms?lang=en", []string{"Organisations in production", "Share of the 98 municipalities", "Pilots and planned"}},
			{"/organizations?lang=en", nil},
			{"/organizations/101?lang=en", []string{"Products in production"}},
			{"/embed/map?lang=en", nil},
			{"/embed/adoption?lang=en", nil},
			{"/goals?lang=en", nil},
		} {
			body := get(t, h, tt.path)
			if !strings.Contains(visibleText(body), note) {
				t.Errorf("%s does not say the register has not been read", tt.path)
			}
			for _, label := range tt.keys {
				if k := keyFigureText(t, body, label); !strings.HasPrefix(k, label+" – the register has not been read yet") {
					t.Errorf("%s: key figure %q, want – and no count", tt.path, k)
				}
			}
			// No chart of the register: no map drawn, no adoption bars.
			for _, id := range []string{`id="adoption-chart"`, `id="map-chart"`, `id="distribution-chart"`, `id="threeplus-chart"`, `id="product-adoption-chart"`, `id="product-map-chart"`} {
				if strings.Contains(body, id) {
					t.Errorf("%s draws %s", tt.path, id)
				}
			}
		}
		// Goals of the register: unknown, on the overview and the goals
		// page, never "missed" or "behind" at 0.
		for _, path := range []string{"/?lang=en", "/goals?lang=en"} {
			text := visibleText(get(t, h, path))
			for _, word := range []string{" missed ", " behind ", " at risk ", " met "} {
				if strings.Contains(text, word+"– of") || strings.Contains(text, word+"0 of") {
					t.Errorf("%s judges a goal %q without a register: %s", path, word, text)
				}
			}
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/report/2025?lang=en", nil))
		if rec.Code != http.StatusServiceUnavailable || !strings.Contains(visibleText(rec.Body.String()), "The annual report cannot be made yet: the adoption register has not been read") {
			t.Errorf("/report/2025: %d, want 503 saying the register has not been read:\n%s", rec.Code, visibleText(rec.Body.String()))
		}

		// Read (empty): the figures are known, and none is the answer.
		_, err := store.ImportRegister(ctx, storage.Register{Source: "t", SHA256: "t"})
		must(t, err)
		body := get(t, h, "/?lang=en")
		if strings.Contains(visibleText(body), note) {
			t.Error("the overview still says the register has not been read")
		}
		if k := keyFigureText(t, body, "Members"); !strings.HasPrefix(k, "Members 0 ") {
			t.Errorf("members after an empty register was read: %q, want 0", k)
		}
	}
}
