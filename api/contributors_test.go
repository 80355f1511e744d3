package api

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"os2pulse/civil"
	"os2pulse/config"
	"os2pulse/figures"
	"os2pulse/storage"
	"os2pulse/storage/storagetest"
)

const contribTestConfig = `
[portfolio]
name = "OS2"
[storage]
driver = "sqlite"
dsn = "unused.db"
[contributors]
window_days = 90
[[products]]
id = "os2forms"
name = "OS2forms"
governance_level = "3"
repos = ["OS2Forms/*"]
[[products]]
id = "os2display"
name = "OS2display"
governance_level = "2"
repos = ["os2display/*"]
[[affiliations]]
domain = "aarhus.dk"
organization = "751"
[[affiliations]]
domain = "bellcom.dk"
supplier = "Bellcom"
`

// contribTestServer serves a small portfolio on 2025-06-30: in the last
// 90 days os2forms has an Aarhus employee (a member), a Bellcom employee
// and a login; os2display the same login and someone unknown. os2forms's
// data reach today; os2display's only 20 June, so it and the portfolio are
// incomplete today.
func contribTestServer(t *testing.T) (*API, *storage.Store) {
	t.Helper()
	ctx := context.Background()
	cfg, err := config.Parse("test.toml", []byte(contribTestConfig), nil)
	if err != nil {
		t.Fatal(err)
	}
	store := storagetest.New(t, "sqlite")
	if err := store.SyncProducts(ctx, []storage.Product{{ID: "os2forms", Name: "OS2forms", GovernanceLevel: "3"}, {ID: "os2display", Name: "OS2display", GovernanceLevel: "2"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := store.ImportRegister(ctx, storage.Register{Source: "t", SHA256: "t", Members: []storage.Membership{{OrganizationID: "751", Since: civil.MustParse("2020-01-01")}}}); err != nil {
		t.Fatal(err)
	}
	forms, display := storage.RepoKey("github.com", "OS2Forms", "os2forms"), storage.RepoKey("github.com", "os2display", "display-client")
	if err := store.UpsertRepository(ctx, storage.Repository{Forge: "github.com", Owner: "OS2Forms", Name: "os2forms"}, []string{"os2forms"}); err != nil {
		t.Fatal(err)
	}
	if err := store.UpsertRepository(ctx, storage.Repository{Forge: "github.com", Owner: "os2display", Name: "display-client"}, []string{"os2display"}); err != nil {
		t.Fatal(err)
	}
	at := func(s string) time.Time { v, _ := time.Parse(time.RFC3339, s); return v }
	_, err = store.AddContributions(ctx, []storage.Contribution{
		{RepositoryKey: forms, Kind: storage.KindCommit, ExtID: "a1", At: at("2025-06-01T10:00:00Z"), Email: "ann@aarhus.dk"},
		{RepositoryKey: forms, Kind: storage.KindCommit, ExtID: "b1", At: at("2025-05-01T10:00:00Z"), Email: "bo@bellcom.dk"},
		{RepositoryKey: forms, Kind: storage.KindPullRequest, ExtID: "7", At: at("2025-06-20T10:00:00Z"), Login: "cy"},
		{RepositoryKey: forms, Kind: storage.KindCommit, ExtID: "old", At: at("2025-01-01T10:00:00Z"), Email: "gone@aarhus.dk"},
		{RepositoryKey: display, Kind: storage.KindReview, ExtID: "9", At: at("2025-06-21T10:00:00Z"), Login: "cy"},
		{RepositoryKey: display, Kind: storage.KindIssue, ExtID: "3", At: at("2025-06-22T10:00:00Z"), Login: "dee"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := store.RaiseCoverage(ctx, forms, civil.MustParse("2025-06-30")); err != nil {
		t.Fatal(err)
	}
	if err := store.RaiseCoverage(ctx, display, civil.MustParse("2025-06-20")); err != nil {
		t.Fatal(err)
	}
	srv := New(Options{Config: cfg, Figures: figures.New(store.ReadOnly(), cfg),
		Now: func() time.Time { return time.Date(2025, 6, 30, 12, 0, 0, 0, time.UTC) }})
	return srv, store
}

func contribGet(t *testing.T, srv *API, url string) *httptest.ResponseRecorder {
	t.Helper()
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, url, nil))
	return rec
}

func TestAPIContributors(t *testing.T) {
	srv, _ := contribTestServer(t)
	tests := []struct {
		name, url string
		code      int
		want      string // JSON or CSV body, or the error's parameter
	}{
		// Where the data do not reach the date the figures are null, with
		// those of the last date they reach beside them.
		{"defaults: today, the configured window", "/api/v1/contributors", 200,
			`{"date":"2025-06-30","window_days":90,"portfolio_active_contributors":null,` +
				`"portfolio_by_affiliation":null,"portfolio_complete":false,"portfolio_covered_until":"2025-06-20",` +
				`"portfolio_last_known":{"date":"2025-06-20","active_contributors":3,"by_affiliation":{"member":1,"supplier":1,"unknown":1}},"products":[` +
				`{"id":"os2forms","name":"OS2forms","active_contributors":3,"by_affiliation":{"member":1,"supplier":1,"unknown":1},"repositories":1,"complete":true,"covered_until":"2025-06-30"},` +
				`{"id":"os2display","name":"OS2display","active_contributors":null,"by_affiliation":null,"repositories":1,"complete":false,"covered_until":"2025-06-20",` +
				`"last_known":{"date":"2025-06-20","active_contributors":0,"by_affiliation":{"member":0,"supplier":0,"unknown":0}}}]}`},
		{"a shorter window", "/api/v1/contributors?date=2025-06-30&window_days=30", 200,
			`{"date":"2025-06-30","window_days":30,"portfolio_active_contributors":null,` +
				`"portfolio_by_affiliation":null,"portfolio_complete":false,"portfolio_covered_until":"2025-06-20",` +
				`"portfolio_last_known":{"date":"2025-06-20","active_contributors":2,"by_affiliation":{"member":1,"supplier":0,"unknown":1}},"products":[` +
				`{"id":"os2forms","name":"OS2forms","active_contributors":2,"by_affiliation":{"member":1,"supplier":0,"unknown":1},"repositories":1,"complete":true,"covered_until":"2025-06-30"},` +
				`{"id":"os2display","name":"OS2display","active_contributors":null,"by_affiliation":null,"repositories":1,"complete":false,"covered_until":"2025-06-20",` +
				`"last_known":{"date":"2025-06-20","active_contributors":0,"by_affiliation":{"member":0,"supplier":0,"unknown":0}}}]}`},
		{"on the last day the data reach, everything is complete", "/api/v1/contributors?date=2025-06-20&window_days=30", 200,
			`{"date":"2025-06-20","window_days":30,"portfolio_active_contributors":2,` +
				`"portfolio_by_affiliation":{"member":1,"supplier":0,"unknown":1},"portfolio_complete":true,"portfolio_covered_until":"2025-06-20","products":[` +
				`{"id":"os2forms","name":"OS2forms","active_contributors":2,"by_affiliation":{"member":1,"supplier":0,"unknown":1},"repositories":1,"complete":true,"covered_until":"2025-06-30"},` +
				`{"id":"os2display","name":"OS2display","active_contributors":0,"by_affiliation":{"member":0,"supplier":0,"unknown":0},"repositories":1,"complete":true,"covered_until":"2025-06-20"}]}`},
		// Not known: empty cells, and the last known figure beside them.
		{"CSV", "/api/v1/contributors.csv?window_days=30", 200,
			bom + "date,window_days,scope,product,name,active_contributors,member,supplier,unknown,repositories,complete,covered_until,last_known_date,last_known_active_contributors\n" +
				"2025-06-30,30,portfolio,,OS2,,,,,2,false,2025-06-20,2025-06-20,2\n" +
				"2025-06-30,30,product,os2forms,OS2forms,2,1,0,1,1,true,2025-06-30,,\n" +
				"2025-06-30,30,product,os2display,OS2display,,,,,1,false,2025-06-20,2025-06-20,0\n"},
		{"CSV of one product: its page's chart", "/api/v1/contributors.csv?window_days=30&product=os2display", 200,
			bom + "date,window_days,scope,product,name,active_contributors,member,supplier,unknown,repositories,complete,covered_until,last_known_date,last_known_active_contributors\n" +
				"2025-06-30,30,product,os2display,OS2display,,,,,1,false,2025-06-20,2025-06-20,0\n"},
		{"one product as JSON", "/api/v1/contributors?date=2025-06-20&window_days=30&product=os2forms", 200,
			`{"date":"2025-06-20","window_days":30,"portfolio_active_contributors":2,` +
				`"portfolio_by_affiliation":{"member":1,"supplier":0,"unknown":1},"portfolio_complete":true,"portfolio_covered_until":"2025-06-20","products":[` +
				`{"id":"os2forms","name":"OS2forms","active_contributors":2,"by_affiliation":{"member":1,"supplier":0,"unknown":1},"repositories":1,"complete":true,"covered_until":"2025-06-30"}],` +
				`"product":"os2forms"}`},
		{"unknown product", "/api/v1/contributors?product=nope", 400, "product"},
		{"a date after today", "/api/v1/contributors?date=2025-07-01", 400, "date"},
		{"window 0", "/api/v1/contributors?window_days=0", 400, "window_days"},
		{"window too long", "/api/v1/contributors?window_days=3651", 400, "window_days"},
		{"bad date", "/api/v1/contributors?date=2025-13-01", 400, "date"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := contribGet(t, srv, tt.url)
			if rec.Code != tt.code {
				t.Fatalf("status %d, want %d: %s", rec.Code, tt.code, rec.Body)
			}
			checkBody(t, rec, tt.code, tt.want)
		})
	}
}

// checkBody compares JSON semantically, CSV exactly, and errors by the
// parameter they name.
func checkBody(t *testing.T, rec *httptest.ResponseRecorder, code int, want string) {
	t.Helper()
	body := rec.Body.String()
	switch {
	case code != 200:
		var e map[string]string
		if err := json.Unmarshal([]byte(body), &e); err != nil || e["parameter"] != want || e["error"] == "" {
			t.Errorf("error body %s, want parameter %q", body, want)
		}
	case strings.HasPrefix(want, "{") || strings.HasPrefix(want, "["):
		var got, exp any
		if err := json.Unmarshal([]byte(body), &got); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal([]byte(want), &exp); err != nil {
			t.Fatal(err)
		}
		g, _ := json.Marshal(got)
		e, _ := json.Marshal(exp)
		if string(g) != string(e) {
			t.Errorf("body:\n%s\nwant:\n%s", g, e)
		}
	default:
		if body != want {
			t.Errorf("body:\n%s\nwant:\n%s", body, want)
		}
	}
}

func TestAPIContributorSeries(t *testing.T) {
	srv, _ := contribTestServer(t)
	tests := []struct {
		name, url string
		code      int
		want      string
	}{
		{"one product by quarter", "/api/v1/series/contributors?product=os2forms&from=2025-01-01&to=2025-06-30&step=quarter&window_days=30", 200,
			`{"product":"os2forms","window_days":30,"step":"quarter","covered_until":"2025-06-30","points":[` +
				`{"date":"2025-03-31","active_contributors":0,"by_affiliation":{"member":0,"supplier":0,"unknown":0},"complete":true},` +
				`{"date":"2025-06-30","active_contributors":2,"by_affiliation":{"member":1,"supplier":0,"unknown":1},"complete":true}]}`},
		{"the portfolio as CSV: its last point is after its coverage", "/api/v1/series/contributors.csv?from=2025-04-01&to=2025-06-30", 200,
			bom + "date,scope,product,window_days,active_contributors,member,supplier,unknown,complete,covered_until\n" +
				"2025-04-30,portfolio,,90,0,0,0,0,true,2025-06-20\n" +
				"2025-05-31,portfolio,,90,1,0,1,0,true,2025-06-20\n" +
				"2025-06-30,portfolio,,90,,,,,false,2025-06-20\n"},
		{"to after today", "/api/v1/series/contributors?to=2025-07-31", 400, "to"},
		{"unknown product", "/api/v1/series/contributors?product=nope", 400, "product"},
		{"bad step", "/api/v1/series/contributors?step=week", 400, "step"},
		{"from after to", "/api/v1/series/contributors?from=2025-07-01&to=2025-06-30", 400, "from"},
		{"bad window", "/api/v1/series/contributors?window_days=x", 400, "window_days"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := contribGet(t, srv, tt.url)
			if rec.Code != tt.code {
				t.Fatalf("status %d, want %d: %s", rec.Code, tt.code, rec.Body)
			}
			checkBody(t, rec, tt.code, tt.want)
		})
	}

	t.Run("defaults: five years to today by month", func(t *testing.T) {
		rec := contribGet(t, srv, "/api/v1/series/contributors")
		var s figures.ContributorSeries
		if err := json.Unmarshal(rec.Body.Bytes(), &s); err != nil {
			t.Fatal(err)
		}
		if s.Step != figures.Month || s.WindowDays != 90 || len(s.Points) != 61 ||
			s.Points[0].Date.String() != "2020-06-30" || s.Points[60].Date.String() != "2025-06-30" || s.Points[60].ActiveContributors.OK() || s.Points[59].ActiveContributors != figures.Know(1) {
			t.Errorf("series = %s, %d days, %d points (%+v … %+v)", s.Step, s.WindowDays, len(s.Points), s.Points[0], s.Points[len(s.Points)-1])
		}
	})
}

func TestAPICollector(t *testing.T) {
	srv, store := contribTestServer(t)
	ctx := context.Background()
	clock := time.Date(2025, 6, 30, 10, 0, 0, 0, time.UTC)
	store.SetClock(func() time.Time { return clock })
	gh, err := store.StartRun(ctx, "github", "test")
	if err != nil {
		t.Fatal(err)
	}
	clock = clock.Add(90 * time.Second)
	gh.Result, gh.Requests, gh.RateLimitRemaining, gh.Message = storage.RunPartial, 30, 4970, "2 item(s) failed"
	gh.Errors = []storage.RunError{{Item: "github.com/os2iot/gone", Error: "GitHub answered 404 Not Found"}, {Item: "github.com/os2iot/blocked", Error: "GitHub answered 451 Repository access blocked"}}
	if err := store.FinishRun(ctx, gh); err != nil {
		t.Fatal(err)
	}
	act, err := store.StartRun(ctx, "activity", "test")
	if err != nil {
		t.Fatal(err)
	}
	act.Result = storage.RunSuccess
	if err := store.FinishRun(ctx, act); err != nil {
		t.Fatal(err)
	}
	// An instance that held the lease and stopped renewing it: nobody
	// collects.
	clock = time.Date(2025, 6, 30, 11, 0, 0, 0, time.UTC) // the API's clock says 12:00
	if _, ok, err := store.AcquireLease(ctx, storage.CollectorLease, "host-a:1:abcdef", time.Minute); err != nil || !ok {
		t.Fatalf("lease: %v, %v", ok, err)
	}
	if rec := contribGet(t, srv, "/api/v1/collector"); !strings.Contains(rec.Body.String(), `"lease": null`) {
		t.Errorf("an expired lease is shown:\n%s", rec.Body)
	}
	// The instance collecting, as another instance on the database sees it.
	clock = clock.Add(59*time.Minute + 30*time.Second)
	lease, ok, err := store.AcquireLease(ctx, storage.CollectorLease, "host-b:1:abcdef", time.Minute)
	if err != nil || !ok {
		t.Fatalf("lease: %v, %v", ok, err)
	}

	rec := contribGet(t, srv, "/api/v1/collector")
	if rec.Code != 200 || rec.Header().Get("Cache-Control") != "no-cache" {
		t.Fatalf("status %d, cache %q", rec.Code, rec.Header().Get("Cache-Control"))
	}
	checkBody(t, rec, 200, `{"lease":{"holder":"host-b:1:abcdef","acquired_at":"`+lease.AcquiredAt+`","renewed_at":"`+lease.RenewedAt+`","expires_at":"`+lease.ExpiresAt+`"},"runs":[`+
		`{"id":"`+act.ID+`","source":"activity","started_at":"2025-06-30T10:01:30.000000Z","ended_at":"2025-06-30T10:01:30.000000Z","result":"success","holder":"test","requests":0,"rate_limit_remaining":null,"errors":[]},`+
		`{"id":"`+gh.ID+`","source":"github","started_at":"2025-06-30T10:00:00.000000Z","ended_at":"2025-06-30T10:01:30.000000Z","result":"partial","holder":"test","requests":30,"rate_limit_remaining":4970,"message":"2 item(s) failed","errors":[`+
		`{"item":"github.com/os2iot/gone","error":"GitHub answered 404 Not Found"},{"item":"github.com/os2iot/blocked","error":"GitHub answered 451 Repository access blocked"}]}]}`)

	rec = contribGet(t, srv, "/api/v1/collector.csv")
	checkBody(t, rec, 200, bom+"source,started_at,ended_at,result,holder,requests,rate_limit_remaining,message,item,error\n"+
		"activity,2025-06-30T10:01:30.000000Z,2025-06-30T10:01:30.000000Z,success,test,0,,,,\n"+
		"github,2025-06-30T10:00:00.000000Z,2025-06-30T10:01:30.000000Z,partial,test,30,4970,2 item(s) failed,github.com/os2iot/gone,GitHub answered 404 Not Found\n"+
		"github,2025-06-30T10:00:00.000000Z,2025-06-30T10:01:30.000000Z,partial,test,30,4970,2 item(s) failed,github.com/os2iot/blocked,GitHub answered 451 Repository access blocked\n")

}

func TestAPICollectorEmpty(t *testing.T) {
	srv, _ := contribTestServer(t)
	rec := contribGet(t, srv, "/api/v1/collector")
	checkBody(t, rec, 200, `{"lease":null,"runs":[]}`)
}
