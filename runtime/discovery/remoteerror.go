package discovery

import (
	"encoding/json"
	"fmt"
	"mime"
	"strings"
)

// problemContentType is the media type of an RFC 9457 problem, what
// lift.StartHTTP answers every error with.
const problemContentType = "application/problem+json"

// RemoteError is a target's answer that counts as a failure: a Lambda
// FunctionError or a non-2xx HTTP status. It matches ErrFunctionError or
// ErrHTTPStatus with errors.Is; match the type with errors.As to read what
// the callee said:
//
//   - from an HTTP target that answers application/problem+json (as
//     lift.StartHTTP does), Type, Title, Message (the problem's detail),
//     Violations and RemoteRequestID come from the problem;
//   - from a Lambda function error, Type is its errorType (the name of the
//     Go error type the handler returned) and Message its errorMessage.
//
// Transport failures, open breakers, missing instances and timeouts are not
// RemoteErrors: they are the package's sentinels or context errors.
type RemoteError struct {
	Service       string
	InstanceID    string
	FunctionError string // Lambda: X-Amz-Function-Error ("Unhandled")
	StatusCode    int    // HTTP status; 0 for a Lambda function error
	// Type is the problem's type URI or the Lambda errorType; "" when the
	// answer was neither.
	Type  string
	Title string // the problem's title
	// Message is the problem's detail (its title when it has none) or the
	// Lambda errorMessage.
	Message    string
	Violations []Violation // the problem's errors, for example of a JSON Schema
	// RemoteRequestID is the callee's request id, when its problem names it.
	RemoteRequestID string
	Body            []byte // the error payload as received
}

// Violation is one entry of a problem's errors: what is wrong and where (a
// JSON Pointer into the request, or a parameter name).
type Violation struct {
	Detail  string `json:"detail"`
	Pointer string `json:"pointer,omitempty"`
}

func (e *RemoteError) Error() string {
	what := e.Message
	if e.Type != "" {
		what = e.Type + ": " + e.Message
	}
	if what == "" {
		what = string(e.Body)
		if len(what) > 256 {
			what = what[:256] + "..."
		}
	}
	if e.FunctionError != "" {
		return fmt.Sprintf("discovery: %s instance %s: function error %s: %s", e.Service, e.InstanceID, e.FunctionError, what)
	}
	return fmt.Sprintf("discovery: %s instance %s: HTTP %d: %s", e.Service, e.InstanceID, e.StatusCode, what)
}

func (e *RemoteError) Unwrap() error {
	if e.FunctionError != "" {
		return ErrFunctionError
	}
	return ErrHTTPStatus
}

// newLambdaError reads a function error payload ({"errorMessage", "errorType"}).
func newLambdaError(service, instanceID, functionError string, body []byte) *RemoteError {
	e := &RemoteError{Service: service, InstanceID: instanceID, FunctionError: functionError, Body: body}
	var p struct {
		Message string `json:"errorMessage"`
		Type    string `json:"errorType"`
	}
	if json.Unmarshal(body, &p) == nil {
		e.Type, e.Message = p.Type, p.Message
	}
	return e
}

// newHTTPError reads a non-2xx answer, as a problem when it says it is one.
func newHTTPError(service, instanceID string, status int, contentType string, body []byte) *RemoteError {
	e := &RemoteError{Service: service, InstanceID: instanceID, StatusCode: status, Body: body}
	if mt, _, err := mime.ParseMediaType(contentType); err != nil || !strings.EqualFold(mt, problemContentType) {
		return e
	}
	var p struct {
		Type      string      `json:"type"`
		Title     string      `json:"title"`
		Detail    string      `json:"detail"`
		RequestID string      `json:"requestId"`
		Errors    []Violation `json:"errors"`
	}
	if json.Unmarshal(body, &p) != nil {
		return e
	}
	if p.Type == "" {
		p.Type = "about:blank" // RFC 9457: an absent type means about:blank
	}
	e.Type, e.Title, e.Message, e.Violations, e.RemoteRequestID = p.Type, p.Title, p.Detail, p.Errors, p.RequestID
	if e.Message == "" {
		e.Message = p.Title
	}
	return e
}
