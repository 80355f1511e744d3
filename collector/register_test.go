package collector

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"

	"os2pulse/config"
	"os2pulse/storage"
	"os2pulse/storage/storagetest"
)

const adoptionHeader = "organization,product,status,since,until,note\n"
const membersHeader = "organization,name,kind,member_since,member_until\n"

var (
	testProducts = map[string]bool{"os2forms": true, "os2faktor": true, "os2borgerpc": true}
	testOrgs     = map[string]bool{"region-midtjylland": true}
)

// problemsOf returns the problems of a *ParseError, nil for no error, and
// fails the test on any other error.
func problemsOf(t *testing.T, err error) []string {
	t.Helper()
	if err == nil {
		return nil
	}
	var pe *ParseError
	if !errors.As(err, &pe) {
		t.Fatalf("error %v is not a *ParseError", err)
	}
	return pe.Problems
}

func TestParseAdoption(t *testing.T) {
	rec := func(org, product, status, since, until, note string) storage.AdoptionRecord {
		return storage.AdoptionRecord{OrganizationID: org, ProductID: product, Status: status, Since: since, Until: until, Note: note}
	}
	const cols = "(the columns are organization,product,status,since,until,note)"
	tests := []struct {
		name  string
		body  string
		want  []storage.AdoptionRecord // when no problems
		probs []string
	}{
		{
			name: "every spelling, normalised",
			body: adoptionHeader +
				"0101,os2forms,I drift,2020-01-01,,first\n" +
				"101,os2faktor,pilot,2019-01-01,2020-01-01,\n" +
				"101,OS2faktor,production,2020-01-01,, spaces trimmed \n" +
				"Region-Midtjylland,os2borgerpc,planlagt,2026-01-01,,\n" +
				"751,os2forms,Ophørt,2021-03-01,,\n" +
				"751,os2faktor,planned,2021-03-01,,\n" +
				"751,os2borgerpc,stopped,2021-03-01,,\n",
			want: []storage.AdoptionRecord{
				rec("101", "os2forms", "production", "2020-01-01", "", "first"),
				rec("101", "os2faktor", "pilot", "2019-01-01", "2020-01-01", ""),
				rec("101", "os2faktor", "production", "2020-01-01", "", "spaces trimmed"),
				rec("region-midtjylland", "os2borgerpc", "planned", "2026-01-01", "", ""),
				rec("751", "os2forms", "stopped", "2021-03-01", "", ""),
				rec("751", "os2faktor", "planned", "2021-03-01", "", ""),
				rec("751", "os2borgerpc", "stopped", "2021-03-01", "", ""),
			},
		},
		{
			name: "semicolons, BOM, CRLF, free order, optional columns absent",
			body: "\uFEFFsince;status;product;organization\r\n2020-01-01;production;os2forms;751\r\n",
			want: []storage.AdoptionRecord{rec("751", "os2forms", "production", "2020-01-01", "", "")},
		},
		{
			name: "a comma in a quoted note does not make ; the separator",
			body: "organization;product;status;since;until;note\n751;os2forms;pilot;2020-01-01;2020-06-01;\"a, b\"\n",
			want: []storage.AdoptionRecord{rec("751", "os2forms", "pilot", "2020-01-01", "2020-06-01", "a, b")},
		},
		{
			name: "header only",
			body: adoptionHeader,
			want: []storage.AdoptionRecord{},
		},
		{
			name:  "a quoted note over two lines keeps later line numbers right",
			body:  adoptionHeader + "101,os2forms,production,2020-01-01,,\"two\nlines, one comma\"\n102,os2forms,production,2020-01-01,,\n",
			probs: []string{`a.csv:4: unknown municipality code "102"`},
		},
		{
			name:  "blank and spreadsheet-empty rows are skipped but counted",
			body:  adoptionHeader + "\n,,,,,\n101,os2forms,production,2020-01-01,,\n999,os2forms,production,2020-01-01,,\n",
			probs: []string{`a.csv:5: unknown municipality code "999"`},
		},
		{
			name:  "unknown column",
			body:  "organization,product,status,since,until,note,comment\n101,os2forms,production,2020-01-01,,,x\n",
			probs: []string{`a.csv:1: unknown column "comment" ` + cols},
		},
		{
			name:  "missing column",
			body:  "organization,product,status\n101,os2forms,production\n",
			probs: []string{`a.csv:1: missing column "since" ` + cols},
		},
		{
			name:  "column twice",
			body:  "organization,product,status,since,Since\n",
			probs: []string{`a.csv:1: column "since" appears twice`},
		},
		{
			name:  "column without a name",
			body:  "organization,product,status,since,\n101,os2forms,production,2020-01-01,\n",
			probs: []string{`a.csv:1: column 5 has no name ` + cols},
		},
		{
			name:  "empty file",
			body:  "",
			probs: []string{`a.csv:1: empty file: expected the header organization,product,status,since,until,note`},
		},
		{
			name:  "wrong number of fields",
			body:  adoptionHeader + "101,os2forms,production\n",
			probs: []string{`a.csv:2: 3 fields, the header has 6`},
		},
		{
			name: "municipality codes",
			body: adoptionHeader +
				"102,os2forms,production,2020-01-01,,\n" +
				"00101,os2forms,production,2020-01-01,,\n" +
				"1,os2forms,production,2020-01-01,,\n" +
				"861,os2forms,production,2020-01-01,,\n" +
				"0860,os2forms,production,2020-01-01,,\n",
			probs: []string{
				`a.csv:2: unknown municipality code "102"`,
				`a.csv:3: unknown municipality code "00101"`,
				`a.csv:4: unknown municipality code "1"`,
				`a.csv:5: unknown municipality code "861"`,
			},
		},
		{
			name: "organisations",
			body: adoptionHeader +
				",os2forms,production,2020-01-01,,\n" +
				"region-x,os2forms,production,2020-01-01,,\n",
			probs: []string{
				`a.csv:2: organization is empty`,
				`a.csv:3: unknown organisation "region-x": not a kommunekode (101–860) and not defined in the members file`,
			},
		},
		{
			name: "products",
			body: adoptionHeader +
				"101,,production,2020-01-01,,\n" +
				"101,os2foo,production,2020-01-01,,\n",
			probs: []string{
				`a.csv:2: product is empty`,
				`a.csv:3: unknown product "os2foo" (not in the configuration)`,
			},
		},
		{
			name: "statuses",
			body: adoptionHeader +
				"101,os2forms,,2020-01-01,,\n" +
				"101,os2faktor,live,2020-01-01,,\n",
			probs: []string{
				`a.csv:2: status is empty (production, pilot, planned or stopped)`,
				`a.csv:3: status "live" is not production, pilot, planned or stopped (or i drift, pilot, planlagt, ophørt)`,
			},
		},
		{
			name: "dates",
			body: adoptionHeader +
				"101,os2forms,production,,,\n" +
				"101,os2faktor,production,2020-13-01,,\n" +
				"101,os2borgerpc,production,1.1.2020,,\n" +
				"751,os2forms,production,2020-01-01,2021-02-30,\n" +
				"751,os2faktor,production,2020-01-01,2019-12-31,\n" +
				"751,os2borgerpc,production,2020-01-01,2020-01-01,\n",
			probs: []string{
				`a.csv:2: since is missing (YYYY-MM-DD)`,
				`a.csv:3: since "2020-13-01" is not a date (YYYY-MM-DD)`,
				`a.csv:4: since "1.1.2020" is not a date (YYYY-MM-DD)`,
				`a.csv:5: until "2021-02-30" is not a date (YYYY-MM-DD)`,
				`a.csv:6: until 2019-12-31 is before since 2020-01-01`,
				`a.csv:7: until 2020-01-01 is the same day as since; a period lasts at least one day`,
			},
		},
		{
			name: "every problem of one row, in column order",
			body: adoptionHeader + "102,os2foo,live,2020-01-01,2019-01-01,\n",
			probs: []string{
				`a.csv:2: unknown municipality code "102"`,
				`a.csv:2: unknown product "os2foo" (not in the configuration)`,
				`a.csv:2: status "live" is not production, pilot, planned or stopped (or i drift, pilot, planlagt, ophørt)`,
				`a.csv:2: until 2019-01-01 is before since 2020-01-01`,
			},
		},
		{
			name:  "duplicate row",
			body:  adoptionHeader + "101,os2forms,production,2020-01-01,,x\n0101,os2forms,i drift,2020-01-01,,x\n",
			probs: []string{`a.csv:3: duplicate of line 2`},
		},
		{
			name:  "same organisation, product and since twice",
			body:  adoptionHeader + "101,os2forms,pilot,2020-01-01,2020-06-01,\n101,os2forms,production,2020-01-01,,\n",
			probs: []string{`a.csv:3: 101 has os2forms since 2020-01-01 already on line 2`},
		},
		{
			name:  "overlapping periods",
			body:  adoptionHeader + "101,os2forms,pilot,2019-01-01,2020-06-01,\n101,os2forms,production,2020-01-01,,\n",
			probs: []string{`a.csv:3: os2forms at 101 from 2020-01-01 (no until) overlaps line 2 (pilot from 2019-01-01 until 2020-06-01)`},
		},
		{
			name:  "an open period overlaps everything after it",
			body:  adoptionHeader + "101,os2forms,production,2018-01-01,,\n101,os2forms,stopped,2022-01-01,,\n",
			probs: []string{`a.csv:3: os2forms at 101 from 2022-01-01 (no until) overlaps line 2 (production from 2018-01-01 (no until))`},
		},
		{
			name:  "a later row that begins before an earlier one",
			body:  adoptionHeader + "101,os2forms,production,2020-01-01,,\n101,os2forms,pilot,2019-06-01,2020-02-01,\n",
			probs: []string{`a.csv:3: os2forms at 101 from 2019-06-01 until 2020-02-01 overlaps line 2 (production from 2020-01-01 (no until))`},
		},
		{
			name: "adjacent periods, other products and other organisations do not overlap",
			body: adoptionHeader +
				"101,os2forms,pilot,2019-01-01,2020-01-01,\n" +
				"101,os2forms,production,2020-01-01,2022-01-01,\n" +
				"101,os2forms,stopped,2022-01-01,,\n" +
				"101,os2faktor,production,2019-01-01,,\n" +
				"751,os2forms,production,2019-01-01,,\n",
			want: []storage.AdoptionRecord{
				rec("101", "os2forms", "pilot", "2019-01-01", "2020-01-01", ""),
				rec("101", "os2forms", "production", "2020-01-01", "2022-01-01", ""),
				rec("101", "os2forms", "stopped", "2022-01-01", "", ""),
				rec("101", "os2faktor", "production", "2019-01-01", "", ""),
				rec("751", "os2forms", "production", "2019-01-01", "", ""),
			},
		},
		{
			name:  "invalid UTF-8",
			body:  adoptionHeader + "101,os2forms,production,2020-01-01,,K\xf8ge\n",
			probs: []string{`a.csv:2: not valid UTF-8 (save the file as UTF-8)`},
		},
		{
			name:  "NUL byte",
			body:  adoptionHeader + "101,os2forms,production,2020-01-01,,a\x00b\n",
			probs: []string{`a.csv:2: contains a NUL byte`},
		},
		{
			name: "a CSV syntax error costs only its line",
			body: adoptionHeader + "101,os2forms,production,2020-01-01,,a \"b\" c\n102,os2forms,production,2020-01-01,,\n",
			probs: []string{
				`a.csv:2: not valid CSV: bare " in non-quoted-field`,
				`a.csv:3: unknown municipality code "102"`,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseAdoption("a.csv", strings.NewReader(tt.body), testProducts, testOrgs)
			probs := problemsOf(t, err)
			if !reflect.DeepEqual(probs, tt.probs) {
				t.Fatalf("problems:\n%s\nwant:\n%s", strings.Join(probs, "\n"), strings.Join(tt.probs, "\n"))
			}
			if tt.probs != nil {
				if got != nil {
					t.Fatalf("records %v returned with problems", got)
				}
				return
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("records\n%v\nwant\n%v", got, tt.want)
			}
		})
	}
}

func TestParseMembers(t *testing.T) {
	ms := func(org, since, until string) storage.Membership {
		return storage.Membership{OrganizationID: org, Since: since, Until: until}
	}
	tests := []struct {
		name    string
		body    string
		orgs    []storage.Organization
		members []storage.Membership
		probs   []string
	}{
		{
			name: "valid",
			body: membersHeader +
				"101,,municipality,2015-01-01,\n" +
				"0751,Aarhus Kommune,Municipality,2016-01-01,2020-01-01\n" +
				"751,,municipality,2020-01-01,\n" +
				"Region-Midtjylland,Region Midtjylland,region,2017-04-01,\n" +
				"statens-it,Statens It,state,,\n" +
				"kl,KL,other,2018-01-01,2019-01-01\n" +
				"kl,KL,other,2021-01-01,\n",
			orgs: []storage.Organization{
				{ID: "region-midtjylland", Name: "Region Midtjylland", Kind: "region"},
				{ID: "statens-it", Name: "Statens It", Kind: "state"},
				{ID: "kl", Name: "KL", Kind: "other"},
			},
			members: []storage.Membership{
				ms("101", "2015-01-01", ""), ms("751", "2016-01-01", "2020-01-01"), ms("751", "2020-01-01", ""),
				ms("region-midtjylland", "2017-04-01", ""), ms("kl", "2018-01-01", "2019-01-01"), ms("kl", "2021-01-01", ""),
			},
		},
		{
			name:    "semicolons and BOM, optional columns absent",
			body:    "\uFEFFkind;member_since;organization\nmunicipality;2015-01-01;101\n",
			members: []storage.Membership{ms("101", "2015-01-01", "")},
		},
		{
			name:    "no memberships at all ends every membership",
			body:    membersHeader,
			members: []storage.Membership{},
		},
		{
			name:  "missing column",
			body:  "organization,name,member_since\n",
			probs: []string{`m.csv:1: missing column "kind" (the columns are organization,name,kind,member_since,member_until)`},
		},
		{
			name: "organisations and kinds",
			body: membersHeader +
				",x,other,2015-01-01,\n" +
				"102,,municipality,2015-01-01,\n" +
				"Region X,Region X,region,2015-01-01,\n" +
				"101,,region,2015-01-01,\n" +
				"region-x,Region X,municipality,2015-01-01,\n" +
				"region-x,Region X,kommune,2015-01-01,\n" +
				"region-x,,region,2015-01-01,\n",
			probs: []string{
				`m.csv:2: organization is empty`,
				`m.csv:3: unknown municipality code "102"`,
				`m.csv:4: organization "Region X" is neither a kommunekode (101–860) nor an id of lower-case letters, digits, - and _ starting with a letter (e.g. region-midtjylland)`,
				`m.csv:5: kind "region", but 101 is a kommunekode (kind municipality)`,
				`m.csv:6: kind municipality needs a kommunekode (101–860), not "region-x"`,
				`m.csv:7: kind "kommune" is not one of municipality, region, state, other`,
				`m.csv:8: name is empty; it is required for organisations other than municipalities`,
			},
		},
		{
			name: "dates",
			body: membersHeader +
				"101,,municipality,2015-02-30,\n" +
				"147,,municipality,2015-01-01,soon\n" +
				"151,,municipality,,2020-01-01\n" +
				"153,,municipality,2020-01-01,2019-01-01\n" +
				"155,,municipality,2020-01-01,2020-01-01\n",
			probs: []string{
				`m.csv:2: member_since "2015-02-30" is not a date (YYYY-MM-DD)`,
				`m.csv:3: member_until "soon" is not a date (YYYY-MM-DD)`,
				`m.csv:4: member_until without member_since`,
				`m.csv:5: member_until 2019-01-01 is not after member_since 2020-01-01`,
				`m.csv:6: member_until 2020-01-01 is not after member_since 2020-01-01`,
			},
		},
		{
			name:  "an organisation defined twice differently",
			body:  membersHeader + "kl,KL,other,2018-01-01,2019-01-01\nkl,Kommunernes Landsforening,other,2020-01-01,\n",
			probs: []string{`m.csv:3: kl is defined on line 2 with another name or kind`},
		},
		{
			name:  "duplicate membership",
			body:  membersHeader + "101,,municipality,2015-01-01,\n101,København,municipality,2015-01-01,\n",
			probs: []string{`m.csv:3: duplicate of line 2`},
		},
		{
			name: "overlapping memberships",
			body: membersHeader +
				"101,,municipality,2015-01-01,2020-01-01\n" +
				"101,,municipality,2019-06-01,\n" +
				"751,,municipality,2015-01-01,\n" +
				"751,,municipality,2015-01-01,2016-01-01\n",
			probs: []string{
				`m.csv:3: membership from 2019-06-01 (no until) overlaps line 2 (from 2015-01-01 until 2020-01-01)`,
				`m.csv:5: membership from 2015-01-01 until 2016-01-01 overlaps line 4 (from 2015-01-01 (no until))`,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseMembers("m.csv", strings.NewReader(tt.body))
			probs := problemsOf(t, err)
			if !reflect.DeepEqual(probs, tt.probs) {
				t.Fatalf("problems:\n%s\nwant:\n%s", strings.Join(probs, "\n"), strings.Join(tt.probs, "\n"))
			}
			if tt.probs != nil {
				return
			}
			if !reflect.DeepEqual(got.Organizations, tt.orgs) || !reflect.DeepEqual(got.Memberships, tt.members) {
				t.Fatalf("got %+v\nwant orgs %+v members %+v", got, tt.orgs, tt.members)
			}
		})
	}
}

func registerTestConfig(t testing.TB, dir string, extra string) *config.Config {
	t.Helper()
	body := extra + `
[[products]]
id = "os2forms"
name = "OS2forms"
governance_level = "3"
[[products]]
id = "os2faktor"
name = "OS2faktor"
governance_level = "3"
[[products]]
id = "os2borgerpc"
name = "OS2borgerPC"
governance_level = "2"
`
	var fsys = os.DirFS(dir)
	cfg, err := config.Parse("test.toml", []byte(body), fsys)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func TestParseRegister(t *testing.T) {
	cfg := registerTestConfig(t, t.TempDir(), "")
	adoption := RegisterFile{Name: "a.csv", Data: []byte(adoptionHeader + "101,os2forms,production,2020-01-01,,\nkl,os2faktor,pilot,2021-01-01,,\n")}
	members := RegisterFile{Name: "m.csv", Data: []byte(membersHeader + "101,,municipality,2015-01-01,\nkl,KL,other,2018-01-01,\n")}

	t.Run("with members file", func(t *testing.T) {
		reg, err := ParseRegister(cfg, adoption, &members, nil)
		if err != nil {
			t.Fatal(err)
		}
		h := sha256.New()
		h.Write(adoption.Data)
		h.Write([]byte{0})
		h.Write(members.Data)
		if reg.Source != "a.csv, m.csv" || reg.SHA256 != hex.EncodeToString(h.Sum(nil)) {
			t.Errorf("source %q, sha256 %s", reg.Source, reg.SHA256)
		}
		if len(reg.Adoptions) != 2 || len(reg.Members) != 2 {
			t.Errorf("adoptions %v, members %v", reg.Adoptions, reg.Members)
		}
		// Municipalities are built in; only kl is defined by the file.
		if !reflect.DeepEqual(reg.Organizations, []storage.Organization{{ID: "kl", Name: "KL", Kind: "other"}}) {
			t.Errorf("organisations %+v", reg.Organizations)
		}
	})

	t.Run("without members file, stored organisations are known", func(t *testing.T) {
		_, err := ParseRegister(cfg, adoption, nil, nil)
		want := []string{`a.csv:3: unknown organisation "kl": not a kommunekode (101–860) and not defined in the members file`}
		if got := problemsOf(t, err); !reflect.DeepEqual(got, want) {
			t.Fatalf("problems %q, want %q", got, want)
		}
		reg, err := ParseRegister(cfg, adoption, nil, []storage.Organization{{ID: "kl", Kind: "other"}, {ID: "101", Kind: "municipality"}})
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(adoption.Data)
		if reg.Members != nil || reg.Organizations != nil || reg.Source != "a.csv" || reg.SHA256 != hex.EncodeToString(sum[:]) {
			t.Errorf("register %+v: want memberships untouched (nil)", reg)
		}
	})

	t.Run("problems of both files, adoption first", func(t *testing.T) {
		badA := RegisterFile{Name: "a.csv", Data: []byte(adoptionHeader + "101,os2foo,production,2020-01-01,,\nkl,os2faktor,pilot,2021-01-01,,\n")}
		badM := RegisterFile{Name: "m.csv", Data: []byte(membersHeader + "kl,,other,2018-01-01,\n")}
		_, err := ParseRegister(cfg, badA, &badM, nil)
		want := []string{
			`a.csv:2: unknown product "os2foo" (not in the configuration)`,
			// kl is named in the broken members file, so its adoption row
			// is not reported as well.
			`m.csv:2: name is empty; it is required for organisations other than municipalities`,
		}
		if got := problemsOf(t, err); !reflect.DeepEqual(got, want) {
			t.Fatalf("problems\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	})
}

// registerServer serves register files with ETag and Last-Modified and
// answers 304 to a matching If-None-Match.
type registerServer struct {
	mu        sync.Mutex
	files     map[string]string
	status    int
	requests  []string // "path If-None-Match If-Modified-Since"
	noHeaders bool
}

func (s *registerServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = append(s.requests, r.URL.Path+" "+r.Header.Get("If-None-Match")+" "+r.Header.Get("If-Modified-Since"))
	if s.status != 0 {
		w.WriteHeader(s.status)
		return
	}
	body, ok := s.files[r.URL.Path]
	if !ok {
		http.NotFound(w, r)
		return
	}
	sum := sha256.Sum256([]byte(body))
	etag := `"` + hex.EncodeToString(sum[:4]) + `"`
	if !s.noHeaders {
		w.Header().Set("ETag", etag)
		w.Header().Set("Last-Modified", "Mon, 02 Mar 2026 10:00:00 GMT")
		if r.Header.Get("If-None-Match") == etag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
	}
	w.Write([]byte(body))
}

func (s *registerServer) take() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.requests
	s.requests = nil
	return r
}

func (s *registerServer) set(path, body string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.files[path] = body
}

func runRegister(t *testing.T, store *storage.Store, cfg *config.Config) (storage.Run, string, error) {
	t.Helper()
	var progress bytes.Buffer
	col := New(store, []Source{NewRegisterSource(cfg, store)}, nil, slog.New(slog.DiscardHandler), &progress)
	runs, err := col.RunOnce(context.Background(), "register")
	if len(runs) != 1 {
		t.Fatalf("runs %+v, %v", runs, err)
	}
	var notes []string
	for _, l := range strings.Split(progress.String(), "\n") {
		if strings.Contains(l, "imported") {
			notes = append(notes, strings.TrimSpace(l[strings.LastIndex(l, "\r")+1:]))
		}
	}
	return runs[0], strings.Join(notes, "\n"), err
}

// TestRegisterSourceHTTP: the register is fetched conditionally; an
// unchanged register costs two 304s and imports nothing; a change in one
// file refetches the other; a bad register fails the run, changes nothing
// and keeps the old validators, so the next run fetches it again.
func TestRegisterSourceHTTP(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, store *storage.Store) {
		ctx := context.Background()
		srv := &registerServer{files: map[string]string{
			"/adoption.csv": adoptionHeader + "101,os2forms,production,2020-01-01,,\nkl,os2faktor,production,2021-01-01,,\n",
			"/members.csv":  membersHeader + "101,,municipality,2015-01-01,\nkl,KL,other,2018-01-01,\n",
		}}
		ts := httptest.NewServer(srv)
		defer ts.Close()
		cfg := registerTestConfig(t, t.TempDir(), "[register]\nadoption = \""+ts.URL+"/adoption.csv\"\nmembers = \""+ts.URL+"/members.csv\"\ninterval = \"5m\"\n")
		syncProducts(t, store, cfg)
		a, m := ts.URL+"/adoption.csv", ts.URL+"/members.csv"
		lm := "Mon, 02 Mar 2026 10:00:00 GMT"

		run, note, err := runRegister(t, store, cfg)
		if err != nil || run.Result != storage.RunSuccess || run.Requests != 2 {
			t.Fatalf("first run %+v, %v", run, err)
		}
		if want := "register: imported " + a + ", " + m + ": 4 added, 0 changed, 0 ended (kept in history), 0 unchanged"; note != want {
			t.Errorf("note %q, want %q", note, want)
		}
		if got := srv.take(); !reflect.DeepEqual(got, []string{"/adoption.csv  ", "/members.csv  "}) {
			t.Errorf("first requests %q, want unconditional", got)
		}
		st, _ := store.SyncState(ctx, "register:"+a)
		if st.ETag == "" || st.LastModified != lm {
			t.Errorf("stored validators %+v", st)
		}

		run, note, err = runRegister(t, store, cfg)
		if err != nil || run.Result != storage.RunSuccess || note != "" {
			t.Fatalf("unchanged run %+v, %q, %v", run, note, err)
		}
		for _, r := range srv.take() {
			if !strings.Contains(r, `"`) || !strings.HasSuffix(r, lm) {
				t.Errorf("request %q is not conditional", r)
			}
		}
		if imps, _ := store.RegisterImports(ctx); len(imps) != 1 {
			t.Errorf("%d imports after an unchanged run, want 1", len(imps))
		}

		// Only the members file changes: kl leaves. The adoption file
		// answers 304 and is fetched again without validators.
		srv.set("/members.csv", membersHeader+"101,,municipality,2015-01-01,\nkl,KL,other,2018-01-01,2026-01-01\n")
		run, note, err = runRegister(t, store, cfg)
		if err != nil || run.Result != storage.RunSuccess {
			t.Fatalf("members change run %+v, %v", run, err)
		}
		if want := "register: imported " + a + ", " + m + ": 0 added, 1 changed, 0 ended (kept in history), 3 unchanged"; note != want {
			t.Errorf("note %q, want %q", note, want)
		}
		if got := srv.take(); len(got) != 3 || got[2] != "/adoption.csv  " {
			t.Errorf("requests %q: want the unchanged file fetched again unconditionally", got)
		}

		// A bad adoption file fails the run and changes nothing.
		srv.set("/adoption.csv", adoptionHeader+"101,os2forms,production,2020-01-01,,\n102,os2faktor,production,2021-01-01,,\n")
		before, _ := store.Adoptions(ctx, "")
		stBefore, _ := store.SyncState(ctx, "register:"+a)
		run, _, err = runRegister(t, store, cfg)
		wantMsg := "register not imported, 1 problem(s):\n" + a + `:3: unknown municipality code "102"`
		if err == nil || run.Result != storage.RunFailure || run.Message != wantMsg {
			t.Fatalf("bad run %+v, %v; want message %q", run, err, wantMsg)
		}
		if after, _ := store.Adoptions(ctx, ""); !reflect.DeepEqual(before, after) {
			t.Errorf("a bad register changed the adoptions: %v → %v", before, after)
		}
		if st, _ := store.SyncState(ctx, "register:"+a); st != stBefore {
			t.Errorf("validators of a bad register were stored: %+v", st)
		}
		srv.take()
		run, _, _ = runRegister(t, store, cfg)
		if run.Result != storage.RunFailure {
			t.Errorf("the still bad register gave %s on the next run", run.Result)
		}

		srv.mu.Lock()
		srv.status = http.StatusInternalServerError
		srv.mu.Unlock()
		run, _, err = runRegister(t, store, cfg)
		if err == nil || run.Result != storage.RunFailure || !strings.Contains(run.Message, "500 Internal Server Error") {
			t.Errorf("server error run %+v, %v", run, err)
		}
	})
}

// TestRegisterSourceLocal reads the files through the configuration's
// directory, does not import an unchanged register again even without
// validators, and records a re-import's changes.
func TestRegisterSourceLocal(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, store *storage.Store) {
		ctx := context.Background()
		dir := t.TempDir()
		write := func(name, body string) {
			if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		write("adoption.csv", adoptionHeader+"101,os2forms,production,2020-01-01,,\n751,os2forms,pilot,2021-01-01,,\n751,os2faktor,production,2021-01-01,,\n")
		cfg := registerTestConfig(t, dir, "[register]\nadoption = \"adoption.csv\"\n")
		syncProducts(t, store, cfg)

		run, note, err := runRegister(t, store, cfg)
		if err != nil || run.Result != storage.RunSuccess || note != "register: imported adoption.csv: 3 added, 0 changed, 0 ended (kept in history), 0 unchanged" {
			t.Fatalf("first run %+v, %q, %v", run, note, err)
		}
		v0, _ := store.DataVersion(ctx)
		if run, note, err = runRegister(t, store, cfg); err != nil || note != "" {
			t.Fatalf("unchanged run %+v, %q, %v", run, note, err)
		}
		if v1, _ := store.DataVersion(ctx); v1 != v0+1 {
			t.Errorf("data version %d → %d: the unchanged register was imported again", v0, v1)
		}

		// 751's pilot became production; the os2faktor row disappeared.
		write("adoption.csv", adoptionHeader+"101,os2forms,production,2020-01-01,,\n751,os2forms,pilot,2021-01-01,2022-01-01,\n751,os2forms,production,2022-01-01,,\n")
		run, note, err = runRegister(t, store, cfg)
		if err != nil || note != "register: imported adoption.csv: 1 added, 1 changed, 1 ended (kept in history), 1 unchanged" {
			t.Fatalf("changed run %+v, %q, %v", run, note, err)
		}
		hist, _ := store.AdoptionHistory(ctx)
		if len(hist) != 5 {
			t.Errorf("history has %d rows, want 5 (3 current, 2 retracted)", len(hist))
		}

		write("adoption.csv", "organisation,product\n")
		run, _, err = runRegister(t, store, cfg)
		if err == nil || !strings.Contains(run.Message, `adoption.csv:1: unknown column "organisation"`) {
			t.Errorf("bad header run %+v, %v", run, err)
		}
		cfg.Register.Adoption = "missing.csv"
		if run, _, err = runRegister(t, store, cfg); err == nil || !strings.Contains(run.Message, "opening register file missing.csv") {
			t.Errorf("missing file run %+v, %v", run, err)
		}
	})
}

// TestExampleRegisterIsValid: the shipped example register passes every
// rule against the example configuration.
func TestExampleRegisterIsValid(t *testing.T) {
	cfg, err := config.Example()
	if err != nil {
		t.Fatal(err)
	}
	read := func(name string) RegisterFile {
		f, err := cfg.Open(name)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		var b bytes.Buffer
		b.ReadFrom(f)
		return RegisterFile{Name: name, Data: b.Bytes()}
	}
	members := read(cfg.Register.Members)
	reg, err := ParseRegister(cfg, read(cfg.Register.Adoption), &members, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(reg.Adoptions) < 200 || len(reg.Members) < 60 {
		t.Errorf("%d adoption records, %d memberships: smaller than the example should be", len(reg.Adoptions), len(reg.Members))
	}
	for _, r := range reg.Adoptions {
		if !strings.HasPrefix(r.Note, "illustrative") {
			t.Fatalf("adoption record %+v is not labelled illustrative", r)
		}
	}
}

func TestRegisterSourceIsCollectedFirst(t *testing.T) {
	store := storagetest.New(t, "sqlite")
	cfg, err := config.Example()
	if err != nil {
		t.Fatal(err)
	}
	srcs, err := Sources(cfg, store, nil, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	if srcs[0].Name() != "register" || srcs[0].Interval() != cfg.Register.Interval.Duration {
		t.Errorf("first source %s every %s, want register every %s", srcs[0].Name(), srcs[0].Interval(), cfg.Register.Interval.Duration)
	}
	cfg.Register.Adoption = ""
	srcs, _ = Sources(cfg, store, nil, slog.New(slog.DiscardHandler))
	for _, s := range srcs {
		if s.Name() == "register" {
			t.Error("a register source without register.adoption")
		}
	}
}
