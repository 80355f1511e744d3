package collector

import (
	"context"
	"sync"
)

// pollResult is what polling a forge's repositories found: how many
// failed because the forge could not be reached, the first of those, and
// the first failure of any kind.
type pollResult struct {
	unreachable      int
	firstUnreachable error
	firstError       error
}

// pollEach polls every target with workers goroutines: each failure is
// recorded as an item error under the target's key, and counted as
// unreachable when unreachable says so. It stops feeding targets when ctx
// ends (the caller checks ctx); failures after that are not recorded.
// GitHub and GitLab differ only in their targets, how a target is polled
// and which errors mean the forge could not be reached.
func pollEach[T any](ctx context.Context, rec *Recorder, workers int, targets []T, key func(T) string,
	poll func(T) error, unreachable func(error) bool) pollResult {
	work := make(chan T)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var res pollResult
	for range max(workers, 1) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for tg := range work {
				if err := poll(tg); err != nil && ctx.Err() == nil {
					rec.ItemError(key(tg), err)
					mu.Lock()
					if res.firstError == nil {
						res.firstError = err
					}
					if unreachable(err) {
						res.unreachable++
						if res.firstUnreachable == nil {
							res.firstUnreachable = err
						}
					}
					mu.Unlock()
				}
				rec.Progress().ItemDone()
			}
		}()
	}
feed:
	for _, tg := range targets {
		select {
		case work <- tg:
		case <-ctx.Done():
			break feed
		}
	}
	close(work)
	wg.Wait()
	return res
}
