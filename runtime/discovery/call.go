package discovery

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// MaxResponseBytes bounds a response body read from an HTTP target (Lambda's
// own synchronous payload limit is 6 MB).
const MaxResponseBytes = 6 << 20

// RemoteError is a target's answer that counts as a failure: a Lambda
// FunctionError or a non-2xx HTTP status. It matches ErrFunctionError or
// ErrHTTPStatus with errors.Is.
type RemoteError struct {
	Service       string
	InstanceID    string
	FunctionError string // Lambda: X-Amz-Function-Error ("Unhandled")
	StatusCode    int    // HTTP status
	Body          []byte // the error payload
}

func (e *RemoteError) Error() string {
	body := string(e.Body)
	if len(body) > 256 {
		body = body[:256] + "..."
	}
	if e.FunctionError != "" {
		return fmt.Sprintf("discovery: %s instance %s: function error %s: %s", e.Service, e.InstanceID, e.FunctionError, body)
	}
	return fmt.Sprintf("discovery: %s instance %s: HTTP %d: %s", e.Service, e.InstanceID, e.StatusCode, body)
}

func (e *RemoteError) Unwrap() error {
	if e.FunctionError != "" {
		return ErrFunctionError
	}
	return ErrHTTPStatus
}

func (c *Client) call(ctx context.Context, service string, in *Instance, payload []byte, co *callOptions) ([]byte, error) {
	if in.Protocol == ProtocolHTTP {
		return c.callHTTP(ctx, service, in, payload, co)
	}
	return c.callLambda(ctx, service, in, payload)
}

func (c *Client) callLambda(ctx context.Context, service string, in *Instance, payload []byte) ([]byte, error) {
	if c.cfg.lambda == nil {
		return nil, fmt.Errorf("%w: service %q instance %s is a Lambda target but the client has no Lambda client (use WithLambdaClient or FromEnv)", ErrInvalidConfig, service, in.ID)
	}
	reqID, trace := propagation(ctx)
	input := &lambda.InvokeInput{
		FunctionName:   aws.String(in.FunctionARN),
		InvocationType: types.InvocationTypeRequestResponse,
		Payload:        payload,
		ClientContext:  clientContext(reqID, trace),
	}
	var optFns []func(*lambda.Options)
	if trace != "" {
		optFns = append(optFns, withTraceHeader(trace))
	}
	out, err := c.cfg.lambda.Invoke(ctx, input, optFns...)
	if err != nil {
		return nil, fmt.Errorf("discovery: invoke %s instance %s (%s): %w", service, in.ID, in.FunctionARN, err)
	}
	if out.FunctionError != nil {
		return nil, &RemoteError{Service: service, InstanceID: in.ID, FunctionError: aws.ToString(out.FunctionError), Body: out.Payload}
	}
	return out.Payload, nil
}

// withTraceHeader sets X-Amzn-Trace-Id from the invocation's own trace, not the
// process-wide _X_AMZN_TRACE_ID the SDK would use, which concurrent
// invocations overwrite.
func withTraceHeader(trace string) func(*lambda.Options) {
	return func(o *lambda.Options) {
		o.APIOptions = append(o.APIOptions, smithyhttp.SetHeaderValue(HeaderTraceID, trace))
	}
}

func (c *Client) callHTTP(ctx context.Context, service string, in *Instance, payload []byte, co *callOptions) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, in.URL, bytes.NewReader(payload))
	if err != nil {
		return nil, fmt.Errorf("discovery: %s instance %s: request to %q: %w", service, in.ID, in.URL, err)
	}
	req.Header.Set("Content-Type", "application/json")
	reqID, trace := propagation(ctx)
	if reqID != "" {
		req.Header.Set(HeaderRequestID, reqID)
	}
	if trace != "" {
		req.Header.Set(HeaderTraceID, trace)
	}
	for k, v := range co.headers {
		req.Header.Set(k, v)
	}
	if c.cfg.sign != nil {
		if err := c.cfg.sign.sign(ctx, req, in, payload, c.cfg.clock.Now()); err != nil {
			return nil, err
		}
	}
	resp, err := c.cfg.httpClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("discovery: %s instance %s (%s): %w", service, in.ID, in.URL, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, MaxResponseBytes+1))
	if err != nil {
		return nil, fmt.Errorf("discovery: %s instance %s (%s): read response: %w", service, in.ID, in.URL, err)
	}
	if len(body) > MaxResponseBytes {
		return nil, fmt.Errorf("discovery: %s instance %s (%s): response larger than %d bytes", service, in.ID, in.URL, MaxResponseBytes)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, &RemoteError{Service: service, InstanceID: in.ID, StatusCode: resp.StatusCode, Body: body}
	}
	return body, nil
}

// outcome classifies a failed attempt.
type outcome struct {
	retry    bool // worth another attempt (for idempotent calls)
	notRun   bool // the target refused before running anything: safe to retry any call
	failure  bool // counts against the instance's breaker
	excluded bool // says nothing about the instance
}

func classify(ctx context.Context, err error) outcome {
	if err == nil {
		return outcome{}
	}
	if ctx.Err() != nil {
		return outcome{excluded: true}
	}
	if errors.Is(err, ErrInvalidConfig) {
		return outcome{}
	}
	var re *RemoteError
	if errors.As(err, &re) {
		switch {
		case re.FunctionError != "":
			return outcome{retry: true, failure: true}
		case re.StatusCode == http.StatusTooManyRequests:
			return outcome{retry: true, notRun: true}
		case re.StatusCode >= 500:
			return outcome{retry: true, failure: true}
		default: // 4xx: the instance works; the request is wrong
			return outcome{}
		}
	}
	var api smithy.APIError
	if errors.As(err, &api) {
		code := api.ErrorCode()
		switch {
		case strings.Contains(code, "Throttl") || code == "TooManyRequestsException":
			return outcome{retry: true, notRun: true} // Lambda throttled before running the function
		case code == "ResourceNotFoundException" || code == "ResourceNotReadyException":
			return outcome{retry: true, failure: true} // stale registration: route around it
		case api.ErrorFault() == smithy.FaultServer || code == "ServiceException" || isLambdaRuntimeFault(code):
			return outcome{retry: true, failure: true}
		default:
			return outcome{}
		}
	}
	var rerr *smithyhttp.ResponseError
	if errors.As(err, &rerr) && rerr.HTTPStatusCode() < 500 && rerr.HTTPStatusCode() != 429 {
		return outcome{}
	}
	// Transport failures: connection refused or reset, timeouts of this attempt.
	return outcome{retry: true, failure: true}
}

// isLambdaRuntimeFault reports Invoke errors that mean the target function
// itself is broken (bad image, ENI, KMS), not the request.
func isLambdaRuntimeFault(code string) bool {
	switch code {
	case "EC2UnexpectedException", "ENILimitReachedException", "EFSIOException", "EFSMountFailureException",
		"EFSMountTimeoutException", "InvalidRuntimeException", "InvalidZipFileException", "KMSAccessDeniedException",
		"KMSDisabledException", "KMSInvalidStateException", "KMSNotFoundException", "SnapStartException",
		"SnapStartTimeoutException", "SubnetIPAddressLimitReachedException":
		return true
	}
	return false
}

// breakerOutcome is what the breaker records for an attempt.
func (o outcome) breakerOutcome(err error) error {
	switch {
	case err == nil || (!o.failure && !o.excluded):
		return nil
	case o.excluded:
		return errExcluded
	default:
		return err
	}
}
