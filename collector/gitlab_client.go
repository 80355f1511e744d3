package collector

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// glClient reads GitLab's REST API v4 through the project's transport:
// one GET, decoded, with the address of the next page. It is all the
// GitLab source needs of a client (see gitlab.go for why not GitLab's).
type glClient struct {
	http *http.Client
	base *url.URL // ends in /api/v4/
}

// glError is an error answer from GitLab.
type glError struct {
	code int
	msg  string
}

func (e *glError) Error() string {
	if e.msg == "" {
		return fmt.Sprintf("GitLab answered %d %s", e.code, http.StatusText(e.code))
	}
	return fmt.Sprintf("GitLab answered %d %s", e.code, e.msg)
}

// glStatus reports whether err is GitLab's answer with the given status.
func glStatus(err error, code int) bool {
	var ge *glError
	return errors.As(err, &ge) && ge.code == code
}

// url is the address of an API path, already escaped
// ("projects/rammearkitektur%2Fos2mo", "projects/12/repository/commits"),
// with its query.
func (c *glClient) url(path string, q url.Values) string {
	addr := c.base.String() + strings.TrimPrefix(path, "/")
	if len(q) > 0 {
		addr += "?" + q.Encode()
	}
	return addr
}

// projectPath is a project's or group's path as the API takes it in place
// of an id: URL-encoded, slashes included.
func projectPath(path string) string { return url.PathEscape(path) }

// get reads one answer into out and returns the address of the next page
// ("" on the last). 304 and error answers come back as *glError.
func (c *glClient) get(ctx context.Context, addr string, out any) (next string, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, addr, nil)
	if err != nil {
		return "", err
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "os2pulse")
	resp, err := c.http.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body) // already read, and capped, by the transport
	if err != nil {
		return "", err
	}
	if resp.StatusCode != http.StatusOK {
		ge := &glError{code: resp.StatusCode}
		var m struct {
			Message any    `json:"message"`
			Error   string `json:"error"`
		}
		if json.Unmarshal(body, &m) == nil {
			switch v := m.Message.(type) {
			case string:
				ge.msg = v
			case nil:
				ge.msg = m.Error
			default:
				b, _ := json.Marshal(v)
				ge.msg = string(b)
			}
		}
		return "", ge
	}
	if err := json.Unmarshal(body, out); err != nil {
		return "", &answerError{fmt.Sprintf("malformed JSON from GitLab at %s: %v", resp.Request.URL.Path, err)}
	}
	return c.nextPage(resp), nil
}

// nextPage is the next page's address: the Link header's rel="next", as
// GitLab gives it for offset and keyset pagination alike, else
// X-Next-Page. Only addresses on the API host are followed, so the token
// never goes elsewhere.
func (c *glClient) nextPage(resp *http.Response) string {
	for _, link := range resp.Header.Values("Link") {
		for _, part := range strings.Split(link, ",") {
			addr, params, ok := strings.Cut(strings.TrimSpace(part), ";")
			if !ok || !strings.Contains(strings.ReplaceAll(params, " ", ""), `rel="next"`) {
				continue
			}
			u, err := resp.Request.URL.Parse(strings.Trim(strings.TrimSpace(addr), "<>"))
			if err != nil || !strings.EqualFold(u.Host, c.base.Host) {
				return ""
			}
			return u.String()
		}
	}
	if n, err := strconv.Atoi(resp.Header.Get("X-Next-Page")); err == nil && n > 0 {
		u := *resp.Request.URL
		q := u.Query()
		q.Set("page", strconv.Itoa(n))
		u.RawQuery = q.Encode()
		return u.String()
	}
	return ""
}

// glPaginate reads a GitLab listing from first, page by page. The first
// page is conditional when l has a sink (a 304 returns errNotModified
// without calling handle); later pages are not. A listing resumed after
// a restart starts at resumeAt, the stored address of the page after the
// last one stored, unconditionally. handle gets each page with its
// number and the next page's address ("" on the last), to store with the
// page's rows.
func glPaginate[T any](ctx context.Context, c *glClient, first string, l listing, resumeAt string, handle func(page int, items []T, next string) (bool, error)) error {
	addr, page := first, 1
	if resumeAt != "" {
		addr, page = resumeAt, max(l.from, 2)
	}
	for addr != "" {
		var items []T
		next, err := c.get(pageContext(ctx, l.sink, page), addr, &items)
		if page == 1 && l.sink != nil && glStatus(err, http.StatusNotModified) {
			return errNotModified
		}
		if err != nil {
			return err
		}
		more, err := handle(page, items, next)
		if err != nil || !more {
			return err
		}
		addr = next
		page++
	}
	return nil
}
