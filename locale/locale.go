// Package locale is os2pulse's two languages: Danish, the default, for
// the Danish public sector, and English for everyone else. It holds the
// catalogue of every label and the way numbers, dates and changes are
// written in each language, so pages, embeds and the annual report say
// the same thing the same way.
package locale

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// Lang is a page or document language: DA or EN.
type Lang string

// The languages.
const (
	DA Lang = "da"
	EN Lang = "en"
)

// Parse returns the language named s ("da" or "en").
func Parse(s string) (Lang, bool) {
	switch Lang(s) {
	case DA, EN:
		return Lang(s), true
	}
	return "", false
}

// Other is the language a page's switch offers.
func (l Lang) Other() Lang {
	if l == EN {
		return DA
	}
	return EN
}

// T translates a label. An unknown key is returned as it is; the tests
// check that every key in use is in the catalogue.
func (l Lang) T(key string) string {
	m, ok := catalogue[key]
	if !ok {
		return key
	}
	if l == EN {
		return m.en
	}
	return m.da
}

// Tf translates a label with %s verbs and fills them in.
func (l Lang) Tf(key string, args ...any) string {
	return fmt.Sprintf(l.T(key), args...)
}

// Nf is Tf for a text about n of something: "1 række", "2 rækker". A
// key has its singular as key + ".one" where the two differ; both
// languages use it for exactly 1 (Danish says "0 rækker", "1,5 timer").
func (l Lang) Nf(key string, n int, args ...any) string {
	if n == 1 && Has(key+".one") {
		key += ".one"
	}
	return l.Tf(key, args...)
}

// Has reports whether key is in the catalogue.
func Has(key string) bool {
	_, ok := catalogue[key]
	return ok
}

// Choose picks a request's language: ?lang=da|en first, then the
// Accept-Language header, else Danish. explicit says it came from ?lang=,
// so that links carry it on.
func Choose(r *http.Request) (lang Lang, explicit bool) {
	if l, ok := Parse(r.URL.Query().Get("lang")); ok {
		return l, true
	}
	return acceptLanguage(r.Header.Get("Accept-Language")), false
}

// acceptLanguage returns the preferred of da and en in an Accept-Language
// header (RFC 9110 §12.5.4), Danish when neither is acceptable.
func acceptLanguage(header string) Lang {
	best, bestQ := DA, 0.0
	for _, part := range strings.Split(header, ",") {
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		tag = strings.ToLower(strings.TrimSpace(tag))
		primary, _, _ := strings.Cut(tag, "-")
		l, ok := Parse(primary)
		if !ok {
			continue
		}
		q := 1.0
		for _, p := range strings.Split(params, ";") {
			k, v, ok := strings.Cut(strings.TrimSpace(p), "=")
			if ok && strings.TrimSpace(k) == "q" {
				f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
				if err != nil || f < 0 || f > 1 {
					f = 0
				}
				q = f
			}
		}
		// The first of equal preferences wins: that is the order the user
		// listed them in.
		if q > bestQ {
			best, bestQ = l, q
		}
	}
	return best
}
