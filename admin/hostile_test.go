package admin

import (
	"bytes"
	"net/http"
	"strings"
	"testing"

	"os2pulse/register"
	"os2pulse/soak"
)

// TestGate: one upload read at a time per admin, maxParsing overall, the
// rest told why.
func TestGate(t *testing.T) {
	g := newGate(2)
	steps := []struct {
		who, want string
	}{
		{"anna", ""},
		{"anna", "admin.upload.busy.own"},
		{"bo", ""},
		{"carl", "admin.upload.busy"},
	}
	var releases []func()
	for _, s := range steps {
		release, refused := g.enter(s.who)
		if refused != s.want {
			t.Fatalf("%s: refused %q, want %q", s.who, refused, s.want)
		}
		if release != nil {
			releases = append(releases, release)
		}
	}
	releases[0]()
	if release, refused := g.enter("carl"); refused != "" {
		t.Fatalf("after a release: refused %q", refused)
	} else {
		release()
	}
	if _, refused := g.enter("anna"); refused != "" {
		t.Fatalf("anna after her release: refused %q", refused)
	}
}

// TestHostileUploads: the probe's workbooks are answered with the reason
// they are refused, and an upload while the places are taken is told to
// wait, in the page's language.
func TestHostileUploads(t *testing.T) {
	f := newFixture(t, "sqlite")
	c := f.client(t)
	f.login(t, c)
	wb := func(s soak.Sheet) register.File {
		var buf bytes.Buffer
		if err := soak.WriteWorkbook(&buf, s); err != nil {
			t.Fatal(err)
		}
		return register.File{Name: "angreb.xlsx", Data: buf.Bytes()}
	}
	tests := []struct {
		name string
		file register.File
		want string
	}{
		{"column ZZZ", wb(soak.FarColumn(3000)), "angreb.xlsx: refused: adoption!ZZZ1: a value beyond column Z"},
		{"bomb", wb(soak.Bomb(300)), "angreb.xlsx: refused: it unpacks to more than 40 MB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := upload(t, c, f.srv.URL+"/admin/upload", nil, tt.file)
			if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.body, tt.want) {
				t.Errorf("%s\n%s", r.Status, r.body)
			}
		})
	}

	// Both places taken by others: wait.
	var releases []func()
	for _, who := range []string{"admin:x", "admin:y"} {
		release, _ := f.admin.parsing.enter(who)
		releases = append(releases, release)
	}
	r := upload(t, c, f.srv.URL+"/admin/upload", http.Header{"Accept-Language": {"en"}}, workbook(t))
	if r.StatusCode != http.StatusServiceUnavailable || r.Header.Get("Retry-After") == "" || !strings.Contains(r.body, "Other files are being read right now") {
		t.Errorf("busy: %s %q\n%s", r.Status, r.Header.Get("Retry-After"), r.body)
	}
	for _, release := range releases {
		release()
	}
	if r := upload(t, c, f.srv.URL+"/admin/upload", nil, workbook(t)); r.StatusCode != http.StatusOK {
		t.Errorf("after the others: %s", r.Status)
	}
}
