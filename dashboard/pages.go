package dashboard

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"os2pulse/api"
	"os2pulse/assets"
	"os2pulse/civil"
	"os2pulse/figures"
	"os2pulse/locale"
	"os2pulse/precompressed"
)

// pageRoutes registers the public pages, each with the data domains it
// reads besides the layout's (see layoutReads): a page is kept until one
// of them is written. TestPageDomains checks each declaration against
// pages rendered afresh after a write in each domain.
func (s *Server) pageRoutes() {
	const (
		register = figures.DomainRegister
		repos    = figures.DomainRepositories
		activity = figures.DomainActivity
		all      = figures.AllDomains
	)
	filter := []string{"q", "sort"}
	s.page("GET /{$}", all, s.overviewPage)
	// Contributors per product, and the adoption register.
	s.pageWith("GET /products", register|repos|activity, s.productsPage, pageOptions{params: append(filter, "level")})
	// Health, evidence and self-evaluations read every domain.
	s.page("GET /products/{id}", all, s.productPage)
	s.pageWith("GET /organizations", register, s.organizationsPage, pageOptions{params: append(filter, "kind", "member")})
	s.page("GET /organizations/{id}", register, s.organizationPage)
	// The endpoints and their examples come from the configuration.
	s.page("GET /api", 0, s.apiPage)
	// Register imports and problems, repositories' problems, runs.
	s.page("GET /data", register|repos, s.dataPage)
	// A goal may count anything.
	s.page("GET /goals", all, s.goalsPage)
	s.page("GET /governance", all, s.governancePage)
	s.mux.HandleFunc("GET /products/{id}/publiccode.yml", s.publicCodeFile)
	// The years from the first record, of the register or of activity.
	s.page("GET /report", register|activity, s.reportsPage)
	s.pageWith("GET /report/{year}", all, s.reportPage, pageOptions{params: []string{"format", "sep"}})
	s.pageWith("GET /embed/{chart}", all, s.embedPage, pageOptions{embed: true, params: []string{"product", "goal"}})
	s.mux.HandleFunc("GET /", s.notFoundPage)
}

// layoutReads are the domains every page reads: its footer says when
// each source was last collected.
const layoutReads = figures.DomainRuns

// pageFunc computes a page's figures for v.Date and ends with s.render.
// Returning notFound(…) or badRequest(…) shows that error page; any other
// error is logged and shown as a 500 page.
type pageFunc func(w http.ResponseWriter, r *http.Request, v *view) error

// pageOptions vary how a page is served.
type pageOptions struct {
	// embed serves the page without the site's chrome and lets any site
	// frame it.
	embed bool
	// params are the query parameters the page reads besides lang and
	// date (which count as resolved). Only these tell pages apart in the
	// ETag and the cache, so parameters a page ignores cannot fill the
	// cache with copies.
	params []string
}

// page registers a page handler with the layout; reads are the data
// domains it reads besides the layout's.
func (s *Server) page(pattern string, reads figures.Domains, fn pageFunc) {
	s.pageWith(pattern, reads, fn, pageOptions{})
}

// pageWith registers a page handler with options. A page is served like
// a file: its ETag is known before anything is computed, so a client
// holding it gets 304; otherwise the rendered, compressed page comes from
// the cache, or is rendered once for every request that asks for it
// meanwhile, then cached. The ETag names the versions of the domains the
// page reads (reads and the layout's), so a write elsewhere keeps it.
func (s *Server) pageWith(pattern string, reads figures.Domains, fn pageFunc, o pageOptions) {
	reads |= layoutReads
	s.pageReads[pattern] = reads
	s.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		v := s.newView(r)
		v.Embed = o.embed
		// A page only reads: its ETag and its figures are of the
		// versions read once.
		ctx := figures.ReadVersionsOnce(context.WithValue(r.Context(), viewKey{}, v))
		r = r.WithContext(ctx)

		date, err := api.DateParam(r, "date", v.Today)
		switch {
		case errors.Is(err, api.ErrAfterToday):
			s.errorPage(w, r, v, badRequest(v.Tf("error.date.future", v.Lang.Date(date), v.Lang.Date(v.Today))))
			return
		case err != nil:
			s.errorPage(w, r, v, badRequest(v.Tf("error.date", r.URL.Query().Get("date"))))
			return
		}
		v.Date, v.DateSet = date, r.URL.Query().Get("date") != ""

		// The ETag needs one small query; a client that has the page gets
		// 304 without any figure being looked at or any template run.
		slot, etag, version, err := s.pageETag(ctx, r, v, reads, o.params)
		if err != nil {
			s.errorPage(w, r, v, err)
			return
		}
		// etagMatch compares opaque tags, weak or not (RFC 9110 §13.1.2).
		if api.ETagMatch(r.Header.Get("If-None-Match"), etag) {
			setPageHeaders(w, v)
			// A 304 updates the headers the browser stored with the page
			// (RFC 9111 §4.3.4). The stored policy carries the nonce of the
			// stored body; a new one would refuse the body's own inline
			// style. Without the header, the stored policy stays.
			w.Header().Del("Content-Security-Policy")
			w.Header().Set("ETag", etag)
			w.Header().Set("Cache-Control", "public, max-age=60")
			w.WriteHeader(http.StatusNotModified)
			return
		}
		p, err := s.pages.Do(slot, etag, version, func() (*precompressed.Answer, error) {
			// The first request renders for all that wait: it must not
			// fail them by leaving, nor answer itself 304 from a tag of
			// the body (the report's other formats check their own).
			rr := r.WithContext(context.WithoutCancel(ctx))
			rr.Header = r.Header.Clone()
			rr.Header.Del("If-None-Match")
			rec := precompressed.NewRecorder()
			rec.Header().Set("ETag", etag)
			if s.onRender != nil {
				s.onRender(etag)
			}
			if reads&figures.DomainRegister != 0 {
				reg, err := s.figures.RegisterCoverage(rr.Context())
				if err != nil {
					return nil, err
				}
				v.registerUnread = reg.IsZero()
			}
			if err := fn(rec, rr, v); err != nil {
				return nil, err
			}
			return rec.Answer(etag), nil
		})
		if err != nil {
			s.errorPage(w, r, v, err)
			return
		}
		p.Write(w, r)
	})
}

// newView resolves the language and today's date of a request.
func (s *Server) newView(r *http.Request) *view {
	lang, explicit := locale.Choose(r)
	today := s.today()
	return &view{
		Lang:         lang,
		LangExplicit: explicit,
		Date:         today,
		Today:        today,
		Path:         r.URL.Path,
		Nonce:        newNonce(),
		Illustrative: s.cfg.Portfolio.Illustrative,
		Portfolio:    s.cfg.Portfolio.Name,
		AssetVersion: assets.Version(),
		Release:      s.release,
		Origin:       origin(r),
		cfg:          s.cfg,
	}
}

// origin is the scheme and host the visitor used to reach the site, as
// far as the request says: behind a proxy that ends TLS, its
// X-Forwarded-Proto. A host that is not a plain host name (and port) is
// left out, and embed codes then carry the path alone.
func origin(r *http.Request) string {
	host := r.Host
	if host == "" || strings.Trim(host, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:[]") != "" {
		return ""
	}
	scheme := "http"
	if r.TLS != nil || strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https") {
		scheme = "https"
	}
	return scheme + "://" + host
}

// pageError is an error shown to the visitor with its status.
type pageError struct {
	Status int
	Msg    string
	// SuggestPath and SuggestName are a page the visitor may have meant.
	SuggestPath, SuggestName string
}

// redirect is a page's answer that it lives at another address (to, with
// the request's query): a 301, never cached as the page.
type redirect struct{ to, query string }

func (e *redirect) Error() string { return "moved to " + e.to }

func (e *pageError) Error() string { return http.StatusText(e.Status) + ": " + e.Msg }

// notFound is the error of an unknown product, organisation, chart or path.
func notFound(msg string) error { return &pageError{Status: http.StatusNotFound, Msg: msg} }

// badRequest is the error of a parameter that cannot be used.
func badRequest(msg string) error { return &pageError{Status: http.StatusBadRequest, Msg: msg} }

// errorData is the error page's content.
type errorData struct {
	Title, Text, Detail      string
	SuggestPath, SuggestName string
}

// errorPage renders the error page for err: its own status for a
// pageError, 500 (with the details only in the log) for anything else.
func (s *Server) errorPage(w http.ResponseWriter, r *http.Request, v *view, err error) {
	w.Header().Del("ETag")
	d := errorData{}
	var pe *pageError
	var moved *redirect
	switch {
	case errors.As(err, &moved):
		to := moved.to
		if moved.query != "" {
			to += "?" + moved.query
		}
		http.Redirect(w, r, to, http.StatusMovedPermanently)
		return
	case errors.As(err, &pe):
		v.Status = pe.Status
		d.Detail = pe.Msg
		d.SuggestPath, d.SuggestName = pe.SuggestPath, pe.SuggestName
	case errors.Is(err, context.Canceled):
		// The visitor left; nobody is there to read a page.
		return
	case errors.Is(err, figures.ErrBusy):
		v.Status = http.StatusServiceUnavailable
		w.Header().Set("Retry-After", strconv.Itoa(int(figures.RetryAfter.Seconds())))
	default:
		v.Status = http.StatusInternalServerError
		s.log.Error("page failed", "path", r.URL.Path, "error", err)
	}
	switch v.Status {
	case http.StatusNotFound:
		d.Title, d.Text = v.T("error.404.title"), v.T("error.404.text")
	case http.StatusBadRequest:
		d.Title, d.Text = v.T("error.400.title"), v.T("error.400.text")
	case http.StatusServiceUnavailable:
		d.Title, d.Text = v.T("error.503.title"), v.T("error.503.text")
	default:
		d.Title, d.Text = v.T("error.500.title"), v.T("error.500.text")
	}
	v.Data = d
	v.HasCharts = false
	if werr := s.write(w, r, v, "error"); werr != nil {
		// Even the error page failed (e.g. the database is gone): a plain
		// answer is better than none.
		s.log.Error("error page failed", "path", r.URL.Path, "error", werr)
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(v.Status)
		w.Write([]byte(http.StatusText(v.Status) + "\n"))
	}
}

// notFoundPage answers every path nothing else serves: a 404 page in the
// site's style, or a JSON error under /api/ where clients expect JSON.
func (s *Server) notFoundPage(w http.ResponseWriter, r *http.Request) {
	v := s.newView(r)
	r = r.WithContext(context.WithValue(r.Context(), viewKey{}, v))
	s.errorPage(w, r, v, notFound(v.Tf("error.path", r.URL.Path)))
}

// seriesStart is where the time series on the pages begin: three years
// before the page's date, in monthly steps.
func seriesStart(date civil.Date) civil.Date { return date.AddDate(-3, 0, 0) }
