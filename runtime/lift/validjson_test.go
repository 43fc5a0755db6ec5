package lift

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestValidJSONAgreesWithEncodingJSON(t *testing.T) {
	cases := []string{
		``, ` `, `{}`, `[]`, `{"a":1}`, `{"a":[1,2,{"b":null}]}`, `"x"`, `0`, `-0`, `01`, `1.`, `1.5e+3`, `1e`, `-`,
		`tru`, `true`, `nul`, `[1,]`, `{"a":1,}`, `{"a" 1}`, `{,}`, `[1 2]`, `"\u12"`, `"\u12ab"`, `"\x"`, "\"\x01\"",
		`{"a":1}}`, `[[[]]]`, `[[[]]`, `{"a":{"b":{"c":[]}}}`, `  {"lift" : "warmup"}  `, `{"a":1}{"b":2}`,
		strings.Repeat("[", 10001) + strings.Repeat("]", 10001), strings.Repeat("[", 10000) + strings.Repeat("]", 10000),
	}
	for _, c := range cases {
		if got, want := validJSON([]byte(c)), json.Valid([]byte(c)); got != want {
			t.Errorf("validJSON(%.40q) = %v, json.Valid = %v", c, got, want)
		}
	}
}

func FuzzValidJSON(f *testing.F) {
	files, _ := filepath.Glob("testdata/control/*.json")
	for _, file := range files {
		b, _ := os.ReadFile(file)
		f.Add(b)
	}
	f.Add([]byte(`[1,-2.5e-3,true,false,null,"\u00e9\n",{"k":[{}]}]`))
	f.Fuzz(func(t *testing.T, b []byte) {
		if got, want := validJSON(b), json.Valid(b); got != want {
			t.Fatalf("validJSON = %v, json.Valid = %v for %q", got, want, b)
		}
	})
}
