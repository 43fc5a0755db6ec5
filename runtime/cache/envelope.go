package cache

import (
	"encoding/binary"
	"fmt"
	"time"
)

// An envelope is what GetOrLoad stores: a small header, then the encoded value.
//
//	byte 0     magic 'L'
//	byte 1     version (1)
//	byte 2     flags: bit 0 = negative entry (the loader reported ErrNotFound)
//	bytes 3-10 fresh-until, unix milliseconds, big endian
//	bytes 11-  payload (codec output; empty for negative entries)
//
// The stored TTL may exceed fresh-until by the stale-while-revalidate window.
const (
	envelopeMagic   = 'L'
	envelopeVersion = 1
	envelopeHeader  = 11
	flagNegative    = 1
)

type envelope struct {
	negative   bool
	freshUntil time.Time
	payload    []byte
}

func encodeEnvelope(e envelope) []byte {
	b := make([]byte, envelopeHeader, envelopeHeader+len(e.payload))
	b[0], b[1] = envelopeMagic, envelopeVersion
	if e.negative {
		b[2] = flagNegative
	}
	binary.BigEndian.PutUint64(b[3:], uint64(e.freshUntil.UnixMilli()))
	return append(b, e.payload...)
}

// decodeEnvelope parses stored bytes. The payload aliases b.
func decodeEnvelope(b []byte) (envelope, error) {
	if len(b) < envelopeHeader {
		return envelope{}, fmt.Errorf("%w: %d bytes, shorter than the %d-byte header", ErrCorruptEntry, len(b), envelopeHeader)
	}
	if b[0] != envelopeMagic || b[1] != envelopeVersion {
		return envelope{}, fmt.Errorf("%w: unknown magic/version %#x %#x", ErrCorruptEntry, b[0], b[1])
	}
	if b[2]&^flagNegative != 0 {
		return envelope{}, fmt.Errorf("%w: unknown flags %#x", ErrCorruptEntry, b[2])
	}
	e := envelope{
		negative:   b[2]&flagNegative != 0,
		freshUntil: time.UnixMilli(int64(binary.BigEndian.Uint64(b[3:11]))),
		payload:    b[envelopeHeader:],
	}
	if e.negative && len(e.payload) != 0 {
		return envelope{}, fmt.Errorf("%w: negative entry with a %d-byte payload", ErrCorruptEntry, len(e.payload))
	}
	return e, nil
}
