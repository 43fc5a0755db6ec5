package lift

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/aws/aws-lambda-go/events"
)

// bufferedResponse is the http.ResponseWriter of a buffered invocation: the
// whole answer is collected, then encoded as the event kind's response.
type bufferedResponse struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func newBufferedResponse() *bufferedResponse {
	return &bufferedResponse{header: make(http.Header, 4)}
}

func (w *bufferedResponse) Header() http.Header { return w.header }

func (w *bufferedResponse) WriteHeader(status int) {
	if w.status == 0 && status >= 100 && status <= 999 {
		w.status = status
	}
}

func (w *bufferedResponse) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.body.Write(p)
}

func (w *bufferedResponse) reset() {
	clear(w.header)
	w.status = 0
	w.body.Reset()
}

// Flush is accepted and does nothing: a buffered invocation answers once.
func (w *bufferedResponse) Flush() {}

// finish applies what net/http's server would: a default status, a sniffed
// Content-Type and the Content-Length.
func (w *bufferedResponse) finish() {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	if _, ok := w.header["Content-Type"]; !ok && w.body.Len() > 0 && w.header.Get("Content-Encoding") == "" {
		w.header["Content-Type"] = []string{http.DetectContentType(w.body.Bytes())}
	}
	if w.header.Get("Content-Length") == "" && w.header.Get("Transfer-Encoding") == "" {
		w.header["Content-Length"] = []string{strconv.Itoa(w.body.Len())}
	}
}

// encode renders the response for the event kind it answers.
func (w *bufferedResponse) encode(ev httpEvent) ([]byte, error) {
	w.finish()
	if ev.v2 != nil {
		return w.appendV2(nil), nil
	}
	body, b64 := w.bodyText()
	switch {
	case ev.v1 != nil:
		return json.Marshal(events.APIGatewayProxyResponse{StatusCode: w.status, Body: body, IsBase64Encoded: b64, MultiValueHeaders: w.header})
	default:
		resp := events.ALBTargetGroupResponse{StatusCode: w.status, StatusDescription: statusLine(w.status), Body: body, IsBase64Encoded: b64}
		if ev.multiValue {
			resp.MultiValueHeaders = w.header
		} else {
			// Single-value headers hold one value per name; the last wins,
			// except Set-Cookie, whose values cannot be joined.
			resp.Headers = make(map[string]string, len(w.header))
			for k, vs := range w.header {
				resp.Headers[k] = vs[len(vs)-1]
				if k != "Set-Cookie" {
					resp.Headers[k] = strings.Join(vs, ",")
				}
			}
		}
		return json.Marshal(resp)
	}
}

func (w *bufferedResponse) bodyText() (string, bool) {
	if w.body.Len() == 0 {
		return "", false
	}
	if isText(w.header) {
		return w.body.String(), false
	}
	return base64.StdEncoding.EncodeToString(w.body.Bytes()), true
}

// isText reports whether a response body can travel as a JSON string as is:
// text, JSON, XML, JavaScript, forms, or a declared charset, and no
// Content-Encoding. Everything else is base64-encoded, as the front doors
// expect for binary bodies.
func isText(h http.Header) bool {
	if h.Get("Content-Encoding") != "" {
		return false
	}
	ct := h.Get("Content-Type")
	if ct == "application/json" || strings.HasPrefix(ct, "text/") || strings.HasPrefix(ct, "application/json;") {
		return true // the common answers, without parsing
	}
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil {
		return false
	}
	if _, ok := params["charset"]; ok {
		return true
	}
	switch {
	case strings.HasPrefix(mt, "text/"),
		strings.HasSuffix(mt, "+json"), strings.HasSuffix(mt, "+xml"),
		mt == "application/json", mt == "application/xml", mt == "application/javascript",
		mt == "application/x-www-form-urlencoded", mt == "application/x-ndjson", mt == "image/svg+xml":
		return true
	}
	return false
}

func statusLine(code int) string {
	return strconv.Itoa(code) + " " + http.StatusText(code)
}
