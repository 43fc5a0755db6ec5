package lift

import (
	"encoding/json"
	"errors"
	"net/http"
)

// Problem is an RFC 9457 problem detail, the body of every error answer of
// an HTTP handler run by StartHTTP (Content-Type application/problem+json).
// Return one (as an error) from an ErrorHandler, or write one with
// WriteProblem. Detail and Errors reach the caller: never put internals in
// them.
type Problem struct {
	// Type is a URI naming the problem type; empty means "about:blank".
	Type   string `json:"type,omitempty"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail,omitempty"`
	// Instance is a URI for this occurrence; WriteProblem sets the request path.
	Instance string `json:"instance,omitempty"`
	// RequestID is the Lambda request id; WriteProblem sets it.
	RequestID string `json:"requestId,omitempty"`
	// Errors lists individual violations, for example of a JSON Schema.
	Errors []ProblemError `json:"errors,omitempty"`
}

// ProblemError is one violation: what is wrong and where (a JSON Pointer
// into the request body, or a parameter name).
type ProblemError struct {
	Detail  string `json:"detail"`
	Pointer string `json:"pointer,omitempty"`
}

// ProblemContentType is the media type of a Problem body.
const ProblemContentType = "application/problem+json"

// NewProblem returns a Problem with status, its standard title and detail.
func NewProblem(status int, detail string) *Problem {
	return &Problem{Title: http.StatusText(status), Status: status, Detail: detail}
}

func (p *Problem) Error() string {
	if p.Detail == "" {
		return p.Title
	}
	return p.Title + ": " + p.Detail
}

// WriteProblem writes p as the response, with the request's path as its
// instance and its request id, unless p already has them.
func WriteProblem(w http.ResponseWriter, r *http.Request, p *Problem) {
	q := *p
	if q.Status < 400 || q.Status > 599 {
		q.Status = http.StatusInternalServerError
	}
	if q.Title == "" {
		q.Title = http.StatusText(q.Status)
	}
	if r != nil {
		if q.Instance == "" && r.URL != nil {
			q.Instance = r.URL.Path
		}
		if q.RequestID == "" {
			q.RequestID = requestID(r.Context())
		}
	}
	body, err := json.Marshal(q)
	if err != nil { // only an unencodable string could do this; fall back to the bare status
		body = []byte(`{"title":"Internal Server Error","status":500}`)
	}
	h := w.Header()
	h.Set("Content-Type", ProblemContentType)
	h.Del("Content-Length")
	w.WriteHeader(q.Status)
	_, _ = w.Write(body)
}

func writeInternalProblem(w http.ResponseWriter, r *http.Request) {
	WriteProblem(w, r, NewProblem(http.StatusInternalServerError, "the request failed; quote the request id when reporting it"))
}

// ErrorHandler is an http.Handler that may return an error: a *Problem (or
// an error wrapping one) is written as it is; any other error is logged and
// answered with a 500 problem that reveals nothing of it.
type ErrorHandler func(http.ResponseWriter, *http.Request) error

// ServeHTTP implements http.Handler.
func (f ErrorHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	err := f(w, r)
	if err == nil {
		return
	}
	if p, ok := errors.AsType[*Problem](err); ok {
		WriteProblem(w, r, p)
		return
	}
	Logger(r.Context()).Error("lift: HTTP handler failed; answered 500", "method", r.Method, "path", r.URL.Path, "error", err.Error())
	writeInternalProblem(w, r)
}
