package lift

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"

	"github.com/aws/aws-lambda-go/lambda/messages"
)

// maxResponse is Lambda's limit for a buffered (non-streamed) response: 6 MB.
// A larger response is answered as a function error of type
// responseTooLargeType and the process keeps serving; aws-lambda-go would
// exit it when the Runtime API refuses the response.
const maxResponse = 6 << 20

// responseTooLargeType is the errorType Lambda itself reports for it.
const responseTooLargeType = "Function.ResponseSizeTooLarge"

// responseTooLarge logs and builds the error answer for an oversized
// response. The message tells the caller the size and the fix, nothing else.
func responseTooLarge(ctx context.Context, size int) error {
	msg := fmt.Sprintf("the function's response is %d bytes, over Lambda's limit of %d bytes for a synchronous response; return less (page the result, or store it in S3 and return its location)", size, maxResponse)
	Logger(ctx).Error("lift: response too large; answered with an error and kept serving", "errorType", responseTooLargeType, "errorMessage", msg, "responseBytes", size)
	return messages.InvokeResponse_Error{Message: msg, Type: responseTooLargeType}
}

// logHandlerError logs an error returned by the user's handler, as Lambda
// will report it, at ERROR with the request id.
func logHandlerError(ctx context.Context, err error) {
	ive := invokeError(err)
	Logger(ctx).Error("lift: handler returned an error", "errorType", ive.Type, "errorMessage", ive.Message)
}

// invokeError is err the way aws-lambda-go reports it to Lambda: its own
// message, and the name of its type as errorType.
func invokeError(err error) messages.InvokeResponse_Error {
	if ive, ok := errors.AsType[messages.InvokeResponse_Error](err); ok {
		return ive
	}
	t := reflect.TypeOf(err)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return messages.InvokeResponse_Error{Message: err.Error(), Type: t.Name()}
}

// withoutInvokeErrorEcho drops the line aws-lambda-go prints through the
// standard log package (so at INFO, as an escaped JSON string, without the
// request id) for every function error: Lift has logged it at ERROR already.
type withoutInvokeErrorEcho struct{ w io.Writer }

func (f withoutInvokeErrorEcho) Write(p []byte) (int, error) {
	if isInvokeErrorEcho(p) {
		return len(p), nil
	}
	return f.w.Write(p)
}

var invokeErrorPrefix = []byte(`{"errorMessage":`)

// isInvokeErrorEcho reports whether p is exactly a serialised
// messages.InvokeResponse_Error, the only thing aws-lambda-go's reportFailure
// prints.
func isInvokeErrorEcho(p []byte) bool {
	if !bytes.HasPrefix(p, invokeErrorPrefix) {
		return false
	}
	d := json.NewDecoder(bytes.NewReader(p))
	d.DisallowUnknownFields()
	var ive messages.InvokeResponse_Error
	if d.Decode(&ive) != nil || ive.Type == "" {
		return false
	}
	_, err := d.Token()
	return err == io.EOF
}
