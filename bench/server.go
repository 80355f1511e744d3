package main

// The os2pulse server a measurement runs: started, asked, loaded with
// concurrent requests, its memory read from /proc, stopped.

import (
	"context"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// server is a running "os2pulse serve".
type server struct {
	cmd    *exec.Cmd
	base   string
	client *http.Client
	ready  time.Duration
}

// startServer starts serve on cfg, with env added to its environment.
func startServer(ctx context.Context, bin, cfg, logFile string, env ...string) (*server, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := l.Addr().String()
	l.Close()
	logf, err := os.Create(logFile)
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, bin, "serve", "-no-collect", "-config", cfg, "-listen", addr)
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.Env = append(os.Environ(), env...)
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	s := &server{cmd: cmd, base: "http://" + addr, client: &http.Client{Timeout: 5 * time.Minute,
		Transport: &http.Transport{MaxIdleConnsPerHost: 128, MaxConnsPerHost: 128}}}
	for {
		if time.Since(start) > 5*time.Minute {
			s.stop()
			return nil, fmt.Errorf("server not ready after 5 minutes; see %s", logFile)
		}
		resp, err := s.client.Get(s.base + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				s.ready = time.Since(start)
				return s, nil
			}
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// get times one request, the whole body read; it returns the body size.
func (s *server) get(path string) (time.Duration, int, error) {
	t0 := time.Now()
	resp, err := s.client.Get(s.base + path)
	if err != nil {
		return 0, 0, err
	}
	n, err := io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	d := time.Since(t0)
	if err != nil {
		return 0, 0, err
	}
	if resp.StatusCode != 200 {
		return d, 0, &statusError{path: path, code: resp.StatusCode, status: resp.Status}
	}
	return d, int(n), nil
}

// statusError is an answer other than 200.
type statusError struct {
	path   string
	code   int
	status string
}

func (e *statusError) Error() string { return "GET " + e.path + ": " + e.status }

// load asks for path from workers clients for d and returns the
// successful requests per second.
func (s *server) load(path string, workers int, d time.Duration) float64 {
	var mu sync.Mutex
	done := 0
	end := time.Now().Add(d)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			n := 0
			for time.Now().Before(end) {
				if _, _, err := s.get(path); err == nil {
					n++
				}
			}
			mu.Lock()
			done += n
			mu.Unlock()
		}()
	}
	wg.Wait()
	return float64(done) / d.Seconds()
}

func (s *server) stop() {
	s.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { s.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		s.cmd.Process.Kill()
		<-done
	}
}

// closestAsset is the static file whose size is nearest the page's, on a
// logarithmic scale.
func closestAsset(s *server, page int) (string, int) {
	best, bestSize, bestDist := "/static/style.css", 0, math.Inf(1)
	for _, a := range []string{"/static/style.css", "/static/charts.js", "/static/map-register.js", "/static/echarts.min.js", "/static/geo/dk_municipalities.json"} {
		_, n, err := s.get(a)
		if err != nil || n == 0 {
			continue
		}
		if d := math.Abs(math.Log(float64(n) / float64(page))); d < bestDist {
			best, bestSize, bestDist = a, n, d
		}
	}
	return best, bestSize
}

// rss reads a memory figure of a process from /proc (VmRSS now, VmHWM the
// peak), in bytes; 0 when it cannot.
func rss(pid int, field string) int64 {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, field+":"); ok {
			f := strings.Fields(v)
			if len(f) > 0 {
				kb, _ := strconv.ParseInt(f[0], 10, 64)
				return kb << 10
			}
		}
	}
	return 0
}
