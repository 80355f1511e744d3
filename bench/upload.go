package main

// Uploads (goal 5 of issue 24): the peak memory of a serving process
// given one register upload, hostile or valid, each in a fresh process on
// the tiny portfolio, so that the peak is the upload's and not what a
// large portfolio holds.

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"os2pulse/figures"
	"os2pulse/soak"
)

// Upload is one upload's measurement.
type Upload struct {
	Kind    string
	Bytes   int
	Code    int   // the answer's status
	Idle    int64 // the server's peak before the upload
	PeakRSS int64 // its peak with the upload
	Took    time.Duration
	Valid   bool // a valid register (goal 150 MiB), else hostile (100 MiB)
}

const (
	goalUploadRSS = 100 << 20 // bytes, any upload
	goalValidRSS  = 150 << 20 // a valid workbook of 100,000 rows
	uploadToken   = "bench-upload-token-0123456789abcdef"
)

// adoptionColumns is the register's header row, as the upload form expects
// it (register.AdoptionColumns; the bench sees the binary from outside).
var adoptionColumns = []string{"organization", "product", "status", "since", "until", "note"}

// uploadFile is an upload the measurement sends.
type uploadFile struct {
	kind, name string
	valid      bool
	data       func() ([]byte, error)
}

// uploadFiles are the uploads measured; valid rows name the portfolio's
// products.
func uploadFiles(products []string) ([]uploadFile, error) {
	ms, err := figures.Municipalities()
	if err != nil {
		return nil, err
	}
	products = products[:min(3, len(products))]
	// Row i of a register without overlaps: each municipality and
	// product a two-day period after the last.
	valid := func(i int) []string {
		if i == 0 {
			return adoptionColumns
		}
		i--
		pair := i % (len(ms) * len(products))
		since := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, 2*(i/(len(ms)*len(products))))
		return []string{ms[pair%len(ms)].ID, products[pair/len(ms)], "production", since.Format(time.DateOnly),
			since.AddDate(0, 0, 1).Format(time.DateOnly), "row " + strconv.Itoa(i)}
	}
	workbook := func(sheet soak.Sheet) func() ([]byte, error) {
		return func() ([]byte, error) {
			var b bytes.Buffer
			err := soak.WriteWorkbook(&b, sheet)
			return b.Bytes(), err
		}
	}
	alike := func(i int) []string {
		if i == 0 {
			return adoptionColumns
		}
		return []string{"101", products[0], "production", "2020-01-01", "", "en note"}
	}
	return []uploadFile{
		{"workbook: decompression bomb unpacking to 800 MB", "bomb.xlsx", false, workbook(soak.Bomb(800))},
		{"workbook: 2,000,000 shared strings", "strings.xlsx", false, sharedStringsBomb(2_000_000)},
		{"workbook: 3,000 rows with a value in column ZZZ", "far.xlsx", false, workbook(soak.FarColumn(3000))},
		{"workbook: real rows unpacking to 249 MB", "alike.xlsx", false, workbook(soak.AlikeRows(1_000_000, alike))},
		{"CSV: 10 MB of separators on one line", "separators.csv", false, func() ([]byte, error) {
			return []byte(strings.Join(adoptionColumns, ";") + "\n" + strings.Repeat(";", 10<<20-100) + "\n"), nil
		}},
		{"CSV: valid register of 100,000 rows", "register.csv", true, func() ([]byte, error) {
			var b strings.Builder
			for i := range 100_001 {
				b.WriteString(strings.Join(valid(i), ";") + "\n")
			}
			return []byte(b.String()), nil
		}},
		{"workbook: valid register of 100,000 rows", "register.xlsx", true, workbook(soak.Rows(100_001, valid))},
	}, nil
}

// sharedStringsBomb is a workbook whose shared strings table holds n
// one-letter strings, the classic bomb of a reader that loads the table
// whole: a few hundred kB packed.
func sharedStringsBomb(n int) func() ([]byte, error) {
	return func() ([]byte, error) {
		var b bytes.Buffer
		zw := zip.NewWriter(&b)
		for _, part := range []struct{ name, body string }{
			{"xl/workbook.xml", `<workbook xmlns:r="r"><sheets><sheet name="adoption" r:id="rId1"/></sheets></workbook>`},
			{"xl/_rels/workbook.xml.rels", `<Relationships><Relationship Id="rId1" Type="worksheet" Target="worksheets/sheet1.xml"/></Relationships>`},
			{"xl/worksheets/sheet1.xml", `<worksheet><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData></worksheet>`},
			{"xl/sharedStrings.xml", "<sst>" + strings.Repeat("<si><t>a</t></si>", n) + "</sst>"},
		} {
			w, err := zw.Create(part.name)
			if err != nil {
				return nil, err
			}
			if _, err := io.WriteString(w, part.body); err != nil {
				return nil, err
			}
		}
		err := zw.Close()
		return b.Bytes(), err
	}
}

// measureUploads sends each upload to a fresh server on the tiny
// portfolio and reads its peak memory.
func measureUploads(ctx context.Context, bin, work string, seed uint64, log io.Writer) ([]Upload, error) {
	p, _, err := generated(filepath.Join(work, fmt.Sprintf("tiny-seed%d", seed)), Sizes["tiny"], seed, log)
	if err != nil {
		return nil, err
	}
	dbDir := filepath.Join(p.Dir, "uploads")
	os.RemoveAll(dbDir)
	if err := os.MkdirAll(dbDir, 0o755); err != nil {
		return nil, err
	}
	cfg := filepath.Join(p.Dir, "os2pulse-uploads.toml")
	if err := writeConfig(p.Config, cfg, "sqlite", filepath.Join(dbDir, "os2pulse.db")); err != nil {
		return nil, err
	}
	// The admin pages take the token from the environment.
	b, err := os.ReadFile(cfg)
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(cfg, append(b, "\n[server]\nadmin_token_env = \"OS2PULSE_ADMIN_TOKEN\"\n"...), 0o644); err != nil {
		return nil, err
	}
	for _, args := range [][]string{{"migrate", "-config", cfg}, {"collect", "-config", cfg, "-source", "register"}} {
		if out, err := exec.CommandContext(ctx, bin, args...).CombinedOutput(); err != nil {
			return nil, fmt.Errorf("os2pulse %s: %w\n%s", args[0], err, out)
		}
	}
	files, err := uploadFiles(p.Products)
	if err != nil {
		return nil, err
	}
	var out []Upload
	for _, f := range files {
		data, err := f.data()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f.kind, err)
		}
		srv, err := startServer(ctx, bin, cfg, filepath.Join(dbDir, "serve.log"), "OS2PULSE_ADMIN_TOKEN="+uploadToken)
		if err != nil {
			return nil, err
		}
		u := Upload{Kind: f.kind, Bytes: len(data), Valid: f.valid, Idle: rss(srv.cmd.Process.Pid, "VmHWM")}
		t0 := time.Now()
		u.Code, err = srv.upload(f.name, data)
		u.Took = time.Since(t0)
		u.PeakRSS = rss(srv.cmd.Process.Pid, "VmHWM")
		srv.stop()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f.kind, err)
		}
		fmt.Fprintf(log, "  upload %s (%s): %d, peak %s (idle %s), %s\n", f.kind, kb(u.Bytes), u.Code, mb(u.PeakRSS), mb(u.Idle), ms(u.Took))
		out = append(out, u)
	}
	return out, nil
}

// upload posts a register file to /admin/upload with the admin token and
// returns the answer's status.
func (s *server) upload(name string, data []byte) (int, error) {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	w, err := mw.CreateFormFile("register", name)
	if err != nil {
		return 0, err
	}
	w.Write(data)
	mw.Close()
	req, err := http.NewRequest(http.MethodPost, s.base+"/admin/upload", &body)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+uploadToken)
	req.Header.Set("Accept", "application/json")
	resp, err := s.client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, nil
}

// uploadMarkdown is the section of goal 5.
func (r *Results) uploadMarkdown() string {
	if len(r.Uploads) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("## Uploads (goal 5)\n\n")
	b.WriteString("Each file is posted to `/admin/upload` of a fresh `os2pulse serve` on the tiny portfolio (SQLite); peak memory is the process's VmHWM after the answer, idle its VmHWM when ready. Hostile files should be refused (422) and peak at most 100 MiB; valid registers are previewed (200) at most 150 MiB.\n\n")
	b.WriteString("| upload | size | answer | peak RSS (idle) | took | goal | met |\n|---|---:|---:|---:|---:|---|---|\n")
	for _, u := range r.Uploads {
		goal, want := int64(goalUploadRSS), http.StatusUnprocessableEntity
		if u.Valid {
			goal, want = goalValidRSS, http.StatusOK
		}
		why := mb(u.PeakRSS)
		if u.Code != want {
			why = fmt.Sprintf("answered %d, not %d; %s", u.Code, want, why)
		}
		fmt.Fprintf(&b, "| %s | %s | %d | %s (%s) | %s | %s, %d | %s |\n", u.Kind, kb(u.Bytes), u.Code, mb(u.PeakRSS), mb(u.Idle), ms(u.Took),
			fmt.Sprintf("≤ %d MiB", goal>>20), want, verdict(u.PeakRSS <= goal && u.Code == want, why))
	}
	b.WriteString("\n")
	return b.String()
}
