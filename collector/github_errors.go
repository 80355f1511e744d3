package collector

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/google/go-github/v60/github"

	"os2pulse/storage"
)

// errNotModified is what a listing returns when GitHub answered its first
// page with 304: nothing changed since the stored ETag.
var errNotModified = errors.New("not modified")

// notModified reports a 304, which go-github returns as an error.
func notModified(err error) bool { return hasStatus(err, http.StatusNotModified) }

func hasStatus(err error, code int) bool {
	var er *github.ErrorResponse
	return errors.As(err, &er) && er.Response != nil && er.Response.StatusCode == code
}

// apiError is a GitHub error answer in a few words.
type apiError struct {
	code int
	msg  string
	err  error
}

func (e *apiError) Error() string {
	if e.msg == "" {
		return fmt.Sprintf("GitHub answered %d %s", e.code, http.StatusText(e.code))
	}
	return fmt.Sprintf("GitHub answered %d %s", e.code, e.msg)
}

func (e *apiError) Unwrap() error { return e.err }

// apiErr shortens go-github's errors to what an operator needs, keeping
// the original for errors.As.
func apiErr(err error) error {
	var er *github.ErrorResponse
	if errors.As(err, &er) && er.Response != nil {
		return &apiError{code: er.Response.StatusCode, msg: er.Message, err: err}
	}
	var rl *github.RateLimitError
	if errors.As(err, &rl) {
		return fmt.Errorf("rate limit exhausted until %s: %w", rl.Rate.Reset.UTC().Format(time.RFC3339), err)
	}
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	if errors.As(err, &se) || errors.As(err, &te) || errors.Is(err, io.ErrUnexpectedEOF) {
		return fmt.Errorf("malformed JSON from GitHub: %w", err)
	}
	return err
}

// statusOf maps an error to a repository status.
func statusOf(err error) string {
	var er *github.ErrorResponse
	if errors.As(err, &er) && er.Response != nil {
		switch er.Response.StatusCode {
		case http.StatusNotFound, http.StatusGone:
			return storage.RepoNotFound
		case http.StatusUnavailableForLegalReasons, http.StatusForbidden:
			return storage.RepoUnavailable
		case http.StatusConflict:
			return storage.RepoEmpty
		}
	}
	// The HTTP client's own failures (DNS, refused, time-out, retries
	// exhausted) come as *url.Error: GitHub was not reached. An answer
	// that came but could not be used is not that.
	var ae *answerError
	var ue *url.Error
	if !errors.As(err, &ae) && errors.As(err, &ue) {
		return storage.RepoUnreachable
	}
	return storage.RepoError
}

// isTransportError tells failures to reach GitHub at all from answers.
func isTransportError(err error) bool {
	var er *github.ErrorResponse
	var rl *github.RateLimitError
	var ab *github.AbuseRateLimitError
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	var ae *answerError
	return !errors.As(err, &er) && !errors.As(err, &rl) && !errors.As(err, &ab) &&
		!errors.As(err, &se) && !errors.As(err, &te) && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.As(err, &ae)
}

// answerError is an answer from GitHub that cannot be used: cut short, not
// JSON, or demanding a suspiciously long wait. GitHub was reached, so the
// repository's status is an error, not "unreachable".
type answerError struct{ msg string }

func (e *answerError) Error() string { return e.msg }
