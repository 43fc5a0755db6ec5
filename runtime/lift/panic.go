package lift

import (
	"context"
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/aws/aws-lambda-go/lambda/messages"
)

// panicErrorType is the errorType of the Lambda error response for a panic.
const panicErrorType = "HandlerPanic"

// recovered turns a panic into a Lambda error response, a log line and a
// metric. aws-lambda-go would exit the process after a panic (ShouldExit);
// Lift keeps serving, because a panic in one request rarely means the process
// is broken, and a re-init costs the next caller a cold start.
func (h *Handler) recovered(ctx context.Context, p any) error {
	h.panics.Add(1)
	msg := fmt.Sprint(p)
	Logger(ctx).Error("lift: handler panicked; answered with an error and kept serving",
		"panic", msg, "stack", string(debug.Stack()))
	return messages.InvokeResponse_Error{
		Message:    msg,
		Type:       panicErrorType,
		StackTrace: stackFrames(),
		ShouldExit: false,
	}
}

// stackFrames captures the panicking stack for the error response (Lambda
// forwards it to X-Ray).
func stackFrames() []*messages.InvokeResponse_Error_StackFrame {
	pcs := make([]uintptr, 32)
	n := runtime.Callers(4, pcs) // skip Callers, stackFrames, recovered, the deferred func
	frames := runtime.CallersFrames(pcs[:n])
	var out []*messages.InvokeResponse_Error_StackFrame
	for {
		f, more := frames.Next()
		out = append(out, &messages.InvokeResponse_Error_StackFrame{Path: f.File, Line: int32(f.Line), Label: f.Function})
		if !more {
			return out
		}
	}
}
