package register

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"net/url"
	"path"
	"strings"
)

// Kinds of register file.
const (
	kindCSV  = "csv"
	kindXLSX = "xlsx"
)

// fileKind says how a register file is read: as a workbook when it is
// one (by content, whatever its name), as CSV when its name says CSV or
// nothing. Macro-enabled workbooks and other types are refused with what
// to do instead: a register never needs macros, and a binary file read as
// CSV gives only confusing problems.
func fileKind(name string, data []byte) (string, error) {
	ext := strings.ToLower(path.Ext(fileName(name)))
	isZip := bytes.HasPrefix(data, []byte("PK\x03\x04"))
	switch {
	case ext == ".xlsm" || ext == ".xltm" || isZip && macroEnabled(data):
		return "", fmt.Errorf("%s: a macro-enabled workbook (.xlsm) is refused: save it as an Excel workbook (.xlsx) without macros", name)
	case isZip:
		if why := notWorkbook(data); why != "" {
			return "", fmt.Errorf("%s: not an Excel workbook (%s): save it as .xlsx or CSV", name, why)
		}
		return kindXLSX, nil
	case bytes.HasPrefix(data, []byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1")):
		return "", fmt.Errorf("%s: an old Excel 97-2003 workbook (.xls) or another Office file: save it as an Excel workbook (.xlsx) or CSV", name)
	case ext == ".xlsx":
		return "", fmt.Errorf("%s: named .xlsx but not an Excel workbook (not a ZIP file)", name)
	case ext == "" || ext == ".csv" || ext == ".txt":
		return kindCSV, nil
	}
	return "", fmt.Errorf("%s: unsupported file type %q: use an Excel workbook (.xlsx) or CSV (.csv)", name, ext)
}

// fileName is the last element of a path or URL.
func fileName(name string) string {
	if u, err := url.Parse(name); err == nil && u.Scheme != "" && u.Path != "" {
		return path.Base(u.Path)
	}
	return path.Base(strings.ReplaceAll(name, `\`, "/"))
}

// macroEnabled reports whether a ZIP is a workbook with macros.
func macroEnabled(data []byte) bool {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return false
	}
	for _, f := range zr.File {
		switch strings.ToLower(f.Name) {
		case "xl/vbaproject.bin":
			return true
		case "[content_types].xml":
			rc, err := f.Open()
			if err != nil {
				continue
			}
			b, _ := io.ReadAll(io.LimitReader(rc, 1<<20))
			rc.Close()
			if bytes.Contains(b, []byte("macroEnabled")) {
				return true
			}
		}
	}
	return false
}

// notWorkbook says why a ZIP is not an .xlsx workbook ("" when it is one).
func notWorkbook(data []byte) string {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return "a damaged ZIP file"
	}
	has := map[string]bool{}
	for _, f := range zr.File {
		has[strings.ToLower(f.Name)] = true
	}
	switch {
	case has["xl/workbook.xml"]:
		return ""
	case has["xl/workbook.bin"]:
		return "a binary workbook, .xlsb"
	case has["mimetype"] || has["content.xml"]:
		return "an OpenDocument file, .ods"
	}
	return "a ZIP file without a workbook"
}
