package dashboard

import (
	"context"
	"sync"
	"time"

	"os2pulse/figures"
)

// versionReader reads the data versions, which every page request needs
// for its ETag, once for all requests that ask at about the same time.
// A request only shares a read that starts after it asked, so it never
// gets a version older than a write finished before it arrived: requests
// that arrive while a read runs wait for the next one, which starts when
// the running one ends and serves them all.
type versionReader struct {
	read func(ctx context.Context) (figures.Versions, error)

	mu      sync.Mutex
	busy    bool           // a read runs
	pending *versionFlight // the next read, with its waiters; nil if none
}

type versionFlight struct {
	done    chan struct{}
	waiters int // under versionReader.mu
	version figures.Versions
	err     error
}

func newVersionReader(read func(ctx context.Context) (figures.Versions, error)) *versionReader {
	return &versionReader{read: read}
}

// get returns the data versions as read after the call began.
func (vr *versionReader) get(ctx context.Context) (figures.Versions, error) {
	vr.mu.Lock()
	f := vr.pending
	if f == nil {
		f = &versionFlight{done: make(chan struct{})}
		vr.pending = f
		if !vr.busy {
			vr.start()
		}
	}
	f.waiters++
	vr.mu.Unlock()
	select {
	case <-f.done:
		return f.version, f.err
	case <-ctx.Done():
		return figures.Versions{}, ctx.Err()
	}
}

// start runs the pending read; called with vr.mu held. The read is not
// bound to any one request, since all its waiters need it.
func (vr *versionReader) start() {
	f := vr.pending
	vr.pending = nil
	vr.busy = true
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		f.version, f.err = vr.read(ctx)
		cancel()
		close(f.done)
		vr.mu.Lock()
		vr.busy = false
		if vr.pending != nil {
			vr.start()
		}
		vr.mu.Unlock()
	}()
}
