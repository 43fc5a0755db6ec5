package lift

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestParseControlFixtures classifies every payload in testdata/control; the
// file name prefix says what it is (warmup_, health_, business_, invalid_).
func TestParseControlFixtures(t *testing.T) {
	want := map[string]controlEvent{
		"warmup":               {kind: controlWarmup},
		"warmup_hold_round":    {kind: controlWarmup, holdMs: 250, round: "r-2026-11-26T12:00"},
		"warmup_whitespace":    {kind: controlWarmup, holdMs: 10, round: "r1"},
		"warmup_extra_fields":  {kind: controlWarmup, holdMs: 5},
		"warmup_negative_hold": {kind: controlWarmup, holdMs: -5},
		"warmup_null_fields":   {kind: controlWarmup},
		"warmup_escaped_round": {kind: controlWarmup, round: `café "r"`},
		"health":               {kind: controlHealth},
		"health_ignores_hold":  {kind: controlHealth},
		"warmup_token":         {kind: controlWarmup, holdMs: 100, round: "r1", token: "t0kén"},
		"health_token":         {kind: controlHealth, token: "abc"},
	}
	files, err := filepath.Glob("testdata/control/*.json")
	if err != nil || len(files) < 30 {
		t.Fatalf("fixtures missing: %v %d", err, len(files))
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".json")
		t.Run(name, func(t *testing.T) {
			payload, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			got, err := parseControl(payload)
			switch {
			case strings.HasPrefix(name, "invalid_"):
				if !errors.Is(err, ErrInvalidControlEvent) {
					t.Fatalf("want ErrInvalidControlEvent, got %v (%+v)", err, got)
				}
			case strings.HasPrefix(name, "business_"):
				if err != nil || got.kind != notControl {
					t.Fatalf("business payload must reach the handler, got %+v, %v", got, err)
				}
			default:
				w, ok := want[name]
				if !ok {
					t.Fatalf("no expectation for fixture %s", name)
				}
				if err != nil || got != w {
					t.Fatalf("got %+v, %v; want %+v", got, err, w)
				}
			}
		})
	}
}

func TestInvalidControlEventMessages(t *testing.T) {
	_, err := parseControl([]byte(`{"lift":"warmup","holdMs":"soon"}`))
	if err == nil || !strings.Contains(err.Error(), `"holdMs" must be an integer number of milliseconds`) || !strings.Contains(err.Error(), `"soon"`) {
		t.Fatalf("message must name the field, the value and the expectation: %v", err)
	}
	_, err = parseControl([]byte(`{"lift":"warmup","token":["s3cret"]}`))
	if err == nil || !strings.Contains(err.Error(), `"token" must be a string`) || strings.Contains(err.Error(), "s3cret") {
		t.Fatalf("a bad token must be named, never echoed: %v", err)
	}
}

// FuzzParseControl checks the byte-level detector against encoding/json:
// whatever it calls a control event must be a valid JSON object whose
// top-level "lift" is that event; a plain object with exactly one literal
// top-level "lift":"warmup"|"health" must be recognised.
func FuzzParseControl(f *testing.F) {
	files, _ := filepath.Glob("testdata/control/*.json")
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"lift":"warmup","token":"a\"b","token":"c"}`))
	f.Add([]byte(`{"lift":"health","token":null}`))
	f.Fuzz(func(t *testing.T, payload []byte) {
		ev, err := parseControl(payload) // must not panic or hang
		var m map[string]json.RawMessage
		jsonErr := json.Unmarshal(payload, &m)
		var lift string
		if jsonErr == nil {
			_ = json.Unmarshal(m["lift"], &lift)
		}
		if ev.kind != notControl || err != nil {
			if jsonErr != nil {
				t.Fatalf("classified invalid JSON as control (%+v, %v): %q", ev, err, payload)
			}
			if lift != "warmup" && lift != "health" {
				t.Fatalf("classified as control but top-level lift is %q: %q", lift, payload)
			}
		}
		if err == nil && ev.kind != notControl {
			want := map[controlKind]string{controlWarmup: "warmup", controlHealth: "health"}[ev.kind]
			if lift != want {
				t.Fatalf("kind %v but lift is %q: %q", ev.kind, lift, payload)
			}
			// Members are read by their exact key, as the parser does
			// (encoding/json's struct fields would match "holDMs" too).
			member := func(key string, v any) {
				if raw, ok := m[key]; ok {
					if e := json.Unmarshal(raw, v); e != nil {
						t.Fatalf("accepted a %s encoding/json rejects: %v: %q", key, e, payload)
					}
				}
			}
			var token string
			member("token", &token)
			if token != ev.token {
				t.Fatalf("token %q, encoding/json reads %q: %q", ev.token, token, payload)
			}
			if ev.kind == controlWarmup {
				var holdMs int
				var round string
				member("holdMs", &holdMs)
				member("round", &round)
				if holdMs != ev.holdMs || round != ev.round {
					t.Fatalf("fields differ from encoding/json: %+v vs holdMs %d round %q: %q", ev, holdMs, round, payload)
				}
			}
		}
		// Converse: an unambiguous control event must not be missed.
		if jsonErr == nil && (lift == "warmup" || lift == "health") &&
			bytes.Count(payload, liftKey) == 1 && !bytes.Contains(payload, []byte(`\`)) &&
			(bytes.Contains(payload, []byte(`"lift":"warmup"`)) || bytes.Contains(payload, []byte(`"lift":"health"`))) &&
			err == nil && ev.kind == notControl {
			t.Fatalf("missed control event %q", payload)
		}
	})
}
