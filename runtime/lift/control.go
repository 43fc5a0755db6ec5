package lift

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"unicode/utf8"

	"github.com/liftcdk/lift/internal/contract"
)

// ErrInvalidControlEvent is returned (wrapped) for a payload whose top-level
// "lift" member names a control event but whose other members are malformed,
// for example {"lift":"warmup","holdMs":"soon"}.
var ErrInvalidControlEvent = errors.New("lift: invalid control event")

type controlKind uint8

const (
	notControl controlKind = iota
	controlWarmup
	controlHealth
)

func (k controlKind) String() string {
	switch k {
	case controlWarmup:
		return contract.ControlWarmup
	case controlHealth:
		return contract.ControlHealth
	}
	return "none"
}

// controlEvent is a recognised control event with its fields parsed.
type controlEvent struct {
	kind   controlKind
	holdMs int
	round  string
	token  string // ControlTokenField; checked by controlAuth
}

func (e controlEvent) warmupEvent() contract.WarmupEvent {
	return contract.WarmupEvent{Lift: contract.ControlWarmup, HoldMs: e.holdMs, Round: e.round}
}

var liftKey = []byte(`"` + contract.ControlField + `"`)

// parseControl recognises a control event from the raw payload, before (and
// instead of) decoding the user's event type.
//
// A payload is a control event when it is valid JSON, an object, and its
// top-level member "lift" (spelled literally, without escapes) is the string
// "warmup" or "health" (again literal). A "lift" key nested deeper, a "lift"
// inside a string, or any other value leaves the payload to the user's
// handler. Other top-level members are ignored, so newer warmers may add
// fields; the known ones (holdMs, round, token) must have the right type.
//
// It returns notControl with a nil error for ordinary events, and an error
// wrapping ErrInvalidControlEvent when the payload is a control event that
// cannot be answered.
func parseControl(p []byte) (controlEvent, error) {
	if !bytes.Contains(p, liftKey) { // the common case: one vectorised scan
		return controlEvent{}, nil
	}
	s := scanner{b: p}
	s.ws()
	if !s.eat('{') {
		return controlEvent{}, nil
	}
	var (
		lift, hold, round, token []byte
		liftCount                int
		liftIsString             bool
	)
	s.ws()
	if !s.eat('}') {
		for {
			s.ws()
			key, ok := s.str()
			if !ok {
				return controlEvent{}, nil
			}
			s.ws()
			if !s.eat(':') {
				return controlEvent{}, nil
			}
			s.ws()
			start := s.i
			if !s.skipValue() {
				return controlEvent{}, nil
			}
			val := p[start:s.i]
			switch string(key) {
			case `"lift"`:
				liftCount++
				lift = val
				liftIsString = val[0] == '"'
			case `"holdMs"`:
				hold = val
			case `"round"`:
				round = val
			case `"` + contract.ControlTokenField + `"`:
				token = val
			}
			s.ws()
			if s.eat(',') {
				continue
			}
			if s.eat('}') {
				break
			}
			return controlEvent{}, nil
		}
	}
	s.ws()
	if s.i != len(p) || liftCount == 0 || !liftIsString {
		return controlEvent{}, nil
	}
	var kind controlKind
	switch string(lift) {
	case `"` + contract.ControlWarmup + `"`:
		kind = controlWarmup
	case `"` + contract.ControlHealth + `"`:
		kind = controlHealth
	default:
		return controlEvent{}, nil
	}
	// The scan above skips values leniently; only now, for a payload that
	// claims to be a control event, check the whole document strictly.
	if !validJSON(p) {
		return controlEvent{}, nil
	}
	if liftCount > 1 {
		return controlEvent{}, fmt.Errorf(`%w: the "lift" member appears %d times; send it once`, ErrInvalidControlEvent, liftCount)
	}
	ev := controlEvent{kind: kind}
	var err error
	if ev.token, err = parseString(contract.ControlTokenField, token); err != nil {
		return controlEvent{}, err
	}
	if kind != controlWarmup {
		return ev, nil
	}
	if ev.holdMs, err = parseHoldMs(hold); err != nil {
		return controlEvent{}, err
	}
	if ev.round, err = parseString("round", round); err != nil {
		return controlEvent{}, err
	}
	return ev, nil
}

// parseHoldMs reads holdMs: absent or null is 0; otherwise an integer that
// fits in an int (the hold is clamped later by WarmupEvent.Hold).
func parseHoldMs(raw []byte) (int, error) {
	if raw == nil || string(raw) == "null" {
		return 0, nil
	}
	n, err := strconv.ParseInt(string(raw), 10, 32)
	if err != nil {
		return 0, fmt.Errorf(`%w: "holdMs" must be an integer number of milliseconds (0 to %d), got %.40s`,
			ErrInvalidControlEvent, contract.MaxWarmupHold.Milliseconds(), raw)
	}
	return int(n), nil
}

// parseString reads the string member name: absent or null is "",
// otherwise a JSON string. The value is not quoted in errors: it may be the
// control token.
func parseString(name string, raw []byte) (string, error) {
	if raw == nil || string(raw) == "null" {
		return "", nil
	}
	if raw[0] != '"' {
		return "", fmt.Errorf(`%w: %q must be a string`, ErrInvalidControlEvent, name)
	}
	if bytes.IndexByte(raw, '\\') < 0 && utf8.Valid(raw) {
		return string(raw[1 : len(raw)-1]), nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", fmt.Errorf(`%w: %q is not a valid JSON string`, ErrInvalidControlEvent, name)
	}
	return s, nil
}

// scanner walks JSON bytes without allocating. It is lenient on purpose: it
// only has to find top-level members of valid documents correctly; anything
// it accepts as a control event is then checked with json.Valid.
type scanner struct {
	b []byte
	i int
}

func (s *scanner) ws() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

func (s *scanner) eat(c byte) bool {
	if s.i < len(s.b) && s.b[s.i] == c {
		s.i++
		return true
	}
	return false
}

// str consumes a string and returns it with its quotes, unescaped bytes as is.
func (s *scanner) str() ([]byte, bool) {
	start := s.i
	if !s.eat('"') {
		return nil, false
	}
	for {
		j := bytes.IndexByte(s.b[s.i:], '"') // vectorised: HTTP events are mostly strings
		if j < 0 {
			s.i = len(s.b)
			return nil, false
		}
		s.i += j + 1
		// The quote ends the string unless an odd number of backslashes precede it.
		k := s.i - 2
		for k > start && s.b[k] == '\\' {
			k--
		}
		if (s.i-2-k)%2 == 0 {
			return s.b[start:s.i], true
		}
	}
}

// skipValue consumes one value of any kind; containers are skipped by depth
// counting (no recursion, so deep nesting cannot exhaust the stack).
func (s *scanner) skipValue() bool {
	if s.i >= len(s.b) {
		return false
	}
	switch s.b[s.i] {
	case '"':
		_, ok := s.str()
		return ok
	case '{', '[':
		depth := 0
		for s.i < len(s.b) {
			switch s.b[s.i] {
			case '"':
				if _, ok := s.str(); !ok {
					return false
				}
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					s.i++
					return true
				}
			}
			s.i++
		}
		return false
	default:
		start := s.i
		for s.i < len(s.b) {
			switch s.b[s.i] {
			case ',', '}', ']', ' ', '\t', '\n', '\r':
				return s.i > start
			}
			s.i++
		}
		return s.i > start
	}
}
