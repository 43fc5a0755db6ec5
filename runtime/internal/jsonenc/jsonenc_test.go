package jsonenc

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
)

// perByteValid replaces each invalid byte with U+FFFD, as AppendString does.
func perByteValid(s string) string {
	var sb strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		sb.WriteRune(r)
		i += n
	}
	return sb.String()
}

func FuzzAppendString(f *testing.F) {
	for _, s := range []string{"", "plain", "quote\"back\\slash", "ctl\x00\x1f\n\r\t", "bad\xffutf8", "héllo ☃"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b := AppendString([]byte("x"), s)
		var got string
		if err := json.Unmarshal(b[1:], &got); err != nil {
			t.Fatalf("invalid JSON %q for %q: %v", b[1:], s, err)
		}
		if want := perByteValid(s); got != want {
			t.Fatalf("round trip: got %q want %q", got, want)
		}
	})
}
