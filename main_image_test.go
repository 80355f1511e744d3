package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"os2pulse/civil"
)

// maxImageBytes is the most the container image may weigh.
const maxImageBytes = 40 << 20

// needTool finds a program the test needs: without it the test is skipped
// with a message, except with CI set, where it fails.
func needTool(t *testing.T, name, why string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is required when CI is set (%s); bash .ci/run installs it", name, why)
		}
		t.Skipf("%s not found, skipping %s (bash .ci/run installs it)", name, why)
	}
	return p
}

// TestContainerImage builds the image with make image and proves it
// without running a container (which this kind of sandbox cannot): the
// image's files are exported into a folder and its /os2pulse run there
// under chroot, as the unprivileged user the image names, with an empty
// /data and no zone database. It starts, migrates, answers /healthz and
// /readyz, serves / with today's date in Copenhagen, and os2pulse
// healthcheck exits 0.
func TestContainerImage(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a container image")
	}
	podman := needTool(t, "podman", "the container image test")
	needTool(t, "make", "the container image test")
	chroot := needTool(t, "chroot", "the container image test")
	if os.Geteuid() != 0 {
		if os.Getenv("CI") != "" {
			t.Fatal("the container image test runs the image's files under chroot, which needs root; CI runs as root")
		}
		t.Skip("not root: cannot chroot into the image's files, skipping the container image test")
	}
	dir := t.TempDir()
	b := make([]byte, 4)
	rand.Read(b)
	image := "localhost/os2pulse-imagetest-" + hex.EncodeToString(b)
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	sh := func(name string, args ...string) string {
		t.Helper()
		var out, errb bytes.Buffer
		cmd := exec.CommandContext(ctx, name, args...)
		cmd.Stdout, cmd.Stderr = &out, &errb
		if err := cmd.Run(); err != nil {
			t.Fatalf("%s %s: %v\n%s%s", name, strings.Join(args, " "), err, out.String(), errb.String())
		}
		return out.String()
	}

	start := time.Now()
	sh("make", "-s", "image", "IMAGE="+image, "IMAGE_CONTEXT="+filepath.Join(dir, "context"), "CONTAINER="+podman)
	t.Cleanup(func() {
		// Untag this test's image only: another tag (make image's) may
		// name the same layers.
		tags, _ := exec.Command(podman, "images", "--filter", "reference="+image, "--format", "{{.Repository}}:{{.Tag}}").Output()
		if ts := strings.Fields(string(tags)); len(ts) > 0 {
			exec.Command(podman, append([]string{"rmi"}, ts...)...).Run()
		}
	})
	built := time.Since(start)

	var inspect []struct {
		Size        int64
		Healthcheck *struct{ Test []string }
		Config      struct {
			User         string
			WorkingDir   string
			Entrypoint   []string
			Cmd          []string
			ExposedPorts map[string]struct{}
			Volumes      map[string]struct{}
			Labels       map[string]string
		}
	}
	if err := json.Unmarshal([]byte(sh(podman, "image", "inspect", image+":latest")), &inspect); err != nil || len(inspect) != 1 {
		t.Fatalf("podman image inspect: %v", err)
	}
	img := inspect[0]
	if img.Size > maxImageBytes {
		t.Errorf("image is %.1f MB, want under %d MB", float64(img.Size)/1e6, maxImageBytes>>20)
	}
	c := img.Config
	for what, ok := range map[string]bool{
		"user 65532:65532":                c.User == "65532:65532",
		"entrypoint /os2pulse, cmd serve": strings.Join(c.Entrypoint, " ") == "/os2pulse" && strings.Join(c.Cmd, " ") == "serve",
		"port 8080 exposed":               hasKey(c.ExposedPorts, "8080/tcp"),
		"volume /data":                    hasKey(c.Volumes, "/data"),
		"health check os2pulse healthcheck": img.Healthcheck != nil &&
			strings.Join(img.Healthcheck.Test, " ") == "CMD /os2pulse healthcheck",
		"licence label MPL-2.0": c.Labels["org.opencontainers.image.licenses"] == "MPL-2.0",
		"source label":          strings.HasPrefix(c.Labels["org.opencontainers.image.source"], "https://"),
		"version label":         strings.HasPrefix(c.Labels["org.opencontainers.image.version"], "v"),
	} {
		if !ok {
			t.Errorf("image config: want %s; have %+v", what, c)
		}
	}

	// The image's files, as a container would see them.
	id := strings.TrimSpace(sh(podman, "create", image+":latest"))
	t.Cleanup(func() { exec.Command(podman, "rm", "--force", id).Run() })
	tarball := filepath.Join(dir, "rootfs.tar")
	sh(podman, "export", "-o", tarball, id)
	root := filepath.Join(dir, "rootfs")
	os.Mkdir(root, 0o755)
	sh("tar", "-xf", tarball, "-C", root)
	for _, p := range []string{"os2pulse", "etc/ssl/certs/ca-certificates.crt", "etc/passwd"} {
		if _, err := os.Stat(filepath.Join(root, p)); err != nil {
			t.Errorf("image lacks /%s: %v", p, err)
		}
	}
	for _, p := range []string{"usr/share/zoneinfo", "bin/sh"} {
		if _, err := os.Stat(filepath.Join(root, p)); err == nil {
			t.Errorf("image has /%s; it should hold only what os2pulse needs", p)
		}
	}
	if entries, err := os.ReadDir(filepath.Join(root, "data")); err != nil || len(entries) != 0 {
		t.Fatalf("/data in the image: %v, %d entries, want empty", err, len(entries))
	}
	var st syscall.Stat_t
	if err := syscall.Stat(filepath.Join(root, "data"), &st); err != nil || st.Uid != 65532 {
		t.Errorf("/data owned by %d, want 65532 (%v)", st.Uid, err)
	}
	version := strings.TrimSpace(sh(chroot, "--userspec=65532:65532", root, "/os2pulse", "version"))
	if want := c.Labels["org.opencontainers.image.version"]; !strings.HasPrefix(version, "os2pulse "+want+" ") {
		t.Errorf("os2pulse version in the image: %q, want the label's %s", version, want)
	}

	// Serve as the image does, with the built-in example, GitHub
	// unreachable (no network configuration in the image).
	addr := freeAddr(t)
	var logw bytes.Buffer
	srv := exec.CommandContext(ctx, chroot, "--userspec=65532:65532", root, "/os2pulse", "serve", "-listen", addr)
	srv.Env = []string{"HOME=/data"} // nothing from this machine: no TZ, no zone database
	srv.Stdout, srv.Stderr = &logw, &logw
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- srv.Wait() }()
	defer func() {
		srv.Process.Signal(syscall.SIGTERM)
		select {
		case err := <-exited:
			if err != nil {
				t.Errorf("serve in the image did not stop cleanly: %v", err)
			}
		case <-time.After(30 * time.Second):
			srv.Process.Kill()
			t.Error("serve in the image did not stop within 30 s of SIGTERM")
		}
		if t.Failed() {
			t.Logf("serve log:\n%s", logw.String())
		}
	}()
	base := "http://" + addr
	client := &http.Client{Timeout: 10 * time.Second}
	get := func(path string) (int, string) {
		res, err := client.Get(base + path)
		if err != nil {
			return 0, err.Error()
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	waitFor(t, 60*time.Second, "serve in the image", func() bool { code, _ := get("/healthz"); return code == 200 })
	if code, body := get("/readyz"); code != 200 {
		t.Errorf("/readyz: %d %s", code, body)
	}
	before := civil.Today(time.Now())
	code, page := get("/")
	after := civil.Today(time.Now())
	if code != 200 {
		t.Fatalf("/: %d", code)
	}
	if !strings.Contains(page, fmt.Sprintf(`max="%s"`, before)) && !strings.Contains(page, fmt.Sprintf(`max="%s"`, after)) {
		t.Errorf("/ does not offer today in Copenhagen (%s) as the latest date", before)
	}
	if !strings.Contains(html.UnescapeString(page), "os2pulse "+c.Labels["org.opencontainers.image.version"]) {
		t.Errorf("the footer does not show the version %s", c.Labels["org.opencontainers.image.version"])
	}
	out := sh(chroot, "--userspec=65532:65532", root, "/os2pulse", "healthcheck", "-url", base+"/healthz")
	if !strings.Contains(out, "ok") {
		t.Errorf("healthcheck: %q", out)
	}
	if err := syscall.Stat(filepath.Join(root, "data", "os2pulse.db"), &st); err != nil || st.Uid != 65532 {
		t.Errorf("the database in /data: %v, owner %d", err, st.Uid)
	}
	t.Logf("image %.1f MB, built in %s", float64(img.Size)/1e6, built.Round(time.Second))
}

func hasKey[V any](m map[string]V, k string) bool {
	_, ok := m[k]
	return ok
}

func TestHealthzURL(t *testing.T) {
	for _, tc := range []struct{ listen, want string }{
		{":8080", "http://127.0.0.1:8080/healthz"},
		{"0.0.0.0:9000", "http://127.0.0.1:9000/healthz"},
		{"[::]:8080", "http://127.0.0.1:8080/healthz"},
		{"127.0.0.2:8081", "http://127.0.0.2:8081/healthz"},
		{"[::1]:8080", "http://[::1]:8080/healthz"},
		{"8080", ""},
	} {
		got, err := healthzURL(tc.listen)
		if got != tc.want || (err != nil) != (tc.want == "") {
			t.Errorf("healthzURL(%q) = %q, %v; want %q", tc.listen, got, err, tc.want)
		}
	}
}
