package valkeystore

import (
	"testing"
	"time"

	"github.com/liftcdk/lift/runtime/idempotency"
)

// FuzzDecode: any stored bytes decode to a record that encodes back to them,
// or to an error; never a panic.
func FuzzDecode(f *testing.F) {
	good, err := encode(idempotency.Record{Status: idempotency.StatusCompleted, Token: "T0K", Expires: time.UnixMilli(1e12), Value: []byte(`{"a":1}`)})
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{good, "", "T0K", "T0K {}", `X {"token":"Y"}`, "T0K not json", ` {"token":""}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		rec, err := decode(v)
		if err != nil {
			return
		}
		if _, err := encode(rec); err != nil {
			t.Fatalf("decoded %q into %+v, which does not encode: %v", v, rec, err)
		}
	})
}
