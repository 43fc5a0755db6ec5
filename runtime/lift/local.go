package lift

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/lambda/messages"
	"github.com/aws/aws-lambda-go/lambdacontext"
)

// InvocationPath is the path RIE and the Lambda Invoke API serve for the
// function named "function"; local mode serves it for any function name.
const InvocationPath = "/2015-03-31/functions/function/invocations"

// maxPayload is Lambda's limit for a synchronous invocation payload.
const maxPayload = 6 << 20

// ServeLocal serves invocations over HTTP on ln the way RIE does
// (POST /2015-03-31/functions/{name}/invocations, the raw event as the body,
// the response or {"errorMessage","errorType"} as the answer with
// X-Amz-Function-Error set on errors) until ctx is done, then stops
// accepting, waits up to the shutdown budget for invocations in flight, and
// runs the shutdown hooks. It returns Shutdown's result, or the server's
// error if serving failed.
//
// Call ServeLocal before any Invoke.
func (h *Handler) ServeLocal(ctx context.Context, ln net.Listener, invokeTimeout time.Duration) error {
	h.concurrent = true // HTTP requests overlap
	if invokeTimeout <= 0 {
		invokeTimeout = defaultLocalTimeout
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /2015-03-31/functions/{name}/invocations", func(w http.ResponseWriter, r *http.Request) {
		h.serveInvocation(w, r, invokeTimeout)
	})
	h.mountHTTP(mux) // StartHTTP: ordinary requests beside the invocation path
	return h.serveUntil(ctx, mux, ln, "local server")
}

func (h *Handler) serveInvocation(w http.ResponseWriter, r *http.Request, timeout time.Duration) {
	w.Header().Set("Content-Type", "application/json")
	payload, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxPayload))
	if err != nil {
		status, errType := http.StatusBadRequest, "InvalidRequestContentException"
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			status, errType = http.StatusRequestEntityTooLarge, "RequestTooLargeException"
		}
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(messages.InvokeResponse_Error{Message: err.Error(), Type: errType})
		return
	}
	requestID := newRequestID()
	// Lambda does not cancel an invocation when its caller goes away.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), timeout)
	defer cancel()
	lc := &lambdacontext.LambdaContext{
		AwsRequestID:       requestID,
		InvokedFunctionArn: localFunctionARN(r.PathValue("name")),
	}
	ctx = lambdacontext.NewContext(localInvocationContext(ctx, r, lc), lc)
	w.Header().Set("X-Amzn-RequestId", requestID)
	resp, err := h.Invoke(ctx, payload)
	if err != nil {
		w.Header().Set("X-Amz-Function-Error", "Unhandled")
		_, _ = w.Write(errorPayload(err))
		return
	}
	_, _ = w.Write(resp)
}

// localFunctionARN is the ARN an invocation addressed to name was made to:
// name itself when the caller used an ARN (as discovery does), else a local
// ARN for the name (and its qualifier, if any).
func localFunctionARN(name string) string {
	if strings.HasPrefix(name, "arn:") {
		return name
	}
	return "arn:aws:lambda:local:000000000000:function:" + name
}

// errorPayload renders err the way Lambda answers a function error.
func errorPayload(err error) []byte {
	b, mErr := json.Marshal(invokeError(err))
	if mErr != nil {
		return []byte(`{"errorMessage":"unserializable error","errorType":"Runtime.SerializationError"}`)
	}
	return b
}

func newRequestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	s := hex.EncodeToString(b[:])
	return s[0:8] + "-" + s[8:12] + "-" + s[12:16] + "-" + s[16:20] + "-" + s[20:]
}
