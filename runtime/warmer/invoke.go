package warmer

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/liftcdk/lift/internal/contract"
)

// failure classifies an invoke that did not answer a usable instance id.
type failure int

const (
	failNone          failure = iota
	failFunctionError         // the function answered an error (or timed out inside Lambda)
	failThrottled             // TooManyRequestsException: concurrency limit reached
	failTimeout               // our per-invoke timeout or the run's deadline
	failInvoke                // any other Invoke API error
	failBadResponse           // answered, but not a Lift warm-up response
)

func (f failure) String() string {
	switch f {
	case failFunctionError:
		return "functionErrors"
	case failThrottled:
		return "throttles"
	case failTimeout:
		return "timeouts"
	case failInvoke:
		return "invokeErrors"
	case failBadResponse:
		return "badResponses"
	}
	return "none"
}

// noSDKRetries leaves retrying to the waves: an SDK retry of a throttled or
// slow warm-up would land outside the wave it was meant to overlap.
func noSDKRetries(o *lambda.Options) { o.RetryMaxAttempts = 1 }

// warmupPayload is the warm-up event for one wave; token (the target's
// control token, empty for none) lets the function authenticate it.
func warmupPayload(hold time.Duration, round, token string) []byte {
	b, _ := json.Marshal(contract.WarmupEvent{Lift: contract.ControlWarmup, HoldMs: int(hold / time.Millisecond), Round: round, Token: token})
	return b // a struct of strings and an int always marshals
}

// invoke sends one warm-up event and returns the answering instance id.
func (w *Warmer) invoke(ctx context.Context, arn string, payload []byte) (string, failure) {
	out, err := w.invoker.Invoke(ctx, &lambda.InvokeInput{
		FunctionName: aws.String(arn),
		Payload:      payload,
	}, noSDKRetries)
	if err != nil {
		return "", classifyError(ctx, err)
	}
	if out.FunctionError != nil {
		return "", failFunctionError
	}
	id, err := parseWarmupResponse(out.Payload)
	if err != nil {
		return "", failBadResponse
	}
	return id, failNone
}

func classifyError(ctx context.Context, err error) failure {
	var throttle *types.TooManyRequestsException
	switch {
	case errors.As(err, &throttle):
		return failThrottled
	case errors.Is(err, context.DeadlineExceeded), ctx.Err() != nil:
		return failTimeout
	}
	return failInvoke
}

// errNotWarmup is returned for a payload that is not a Lift warm-up answer:
// the target does not run lift.Start, so environments cannot be told apart.
var errNotWarmup = errors.New("not a Lift warm-up response (does the target use lift.Start?)")

// parseWarmupResponse reads the instance id from a target's answer.
func parseWarmupResponse(payload []byte) (string, error) {
	var r contract.WarmupResponse
	if err := json.Unmarshal(payload, &r); err != nil {
		return "", fmt.Errorf("%w: %w", errNotWarmup, err)
	}
	if r.Lift != contract.ControlWarmup || r.InstanceID == "" {
		return "", errNotWarmup
	}
	return r.InstanceID, nil
}
