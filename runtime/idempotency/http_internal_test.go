package idempotency

import (
	"testing"
	"unicode/utf8"
)

// FuzzParseKey: any header value is refused or gives a key Do accepts.
func FuzzParseKey(f *testing.F) {
	for _, s := range []string{"abc", `"abc"`, `"a\"b"`, `"unterminated`, "", " ", `""`, "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		key, ok := parseKey([]string{v})
		if !ok {
			return
		}
		if key == "" || len(key) > MaxHeaderKeyBytes || !utf8.ValidString(key) || checkKey(key) != nil {
			t.Fatalf("parseKey(%q) accepted %q", v, key)
		}
	})
}
