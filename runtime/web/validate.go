package web

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"

	"github.com/liftcdk/lift/runtime/internal/httpbuf"
	"github.com/liftcdk/lift/runtime/lift"
)

// DefaultMaxBody bounds the request body ValidateRequest reads.
const DefaultMaxBody = 1 << 20

// Schema is a compiled JSON Schema (draft 2020-12 unless the schema's
// $schema says otherwise). Compile schemas once, at init.
type Schema struct {
	name string
	s    *jsonschema.Schema
}

// CompileSchema compiles a JSON Schema document. name identifies it in
// errors (for example "create-item.json"); the schema may not reference
// other documents.
func CompileSchema(name string, doc []byte) (*Schema, error) {
	parsed, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		return nil, fmt.Errorf("web: schema %s is not JSON: %w", name, err)
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.UseLoader(noLoader{})
	if err := c.AddResource(name, parsed); err != nil {
		return nil, fmt.Errorf("web: schema %s: %w", name, err)
	}
	s, err := c.Compile(name)
	if err != nil {
		return nil, fmt.Errorf("web: schema %s does not compile: %w", name, err)
	}
	return &Schema{name: name, s: s}, nil
}

// MustCompileSchema is CompileSchema for package-level variables; it panics
// on a bad schema, which is a programming error found at init.
func MustCompileSchema(name string, doc []byte) *Schema {
	s, err := CompileSchema(name, doc)
	if err != nil {
		panic(err)
	}
	return s
}

type noLoader struct{}

func (noLoader) Load(url string) (any, error) {
	return nil, fmt.Errorf("the schema references %s; only self-contained schemas are supported", url)
}

// Validate checks a JSON document and returns every violation, each with
// the JSON Pointer of the offending value; nil means valid. A document that
// is not JSON is one violation at the root.
func (s *Schema) Validate(doc []byte) []lift.ProblemError {
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		return []lift.ProblemError{{Detail: "the body is not valid JSON", Pointer: ""}}
	}
	err = s.s.Validate(inst)
	if err == nil {
		return nil
	}
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		return []lift.ProblemError{{Detail: "the body could not be validated"}}
	}
	var out []lift.ProblemError
	for _, u := range ve.BasicOutput().Errors {
		if u.Error == nil {
			continue
		}
		if _, group := u.Error.Kind.(*kind.Group); group {
			continue
		}
		out = append(out, lift.ProblemError{Detail: u.Error.String(), Pointer: u.InstanceLocation})
	}
	return out
}

// ValidateRequest answers a request whose JSON body breaks s with a 400
// problem listing every violation (errors[].pointer, errors[].detail), one
// that is not JSON (by Content-Type) with 415, and one over maxBody bytes
// (DefaultMaxBody when 0) with 413. Requests without a body (GET, HEAD,
// DELETE, OPTIONS) pass. The handler reads the same body.
func ValidateRequest(s *Schema, maxBody int64) func(http.Handler) http.Handler {
	if maxBody <= 0 {
		maxBody = DefaultMaxBody
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			switch r.Method {
			case http.MethodGet, http.MethodHead, http.MethodDelete, http.MethodOptions:
				next.ServeHTTP(w, r)
				return
			}
			if !isJSON(r.Header.Get("Content-Type")) {
				lift.WriteProblem(w, r, lift.NewProblem(http.StatusUnsupportedMediaType, "send the body as application/json"))
				return
			}
			body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
			if err != nil {
				if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
					lift.WriteProblem(w, r, lift.NewProblem(http.StatusRequestEntityTooLarge, fmt.Sprintf("the body is over %d bytes", maxBody)))
					return
				}
				lift.WriteProblem(w, r, lift.NewProblem(http.StatusBadRequest, "the body could not be read"))
				return
			}
			if violations := s.Validate(body); violations != nil {
				p := lift.NewProblem(http.StatusBadRequest, "the body does not match the schema "+s.name)
				p.Errors = violations
				lift.WriteProblem(w, r, p)
				return
			}
			r.Body = io.NopCloser(bytes.NewReader(body))
			next.ServeHTTP(w, r)
		})
	}
}

func isJSON(ct string) bool {
	mt, _, err := mime.ParseMediaType(ct)
	return err == nil && (mt == "application/json" || len(mt) > 5 && mt[len(mt)-5:] == "+json")
}

// ValidateResponse, for tests, checks every JSON answer of 2xx against s and
// replaces one that breaks it with a 500 problem listing the violations, so
// a test sees a handler drifting from its documented response shape. It
// buffers the answer; do not use it in production.
func ValidateResponse(s *Schema) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			buf := httpbuf.New()
			next.ServeHTTP(buf, r)
			status := buf.Status()
			if status/100 == 2 && isJSON(buf.Header().Get("Content-Type")) {
				if violations := s.Validate(buf.Body()); violations != nil {
					p := lift.NewProblem(http.StatusInternalServerError, "the response does not match the schema "+s.name)
					p.Errors = violations
					lift.WriteProblem(w, r, p)
					return
				}
			}
			buf.Replay(w)
		})
	}
}
