package lift

import (
	"encoding/base64"
	"slices"
	"strconv"
	"unsafe"

	"github.com/liftcdk/lift/runtime/internal/jsonenc"
)

// appendV2 appends the payload 2.0 response (HTTP API and function URLs)
// to b: what json.Marshal of an events.APIGatewayV2HTTPResponse says, with
// each header's values joined by commas and Set-Cookie's as "cookies", but
// written directly, as this encoding was a tenth of an invocation's CPU.
// Header names come sorted, as json.Marshal sorts them.
// The body is written from the buffer: text as is, anything else base64 (see
// isText), with no copy in between.
func (w *bufferedResponse) appendV2(b []byte) []byte {
	body := w.body.Bytes()
	text := len(body) == 0 || isText(w.header)
	var names [16]string // the usual answer's names fit without an allocation
	keys := names[:0]
	size := 64 + base64.StdEncoding.EncodedLen(len(body))
	for k, vs := range w.header {
		keys = append(keys, k)
		size += len(k) + 6
		for _, v := range vs {
			size += len(v) + 3
		}
	}
	slices.Sort(keys)
	b = slices.Grow(b, size)
	b = append(b, `{"statusCode":`...)
	b = strconv.AppendInt(b, int64(w.status), 10)
	b = append(b, `,"headers":{`...)
	first := true
	for _, k := range keys {
		if k == "Set-Cookie" {
			continue
		}
		if !first {
			b = append(b, ',')
		}
		first = false
		b = jsonenc.AppendString(b, k)
		b = append(b, ':')
		b = appendJoined(b, w.header[k])
	}
	b = append(b, `},"body":`...)
	if text {
		b = jsonenc.AppendString(b, stringView(body))
	} else {
		b = append(b, '"')
		b = base64.StdEncoding.AppendEncode(b, body)
		b = append(b, `","isBase64Encoded":true`...)
	}
	if cookies := w.header["Set-Cookie"]; cookies != nil {
		b = append(b, `,"cookies":[`...)
		for i, c := range cookies {
			if i > 0 {
				b = append(b, ',')
			}
			b = jsonenc.AppendString(b, c)
		}
		b = append(b, ']')
	}
	return append(b, '}')
}

// appendJoined appends the values as one JSON string, joined by commas
// (strings.Join(vs, ",") without building the joined string).
func appendJoined(b []byte, vs []string) []byte {
	if len(vs) == 1 {
		return jsonenc.AppendString(b, vs[0])
	}
	b = append(b, '"')
	for i, v := range vs {
		if i > 0 {
			b = append(b, ',')
		}
		start := len(b)
		b = jsonenc.AppendString(b, v)
		b = append(b[:start], b[start+1:len(b)-1]...) // drop v's own quotes
	}
	return append(b, '"')
}

// stringView is b as a string, without a copy: b must not change while the
// string is in use.
func stringView(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}
