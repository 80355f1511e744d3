package assets

import (
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math"
	"net/http"
	"slices"
	"strconv"
	"sync"
)

// Attribution required by the licence of the municipality boundaries; show it
// next to every map.
const (
	MapAttributionDA = "Kommunegrænser: Geodatastyrelsen & Danske Kommuner, FOT 2014-02-13 (1:500.000)"
	MapAttributionEN = "Municipal boundaries: Danish Geodata Agency & Local Government Denmark, FOT 2014-02-13 (1:500,000)"
)

// GeoPath is where the map is served; map-register.js fetches it.
const GeoPath = "/static/geo/dk_municipalities.json"

// The TopoJSON is embedded rather than served: browsers get a smaller
// GeoJSON derived from it at start-up, which is what ECharts understands.
//
//go:embed geo/dk_municipalities.topojson
var municipalityTopoJSON []byte

// municipalityGeoJSON returns the Denmark municipality map as a GeoJSON
// FeatureCollection, one MultiPolygon Feature per municipality with
// properties {"code": "101", "name": "København"}. It is computed once.
func municipalityGeoJSON() ([]byte, error) {
	return municipalityGeoJSONOnce()
}

var municipalityGeoJSONOnce = sync.OnceValues(func() ([]byte, error) {
	return decodeTopoJSON(municipalityTopoJSON)
})

// geoHandler serves the GeoJSON from memory at GeoPath.
func geoHandler() http.Handler {
	asset := sync.OnceValues(func() (staticAsset, error) {
		b, err := municipalityGeoJSON()
		return newStaticAsset(b, "application/json"), err
	})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a, err := asset()
		if err != nil {
			http.Error(w, "map data unavailable", http.StatusInternalServerError)
			return
		}
		serveStaticAsset(w, r, a)
	})
}

// topoTopology is the subset of the TopoJSON format used by the map data.
type topoTopology struct {
	Type      string `json:"type"`
	Transform *struct {
		Scale     []float64 `json:"scale"`
		Translate []float64 `json:"translate"`
	} `json:"transform"`
	Objects map[string]*topoGeometry `json:"objects"`
	Arcs    [][][]float64            `json:"arcs"`
}

type topoGeometry struct {
	Type       string          `json:"type"`
	Arcs       json.RawMessage `json:"arcs"`
	Geometries []*topoGeometry `json:"geometries"`
	Properties struct {
		KOMKODE string `json:"KOMKODE"`
		KOMNAVN string `json:"KOMNAVN"`
	} `json:"properties"`
}

// A GeoJSON position, ring and polygon (exterior ring first, then holes).
type (
	geoPoint   = [2]float64
	geoRing    = []geoPoint
	geoPolygon = []geoRing
)

// decodeTopoJSON turns the municipality topology into a GeoJSON
// FeatureCollection grouped by municipality code. It never panics on bad
// input; it returns an error instead.
func decodeTopoJSON(data []byte) ([]byte, error) {
	var topo topoTopology
	if err := json.Unmarshal(data, &topo); err != nil {
		return nil, fmt.Errorf("topojson: %w", err)
	}
	if topo.Type != "Topology" {
		return nil, fmt.Errorf("topojson: type %q, want Topology", topo.Type)
	}
	// The file is written by `topojson` from stdin; accept any single object
	// too, in case it is ever regenerated under another name.
	obj := topo.Objects["stdin"]
	if obj == nil && len(topo.Objects) == 1 {
		for _, o := range topo.Objects {
			obj = o
		}
	}
	if obj == nil {
		return nil, errors.New(`topojson: no object "stdin"`)
	}
	arcs, err := topo.absoluteArcs()
	if err != nil {
		return nil, err
	}
	for i, a := range arcs {
		arcs[i] = simplify(a, mapTolerance)
	}

	type municipality struct {
		name     string
		polygons []geoPolygon
	}
	byCode := map[int]*municipality{}
	var walk func(g *topoGeometry) error
	walk = func(g *topoGeometry) error {
		if g == nil {
			return nil
		}
		if g.Type == "GeometryCollection" {
			for _, c := range g.Geometries {
				if err := walk(c); err != nil {
					return err
				}
			}
			return nil
		}
		var polys [][][]int
		switch g.Type {
		case "Polygon":
			var p [][]int
			if err := json.Unmarshal(g.Arcs, &p); err != nil {
				return fmt.Errorf("topojson: polygon arcs: %w", err)
			}
			polys = [][][]int{p}
		case "MultiPolygon":
			if err := json.Unmarshal(g.Arcs, &polys); err != nil {
				return fmt.Errorf("topojson: multipolygon arcs: %w", err)
			}
		default:
			return fmt.Errorf("topojson: unsupported geometry type %q", g.Type)
		}
		code, err := strconv.Atoi(g.Properties.KOMKODE)
		if err != nil || code <= 0 || len(g.Properties.KOMKODE) != 4 {
			return fmt.Errorf("topojson: bad KOMKODE %q", g.Properties.KOMKODE)
		}
		if code == 411 { // Christiansø is administered by the state, not a municipality.
			return nil
		}
		m := byCode[code]
		if m == nil {
			m = &municipality{name: g.Properties.KOMNAVN}
			byCode[code] = m
		}
		for _, p := range polys {
			poly, err := buildPolygon(p, arcs)
			if err != nil {
				return err
			}
			if poly != nil {
				m.polygons = append(m.polygons, poly)
			}
		}
		return nil
	}
	if err := walk(obj); err != nil {
		return nil, err
	}

	type feature struct {
		Type       string            `json:"type"`
		Properties map[string]string `json:"properties"`
		Geometry   struct {
			Type        string       `json:"type"`
			Coordinates []geoPolygon `json:"coordinates"`
		} `json:"geometry"`
	}
	fc := struct {
		Type     string    `json:"type"`
		Features []feature `json:"features"`
	}{Type: "FeatureCollection", Features: []feature{}}
	// Sorted by code, so the output (and its ETag) only changes with the data.
	for _, code := range slices.Sorted(maps.Keys(byCode)) {
		m := byCode[code]
		if len(m.polygons) == 0 {
			continue
		}
		f := feature{Type: "Feature", Properties: map[string]string{
			"code": strconv.Itoa(code), // 3-digit kommunekode, as used elsewhere
			"name": m.name,
		}}
		f.Geometry.Type = "MultiPolygon"
		f.Geometry.Coordinates = m.polygons
		fc.Features = append(fc.Features, f)
	}
	out, err := json.Marshal(fc)
	if err != nil {
		return nil, fmt.Errorf("topojson: %w", err)
	}
	return out, nil
}

// mapTolerance is how far, in degrees, a simplified border may stray
// from the surveyed one: 0.002° is 130–220 m, under a pixel of a map of
// Denmark even 1,000 pixels wide, and it leaves a phone a quarter of the
// points to read and draw.
const mapTolerance = 0.002

// simplify drops the points of an arc that lie within tol of the line
// through their neighbours kept (Douglas–Peucker). Its ends are kept,
// and with them every point two municipalities share where their borders
// meet, so neighbours still meet: a shared arc is simplified once.
func simplify(arc []geoPoint, tol float64) []geoPoint {
	if len(arc) < 4 {
		return arc
	}
	keep := make([]bool, len(arc))
	keep[0], keep[len(arc)-1] = true, true
	var mark func(lo, hi int)
	mark = func(lo, hi int) {
		best, far := -1, tol
		a, b := arc[lo], arc[hi]
		dx, dy := b[0]-a[0], b[1]-a[1]
		length := math.Hypot(dx, dy)
		for i := lo + 1; i < hi; i++ {
			p := arc[i]
			var d float64
			if length == 0 {
				d = math.Hypot(p[0]-a[0], p[1]-a[1])
			} else {
				d = math.Abs(dy*(p[0]-a[0])-dx*(p[1]-a[1])) / length
			}
			if d > far {
				best, far = i, d
			}
		}
		if best < 0 {
			return
		}
		keep[best] = true
		mark(lo, best)
		mark(best, hi)
	}
	mark(0, len(arc)-1)
	out := make([]geoPoint, 0, len(arc))
	for i, p := range arc {
		if keep[i] {
			out = append(out, p)
		}
	}
	// An islet drawn by one closed arc stays a ring, however small.
	if len(out) < 5 && arc[0] == arc[len(arc)-1] {
		return arc
	}
	return out
}

// absoluteArcs returns the arcs in longitude/latitude: with a transform the
// arcs are quantized and delta-encoded, otherwise they are absolute already.
func (t *topoTopology) absoluteArcs() ([][]geoPoint, error) {
	tr := t.Transform
	if tr != nil && (len(tr.Scale) != 2 || len(tr.Translate) != 2) {
		return nil, errors.New("topojson: transform needs two scale and two translate values")
	}
	out := make([][]geoPoint, len(t.Arcs))
	for i, arc := range t.Arcs {
		pts := make([]geoPoint, 0, len(arc))
		var x, y float64
		for _, p := range arc {
			if len(p) < 2 {
				return nil, fmt.Errorf("topojson: arc %d has a position with %d values", i, len(p))
			}
			if tr == nil {
				pts = append(pts, geoPoint{p[0], p[1]})
				continue
			}
			x, y = x+p[0], y+p[1]
			pts = append(pts, geoPoint{x*tr.Scale[0] + tr.Translate[0], y*tr.Scale[1] + tr.Translate[1]})
		}
		out[i] = pts
	}
	return out, nil
}

// buildPolygon stitches the arcs of each ring together. A negative index ~i
// means arc i reversed. Rings that collapse after rounding are dropped, and so
// is the polygon when its exterior ring collapses (returns nil).
func buildPolygon(rings [][]int, arcs [][]geoPoint) (geoPolygon, error) {
	var poly geoPolygon
	for _, refs := range rings {
		var ring geoRing
		for _, ref := range refs {
			i, reversed := ref, false
			if ref < 0 {
				i, reversed = ^ref, true
			}
			if i >= len(arcs) {
				return nil, fmt.Errorf("topojson: arc index %d out of range", ref)
			}
			arc := arcs[i]
			for k := range arc {
				p := arc[k]
				if reversed {
					p = arc[len(arc)-1-k]
				}
				// 4 decimals is about 10 m: plenty for a country map, and
				// much smaller JSON.
				p = geoPoint{round4(p[0]), round4(p[1])}
				// Consecutive arcs share their end point; rounding can also
				// merge neighbours. Keep each position once.
				if len(ring) > 0 && ring[len(ring)-1] == p {
					continue
				}
				ring = append(ring, p)
			}
		}
		if len(ring) > 0 && ring[0] != ring[len(ring)-1] {
			ring = append(ring, ring[0]) // GeoJSON rings must be closed
		}
		if len(ring) < 4 {
			if len(poly) == 0 {
				return nil, nil
			}
			continue
		}
		poly = append(poly, ring)
	}
	return poly, nil
}

func round4(v float64) float64 { return math.Round(v*1e4) / 1e4 }

// MunicipalityOutline is one municipality's outline: its polygons, each
// an exterior ring and its holes, in longitude/latitude.
type MunicipalityOutline struct {
	Code     string // 3-digit kommunekode, as in the register
	Polygons [][][][2]float64
}

// MunicipalityOutlines returns the outlines the served GeoJSON holds, in
// order of kommunekode, for maps drawn on the server.
func MunicipalityOutlines() ([]MunicipalityOutline, error) {
	return municipalityOutlinesOnce()
}

var municipalityOutlinesOnce = sync.OnceValues(func() ([]MunicipalityOutline, error) {
	b, err := municipalityGeoJSON()
	if err != nil {
		return nil, err
	}
	var fc struct {
		Features []struct {
			Properties struct {
				Code string `json:"code"`
			} `json:"properties"`
			Geometry struct {
				Coordinates [][][][2]float64 `json:"coordinates"`
			} `json:"geometry"`
		} `json:"features"`
	}
	if err := json.Unmarshal(b, &fc); err != nil {
		return nil, fmt.Errorf("municipality outlines: %w", err)
	}
	out := make([]MunicipalityOutline, 0, len(fc.Features))
	for _, f := range fc.Features {
		out = append(out, MunicipalityOutline{Code: f.Properties.Code, Polygons: f.Geometry.Coordinates})
	}
	return out, nil
})
