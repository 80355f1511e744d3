package main

import (
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"
	"golang.org/x/text/encoding/charmap"

	"os2pulse/admin"
	"os2pulse/config"
	"os2pulse/figures"
	"os2pulse/register"
	"os2pulse/storage"
)

// danishRegister is a register as the secretariat has it: Danish Excel's
// Windows-1252 CSV with names, Danish dates and a note that would be a
// formula.
func danishRegister(t *testing.T, dir string) (adoption, members string) {
	t.Helper()
	text, err := charmap.Windows1252.NewEncoder().String("organization;product;status;since;until;note\r\n" +
		"Københavns Kommune;os2forms;i drift;01-01-2020;;\r\n" +
		"Århus;os2faktor;pilot;01.02.2021;01.08.2021;=SUM(A1)\r\n" +
		"KL;os2forms;i drift;2022-03-01;;Kommunernes Landsforening\r\n")
	if err != nil {
		t.Fatal(err)
	}
	adoption = writeFile(t, dir, "ibrugtagning.csv", text)
	members = writeFile(t, dir, "medlemmer.csv", "organization,name,kind,member_since,member_until\n"+
		"Københavns Kommune,,municipality,2015-01-01,\nkl,KL,other,2018-01-01,\n")
	return adoption, members
}

// TestRegisterExportRoundTrip: what "register export" writes, "register
// import" reads back without a change, in both formats and as known on a
// past day.
func TestRegisterExportRoundTrip(t *testing.T) {
	dir := t.TempDir()
	cfg := registerTestConfig(t, dir)
	adoption, members := danishRegister(t, dir)
	out, errOut, err := runCLI(t, "register", "import", "-config", cfg, adoption, members)
	if err != nil {
		t.Fatalf("import: %v\n%s", err, errOut)
	}
	out = migrationLines.ReplaceAllString(out, "")
	want := "imported " + adoption + " and " + members + ": 5 added, 0 changed, 0 ended (kept in history), 0 unchanged\n" +
		"note: " + adoption + ` is not UTF-8; it was read as Windows-1252 (Danish Excel's "CSV (semikolonsepareret)")` + "\n"
	if out != want {
		t.Fatalf("import said\n%s\nwant\n%s", out, want)
	}
	wb := filepath.Join(dir, "export.xlsx")
	if _, errOut, err := runCLI(t, "register", "export", "-config", cfg, "-o", wb); err != nil || !strings.Contains(errOut, "wrote "+wb+" (3 adoption records, 2 membership periods)") {
		t.Fatalf("export: %v %s", err, errOut)
	}
	csvA, _, err := runCLI(t, "register", "export", "-config", cfg, "-format", "csv")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(csvA, "\uFEFF") || !strings.Contains(csvA, "751,Aarhus,os2faktor,pilot,2021-02-01,2021-08-01,'=SUM(A1)\n") {
		t.Errorf("CSV export:\n%s", csvA)
	}
	csvM, _, _ := runCLI(t, "register", "export", "-config", cfg, "-format", "csv", "-table", "members")
	a2 := writeFile(t, dir, "a2.csv", csvA)
	m2 := writeFile(t, dir, "m2.csv", csvM)
	// For Danish Excel: semicolons.
	semiA, _, err := runCLI(t, "register", "export", "-config", cfg, "-format", "csv", "-sep", "semicolon")
	if err != nil || !strings.Contains(semiA, "751;Aarhus;os2faktor;pilot;2021-02-01;2021-08-01;'=SUM(A1)\n") {
		t.Errorf("CSV export with semicolons: %v\n%s", err, semiA)
	}
	semiM, _, _ := runCLI(t, "register", "export", "-config", cfg, "-format", "csv", "-table", "members", "-sep", "semicolon")
	a3 := writeFile(t, dir, "a3.csv", semiA)
	m3 := writeFile(t, dir, "m3.csv", semiM)
	for _, files := range [][]string{{wb}, {a2, m2}, {a3, m3}} {
		out, errOut, err := runCLI(t, append([]string{"register", "import", "-config", cfg}, files...)...)
		if err != nil || !strings.Contains(out, ": 0 added, 0 changed, 0 ended (kept in history), 5 unchanged\n") {
			t.Errorf("re-import of %v: %v\n%s%s", files, err, out, errOut)
		}
	}
	// Before the first import the register was empty.
	old, _, err := runCLI(t, "register", "export", "-config", cfg, "-format", "csv", "-date", "2000-01-01")
	if err != nil || old != "\uFEFForganization,organization_name,product,status,since,until,note\n" {
		t.Errorf("export as known in 2000: %v %q", err, old)
	}
	for _, args := range [][]string{{"-format", "ods"}, {"-table", "x", "-format", "csv"}, {"-date", "01-01-2020"}, {"extra"}, {"-sep", "tab"}, {"-sep", ""}} {
		if _, _, err := runCLI(t, append([]string{"register", "export", "-config", cfg}, args...)...); err != errUsage {
			t.Errorf("export %v: %v, want a usage error", args, err)
		}
	}
	s, err := storage.Open(context.Background(), "sqlite", filepath.Join(dir, "os2pulse.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	imps, _ := s.RegisterImports(context.Background())
	for _, imp := range imps {
		if imp.Via != storage.ViaCommandLine {
			t.Errorf("import %s recorded as made via %q", imp.ID, imp.Via)
		}
	}
}

// TestPreviewImportEqualsCommandLine: a file imported through the admin
// pages' preview leaves exactly the register "register import" leaves.
func TestPreviewImportEqualsCommandLine(t *testing.T) {
	ctx := context.Background()
	cliDir, webDir := t.TempDir(), t.TempDir()
	adoption, members := danishRegister(t, cliDir)
	cliCfg := registerTestConfig(t, cliDir)
	if _, errOut, err := runCLI(t, "register", "import", "-config", cliCfg, adoption, members); err != nil {
		t.Fatal(err, errOut)
	}

	hash, _ := bcrypt.GenerateFromPassword([]byte("correct horse battery"), bcrypt.MinCost)
	webCfgPath := registerTestConfig(t, webDir)
	b, _ := os.ReadFile(webCfgPath)
	os.WriteFile(webCfgPath, append(b, []byte("[[admins]]\nname = \"anna\"\npassword_hash = \""+string(hash)+"\"\n")...), 0o644)
	cfg, err := config.Load(webCfgPath)
	if err != nil {
		t.Fatal(err)
	}
	store, err := openStore(ctx, cfg, readWrite, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	srv := httptest.NewServer(admin.New(admin.Options{Config: cfg, Store: store, Figures: figures.New(store.ReadOnly(), cfg), Token: "tok"}))
	defer srv.Close()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for field, path := range map[string]string{"register": adoption, "members": members} {
		w, _ := mw.CreateFormFile(field, filepath.Base(path))
		data, _ := os.ReadFile(path)
		w.Write(data)
	}
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/admin/upload", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer tok")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := regexp.MustCompile(`name="upload" value="([^"]+)"`).FindSubmatch(page)
	if resp.StatusCode != http.StatusOK || m == nil {
		t.Fatalf("preview: %s\n%s", resp.Status, page)
	}
	req, _ = http.NewRequest(http.MethodPost, srv.URL+"/admin/import", strings.NewReader(url.Values{"upload": {string(m[1])}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Authorization", "Bearer tok")
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("import: %v %v", resp, err)
	}

	cliStore, err := storage.Open(ctx, "sqlite", filepath.Join(cliDir, "os2pulse.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer cliStore.Close()
	want, _ := register.ReadStored(ctx, cliStore, "")
	got, _ := register.ReadStored(ctx, store, "")
	for _, c := range []*register.Contents{&want, &got} {
		for i := range c.Adoptions {
			c.Adoptions[i].RecordedAt = ""
		}
		for i := range c.Memberships {
			c.Memberships[i].RecordedAt = ""
		}
	}
	if !reflect.DeepEqual(got, want) || len(got.Adoptions) != 3 {
		t.Errorf("through the admin pages\n%+v\nfrom the command line\n%+v", got, want)
	}
	a, _ := cliStore.RegisterImports(ctx)
	w, _ := store.RegisterImports(ctx)
	if a[0].SHA256 != w[0].SHA256 || a[0].Added != w[0].Added || w[0].Via != storage.ViaToken {
		t.Errorf("imports %+v and %+v", a[0], w[0])
	}
}

func TestAdminPasswd(t *testing.T) {
	var out, errOut bytes.Buffer
	if err := adminPasswd("anna", strings.NewReader("correct horse battery\r\n"), false, nil, &out, &errOut); err != nil {
		t.Fatal(err)
	}
	hash := strings.TrimSpace(out.String())
	if bcrypt.CompareHashAndPassword([]byte(hash), []byte("correct horse battery")) != nil {
		t.Errorf("hash %q does not match the password", hash)
	}
	if strings.Contains(out.String()+errOut.String(), "horse") || !strings.Contains(errOut.String(), "[[admins]]\nname = \"anna\"\npassword_hash = \""+hash+"\"") {
		t.Errorf("stdout %q, stderr %q", out.String(), errOut.String())
	}
	// The hash is one the configuration accepts.
	if _, err := config.Parse("t.toml", []byte("[[admins]]\nname = \"anna\"\npassword_hash = \""+hash+"\"\n"), nil); err != nil {
		t.Error(err)
	}
	if err := adminPasswd("anna", strings.NewReader("short\n"), false, nil, io.Discard, io.Discard); err == nil {
		t.Error("a 5-byte password accepted")
	}
	answers := [][]byte{[]byte("correct horse battery"), []byte("correct horse batterx")}
	read := func() ([]byte, error) { a := answers[0]; answers = answers[1:]; return a, nil }
	if err := adminPasswd("anna", nil, true, read, io.Discard, io.Discard); err == nil || !strings.Contains(err.Error(), "differ") {
		t.Errorf("two different passwords on a terminal: %v", err)
	}
	if _, _, err := runCLI(t, "admin"); err != errUsage {
		t.Errorf("admin without passwd: %v", err)
	}
}
