package report

import (
	"bytes"
	"context"
	"encoding/xml"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"os2pulse/figures"
	"os2pulse/figures/figurestest"
	"os2pulse/locale"
)

// TestReportFitsA4InLibreOffice opens the example's annual report, as
// `os2pulse report` writes it, in LibreOffice Writer (which the
// secretariat uses to edit it), turns it into a PDF and fails for any
// word that runs past the right edge of the A4 page: Writer lays tables
// out by their own rules, not a browser's, and cut the contributor,
// adoption, health and goal tables by a column before. It needs
// LibreOffice Writer and poppler's pdftotext (Debian:
// libreoffice-writer-nogui, poppler-utils); CI installs both.
func TestReportFitsA4InLibreOffice(t *testing.T) {
	if testing.Short() {
		t.Skip("converts with LibreOffice: not in -short")
	}
	soffice, pdftotext := tool(t, "soffice"), tool(t, "pdftotext")
	store, cfg := figurestest.Example(t, "sqlite")
	rep, err := figures.New(store.ReadOnly(), cfg).ProduceReport(context.Background(), 2025, figurestest.ExampleClock)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	var files []string
	for _, l := range []locale.Lang{locale.DA, locale.EN} {
		var b bytes.Buffer
		if err := Write(&b, cfg, rep, "html", l); err != nil {
			t.Fatal(err)
		}
		name := filepath.Join(dir, "report-2025-"+string(l)+".html")
		if err := os.WriteFile(name, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, name)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	// A profile of its own, so that a LibreOffice open on the machine
	// (or another test) does not take the conversion over.
	args := append([]string{"-env:UserInstallation=file://" + filepath.Join(dir, "profile"),
		"--headless", "--convert-to", "pdf", "--outdir", dir}, files...)
	if out, err := exec.CommandContext(ctx, soffice, args...).CombinedOutput(); err != nil {
		t.Fatalf("soffice: %v\n%s", err, out)
	}
	for _, name := range files {
		pdf := strings.TrimSuffix(name, ".html") + ".pdf"
		out, err := exec.CommandContext(ctx, pdftotext, "-bbox", pdf, "-").Output()
		if err != nil {
			t.Fatalf("pdftotext %s: %v", pdf, err)
		}
		pages, err := pdfWords(out)
		if err != nil {
			t.Fatalf("%s: %v", pdf, err)
		}
		if len(pages) < 5 {
			t.Fatalf("%s: %d pages; the report has more", filepath.Base(pdf), len(pages))
		}
		var text strings.Builder
		for i, p := range pages {
			var past []string
			for _, w := range p.Words {
				text.WriteString(w.Text + " ")
				if w.XMax > p.Width {
					past = append(past, fmt.Sprintf("%q (to %.0f pt)", w.Text, w.XMax))
				}
			}
			if len(past) > 0 {
				t.Errorf("%s page %d (%.0f pt wide): words past the right edge: %s",
					filepath.Base(pdf), i+1, p.Width, strings.Join(past[:min(len(past), 8)], ", "))
			}
		}
		// The tables are there at all: the last product of the example,
		// a row of each table that ran past the edge.
		for _, want := range []string{"OS2korrespondance", "OS2sofd"} {
			if strings.Count(text.String(), want) < 3 {
				t.Errorf("%s: %q is in fewer than 3 tables of the PDF", filepath.Base(pdf), want)
			}
		}
	}
}

// tool finds a program the test needs: missing, the test is skipped,
// except in CI, which installs it.
func tool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is not installed (.ci/run installs it)", name)
		}
		t.Skipf("%s is not installed", name)
	}
	return p
}

// pdfPage is a page of pdftotext -bbox's output: its width and its words
// with their boxes, in points.
type pdfPage struct {
	Width float64   `xml:"width,attr"`
	Words []pdfWord `xml:"word"`
}

type pdfWord struct {
	XMax float64 `xml:"xMax,attr"`
	Text string  `xml:",chardata"`
}

// pdfWords reads pdftotext -bbox's XHTML.
func pdfWords(b []byte) ([]pdfPage, error) {
	var doc struct {
		Pages []pdfPage `xml:"body>doc>page"`
	}
	d := xml.NewDecoder(bytes.NewReader(b))
	d.Strict = false
	d.Entity = xml.HTMLEntity
	if err := d.Decode(&doc); err != nil {
		return nil, fmt.Errorf("reading pdftotext -bbox: %w", err)
	}
	return doc.Pages, nil
}
