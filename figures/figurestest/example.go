package figurestest

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"os2pulse/collector"
	"os2pulse/config"
	"os2pulse/storage"
	"os2pulse/storage/storagetest"
)

// ExampleClock is when Example collects: 15 January 2026, after the 2025
// report's year ended.
var ExampleClock = time.Date(2026, 1, 15, 9, 30, 0, 0, time.UTC)

// Example is a store on driver with the built-in example portfolio's
// register and its four commit histories, collected through the real
// sources at ExampleClock.
func Example(t testing.TB, driver string) (*storage.Store, *config.Config) {
	t.Helper()
	return example(t, driver, true)
}

// ExampleUnregistered is Example with the commit histories collected but
// the register never read: a fresh install before its first register.
func ExampleUnregistered(t testing.TB, driver string) (*storage.Store, *config.Config) {
	t.Helper()
	return example(t, driver, false)
}

func example(t testing.TB, driver string, register bool) (*storage.Store, *config.Config) {
	t.Helper()
	cfg, err := config.Example()
	if err != nil {
		t.Fatal(err)
	}
	store := storagetest.New(t, driver)
	store.SetClock(func() time.Time { return ExampleClock })
	ctx := context.Background()
	if err := store.SyncProducts(ctx, storage.ConfiguredProducts(cfg)); err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.DiscardHandler)
	sources := []collector.Source{collector.NewActivitySource(cfg, store, log)}
	if register {
		sources = append(sources, collector.NewRegisterSource(cfg, store))
	}
	// A lease far longer than any test: a loaded machine (the race
	// detector on a pure-Go SQLite) must not lose it halfway.
	lease := collector.NewLease(store, "example", time.Hour, log)
	runs, err := collector.New(store, lease, sources, nil, log, nil).RunOnce(ctx, "all")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range runs {
		if r.Result != storage.RunSuccess {
			t.Fatalf("collecting the example: %s run %s: %s %v", r.Source, r.Result, r.Message, r.Errors)
		}
	}
	return store, cfg
}
