package web

import (
	"encoding/binary"
	"errors"
	"net/http"
	"time"
)

// entry is one cached answer. Its encoding is a small binary layout, so a
// memory-tier hit decodes without reflection:
//
//	version(1) storedAt(8) maxAge(8) swr(8) status(2)
//	ndeps(2) { len(2) dep gen(8) }  nheaders(2) { len(2) name len(4) value }  body
type entry struct {
	storedAt time.Time
	maxAge   time.Duration
	swr      time.Duration
	status   int
	deps     []dep
	header   http.Header
	body     []byte
}

type dep struct {
	name string
	gen  uint64
}

const entryVersion = 1

var errBadEntry = errors.New("web: cached entry does not decode")

func (e *entry) encode() []byte {
	n := 1 + 8*3 + 2 + 2 + 2 + len(e.body)
	for _, d := range e.deps {
		n += 2 + len(d.name) + 8
	}
	for k, vs := range e.header {
		for _, v := range vs {
			n += 2 + len(k) + 4 + len(v)
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
		b = binary.BigEndian.AppendUint16(b, uint16(len(d.name)))
		b = append(b, d.name...)
		b = binary.BigEndian.AppendUint64(b, d.gen)
	}
	lines := 0
	for _, vs := range e.header {
		lines += len(vs)
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
	v := d.b[:n]
	d.b = d.b[n:]
	return v
}

func (d *decoder) u16() int {
	v := d.take(2)
	if v == nil {
		return 0
	}
	return int(binary.BigEndian.Uint16(v))
}

func (d *decoder) u32() int {
	v := d.take(4)
	if v == nil {
		return 0
	}
	return int(binary.BigEndian.Uint32(v))
}

func (d *decoder) u64() uint64 {
	v := d.take(8)
	if v == nil {
		return 0
	}
	return binary.BigEndian.Uint64(v)
}

// decodeHead reads everything but the headers and body, which stay in rest
// for writeHeaders: a stale or invalidated entry costs no header map.
func decodeHead(b []byte) (e entry, rest decoder, err error) {
	d := decoder{b: b}
	if v := d.take(1); v == nil || v[0] != entryVersion {
		return e, d, errBadEntry
	}
	e.storedAt = time.Unix(0, int64(d.u64()))
	e.maxAge = time.Duration(d.u64())
	e.swr = time.Duration(d.u64())
	e.status = d.u16()
	n := d.u16()
	if !d.bad && n > 0 {
		e.deps = make([]dep, n)
		for i := range e.deps {
			e.deps[i].name = string(d.take(d.u16()))
			e.deps[i].gen = d.u64()
		}
	}
	if d.bad {
		return e, d, errBadEntry
	}
	return e, d, nil
}

// writeHeaders adds the entry's headers to h and returns the body; a
// truncated entry adds nothing.
func (d *decoder) writeHeaders(h http.Header) ([]byte, error) {
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
	for range n {
		k := string(d.take(d.u16()))
		h[k] = append(h[k], string(d.take(d.u32())))
	}
	return d.b, nil
}
