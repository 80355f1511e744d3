package collector

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"
	"time"

	"os2pulse/config"
	"os2pulse/problems"
	"os2pulse/register"
	"os2pulse/storage"
)

// registerTimeout bounds one download of a register file.
const registerTimeout = 30 * time.Second

// RegisterSource imports the adoption register and members list named in
// the configuration's [register] section: local files (relative to the
// configuration) or http(s) URLs, fetched conditionally with the ETag and
// Last-Modified of the last import. A register with any problem fails the
// run and changes nothing; an unchanged register is not imported again.
type RegisterSource struct {
	cfg    *config.Config
	store  *storage.Store
	client *http.Client
}

// NewRegisterSource returns the register source for cfg.
func NewRegisterSource(cfg *config.Config, store *storage.Store) *RegisterSource {
	return &RegisterSource{cfg: cfg, store: store, client: &http.Client{Timeout: registerTimeout}}
}

// Name implements Source.
func (s *RegisterSource) Name() string { return config.SourceRegister }

// Interval implements Source.
func (s *RegisterSource) Interval() time.Duration { return s.cfg.Register.Interval.Duration }

// registerResource is the sync-state key of a register URL.
func registerResource(url string) string { return "register:" + url }

// fetched is one register file as read in a run.
type fetched struct {
	file        register.File
	validators  storage.SyncState // of a URL's 200 answer, stored after the import
	notModified bool
}

// Collect implements Source.
func (s *RegisterSource) Collect(ctx context.Context, rec *Recorder) error {
	names := []string{s.cfg.Register.Adoption}
	if s.cfg.Register.Members != "" {
		names = append(names, s.cfg.Register.Members)
	}
	rec.Progress().SetTotal(len(names))
	files := make([]fetched, len(names))
	notModified := 0
	for i, name := range names {
		f, err := s.read(ctx, rec, name, true)
		if err != nil {
			return err
		}
		files[i] = f
		if f.notModified {
			notModified++
		}
		rec.Progress().ItemDone()
	}
	if notModified == len(files) {
		return nil
	}
	// The register is imported whole, so a file that did not change is
	// still needed when the other one did.
	for i, f := range files {
		if f.notModified {
			nf, err := s.read(ctx, rec, names[i], false)
			if err != nil {
				return err
			}
			files[i] = nf
		}
	}

	known, err := s.store.Organizations(ctx)
	if err != nil {
		return err
	}
	regFiles := make([]register.File, len(files))
	for i, f := range files {
		regFiles[i] = f.file
	}
	reg, err := register.Parse(s.cfg, known, regFiles...)
	if err != nil {
		var pe *problems.Error
		if errors.As(err, &pe) {
			return fmt.Errorf("register not imported, %d problem(s):\n%s", len(pe.Problems), strings.Join(pe.Problems, "\n"))
		}
		return err
	}
	// A server without validators must not add an import to the
	// history at every run, and files that did not change since this
	// source last imported them must not undo what the admin pages or
	// the command line changed since.
	imports, err := s.store.RegisterImports(ctx)
	if err != nil {
		return err
	}
	if last, ok := lastScheduledImport(imports); !ok || last.SHA256 != reg.SHA256 {
		reg.Audit = storage.Audit{Via: storage.ViaCollector}
		sum, err := s.store.ImportRegister(ctx, reg.Register)
		if err != nil {
			return err
		}
		rec.Progress().Note("imported %s: %s", reg.Source, register.Summary(sum))
		for _, n := range reg.Notes {
			rec.Progress().Note("%s", n)
		}
	}
	// Validators are kept only now that the content is stored: kept for a
	// register that failed, a 304 would hide the problem from later runs.
	for _, f := range files {
		if f.validators.Resource != "" {
			if err := s.store.PutSyncState(ctx, f.validators); err != nil {
				return err
			}
		}
	}
	return nil
}

// lastScheduledImport is the newest import this source made; imports
// recorded before the audit trail named who made them count as its own.
func lastScheduledImport(imports []storage.RegisterImport) (storage.RegisterImport, bool) {
	for _, imp := range imports {
		if imp.Via == storage.ViaCollector || imp.Via == "" {
			return imp, true
		}
	}
	return storage.RegisterImport{}, false
}

// read reads one register file: a URL over HTTP (conditionally when
// conditional is set), anything else through the configuration's
// directory.
func (s *RegisterSource) read(ctx context.Context, rec *Recorder, name string, conditional bool) (fetched, error) {
	if !config.IsURL(name) {
		f, err := s.cfg.Open(name)
		if err != nil {
			return fetched{}, fmt.Errorf("collector: opening register file %s: %w", name, err)
		}
		defer f.Close()
		file, err := register.Read(name, f)
		if err != nil {
			return fetched{}, err
		}
		return fetched{file: file}, nil
	}
	var cond storage.SyncState
	if conditional {
		var err error
		if cond, err = s.store.SyncState(ctx, registerResource(name)); err != nil {
			return fetched{}, err
		}
	}
	data, validators, notModified, err := fetchRegister(ctx, s.client, name, cond)
	rec.Request(-1)
	if err != nil {
		return fetched{}, err
	}
	return fetched{file: register.File{Name: name, Data: data}, validators: validators, notModified: notModified}, nil
}

// fetchRegister GETs a register URL, sending the validators in cond. It
// returns the body and the answer's validators, or notModified on 304.
func fetchRegister(ctx context.Context, client *http.Client, url string, cond storage.SyncState) (data []byte, validators storage.SyncState, notModified bool, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, validators, false, fmt.Errorf("collector: fetching register %s: %w", url, err)
	}
	req.Header.Set("User-Agent", "os2pulse")
	if cond.ETag != "" {
		req.Header.Set("If-None-Match", cond.ETag)
	}
	if cond.LastModified != "" {
		req.Header.Set("If-Modified-Since", cond.LastModified)
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, validators, false, fmt.Errorf("collector: fetching register %s: %w", url, err)
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusNotModified && (cond.ETag != "" || cond.LastModified != ""):
		return nil, validators, true, nil
	case resp.StatusCode != http.StatusOK:
		return nil, validators, false, fmt.Errorf("collector: fetching register %s: %s", url, resp.Status)
	}
	file, err := register.Read(url, resp.Body)
	if err != nil {
		return nil, validators, false, err
	}
	data = file.Data
	validators = storage.SyncState{Resource: registerResource(url), ETag: resp.Header.Get("ETag"), LastModified: resp.Header.Get("Last-Modified")}
	return data, validators, false, nil
}

// ReadRegisterFile reads a register file named on the command line: an
// http(s) URL (fetched with a 30 s timeout) or a local path.
func ReadRegisterFile(ctx context.Context, name string) (register.File, error) {
	if config.IsURL(name) {
		data, _, _, err := fetchRegister(ctx, &http.Client{Timeout: registerTimeout}, name, storage.SyncState{})
		if err != nil {
			return register.File{}, err
		}
		return register.File{Name: name, Data: data}, nil
	}
	f, err := os.Open(name)
	if err != nil {
		return register.File{}, err
	}
	defer f.Close()
	return register.Read(name, f)
}
