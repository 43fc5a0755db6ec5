package localsvc

import (
	"bufio"
	"reflect"
	"strings"
	"testing"
)

func TestReadReply(t *testing.T) {
	tests := []struct {
		in      string
		want    any
		wantErr bool
	}{
		{in: "+OK\r\n", want: "OK"},
		{in: "-ERR no\r\n", want: RESPError("ERR no")},
		{in: ":42\r\n", want: int64(42)},
		{in: "$3\r\nabc\r\n", want: "abc"},
		{in: "$-1\r\n", want: nil},
		{in: "*2\r\n:1\r\n$1\r\nx\r\n", want: []any{int64(1), "x"}},
		{in: "*1\r\n*1\r\n+a\r\n", want: []any{[]any{"a"}}},
		{in: "$3\r\nabcd\r\n", wantErr: true},
		{in: "$99999999999\r\n", wantErr: true},
		{in: "*-2\r\n", wantErr: true},
		{in: "?\r\n", wantErr: true},
		{in: "+OK\n", wantErr: true},
		{in: strings.Repeat("*1\r\n", maxDepth+2) + "+a\r\n", wantErr: true},
	}
	for _, tt := range tests {
		got, err := readReply(bufio.NewReader(strings.NewReader(tt.in)), 0)
		if (err != nil) != tt.wantErr {
			t.Errorf("readReply(%q) error = %v, wantErr %v", tt.in, err, tt.wantErr)
			continue
		}
		if !tt.wantErr && !reflect.DeepEqual(got, tt.want) {
			t.Errorf("readReply(%q) = %#v, want %#v", tt.in, got, tt.want)
		}
	}
}

func FuzzReadReply(f *testing.F) {
	for _, seed := range []string{"+OK\r\n", "-ERR x\r\n", ":1\r\n", "$1\r\na\r\n", "*2\r\n$-1\r\n:2\r\n", "*1000000\r\n"} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		// Must return (never panic or hang) on any input.
		_, _ = readReply(bufio.NewReader(strings.NewReader(string(in))), 0)
	})
}
