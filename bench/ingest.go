package main

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"os2pulse/collector"
)

// checkSeconds is how long the first of an import's two reads of the git
// log exports takes: the check of each whole file that lets a bad file
// store nothing (collector.CheckGitLog), which the ingest pays before it
// stores a row. What it costs says what reading each file once (spilling
// it while checking) could save.
func checkSeconds(p *Portfolio) (float64, error) {
	start := time.Now()
	for _, h := range p.Histories {
		f, err := os.Open(filepath.Join(p.Dir, h.File))
		if err != nil {
			return 0, err
		}
		n, err := collector.CheckGitLog(h.File, f)
		f.Close()
		if err != nil {
			return 0, err
		}
		if n != h.Commits {
			return 0, fmt.Errorf("%s: %d commits checked, %d generated", h.File, n, h.Commits)
		}
	}
	return time.Since(start).Seconds(), nil
}
