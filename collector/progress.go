package collector

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"
)

// Progress reports a long run's progress: items done of total, requests,
// rate-limit budget and an estimate of the time left. On a terminal it
// redraws one line; elsewhere (logs, CI) it writes a line at most every few
// seconds.
type Progress struct {
	mu       sync.Mutex
	w        io.Writer
	source   string
	tty      bool
	start    time.Time
	last     time.Time
	total    int
	done     int
	requests int
	remain   int
	printed  bool
	interval time.Duration
}

// NewProgress returns a reporter writing to w (nil: report nothing).
func NewProgress(w io.Writer, source string) *Progress {
	p := &Progress{w: w, source: source, start: time.Now(), remain: -1, interval: 5 * time.Second}
	if f, ok := w.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			p.tty = true
			p.interval = 200 * time.Millisecond
		}
	}
	return p
}

// SetTotal sets the number of items the run will process.
func (p *Progress) SetTotal(n int) {
	p.mu.Lock()
	p.total = n
	p.mu.Unlock()
	p.report(false)
}

// ItemDone counts one processed item.
func (p *Progress) ItemDone() {
	p.mu.Lock()
	p.done++
	p.mu.Unlock()
	p.report(false)
}

// Requests updates the request count and rate-limit budget shown.
func (p *Progress) Requests(n, remaining int) {
	p.mu.Lock()
	p.requests = n
	if remaining >= 0 {
		p.remain = remaining
	}
	p.mu.Unlock()
	p.report(false)
}

// Note writes a message on its own line (e.g. "rate limit low, waiting").
func (p *Progress) Note(format string, args ...any) {
	if p == nil || p.w == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.tty && p.printed {
		fmt.Fprint(p.w, "\r\033[K")
	}
	fmt.Fprintf(p.w, "%s: %s\n", p.source, fmt.Sprintf(format, args...))
	p.printed = false
}

// Done writes the final state.
func (p *Progress) Done() { p.report(true) }

func (p *Progress) report(final bool) {
	if p == nil || p.w == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now()
	if !final && now.Sub(p.last) < p.interval {
		return
	}
	if final && p.total == 0 && p.requests == 0 {
		return
	}
	p.last = now
	line := fmt.Sprintf("%s: %d/%d done", p.source, p.done, p.total)
	if p.requests > 0 {
		line += fmt.Sprintf(", %d requests", p.requests)
	}
	if p.remain >= 0 {
		line += fmt.Sprintf(", rate limit remaining %d", p.remain)
	}
	if !final && p.done > 0 && p.total > p.done {
		left := time.Duration(float64(now.Sub(p.start)) / float64(p.done) * float64(p.total-p.done))
		line += ", about " + left.Round(time.Second).String() + " left"
	}
	if final {
		line += fmt.Sprintf(" in %s", now.Sub(p.start).Round(time.Millisecond))
	}
	if p.tty {
		fmt.Fprint(p.w, "\r\033[K"+line)
		p.printed = true
		if final {
			fmt.Fprintln(p.w)
		}
		return
	}
	fmt.Fprintln(p.w, line)
}
