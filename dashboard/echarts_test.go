package dashboard

import (
	"encoding/json"
	"testing"
)

// TestEChartsValues: a value is a JSON number, none is ECharts' "-", and
// a map's classes keep a 0 that omitempty would drop.
func TestEChartsValues(t *testing.T) {
	for _, c := range []struct {
		in   any
		want string
	}{
		{point{Value: num(0)}, `{"value":0}`},
		{point{Value: num(0.25), Name: "OS2forms"}, `{"name":"OS2forms","value":0.25}`},
		{point{Value: num(12)}, `{"value":12}`},
		{point{Value: noValue}, `{"value":"-"}`},
		{point{Name: "101", Value: num(3), Title: "København", Text: "i drift"}, `{"name":"101","value":3,"title":"København","text":"i drift"}`},
		{piece{Label: "ingen", Color: colorNone, Value: ptr(0)}, `{"color":"#f0f0f0","label":"ingen","value":0}`},
		{piece{Label: "3+", Color: colorNavy, Gte: ptr(3)}, `{"color":"#08306b","gte":3,"label":"3+"}`},
		{valueAxis(fromZero, 1), `[{"type":"value","min":0,"minInterval":1}]`},
		{valueAxis(nil, 0), `[{"type":"value"}]`},
		{seriesOpt{Name: "x", Type: "line", Data: values([]int{}), ShowSymbol: noSymbol}, `{"name":"x","type":"line","data":[],"showSymbol":false}`},
	} {
		b, err := json.Marshal(c.in)
		if err != nil || string(b) != c.want {
			t.Errorf("%#v: %s, %v; want %s", c.in, b, err, c.want)
		}
	}
}
