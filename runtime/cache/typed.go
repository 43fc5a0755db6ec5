package cache

import (
	"context"
	"fmt"
	"reflect"
	"sync/atomic"
	"time"
)

// The memory tier keeps, beside the bytes GetOrLoad stored, the value they
// decode to, so a memory hit returns it without decoding (issue: a JSON decode
// per hit cost 30x the lookup). The bytes stay the source of truth: they are
// what L2 stores and what a reader of another type or codec decodes.
//
// A decoded value is shared by every caller that reads the key from memory:
// GetOrLoad returns a copy of the T value, but maps, slices and pointers in it
// point to the same data for all of them. Callers must treat values as
// read-only (copy before modifying). Decoded values are not counted in the
// memory tier's byte budget; the budget bounds the stored bytes.

// decoded is the decoded form of one memory entry's envelope.
type decoded struct {
	ptr        any   // *T: asserting the pointer type matches T exactly
	codec      Codec // comparable: the codec that decoded ptr
	freshUntil int64 // unix nanos
	negative   bool
	// freshForLife: the memory entry expires (within the envelope's
	// millisecond precision) no later than freshUntil, so finding it proves it
	// fresh and a hit needs no clock read. False with stale-while-revalidate.
	freshForLife bool
}

// freshSlack absorbs the envelope's millisecond truncation and the time
// between encoding the envelope and writing the memory entry.
const freshSlack = 2 * time.Millisecond

// decodedSlot is per memory entry, set at most once per stored value.
type decodedSlot = atomic.Pointer[decoded]

// memoryKey returns the memory tier in front of c and the key it stores key
// under, or nil when c has none. Concrete types, not an interface: this runs
// on every GetOrLoad hit.
func memoryKey(c Cache, key string) (*Memory, string) {
	switch c := c.(type) {
	case *Memory:
		return c, key
	case *Tiered:
		return c.mem, key
	case *Scope:
		if m, _ := memoryKey(c.inner, ""); m != nil {
			return m, c.prefix + key
		}
	}
	return nil, ""
}

func memoryOf(c Cache) *Memory {
	m, _ := memoryKey(c, "")
	return m
}

// decodedHit returns the decoded value stored under key for T and codec, if
// the memory tier holds one, and whether it holds the key at all. It counts
// a hit when it returns a value.
func decodedHit[T any](m *Memory, key string, codec Codec) (*T, *decoded, bool) {
	e, ok := m.c.GetIfPresent(key)
	if !ok {
		return nil, nil, false
	}
	d := e.meta.decoded.Load()
	if d == nil || d.codec != codec { // codec is comparable (see remember)
		return nil, nil, true
	}
	p, ok := d.ptr.(*T)
	if !ok {
		return nil, nil, true
	}
	m.m.hits.Add(1)
	return p, d, true
}

// getAfterMiss reads key from c when the memory tier in front of it had no
// entry: a tiered cache goes straight to L2 instead of asking memory again.
// fromL2 reports that it did (the memory fill then runs beside the caller).
func getAfterMiss(ctx context.Context, c Cache, mem *Memory, key string) (b []byte, fromL2 bool, err error) {
	t, ok := c.(*Tiered)
	if !ok {
		b, err = c.Get(ctx, key)
		return b, false, err
	}
	if err := CheckKey(key); err != nil {
		return nil, false, err
	}
	mem.m.misses.Add(1)
	b, err = t.getL2(ctx, key)
	return b, true, err
}

// remember attaches v, decoded from stored, to the memory entry under key if
// that entry still holds stored (same bytes: a later Set replaced nothing).
// sameSlice says whether stored is the entry's own slice (a Get returned it)
// rather than a copy of its contents (a Set was given it).
func remember[T any](m *Memory, key string, stored []byte, v T, env envelope, codec Codec) {
	if !reflect.TypeOf(codec).Comparable() {
		return // it could not be compared on a hit: keep decoding
	}
	ent, ok := m.c.GetEntry(key)
	if !ok || !sameBytes(ent.Value.value, stored) {
		return
	}
	p := new(T)
	*p = v
	ent.Value.meta.decoded.Store(&decoded{ptr: p, codec: codec, freshUntil: env.freshUntil.UnixNano(), negative: env.negative,
		freshForLife: !ent.ExpiresAt().After(env.freshUntil.Add(freshSlack))})
}

// sameBytes: the memory entry holds the stored envelope, either the very
// slice (filled from L2 or read back) or a copy of it (Set copies).
func sameBytes(a, b []byte) bool {
	if len(a) != len(b) {
		return false
	}
	if len(a) > 0 && &a[0] == &b[0] {
		return true
	}
	return string(a) == string(b)
}

// fresh reports whether the value is still fresh at now.
func (d *decoded) fresh() bool { return d.freshForLife || time.Now().UnixNano() < d.freshUntil }

func negativeErr(key string) error {
	return fmt.Errorf("cache: %q is cached as absent: %w", key, ErrNotFound)
}
