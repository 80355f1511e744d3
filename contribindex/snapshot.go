package contribindex

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"

	"os2pulse/civil"
	"os2pulse/storage"
)

// A snapshot is the index on disk, so that a start reads it and the rows
// written since instead of the whole rollup. The file is
//
//	magic (snapshotMagic) | format (uint32) | length of the body (uint64) | body | CRC-32C of all before (uint32)
//
// all little-endian; the body is varints: the header (snapshotHead), the
// interned identities, persons, organisations and suppliers, then each
// repository's key and entries (day as the difference from the previous
// entry's). What makes a snapshot unusable, besides damage: another
// database (its identity), other rules of resolution, a data version the
// database has not reached (see Keeper.restore).

const snapshotMagic = "os2pulse contribution index\n"

// snapshotFormat is the layout's version: a file of another is refused.
const snapshotFormat = 1

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// snapshotHead is what a snapshot says it covers.
type snapshotHead struct {
	Identity   string // the database's (storage.Reader.Identity)
	Resolution string // the rules rows were resolved by (Snapshot.Resolution)
	Activity   int64  // the activity domain's version the index was read at
	Mark       storage.RollupMark
}

// encodeSnapshot writes ix as a snapshot. Call with ix's read lock held.
func encodeSnapshot(ix *Index, head snapshotHead) []byte {
	entries := 0
	for _, rp := range ix.repos {
		entries += len(rp.entries)
	}
	b := make([]byte, 0, len(snapshotMagic)+12+entries*8+64*len(ix.idents))
	b = append(b, snapshotMagic...)
	b = binary.LittleEndian.AppendUint32(b, snapshotFormat)
	lenAt := len(b)
	b = binary.LittleEndian.AppendUint64(b, 0)
	str := func(s string) {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	strs := func(ss []string) {
		b = binary.AppendUvarint(b, uint64(len(ss)))
		for _, s := range ss {
			str(s)
		}
	}
	str(head.Identity)
	str(head.Resolution)
	b = binary.AppendVarint(b, head.Activity)
	b = binary.AppendVarint(b, head.Mark.Row)
	b = binary.AppendVarint(b, head.Mark.Seq)
	strs(byID(ix.idents))
	strs(byID(ix.persons))
	strs(ix.orgs)
	strs(ix.suppliers)
	b = binary.AppendUvarint(b, uint64(len(ix.repos)))
	for _, rp := range ix.repos {
		str(rp.key)
		b = binary.AppendUvarint(b, uint64(len(rp.entries)))
		prev := civil.Date(0)
		for i, e := range rp.entries {
			if i == 0 {
				b = binary.AppendVarint(b, int64(e.day))
			} else {
				b = binary.AppendUvarint(b, uint64(e.day-prev))
			}
			prev = e.day
			b = binary.AppendUvarint(b, uint64(e.ident))
			b = binary.AppendUvarint(b, uint64(e.person+1))
			b = binary.AppendVarint(b, int64(e.aff))
			b = binary.AppendUvarint(b, uint64(e.n))
		}
	}
	binary.LittleEndian.PutUint64(b[lenAt:], uint64(len(b)-lenAt-8))
	return binary.LittleEndian.AppendUint32(b, crc32.Checksum(b, castagnoli))
}

// byID lists the strings of an intern map by their numbers.
func byID(m map[string]int32) []string {
	out := make([]string, len(m))
	for s, id := range m {
		out[id] = s
	}
	return out
}

// errSnapshot is what every refusal of a snapshot's content wraps.
var errSnapshot = errors.New("not a usable contribution index snapshot")

// decodeSnapshot reads a snapshot written by encodeSnapshot into a new
// index resolving further rows by resolve. Anything but a whole, unharmed
// file of this format is refused: every number is checked against what it
// numbers, and the entries must be in the index's order.
func decodeSnapshot(b []byte, resolve Resolver) (*Index, snapshotHead, error) {
	var head snapshotHead
	fixed := len(snapshotMagic) + 4 + 8
	if len(b) < fixed+4 || string(b[:len(snapshotMagic)]) != snapshotMagic {
		return nil, head, fmt.Errorf("%w: no snapshot header", errSnapshot)
	}
	if f := binary.LittleEndian.Uint32(b[len(snapshotMagic):]); f != snapshotFormat {
		return nil, head, fmt.Errorf("%w: format %d, this release reads %d", errSnapshot, f, snapshotFormat)
	}
	n := binary.LittleEndian.Uint64(b[len(snapshotMagic)+4:])
	if n != uint64(len(b)-fixed-4) {
		return nil, head, fmt.Errorf("%w: %d bytes, the header says %d (truncated?)", errSnapshot, len(b), uint64(fixed)+n+4)
	}
	if sum := binary.LittleEndian.Uint32(b[len(b)-4:]); sum != crc32.Checksum(b[:len(b)-4], castagnoli) {
		return nil, head, fmt.Errorf("%w: checksum mismatch (damaged)", errSnapshot)
	}
	r := &snapReader{b: b[fixed : len(b)-4]}
	head.Identity, head.Resolution = r.str(), r.str()
	head.Activity, head.Mark.Row, head.Mark.Seq = r.varint(), r.varint(), r.varint()
	ix := newIndex(resolve)
	r.intern(ix.idents)
	r.intern(ix.persons)
	ix.orgs = r.intern(ix.orgIDs)
	ix.suppliers = r.intern(ix.supplierIDs)
	nrepos := r.count(2)
	if r.err != nil {
		return nil, head, r.err
	}
	ix.repos = make([]ixRepo, 0, nrepos)
	for range nrepos {
		rp := ixRepo{key: r.str()}
		if _, dup := ix.repoIDs[rp.key]; dup {
			r.fail("repository %q twice", rp.key)
		}
		ix.repoIDs[rp.key] = int32(len(ix.repos))
		ne := r.count(5)
		if r.err != nil {
			return nil, head, r.err
		}
		rp.entries = make([]ixEntry, ne)
		for i := range rp.entries {
			e := &rp.entries[i]
			if i == 0 {
				e.day = civil.Date(r.varint())
			} else {
				e.day = rp.entries[i-1].day + civil.Date(r.uvarint(1<<24))
			}
			e.ident = r.below(len(ix.idents))
			e.person = r.below(len(ix.persons)+1) - 1
			aff := r.varint()
			e.aff = int32(aff)
			e.n = int32(r.uvarint(1<<31 - 1))
			switch {
			case aff < -int64(len(ix.suppliers)), aff >= affOrg+int64(len(ix.orgs)), aff == 1:
				r.fail("affiliation %d out of range", e.aff)
			case i > 0 && compareEntries(rp.entries[i-1], *e) >= 0:
				r.fail("entries of %q out of order", rp.key)
			}
			if r.err != nil {
				return nil, head, r.err
			}
		}
		rp.sorted = len(rp.entries)
		ix.repos = append(ix.repos, rp)
	}
	if r.err == nil && len(r.b) > 0 {
		r.fail("%d bytes after the last repository", len(r.b))
	}
	if r.err != nil {
		return nil, head, r.err
	}
	ix.gen = 1
	for i := range ix.repos {
		ix.repos[i].changed = ix.gen
	}
	ix.mark, ix.activity = head.Mark, head.Activity
	return ix, head, nil
}

// snapReader reads a snapshot's body; the first error sticks and every
// read after it returns zero.
type snapReader struct {
	b   []byte
	err error
}

func (r *snapReader) fail(format string, args ...any) {
	if r.err == nil {
		r.err = fmt.Errorf("%w: %s", errSnapshot, fmt.Sprintf(format, args...))
	}
	r.b = nil
}

// uvarint reads an unsigned varint no larger than limit.
func (r *snapReader) uvarint(limit uint64) uint64 {
	v, n := binary.Uvarint(r.b)
	if n <= 0 || v > limit {
		r.fail("a number out of range")
		return 0
	}
	r.b = r.b[n:]
	return v
}

// below reads a number less than n: an interned string's.
func (r *snapReader) below(n int) int32 {
	if n == 0 {
		r.fail("a number of nothing")
		return 0
	}
	return int32(r.uvarint(uint64(n - 1)))
}

func (r *snapReader) varint() int64 {
	v, n := binary.Varint(r.b)
	if n <= 0 {
		r.fail("a number out of range")
		return 0
	}
	r.b = r.b[n:]
	return v
}

// count reads a number of items each at least size bytes long: never more
// than the bytes left could hold, so a damaged count allocates nothing.
func (r *snapReader) count(size int) int {
	return int(r.uvarint(uint64(len(r.b) / size)))
}

func (r *snapReader) str() string {
	n := r.uvarint(uint64(len(r.b)))
	if r.err != nil {
		return ""
	}
	s := string(r.b[:n])
	r.b = r.b[n:]
	return s
}

// intern reads a list of distinct strings into m by their numbers and
// returns them in order.
func (r *snapReader) intern(m map[string]int32) []string {
	n := r.count(1)
	out := make([]string, 0, n)
	for range n {
		s := r.str()
		if r.err != nil {
			return nil
		}
		if _, dup := m[s]; dup {
			r.fail("%q twice", s)
			return nil
		}
		m[s] = int32(len(out))
		out = append(out, s)
	}
	return out
}

// writeFileAtomic writes b to path through a file beside it renamed into
// place once it is whole and on disk: a crash or a kill mid-write leaves
// the previous file.
func writeFileAtomic(path string, b []byte) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(b); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return err
	}
	// The rename itself reaches the disk with the directory.
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}
