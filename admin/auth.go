package admin

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/bcrypt"

	"os2pulse/api"
	"os2pulse/config"
	"os2pulse/locale"
	"os2pulse/storage"
)

const (
	// sessionCookie lives only under /admin/: the public site stays
	// cookie-free.
	sessionCookie = "os2pulse_admin"
	sessionPath   = "/admin/"
	sessionLength = 12 * time.Hour

	// A name may fail this many logins, and one address this many, in
	// loginWindow; then logins are refused until the window has passed.
	maxFailsPerName = 5
	maxFailsPerAddr = 20
	loginWindow     = 15 * time.Minute
)

// identity is who makes a request: a named admin, or a script with the
// token.
type identity struct {
	name string // the admin's name; "" for the token
	via  string // storage.ViaAdmin or storage.ViaToken
}

func (id identity) shown(l locale.Lang) string {
	if id.via == storage.ViaToken {
		return l.T("admin.who.token")
	}
	return id.name
}

// key identifies who owns an upload.
func (id identity) key() string { return id.via + ":" + id.name }

func (id identity) audit(action, detail string) storage.Audit {
	return storage.Audit{Actor: id.name, Via: id.via, Action: action, Detail: detail}
}

type identityKey struct{}

func identityFrom(ctx context.Context) (identity, bool) {
	id, ok := ctx.Value(identityKey{}).(identity)
	return id, ok
}

// authed lets a request through with the admin token as its bearer token
// or with a live session; a page asked for without either leads to the
// login, anything else is refused.
func (a *Admin) authed(h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, ok, err := a.identify(r)
		if err != nil {
			a.fail(w, r, err)
			return
		}
		if !ok {
			if r.Method == http.MethodGet {
				http.Redirect(w, r, "/admin/login", http.StatusSeeOther)
				return
			}
			a.errorPage(w, r, http.StatusUnauthorized, "admin.error.login")
			return
		}
		h(w, r.WithContext(context.WithValue(r.Context(), identityKey{}, id)))
	})
}

func (a *Admin) identify(r *http.Request) (identity, bool, error) {
	if a.token != "" && api.BearerMatches(r, a.token) {
		return identity{via: storage.ViaToken}, true, nil
	}
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		return identity{}, false, nil
	}
	sess, err := a.store.AdminSession(r.Context(), tokenHash(c.Value))
	switch {
	case errors.Is(err, storage.ErrNotFound):
		return identity{}, false, nil
	case err != nil:
		return identity{}, false, err
	}
	// An admin removed from the configuration is logged out.
	if _, ok := a.hashes[sess.Admin]; !ok {
		return identity{}, false, nil
	}
	return identity{name: sess.Admin, via: storage.ViaAdmin}, true, nil
}

// tokenHash is what is stored of a session token.
func tokenHash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// loginData is the login page's content.
type loginData struct {
	Name  string
	Error string // a catalogue key
}

func (a *Admin) loginPage(w http.ResponseWriter, r *http.Request) {
	if _, ok, _ := a.identify(r); ok {
		http.Redirect(w, r, "/admin/", http.StatusSeeOther)
		return
	}
	a.render(w, r, http.StatusOK, "login", loginData{})
}

// login checks a name and password. A wrong name and a wrong password get
// the same answer after the same work: an unknown name is compared with a
// dummy hash of the same cost, so timing tells nothing about which names
// exist.
func (a *Admin) login(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 8<<10)
	if err := r.ParseForm(); err != nil {
		a.errorPage(w, r, http.StatusBadRequest, "admin.error.form")
		return
	}
	name := strings.TrimSpace(r.PostForm.Get("name"))
	password := r.PostForm.Get("password")
	addr := clientAddr(r)
	now := a.now()
	if a.limiter.blocked(now, "name:"+strings.ToLower(name), "addr:"+addr) {
		w.Header().Set("Retry-After", "900")
		a.render(w, r, http.StatusTooManyRequests, "login", loginData{Name: name, Error: "admin.login.toomany"})
		return
	}
	hash, known := a.hashes[name]
	if !known {
		hash = a.dummy
	}
	if err := bcrypt.CompareHashAndPassword(hash, []byte(password)); err != nil || !known {
		a.limiter.fail(now, "name:"+strings.ToLower(name), "addr:"+addr)
		a.log.Warn("admin login failed", "address", addr)
		a.render(w, r, http.StatusUnauthorized, "login", loginData{Name: name, Error: "admin.login.wrong"})
		return
	}
	token := randomID(32)
	err := a.store.PutAdminSession(r.Context(), storage.AdminSession{TokenHash: tokenHash(token), Admin: name}, sessionLength)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.log.Info("admin logged in", "admin", name)
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: token, Path: sessionPath, MaxAge: int(sessionLength / time.Second),
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: secure(r)})
	http.Redirect(w, r, "/admin/", http.StatusSeeOther)
}

func (a *Admin) logout(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(sessionCookie); err == nil && c.Value != "" {
		if err := a.store.DeleteAdminSession(r.Context(), tokenHash(c.Value)); err != nil {
			a.fail(w, r, err)
			return
		}
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: sessionPath, MaxAge: -1,
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: secure(r)})
	http.Redirect(w, r, "/admin/login", http.StatusSeeOther)
}

// secure reports whether the browser reached os2pulse over TLS: directly,
// or through a reverse proxy that says so in X-Forwarded-Proto. Trusting
// the header can only make the cookie stricter.
func secure(r *http.Request) bool {
	return r.TLS != nil || strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https")
}

// clientAddr is the address a request came from (behind a proxy, the
// proxy's).
func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// dummyHash is a bcrypt hash of nothing anyone knows, at the highest cost
// of the configured hashes, so a login with an unknown name costs what a
// known one does.
func dummyHash(admins []config.Admin) []byte {
	cost := bcrypt.DefaultCost
	for _, ad := range admins {
		if c, err := bcrypt.Cost([]byte(ad.PasswordHash)); err == nil && c > cost {
			cost = c
		}
	}
	h, err := bcrypt.GenerateFromPassword([]byte(randomID(24)), cost)
	if err != nil {
		h, _ = bcrypt.GenerateFromPassword([]byte(randomID(24)), bcrypt.DefaultCost)
	}
	return h
}

// limiter counts failed logins per key (a name, an address) in a sliding
// window.
type limiter struct {
	mu    sync.Mutex
	fails map[string][]time.Time
}

func newLimiter() *limiter { return &limiter{fails: map[string][]time.Time{}} }

func limitOf(key string) int {
	if strings.HasPrefix(key, "addr:") {
		return maxFailsPerAddr
	}
	return maxFailsPerName
}

// blocked reports whether any key has used up its failures.
func (l *limiter) blocked(now time.Time, keys ...string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, k := range keys {
		if len(l.recent(now, k)) >= limitOf(k) {
			return true
		}
	}
	return false
}

// fail counts a failed login against every key.
func (l *limiter) fail(now time.Time, keys ...string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.fails) > 10000 {
		// Forget keys whose failures have all passed, so guessing many
		// names cannot grow the map without bound.
		for k := range l.fails {
			if len(l.recent(now, k)) == 0 {
				delete(l.fails, k)
			}
		}
	}
	for _, k := range keys {
		l.fails[k] = append(l.recent(now, k), now)
	}
}

// recent returns key's failures within the window; call with mu held.
func (l *limiter) recent(now time.Time, key string) []time.Time {
	ts := l.fails[key]
	i := 0
	for i < len(ts) && now.Sub(ts[i]) >= loginWindow {
		i++
	}
	ts = ts[i:]
	if len(ts) == 0 {
		delete(l.fails, key)
		return nil
	}
	l.fails[key] = ts
	return ts
}
