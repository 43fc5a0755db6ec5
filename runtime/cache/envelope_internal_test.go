package cache

import (
	"bytes"
	"errors"
	"testing"
	"time"
)

func TestEnvelopeRoundTrip(t *testing.T) {
	fresh := time.UnixMilli(1_800_000_000_123)
	for _, e := range []envelope{
		{freshUntil: fresh, payload: []byte(`{"a":1}`)},
		{freshUntil: fresh, payload: []byte{}},
		{negative: true, freshUntil: fresh},
	} {
		got, err := decodeEnvelope(encodeEnvelope(e))
		if err != nil || got.negative != e.negative || !got.freshUntil.Equal(e.freshUntil) || !bytes.Equal(got.payload, e.payload) {
			t.Fatalf("round trip of %+v = %+v, %v", e, got, err)
		}
	}
}

func TestEnvelopeRejects(t *testing.T) {
	valid := encodeEnvelope(envelope{freshUntil: time.Now(), payload: []byte("x")})
	bad := map[string][]byte{
		"empty":         nil,
		"short":         valid[:5],
		"magic":         append([]byte{'X'}, valid[1:]...),
		"version":       append([]byte{'L', 9}, valid[2:]...),
		"flags":         append([]byte{'L', 1, 0x80}, valid[3:]...),
		"negative+data": append([]byte{'L', 1, 1}, valid[3:]...),
	}
	for name, b := range bad {
		if _, err := decodeEnvelope(b); !errors.Is(err, ErrCorruptEntry) {
			t.Errorf("%s: %v, want ErrCorruptEntry", name, err)
		}
	}
}

func FuzzDecodeEnvelope(f *testing.F) {
	f.Add(encodeEnvelope(envelope{freshUntil: time.Now(), payload: []byte(`"v"`)}))
	f.Add(encodeEnvelope(envelope{negative: true, freshUntil: time.Now()}))
	f.Add([]byte("L\x01"))
	f.Fuzz(func(t *testing.T, b []byte) {
		e, err := decodeEnvelope(b)
		if err != nil {
			if !errors.Is(err, ErrCorruptEntry) {
				t.Fatalf("error %v does not wrap ErrCorruptEntry", err)
			}
			return
		}
		if again := encodeEnvelope(e); !bytes.Equal(again, b) {
			t.Fatalf("decode/encode not stable: %x -> %x", b, again)
		}
	})
}
