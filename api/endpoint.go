package api

import (
	"net/url"
	"reflect"
	"strconv"

	"os2pulse/civil"
	"os2pulse/figures"
)

// Endpoint describes one GET endpoint: what it holds, the parameters it
// reads and the shape of its answer. The API page, the data page's
// exports and the OpenAPI document are all built from these, so the
// documentation cannot drift from what is served (a test sends every
// declared parameter a bad value and expects a 400 naming it).
type Endpoint struct {
	Path   string
	Label  string  // catalogue key of one line on what it holds
	Params []Param // in the order they are documented
	// Columns are the CSV twin's columns (Path + ".csv").
	Columns []string
	// Reads are the data domains the answer is computed from: it is
	// kept until one of them is written. None declared counts as all
	// (TestEndpointDomains checks every declaration against answers
	// computed afresh after a write in each domain).
	Reads figures.Domains

	answer reflect.Type // the JSON answer's type
}

// Param is a query parameter of an endpoint.
type Param struct {
	Name     string
	Required bool
	// Key is the catalogue key of its explanation when it is not
	// "api.param." + Name (a parameter that is optional elsewhere).
	Key string
	// Example says whether the documentation's example request gives
	// it; required parameters are always given.
	Example bool
}

// The parameters the endpoints read. Each is explained in the catalogue
// under TextKey: "api.param." + its name unless it has a Key.
var (
	paramDate           = Param{Name: "date", Example: true}
	paramFrom           = Param{Name: "from", Example: true}
	paramTo             = Param{Name: "to", Example: true}
	paramStep           = Param{Name: "step", Example: true}
	paramWindow         = Param{Name: "window_days", Example: true}
	paramProduct        = Param{Name: "product"}
	paramProductNeeded  = Param{Name: "product", Required: true, Key: "api.param.product.need"}
	paramGoalNeeded     = Param{Name: "goal", Required: true}
	paramSep            = Param{Name: "sep"} // CSV only
	seriesParams        = []Param{paramFrom, paramTo, paramStep}
	csvOnlyParams       = []Param{paramSep}
	exampleSeriesMonths = 36 // how far back an example series starts
)

// TextKey is the catalogue key of the parameter's explanation.
func (p Param) TextKey() string {
	if p.Key != "" {
		return p.Key
	}
	return "api.param." + p.Name
}

// Endpoints lists every GET endpoint in the order the pages list them;
// each also answers at Path + ".csv".
func (a *API) Endpoints() []Endpoint { return append([]Endpoint(nil), a.endpoints...) }

// CSVParams are the parameters an endpoint's CSV twin takes besides its
// own.
func CSVParams() []Param { return append([]Param(nil), csvOnlyParams...) }

// Example is the query of an example request of e as of date: every
// required parameter and those marked Example, with values that work on
// this portfolio (its first product and goal, its contributor window,
// three years of months up to date). ok is false when a required value
// does not exist, such as a goal in a portfolio without goals.
func (a *API) Example(e Endpoint, date civil.Date) (q url.Values, ok bool) {
	q = url.Values{}
	for _, p := range e.Params {
		if !p.Required && !p.Example {
			continue
		}
		v := a.exampleValue(p.Name, date)
		if v == "" {
			if p.Required {
				return nil, false
			}
			continue
		}
		q.Set(p.Name, v)
	}
	return q, true
}

func (a *API) exampleValue(name string, date civil.Date) string {
	switch name {
	case "date", "to":
		return date.String()
	case "from":
		return date.AddDate(0, -exampleSeriesMonths, 0).String()
	case "step":
		return "month"
	case "window_days":
		return strconv.Itoa(a.cfg.Contributors.WindowDays)
	case "product":
		if len(a.cfg.Products) > 0 {
			return a.cfg.Products[0].ID
		}
	case "goal":
		if len(a.cfg.Goals) > 0 {
			return a.cfg.Goals[0].ID
		}
	}
	return ""
}
