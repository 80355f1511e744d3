package dashboard

import (
	"fmt"
	"html"
	"html/template"
	"math"
	"strconv"
	"strings"
	"sync"

	"os2pulse/assets"
)

// Maps of Denmark's municipalities are drawn on the server as an inline
// SVG: a phone gets the map with the page, without ECharts, a second
// request for the boundaries or a script that projects them (which cost
// the map embed a second of main-thread work). Each municipality is one
// path with its name and value as <title>, the hover tooltip; the data
// table beside the map has the same values, with links.

// mapWidth is the width of the map's coordinate system; positions are
// rounded to whole units, about 0.6 km, under a pixel at any size the
// map is shown.
const mapWidth = 500

// bornholm is drawn in a box in the Kattegat, north-east of Zealand,
// as Danish maps do: in its place it would leave the map a third empty.
const bornholm = "400"

// bornholmShift moves Bornholm into its box (degrees of longitude and
// latitude), its north-east corner near 12.65° E, 57.7° N.
var bornholmShift = [2]float64{-2.51, 2.40}

// mapShape is a municipality's outline as SVG path data.
type mapShape struct {
	Code string
	D    string
}

// mapGeometry is every municipality's path, the drawing's height and
// the box around Bornholm.
type mapGeometry struct {
	Shapes []mapShape
	Height int
	Inset  [4]int // x, y, width, height of Bornholm's box
}

// mapShapes projects the municipalities once: longitude is scaled by
// cos 56° (what a degree of longitude is worth at Denmark's latitude),
// so the map keeps the country's proportions.
var mapShapes = sync.OnceValues(func() (mapGeometry, error) {
	outlines, err := assets.MunicipalityOutlines()
	if err != nil {
		return mapGeometry{}, fmt.Errorf("dashboard: map: %w", err)
	}
	kx := math.Cos(56 * math.Pi / 180)
	place := func(code string, p [2]float64) [2]float64 {
		if code == bornholm {
			p[0], p[1] = p[0]+bornholmShift[0], p[1]+bornholmShift[1]
		}
		return [2]float64{p[0] * kx, -p[1]}
	}
	minX, minY, maxX, maxY := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	var bx [4]float64 // Bornholm's extent: min x, min y, max x, max y
	bx[0], bx[1], bx[2], bx[3] = math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, o := range outlines {
		for _, poly := range o.Polygons {
			for _, ring := range poly {
				for _, p := range ring {
					q := place(o.Code, p)
					minX, maxX, minY, maxY = min(minX, q[0]), max(maxX, q[0]), min(minY, q[1]), max(maxY, q[1])
					if o.Code == bornholm {
						bx[0], bx[2], bx[1], bx[3] = min(bx[0], q[0]), max(bx[2], q[0]), min(bx[1], q[1]), max(bx[3], q[1])
					}
				}
			}
		}
	}
	if math.IsInf(minX, 0) {
		return mapGeometry{}, fmt.Errorf("dashboard: map: no municipality outlines")
	}
	pad := 4.0 // units around the drawing, so borders are not cut
	scale := (mapWidth - 2*pad) / (maxX - minX)
	at := func(q [2]float64) (int, int) {
		return int(math.Round(pad + (q[0]-minX)*scale)), int(math.Round(pad + (q[1]-minY)*scale))
	}
	g := mapGeometry{Height: int(math.Ceil(2*pad + (maxY-minY)*scale))}
	for _, o := range outlines {
		var d strings.Builder
		for _, poly := range o.Polygons {
			for _, ring := range poly {
				d.WriteString(ringPath(ring, func(p [2]float64) (int, int) { return at(place(o.Code, p)) }))
			}
		}
		if d.Len() > 0 {
			g.Shapes = append(g.Shapes, mapShape{Code: o.Code, D: d.String()})
		}
	}
	x0, y0 := at([2]float64{bx[0], bx[1]})
	x1, y1 := at([2]float64{bx[2], bx[3]})
	g.Inset = [4]int{x0 - 3, y0 - 3, x1 - x0 + 6, y1 - y0 + 6}
	return g, nil
})

// ringPath is one closed ring as relative moves between whole units;
// points that round onto the one before are left out, and a ring that
// collapses to under three points is not drawn.
func ringPath(ring [][2]float64, at func([2]float64) (int, int)) string {
	var pts [][2]int
	for _, p := range ring {
		x, y := at(p)
		if n := len(pts); n > 0 && pts[n-1] == [2]int{x, y} {
			continue
		}
		pts = append(pts, [2]int{x, y})
	}
	if len(pts) > 1 && pts[0] == pts[len(pts)-1] {
		pts = pts[:len(pts)-1]
	}
	if len(pts) < 3 {
		return ""
	}
	var b strings.Builder
	b.WriteString("M" + strconv.Itoa(pts[0][0]) + " " + strconv.Itoa(pts[0][1]) + "l")
	for i := 1; i < len(pts); i++ {
		dx, dy := pts[i][0]-pts[i-1][0], pts[i][1]-pts[i-1][1]
		if i > 1 && dx >= 0 {
			b.WriteByte(' ')
		}
		b.WriteString(strconv.Itoa(dx))
		if dy >= 0 {
			b.WriteByte(' ')
		}
		b.WriteString(strconv.Itoa(dy))
	}
	b.WriteString("z")
	return b.String()
}

// mapArea is what one municipality shows: its colour, its tooltip and
// the page a click opens.
type mapArea struct {
	Color, Title, Link string
}

// legendItem is one class of a map's legend.
type legendItem struct {
	Label, Color string
}

// mapLegend is a map's legend, shown as text beside the drawing.
type mapLegend struct {
	Title string
	Items []legendItem
}

// mapSVG draws the municipalities, each by areas[code] (areas missing
// from it are left light grey), labelled by summary for screen readers,
// which find each value in the table beside.
func mapSVG(summary string, areas map[string]mapArea) (template.HTML, error) {
	g, err := mapShapes()
	if err != nil {
		return "", err
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" width="%d" height="%d" role="img" aria-label="%s">`,
		mapWidth, g.Height, mapWidth, g.Height, html.EscapeString(summary))
	b.WriteString(`<g stroke="#555555" stroke-width="0.5" stroke-linejoin="round">`)
	for _, s := range g.Shapes {
		a, ok := areas[s.Code]
		if !ok {
			a.Color = colorNone
		}
		fmt.Fprintf(&b, `<path d="%s" fill="%s"`, s.D, html.EscapeString(a.Color))
		if a.Link != "" {
			fmt.Fprintf(&b, ` data-href="%s"`, html.EscapeString(a.Link))
		}
		b.WriteString(">")
		if a.Title != "" {
			fmt.Fprintf(&b, "<title>%s</title>", html.EscapeString(a.Title))
		}
		b.WriteString("</path>")
	}
	b.WriteString("</g>")
	fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="%d" fill="none" stroke="#8c8c8c" stroke-width="1"/>`,
		g.Inset[0], g.Inset[1], g.Inset[2], g.Inset[3])
	b.WriteString("</svg>")
	// Every text in it is escaped above; the rest are numbers.
	return template.HTML(b.String()), nil
}

// pieceColor is the colour of the class of pieces n falls in.
func pieceColor(pieces []piece, n int) string {
	for _, p := range pieces {
		switch {
		case p.Value != nil && *p.Value == n,
			p.Value == nil && (p.Gte == nil || n >= *p.Gte) && (p.Lte == nil || n <= *p.Lte):
			return p.Color
		}
	}
	return colorNone
}

// legendOf is the legend of a map coloured by pieces.
func legendOf(title string, pieces []piece) mapLegend {
	l := mapLegend{Title: title}
	for _, p := range pieces {
		l.Items = append(l.Items, legendItem{Label: p.Label, Color: p.Color})
	}
	return l
}
