package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"
)

func cmdHealthcheck(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("healthcheck", "healthcheck [-config FILE] [-url URL] [-timeout DURATION]",
		`Asks a running os2pulse whether it is up (GET /healthz) and exits 0 when it
answers 200, 1 otherwise: the container image's health check, which has no
curl. Without -url it asks this host on the port of server.listen.`, stderr)
	path := fs.String("config", "", "configuration `file`")
	url := fs.String("url", "", "the `URL` to ask (default http://127.0.0.1:PORT/healthz, PORT from server.listen)")
	timeout := fs.Duration("timeout", 5*time.Second, "how long to wait for the answer")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fmt.Fprintln(stderr, "os2pulse healthcheck: takes no arguments")
		return errUsage
	}
	target := *url
	if target == "" {
		cfg, err := loadConfig(*path, stderr)
		if err != nil {
			return err
		}
		target, err = healthzURL(cfg.Server.Listen)
		if err != nil {
			return err
		}
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(res.Body, 1<<10))
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("healthcheck: %s answered %s: %s", target, res.Status, strings.TrimSpace(string(body)))
	}
	fmt.Fprintf(stdout, "%s: %s\n", target, strings.TrimSpace(string(body)))
	return nil
}

// healthzURL is /healthz on this host at the port a listen address names:
// the wildcard and empty hosts become the loopback address.
func healthzURL(listen string) (string, error) {
	host, port, err := net.SplitHostPort(listen)
	if err != nil {
		return "", fmt.Errorf("healthcheck: server.listen %q: %w", listen, err)
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port) + "/healthz", nil
}
