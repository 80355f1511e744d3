package api

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"os2pulse/civil"
	"os2pulse/figures"
)

// ParamError is a request parameter that cannot be used: a 400 naming it.
// Err, when set, says why in a way callers can test (ErrAfterToday).
type ParamError struct {
	Param string
	Msg   string
	Err   error
}

func (e *ParamError) Error() string { return e.Param + ": " + e.Msg }

func (e *ParamError) Unwrap() error { return e.Err }

// ErrAfterToday is wrapped by the error of a date after today: figures
// about the future do not exist.
var ErrAfterToday = errors.New("date after today")

// DateParam reads a YYYY-MM-DD parameter that may not be after today (the
// date in Denmark); missing gives today.
func DateParam(r *http.Request, name string, today civil.Date) (civil.Date, error) {
	return dateParam(r, name, today, today)
}

// dateParam reads a YYYY-MM-DD parameter from 1990 up to today; missing
// gives def.
func dateParam(r *http.Request, name string, def, today civil.Date) (civil.Date, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return def, nil
	}
	d, err := civil.Parse(v)
	if err != nil {
		return d, &ParamError{Param: name, Msg: err.Error()}
	}
	if d.Year() < 1990 || d.Year() > 2100 {
		return d, &ParamError{Param: name, Msg: fmt.Sprintf("%s is outside 1990–2100", v)}
	}
	if d.After(today) {
		return d, &ParamError{Param: name, Err: ErrAfterToday,
			Msg: fmt.Sprintf("%s is after today (%s, the date in Denmark): figures about the future do not exist", v, today)}
	}
	return d, nil
}

// intParam reads an integer parameter within [lo, hi]; missing gives def.
func intParam(r *http.Request, name string, def, lo, hi int) (int, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		return 0, &ParamError{Param: name, Msg: fmt.Sprintf("%q is not a whole number from %d to %d", v, lo, hi)}
	}
	return n, nil
}

// windowParam reads window_days (1–3650, default from the configuration).
func (a *API) windowParam(r *http.Request) (int, error) {
	return intParam(r, "window_days", a.cfg.Contributors.WindowDays, 1, 3650)
}

// productParam reads a product id; required says whether it may be left
// out.
func (a *API) productParam(r *http.Request, required bool) (string, error) {
	p := r.URL.Query().Get("product")
	switch _, ok := a.cfg.Product(p); {
	case p == "" && required:
		return "", &ParamError{Param: "product", Msg: "missing; one of " + a.productIDs()}
	case p != "" && !ok:
		return "", &ParamError{Param: "product", Msg: fmt.Sprintf("unknown product %q; one of %s", p, a.productIDs())}
	}
	return p, nil
}

func (a *API) productIDs() string {
	var ids []string
	for _, p := range a.cfg.Products {
		ids = append(ids, p.ID)
	}
	return strings.Join(ids, ", ")
}

// seriesParams reads from (default five years before to, not before 1990),
// to (default today) and step (default month), and checks that they make
// a series.
func (a *API) seriesParams(r *http.Request) (from, to civil.Date, step figures.Step, err error) {
	today := a.today()
	to, err = DateParam(r, "to", today)
	if err != nil {
		return
	}
	def := max(to.AddDate(-5, 0, 0), civil.New(1990, 1, 1))
	from, err = dateParam(r, "from", def, today)
	if err != nil {
		return
	}
	step, err = figures.ParseStep(r.URL.Query().Get("step"))
	if err != nil {
		err = &ParamError{Param: "step", Msg: err.Error()}
		return
	}
	if to.Before(from) {
		err = &ParamError{Param: "from", Msg: fmt.Sprintf("from %s is after to %s", from, to)}
		return
	}
	if _, perr := figures.Points(from, to, step); perr != nil {
		err = &ParamError{Param: "step", Msg: perr.Error() + "; choose a larger step or a shorter range"}
	}
	return
}
