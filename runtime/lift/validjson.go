package lift

// maxJSONDepth matches encoding/json's nesting limit, so validJSON and
// json.Valid agree on every input.
const maxJSONDepth = 10000

// validJSON reports whether b is one valid JSON document, exactly as
// json.Valid does, without its per-byte state-machine calls: it is what keeps
// a warm-up answer well under a microsecond. FuzzValidJSON holds the two equal.
func validJSON(b []byte) bool {
	const (
		wantValue = iota
		afterValue
		wantKey
	)
	var stackBuf [32]byte
	stack := stackBuf[:0] // '{' or '[' per open container
	state := wantValue
	i := 0
	for {
		i = skipSpace(b, i)
		switch state {
		case wantValue:
			if i >= len(b) {
				return false
			}
			switch c := b[i]; {
			case c == '{' || c == '[':
				if len(stack) >= maxJSONDepth {
					return false
				}
				i = skipSpace(b, i+1)
				closer := byte('}')
				if c == '[' {
					closer = ']'
				}
				if i < len(b) && b[i] == closer {
					i++
					state = afterValue
					continue
				}
				stack = append(stack, c)
				if c == '{' {
					state = wantKey
				}
				continue
			case c == '"':
				i = skipString(b, i)
			case c == '-' || c >= '0' && c <= '9':
				i = skipNumber(b, i)
			case c == 't':
				i = skipLiteral(b, i, "true")
			case c == 'f':
				i = skipLiteral(b, i, "false")
			case c == 'n':
				i = skipLiteral(b, i, "null")
			default:
				return false
			}
			if i < 0 {
				return false
			}
			state = afterValue
		case afterValue:
			if len(stack) == 0 {
				return i == len(b)
			}
			if i >= len(b) {
				return false
			}
			top := stack[len(stack)-1]
			switch b[i] {
			case ',':
				i++
				if top == '{' {
					state = wantKey
				} else {
					state = wantValue
				}
			case '}', ']':
				if (b[i] == '}') != (top == '{') {
					return false
				}
				stack = stack[:len(stack)-1]
				i++
			default:
				return false
			}
		case wantKey:
			if i >= len(b) || b[i] != '"' {
				return false
			}
			if i = skipString(b, i); i < 0 {
				return false
			}
			i = skipSpace(b, i)
			if i >= len(b) || b[i] != ':' {
				return false
			}
			i++
			state = wantValue
		}
	}
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// skipString returns the index after the string starting at b[i] == '"', or -1.
func skipString(b []byte, i int) int {
	for i++; i < len(b); i++ {
		switch c := b[i]; {
		case c == '"':
			return i + 1
		case c < 0x20:
			return -1
		case c == '\\':
			i++
			if i >= len(b) {
				return -1
			}
			switch b[i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if i+4 >= len(b) {
					return -1
				}
				for _, h := range b[i+1 : i+5] {
					if !isHex(h) {
						return -1
					}
				}
				i += 4
			default:
				return -1
			}
		}
	}
	return -1
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// skipNumber returns the index after the JSON number at b[i], or -1.
func skipNumber(b []byte, i int) int {
	if b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && b[i] >= '1' && b[i] <= '9':
		i = skipDigits(b, i)
	default:
		return -1
	}
	if i < len(b) && b[i] == '.' {
		j := skipDigits(b, i+1)
		if j == i+1 {
			return -1
		}
		i = j
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		j := skipDigits(b, i)
		if j == i {
			return -1
		}
		i = j
	}
	return i
}

func skipDigits(b []byte, i int) int {
	for i < len(b) && b[i] >= '0' && b[i] <= '9' {
		i++
	}
	return i
}

func skipLiteral(b []byte, i int, lit string) int {
	if len(b)-i >= len(lit) && string(b[i:i+len(lit)]) == lit {
		return i + len(lit)
	}
	return -1
}
