package report

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io"
	"sync"

	"os2pulse/assets"
	"os2pulse/table"
)

//go:embed templates/*.html
var templateFiles embed.FS

var templates = sync.OnceValues(func() (*template.Template, error) {
	t := template.New("").Funcs(template.FuncMap{
		"add": func(a ...int) int {
			n := 0
			for _, x := range a {
				n += x
			}
			return n
		},
		"sub": func(a, b int) int { return a - b },
		"div": func(a, b int) int { return a / b },
		// css is the site's own style sheet and printJS its print
		// button's script, never data.
		"css":     func() template.CSS { return template.CSS(assets.StyleSheet()) },
		"printJS": func() template.JS { return template.JS(assets.PrintScript()) },
	})
	t, err := table.Templates(t)
	if err != nil {
		return nil, err
	}
	return t.ParseFS(templateFiles, "templates/*.html")
})

// Body is the report's article, for a page that puts the site's layout
// around it.
func (d Document) Body() (template.HTML, error) {
	var b bytes.Buffer
	if err := execute(&b, "report-body", d); err != nil {
		return "", err
	}
	// Rendered by html/template from the report's own template: safe.
	return template.HTML(b.String()), nil
}

// WriteHTML writes the report as a page on its own: the style sheet and
// the print button's script inline, no link to a server, so the file
// prints to A4 anywhere.
func (d Document) WriteHTML(w io.Writer) error { return execute(w, "report-standalone", d) }

func execute(w io.Writer, name string, d Document) error {
	t, err := templates()
	if err != nil {
		return fmt.Errorf("report: templates: %w", err)
	}
	if err := t.ExecuteTemplate(w, name, d); err != nil {
		return fmt.Errorf("report: rendering the %d report: %w", d.Year, err)
	}
	return nil
}
