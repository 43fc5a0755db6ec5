package discovery

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
)

// ErrBadResponse means a target answered with success but its body is not
// the response type the caller expects: the two services disagree on the
// shape (see the shared api package convention in docs/runtime.md).
var ErrBadResponse = errors.New("discovery: response does not decode")

// Call sends req to service as JSON through client and decodes the answer
// into Resp, with the same instance picking, retries (for Idempotent calls),
// deadline budget and breakers as Invoke. Errors are Invoke's, plus:
//
//   - the callee's own error answer is a *RemoteError (errors.As) carrying
//     its type and message: a problem from an HTTP front door, or a Lambda
//     function error;
//   - a success whose body does not decode into Resp wraps ErrBadResponse.
//
// Req and Resp are best declared once, in a small api package of the callee
// that both services import, so no caller re-declares a callee's types.
func Call[Req, Resp any](ctx context.Context, client *Client, service string, req Req, opts ...CallOption) (Resp, error) {
	var resp Resp
	if client == nil {
		return resp, fmt.Errorf("%w: nil Client calling %q", ErrInvalidConfig, service)
	}
	payload, err := json.Marshal(req)
	if err != nil {
		return resp, fmt.Errorf("discovery: encode the request to %s: %w", service, err)
	}
	out, err := client.Invoke(ctx, service, payload, opts...)
	if err != nil {
		return resp, err
	}
	if err := json.Unmarshal(out, &resp); err != nil {
		return resp, fmt.Errorf("%w: %s answered %.200q, not a %T: %w", ErrBadResponse, service, out, resp, err)
	}
	return resp, nil
}
