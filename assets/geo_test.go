package assets

import (
	"encoding/csv"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"reflect"
	"strings"
	"testing"
)

// geoFC is the decoded shape of the generated GeoJSON.
type geoFC struct {
	Type     string `json:"type"`
	Features []struct {
		Type       string            `json:"type"`
		Properties map[string]string `json:"properties"`
		Geometry   struct {
			Type        string           `json:"type"`
			Coordinates [][][][2]float64 `json:"coordinates"`
		} `json:"geometry"`
	} `json:"features"`
}

func decodeGeoFC(t *testing.T, b []byte) geoFC {
	t.Helper()
	if !json.Valid(b) {
		t.Fatal("output is not valid JSON")
	}
	var fc geoFC
	if err := json.Unmarshal(b, &fc); err != nil {
		t.Fatal(err)
	}
	if fc.Type != "FeatureCollection" {
		t.Fatalf("type = %q", fc.Type)
	}
	return fc
}

func TestMunicipalityGeoJSON(t *testing.T) {
	b, err := municipalityGeoJSON()
	if err != nil {
		t.Fatal(err)
	}
	fc := decodeGeoFC(t, b)

	// The 98 kommunekoder used everywhere else in the project.
	f, err := os.Open("testdata/dk_municipalities.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{}
	for _, row := range rows[1:] {
		want[row[0]] = true
	}
	if len(want) != 98 {
		t.Fatalf("csv has %d kommunekoder, want 98", len(want))
	}

	if len(fc.Features) != 98 {
		t.Errorf("got %d features, want 98", len(fc.Features))
	}
	polygons := map[string]int{}
	for _, feat := range fc.Features {
		code := feat.Properties["code"]
		if !want[code] {
			t.Errorf("feature code %q is not a kommunekode", code)
		}
		if _, dup := polygons[code]; dup {
			t.Errorf("code %q appears twice", code)
		}
		if feat.Type != "Feature" || feat.Geometry.Type != "MultiPolygon" {
			t.Errorf("%s: type %q/%q", code, feat.Type, feat.Geometry.Type)
		}
		if feat.Properties["name"] == "" {
			t.Errorf("%s: empty name", code)
		}
		polygons[code] = len(feat.Geometry.Coordinates)
		for _, poly := range feat.Geometry.Coordinates {
			if len(poly) == 0 {
				t.Errorf("%s: empty polygon", code)
			}
			for _, ring := range poly {
				if len(ring) < 4 || ring[0] != ring[len(ring)-1] {
					t.Errorf("%s: ring of %d positions is not closed", code, len(ring))
				}
				for _, p := range ring {
					if p[0] < 8 || p[0] > 15.3 || p[1] < 54.5 || p[1] > 57.8 {
						t.Fatalf("%s: position %v outside Denmark", code, p)
					}
				}
			}
		}
	}
	for code := range want {
		if _, ok := polygons[code]; !ok {
			t.Errorf("kommunekode %s has no feature", code)
		}
	}
	// Counts of separate polygons in the source data.
	for code, n := range map[string]int{
		"101": 7,  // København (Amager, Saltholm, forts, ...)
		"400": 1,  // Bornholm: Christiansø (0411) is dropped, not merged
		"741": 12, // Samsø
		"825": 14, // Læsø
	} {
		if polygons[code] != n {
			t.Errorf("%s: %d polygons, want %d", code, polygons[code], n)
		}
	}
	if b2, _ := municipalityGeoJSON(); &b2[0] != &b[0] {
		t.Error("municipalityGeoJSON is not cached")
	}
}

// Two unit squares side by side sharing arc 0 (the right square uses it
// reversed, ~0 = -1), plus a triangle (arc 3) that 0101 gets as a second
// Polygon and 0147 as a reversed second polygon of a MultiPolygon. 0411 is
// dropped. Quantized: x = q*0.5 + 9.87654321, y = q*0.25 + 55, delta-encoded.
const handTopology = `{
  "type": "Topology",
  "transform": {"scale": [0.5, 0.25], "translate": [9.87654321, 55]},
  "objects": {"stdin": {"type": "GeometryCollection", "geometries": [
    {"type": "Polygon", "properties": {"KOMKODE": "0147", "KOMNAVN": "Right"}, "arcs": [[-1, 2]]},
    {"type": "Polygon", "properties": {"KOMKODE": "0101", "KOMNAVN": "Left"}, "arcs": [[0, 1]]},
    {"type": "Polygon", "properties": {"KOMKODE": "0411", "KOMNAVN": "Christiansø"}, "arcs": [[3]]},
    {"type": "Polygon", "properties": {"KOMKODE": "0101", "KOMNAVN": "Left"}, "arcs": [[3]]},
    {"type": "MultiPolygon", "properties": {"KOMKODE": "0147", "KOMNAVN": "Right"}, "arcs": [[[-4]]]}
  ]}},
  "arcs": [
    [[2, 0], [0, 2]],
    [[2, 2], [-2, 0], [0, -2], [2, 0]],
    [[2, 0], [2, 0], [0, 2], [-2, 0]],
    [[6, 0], [1, 0], [-1, 1], [0, -1]]
  ]
}`

func TestDecodeTopoJSONByHand(t *testing.T) {
	b, err := decodeTopoJSON([]byte(handTopology))
	if err != nil {
		t.Fatal(err)
	}
	fc := decodeGeoFC(t, b)
	type pt = [2]float64
	// Worked out by hand: quantized (2,0) -> (2*0.5+9.87654321, 0*0.25+55)
	// = (10.87654321, 55) -> rounded (10.8765, 55), and so on.
	want := []struct {
		code, name string
		coords     [][][][2]float64
	}{
		{"101", "Left", [][][][2]float64{
			{{pt{10.8765, 55}, pt{10.8765, 55.5}, pt{9.8765, 55.5}, pt{9.8765, 55}, pt{10.8765, 55}}},
			{{pt{12.8765, 55}, pt{13.3765, 55}, pt{12.8765, 55.25}, pt{12.8765, 55}}},
		}},
		{"147", "Right", [][][][2]float64{
			{{pt{10.8765, 55.5}, pt{10.8765, 55}, pt{11.8765, 55}, pt{11.8765, 55.5}, pt{10.8765, 55.5}}},
			{{pt{12.8765, 55}, pt{12.8765, 55.25}, pt{13.3765, 55}, pt{12.8765, 55}}},
		}},
	}
	if len(fc.Features) != len(want) {
		t.Fatalf("got %d features, want %d:\n%s", len(fc.Features), len(want), b)
	}
	for i, w := range want {
		got := fc.Features[i]
		if got.Properties["code"] != w.code || got.Properties["name"] != w.name {
			t.Errorf("feature %d properties = %v, want code %s name %s", i, got.Properties, w.code, w.name)
		}
		if got.Geometry.Type != "MultiPolygon" {
			t.Errorf("feature %d geometry type = %q", i, got.Geometry.Type)
		}
		if !reflect.DeepEqual(got.Geometry.Coordinates, w.coords) {
			t.Errorf("feature %d coordinates =\n%v\nwant\n%v", i, got.Geometry.Coordinates, w.coords)
		}
	}
}

func TestDecodeTopoJSONUnquantized(t *testing.T) {
	// Without a transform, arcs are absolute positions (no delta encoding);
	// the ring is closed even though the single arc is not.
	in := `{"type":"Topology","objects":{"muni":{"type":"Polygon","properties":{"KOMKODE":"0860","KOMNAVN":"Hjørring"},
		"arcs":[[0]]}},"arcs":[[[10.000049,57],[10.5,57],[10.5,57.5]]]}`
	b, err := decodeTopoJSON([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	const want = `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"code":"860","name":"Hjørring"},` +
		`"geometry":{"type":"MultiPolygon","coordinates":[[[[10,57],[10.5,57],[10.5,57.5],[10,57]]]]}}]}`
	if string(b) != want {
		t.Errorf("got  %s\nwant %s", b, want)
	}
}

func TestDecodeTopoJSONErrors(t *testing.T) {
	for name, in := range map[string]string{
		"not json":              `{`,
		"not a topology":        `{"type":"FeatureCollection"}`,
		"no objects":            `{"type":"Topology","objects":{},"arcs":[]}`,
		"arc out of range":      `{"type":"Topology","objects":{"stdin":{"type":"Polygon","properties":{"KOMKODE":"0101"},"arcs":[[5]]}},"arcs":[]}`,
		"reversed out of range": `{"type":"Topology","objects":{"stdin":{"type":"Polygon","properties":{"KOMKODE":"0101"},"arcs":[[-2]]}},"arcs":[[[0,0],[1,1]]]}`,
		"short transform":       `{"type":"Topology","transform":{"scale":[1]},"objects":{"stdin":{"type":"GeometryCollection"}},"arcs":[]}`,
		"short position":        `{"type":"Topology","objects":{"stdin":{"type":"GeometryCollection"}},"arcs":[[[1]]]}`,
		"bad code":              `{"type":"Topology","objects":{"stdin":{"type":"Polygon","properties":{"KOMKODE":"x"},"arcs":[]}},"arcs":[]}`,
		"point":                 `{"type":"Topology","objects":{"stdin":{"type":"Point","coordinates":[0,0]}},"arcs":[]}`,
	} {
		if _, err := decodeTopoJSON([]byte(in)); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func TestGeoHandler(t *testing.T) {
	h := geoHandler()
	get := func(target, inm string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodGet, target, nil)
		if inm != "" {
			req.Header.Set("If-None-Match", inm)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	const path = "/static/geo/dk_municipalities.json"
	rec := get(path, "")
	want, _ := municipalityGeoJSON()
	if rec.Code != http.StatusOK || rec.Body.String() != string(want) {
		t.Fatalf("status %d, body of %d bytes", rec.Code, rec.Body.Len())
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type = %q", ct)
	}
	if cc := rec.Header().Get("Cache-Control"); cc != "public, max-age=3600" {
		t.Errorf("Cache-Control = %q", cc)
	}
	etag := rec.Header().Get("ETag")
	if etag == "" {
		t.Fatal("no ETag")
	}
	if rec := get(path, etag); rec.Code != http.StatusNotModified {
		t.Errorf("If-None-Match: status %d, want 304", rec.Code)
	}
	rec = get(path+"?v="+Version(), "")
	if cc := rec.Header().Get("Cache-Control"); !strings.Contains(cc, "immutable") {
		t.Errorf("versioned Cache-Control = %q", cc)
	}
}

func FuzzDecodeTopoJSON(f *testing.F) {
	f.Add([]byte(handTopology))
	f.Add([]byte(`{"type":"Topology","objects":{"stdin":{"type":"Polygon","properties":{"KOMKODE":"0101"},"arcs":[[0]]}},"arcs":[[[0,0],[1,0],[1,1],[0,0]]]}`))
	f.Add([]byte(`{"type":"Topology","transform":{"scale":[1e308,1e308],"translate":[0,0]},"objects":{"stdin":{"type":"MultiPolygon","properties":{"KOMKODE":"0101"},"arcs":[[[0,-1]]]}},"arcs":[[[1,1],[1e308,1e308]]]}`))
	f.Add([]byte(`{"type":"Topology","objects":{"stdin":{"type":"GeometryCollection","geometries":[null,{"type":"Polygon","arcs":[[-9223372036854775808]],"properties":{"KOMKODE":"0101"}}]}},"arcs":[]}`))
	f.Add([]byte(`{"type":"Topology","objects":{"stdin":{"type":"Polygon","properties":{"KOMKODE":"0101"},"arcs":[[]]}},"arcs":[[]]}`))
	f.Add([]byte(`{"type":"Topology","arcs":[[[0]]]`))
	f.Add([]byte(`null`))
	f.Fuzz(func(t *testing.T, data []byte) {
		out, err := decodeTopoJSON(data)
		if err == nil && !json.Valid(out) {
			t.Fatalf("invalid JSON output %q", out)
		}
	})
}
