package web

import (
	"encoding/binary"
	"errors"
	"net/http"
	"time"
	"unsafe"
)

// entry is one cached answer. Its encoding is a small binary layout, so a
// memory-tier hit decodes without reflection and with few allocations:
//
//	version(1) storedAt(8) maxAge(8) swr(8) status(2)
//	ndeps(2) { len(2) genKey gen(8) }  nheaders(2) { len(2) name len(4) value }  body
//
// Header names and values and dependency keys are read as strings that
// share the encoded bytes: cached values are never modified (cache.Cache's
// contract), so the strings stay valid and immutable.
type entry struct {
	storedAt time.Time
	maxAge   time.Duration
	swr      time.Duration
	status   int
	deps     []dep
	header   http.Header
	body     []byte
}

// dep is a generation an entry was stored under: genKey is its cache key.
type dep struct {
	genKey string
	gen    uint64
}

const entryVersion = 2

var errBadEntry = errors.New("web: cached entry does not decode")

func (e *entry) encode() []byte {
	n := 1 + 8*3 + 2 + 2 + 2 + len(e.body)
	for _, d := range e.deps {
		n += 2 + len(d.genKey) + 8
	}
	lines := 0
	for k, vs := range e.header {
		for _, v := range vs {
			n += 2 + len(k) + 4 + len(v)
			lines++
		}
	}
	b := make([]byte, 0, n)
	b = append(b, entryVersion)
	b = binary.BigEndian.AppendUint64(b, uint64(e.storedAt.UnixNano()))
	b = binary.BigEndian.AppendUint64(b, uint64(e.maxAge))
	b = binary.BigEndian.AppendUint64(b, uint64(e.swr))
	b = binary.BigEndian.AppendUint16(b, uint16(e.status))
	b = binary.BigEndian.AppendUint16(b, uint16(len(e.deps)))
	for _, d := range e.deps {
		b = binary.BigEndian.AppendUint16(b, uint16(len(d.genKey)))
		b = append(b, d.genKey...)
		b = binary.BigEndian.AppendUint64(b, d.gen)
	}
	b = binary.BigEndian.AppendUint16(b, uint16(lines))
	for k, vs := range e.header {
		for _, v := range vs {
			b = binary.BigEndian.AppendUint16(b, uint16(len(k)))
			b = append(b, k...)
			b = binary.BigEndian.AppendUint32(b, uint32(len(v)))
			b = append(b, v...)
		}
	}
	return append(b, e.body...)
}

// decoder reads an encoded entry; any short read marks it bad.
type decoder struct {
	b   []byte
	bad bool
}

func (d *decoder) take(n int) []byte {
	if d.bad || n > len(d.b) {
		d.bad = true
		return nil
	}
	v := d.b[:n:n]
	d.b = d.b[n:]
	return v
}

// str is take as a string sharing the entry's bytes.
func (d *decoder) str(n int) string {
	v := d.take(n)
	if len(v) == 0 {
		return ""
	}
	return unsafe.String(&v[0], len(v))
}

func (d *decoder) u16() int {
	if v := d.take(2); v != nil {
		return int(binary.BigEndian.Uint16(v))
	}
	return 0
}

func (d *decoder) u32() int {
	if v := d.take(4); v != nil {
		return int(binary.BigEndian.Uint32(v))
	}
	return 0
}

func (d *decoder) u64() uint64 {
	if v := d.take(8); v != nil {
		return binary.BigEndian.Uint64(v)
	}
	return 0
}

// decodeHead reads the fixed fields; the dependencies, headers and body
// stay in rest, read by eachDep and writeHeaders in that order.
func decodeHead(b []byte) (e entry, rest decoder, err error) {
	d := decoder{b: b}
	if v := d.take(1); v == nil || v[0] != entryVersion {
		return e, d, errBadEntry
	}
	e.storedAt = time.Unix(0, int64(d.u64()))
	e.maxAge = time.Duration(d.u64())
	e.swr = time.Duration(d.u64())
	e.status = d.u16()
	if d.bad {
		return e, d, errBadEntry
	}
	return e, d, nil
}

// eachDep calls fn for every dependency until it returns false; it reports
// whether all were read and accepted.
func (d *decoder) eachDep(fn func(genKey string, gen uint64) bool) bool {
	n := d.u16()
	for range n {
		k := d.str(d.u16())
		g := d.u64()
		if d.bad || !fn(k, g) {
			return false
		}
	}
	return !d.bad
}

// writeHeaders adds the entry's headers, and extra name/value pairs, to h
// and returns the body; a truncated entry adds nothing.
func (d *decoder) writeHeaders(h http.Header, extra ...string) ([]byte, error) {
	check := *d
	n := check.u16()
	for i := 0; i < n && !check.bad; i++ {
		check.take(check.u16())
		check.take(check.u32())
	}
	if check.bad {
		return nil, errBadEntry
	}
	d.u16()
	vals := make([]string, n+len(extra)/2) // one allocation for every value
	for i := range n {
		k := d.str(d.u16())
		vals[i] = d.str(d.u32())
		if prev, ok := h[k]; ok {
			h[k] = append(prev, vals[i])
		} else {
			h[k] = vals[i : i+1 : i+1]
		}
	}
	for i := 0; i+1 < len(extra); i += 2 {
		vals[n+i/2] = extra[i+1]
		h[extra[i]] = vals[n+i/2 : n+i/2+1 : n+i/2+1]
	}
	return d.b, nil
}
