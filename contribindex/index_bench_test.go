package contribindex

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"os2pulse/civil"
	"os2pulse/storage"
)

// benchRows is a synthetic rollup: repos repositories, persons persons
// over ten years, rows rows.
func benchRows(repos, persons, rows int) []storage.ContributorDay {
	r := rand.New(rand.NewPCG(1, 2))
	start := civil.MustParse("2016-01-01")
	domains := []string{"aarhus.dk", "bellcom.dk", "example.org", "sonderborg.dk"}
	out := make([]storage.ContributorDay, rows)
	for i := range out {
		p := r.IntN(persons)
		email := fmt.Sprintf("p%d@%s", p, domains[p%len(domains)])
		out[i] = storage.ContributorDay{RepositoryKey: fmt.Sprintf("github.com/org/repo%d", r.IntN(repos)), Day: start.AddDays(r.IntN(3650)),
			Identity: email, Email: email, Name: fmt.Sprint("Person ", p), Contributions: 1 + r.IntN(3)}
	}
	return out
}

// byDomain resolves rows as a portfolio's rules would: the identity is
// the person, the e-mail domain the organisation or supplier.
func byDomain(d storage.ContributorDay) Who {
	w := Who{Person: d.Identity}
	_, domain, _ := strings.Cut(d.Email, "@")
	switch domain {
	case "aarhus.dk":
		w.Org = "751"
	case "sonderborg.dk":
		w.Org = "540"
	case "bellcom.dk":
		w.Supplier = "Bellcom"
	}
	return w
}

// monthEnds are the last days of the months from..to.
func monthEnds(from, to civil.Date) []civil.Date {
	var out []civil.Date
	for d := from; !d.After(to); d = d.AddDate(0, 1, 0) {
		out = append(out, d.AddDate(0, 1, 0).AddDays(-1))
	}
	return out
}

// BenchmarkIndexBuild is reading a rollup of 300,000 rows (a tenth of the
// 10× portfolio's size) into the index, storage left out.
func BenchmarkIndexBuild(b *testing.B) {
	rows := benchRows(300, 5000, 300_000)
	b.ReportAllocs()
	for b.Loop() {
		ix := newIndex(byDomain)
		touched := map[int32]bool{}
		for _, d := range rows {
			touched[ix.add(d)] = true
		}
		ix.finish(touched)
	}
}

// BenchmarkSeriesSweep is one monthly series of ten years with a 90-day
// window, of one product (six repositories) and of the whole portfolio,
// over the same index.
func BenchmarkSeriesSweep(b *testing.B) {
	ix := newIndex(byDomain)
	touched := map[int32]bool{}
	for _, d := range benchRows(300, 5000, 300_000) {
		touched[ix.add(d)] = true
	}
	ix.finish(touched)
	pts := monthEnds(civil.MustParse("2016-01-01"), civil.MustParse("2025-12-01"))
	since := civil.MustParse("2020-01-01")
	members := ix.Members(func(day civil.Date) map[string]bool { return map[string]bool{"751": !day.Before(since)} })
	all := make([]int32, len(ix.repos))
	for i := range all {
		all[i] = int32(i)
	}
	for _, bc := range []struct {
		name  string
		repos []int32
	}{{"product", all[:6]}, {"portfolio", all}} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				ix.sweep(bc.repos, pts, 90, members)
			}
		})
	}
}

// BenchmarkIndexUpdate is bringing the index up to date with one write of
// a hundred rows, some of them rows it holds with a new count.
func BenchmarkIndexUpdate(b *testing.B) {
	rows := benchRows(300, 5000, 300_000)
	ix := newIndex(byDomain)
	touched := map[int32]bool{}
	for _, d := range rows {
		touched[ix.add(d)] = true
	}
	ix.finish(touched)
	delta := benchRows(300, 5000, 100)
	copy(delta[50:], rows[:50])
	b.ReportAllocs()
	for b.Loop() {
		touched := map[int32]bool{}
		for _, d := range delta {
			touched[ix.add(d)] = true
		}
		ix.finish(touched)
	}
}

// BenchmarkSnapshot is writing and reading the snapshot of an index of
// 3,000,000 rows (the 10× portfolio's size), the file left out: what a
// start costs besides reading the file and the rows written since.
func BenchmarkSnapshot(b *testing.B) {
	ix := newIndex(byDomain)
	touched := map[int32]bool{}
	// Storage has one row per repository, day and identity.
	seen := map[string]bool{}
	for _, d := range benchRows(3000, 50_000, 3_000_000) {
		k := fmt.Sprint(d.RepositoryKey, d.Day, d.Identity)
		if !seen[k] {
			seen[k] = true
			touched[ix.add(d)] = true
		}
	}
	ix.finish(touched)
	head := snapshotHead{Identity: "sqlite:1/2:2024", Resolution: "rules", Activity: 9}
	file := encodeSnapshot(ix, head)
	b.Run("write", func(b *testing.B) {
		b.SetBytes(int64(len(file)))
		for b.Loop() {
			encodeSnapshot(ix, head)
		}
	})
	b.Run("read", func(b *testing.B) {
		b.SetBytes(int64(len(file)))
		for b.Loop() {
			if _, _, err := decodeSnapshot(file, byDomain); err != nil {
				b.Fatal(err)
			}
		}
	})
}
