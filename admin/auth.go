package admin

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"math"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"golang.org/x/crypto/bcrypt"

	"os2pulse/api"
	"os2pulse/config"
	"os2pulse/locale"
	"os2pulse/metrics"
	"os2pulse/problems"
	"os2pulse/storage"
)

const (
	// sessionCookie lives only under /admin/: the public site stays
	// cookie-free.
	sessionCookie = "os2pulse_admin"
	sessionPath   = "/admin/"
	sessionLength = 12 * time.Hour

	// freeFailures is how many failed logins of one name from one
	// address (or bearer tokens from one address) go unslowed; then each
	// next try waits twice as long as the one before, from a second up to
	// maxLoginWait. Per name and address: a stranger guessing a name
	// slows only their own address, never the admin's elsewhere.
	freeFailures = 3
	maxLoginWait = 15 * time.Minute

	// tokenName is the name under which refused bearer tokens are
	// counted (no admin name is empty).
	tokenName = ""
)

// loginWait is the wait before the next try after failures in a row.
func loginWait(failures int) time.Duration {
	if failures <= freeFailures {
		return 0
	}
	n := failures - freeFailures - 1
	if n >= 10 {
		return maxLoginWait
	}
	return min(time.Second<<n, maxLoginWait)
}

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
// login, anything else is refused. A wrong bearer token is counted and
// logged, and slowed like a failed login.
func (a *Admin) authed(h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "" {
			if !a.checkBearer(w, r) {
				return
			}
		}
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

// LimitStore is where failed logins and refused tokens are counted (a
// *storage.Store).
type LimitStore interface {
	LoginWait(ctx context.Context, name, address string) (time.Time, int, error)
	LoginFailed(ctx context.Context, name, address string, wait func(failures int) time.Duration) (time.Time, error)
	LoginSucceeded(ctx context.Context, name, address string) error
}

// TokenLimits slows refused bearer tokens per address, counted in the
// database: the admin pages and the API's admin endpoints (as its
// api.TokenLimits) share one count per address.
type TokenLimits struct {
	store LimitStore
	now   func() time.Time
}

// NewTokenLimits counts refused tokens in store; now is the clock
// (time.Now when nil).
func NewTokenLimits(store LimitStore, now func() time.Time) *TokenLimits {
	if now == nil {
		now = time.Now
	}
	return &TokenLimits{store: store, now: now}
}

// Wait says how long addr must wait before its next token is looked at,
// and how many were refused in a row.
func (l *TokenLimits) Wait(ctx context.Context, addr string) (time.Duration, int, error) {
	until, failures, err := l.store.LoginWait(ctx, tokenName, addr)
	if err != nil || until.IsZero() {
		return 0, failures, err
	}
	return max(until.Sub(l.now()), time.Second), failures, nil
}

// Refused counts a refused token from addr.
func (l *TokenLimits) Refused(ctx context.Context, addr string) error {
	_, err := l.store.LoginFailed(ctx, tokenName, addr, loginWait)
	return err
}

// Accepted forgets addr's refused tokens, if it had any.
func (l *TokenLimits) Accepted(ctx context.Context, addr string, failures int) error {
	if failures == 0 {
		return nil
	}
	return l.store.LoginSucceeded(ctx, tokenName, addr)
}

// checkBearer counts a request's bearer token against the limits of its
// address: while the address must wait it is answered 429 (false); a
// wrong token is counted, logged and then treated as no token.
func (a *Admin) checkBearer(w http.ResponseWriter, r *http.Request) bool {
	ctx := r.Context()
	addr := clientAddr(r)
	wait, failures, err := a.tokens.Wait(ctx, addr)
	if err != nil {
		a.fail(w, r, err)
		return false
	}
	if wait > 0 {
		a.tooMany(w, r, a.now().Add(wait), "")
		return false
	}
	if a.token != "" && api.BearerMatches(r, a.token) {
		if err := a.tokens.Accepted(ctx, addr, failures); err != nil {
			a.log.Warn("forgetting refused tokens failed", "error", err)
		}
		return true
	}
	if err := a.tokens.Refused(ctx, addr); err != nil {
		a.fail(w, r, err)
		return false
	}
	a.log.Warn("admin token refused", "path", r.URL.Path, "address", addr, "failures", failures+1)
	a.authFailures.Add(metrics.ViaToken)
	return true
}

// tooMany answers a login or token that must wait, saying how long.
func (a *Admin) tooMany(w http.ResponseWriter, r *http.Request, until time.Time, name string) {
	secs := int(math.Ceil(until.Sub(a.now()).Seconds()))
	secs = max(secs, 1)
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	if r.URL.Path == "/admin/login" {
		a.render(w, r, http.StatusTooManyRequests, "login", loginData{Name: name, Error: "admin.login.wait", Wait: secs})
		return
	}
	a.errorPage(w, r, http.StatusTooManyRequests, "admin.token.toomany", secs)
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
	// An admin removed from the configuration is logged out, and a
	// session opened with an earlier password ends with it.
	if hash, ok := a.hashes[sess.Admin]; !ok || sess.PasswordSig != passwordSig(hash) {
		return identity{}, false, nil
	}
	return identity{name: sess.Admin, via: storage.ViaAdmin}, true, nil
}

// passwordSig is a short fingerprint of an admin's password hash, stored
// with each session (a SHA-256 of the bcrypt hash, not of the password).
func passwordSig(hash []byte) string {
	sum := sha256.Sum256(hash)
	return hex.EncodeToString(sum[:8])
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
	Wait  int    // seconds to wait, with admin.login.wait
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
	ctx := r.Context()
	// The name counted and logged is clipped: it is whatever was typed.
	key := strings.ToLower(problems.Clip(name))
	until, failures, err := a.store.LoginWait(ctx, key, addr)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	if !until.IsZero() {
		a.tooMany(w, r, until, name)
		return
	}
	hash, known := a.hashes[name]
	if !known {
		hash = a.dummy
	}
	if err := bcrypt.CompareHashAndPassword(hash, []byte(password)); err != nil || !known {
		if _, err := a.store.LoginFailed(ctx, key, addr, loginWait); err != nil {
			a.fail(w, r, err)
			return
		}
		a.log.Warn("admin login failed", "name", key, "address", addr, "failures", failures+1)
		a.authFailures.Add(metrics.ViaPassword)
		a.render(w, r, http.StatusUnauthorized, "login", loginData{Name: name, Error: "admin.login.wrong"})
		return
	}
	if failures > 0 {
		if err := a.store.LoginSucceeded(ctx, key, addr); err != nil {
			a.fail(w, r, err)
			return
		}
	}
	token := randomID(32)
	err = a.store.PutAdminSession(r.Context(), storage.AdminSession{TokenHash: tokenHash(token), Admin: name, PasswordSig: passwordSig(hash)}, sessionLength)
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
