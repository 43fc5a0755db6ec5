package lift

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"reflect"
)

// Lambda's buffered path turns every answer into bytes. A streaming answer
// (aws-lambda-go's events.LambdaFunctionURLStreamingResponse, or any
// io.Reader with a ContentType method, and StartHTTP's function URL streams)
// must instead reach the runtime loop as the reader itself, with its content
// type: the handler's reader is parked in a streamBox carried by the
// invocation's context, and the loop is given it in place of the bytes.

type streamBoxKey struct{}

// streamBox receives the reader of one invocation's streaming answer, and,
// with tracing on, the end of the invocation's span, which waits for the
// stream's end.
type streamBox struct {
	r       io.Reader
	endSpan func(error)
}

func parkStream(ctx context.Context, r io.Reader) bool {
	if box, ok := ctx.Value(streamBoxKey{}).(*streamBox); ok {
		box.r = r
		return true
	}
	return false
}

var readerType = reflect.TypeFor[io.Reader]()

// captureStreams wraps a handler whose first result is an io.Reader and whose
// first argument is a context (every streaming handler aws-lambda-go
// documents) so that its reader is parked instead of read into bytes. Any
// other handler is returned as it is, and streams is false.
func captureStreams(handler any) (wrapped any, streams bool) {
	if _, ok := handler.(interface {
		Invoke(context.Context, []byte) ([]byte, error)
	}); ok {
		return handler, false
	}
	v := reflect.ValueOf(handler)
	t := v.Type()
	if t.Kind() != reflect.Func || t.NumIn() == 0 || t.In(0) != contextType || t.NumOut() != 2 || !t.Out(0).Implements(readerType) {
		return handler, false
	}
	zero := reflect.Zero(t.Out(0))
	return reflect.MakeFunc(t, func(args []reflect.Value) []reflect.Value {
		out := v.Call(args)
		r, _ := out[0].Interface().(io.Reader)
		if r == nil || !out[1].IsNil() || !parkStream(args[0].Interface().(context.Context), r) {
			return out
		}
		return []reflect.Value{zero, out[1]}
	}).Interface(), true
}

// typedReader is an answer for the runtime loop with its content type. Its
// fields are unexported so aws-lambda-go's encoder sees "{}" and hands the
// reader itself to the loop.
type typedReader struct {
	r           io.Reader
	contentType string
}

func (t typedReader) Read(p []byte) (int, error) { return t.r.Read(p) }
func (t typedReader) ContentType() string        { return t.contentType }

// Close closes the reader when it can be: aws-lambda-go closes the answer
// after sending it (or when sending failed), which is what stops a stream's
// writer.
func (t typedReader) Close() error {
	if c, ok := t.r.(io.Closer); ok {
		return c.Close()
	}
	return nil
}

type contentTyped interface {
	io.Reader
	ContentType() string
}

// loopHandler is what run gives aws-lambda-go: the Handler itself, or, when
// answers may stream, a function whose io.Reader result the loop sends as it
// is (aws-lambda-go reads a lambda.Handler's answer into bytes, losing the
// stream and its content type).
func (h *Handler) loopHandler() any {
	if !h.streaming {
		return h
	}
	return func(ctx context.Context, payload json.RawMessage) (io.Reader, error) {
		return h.invokeReader(ctx, payload)
	}
}

// invokeReader is Invoke for the streaming loop: a parked stream is returned
// as it is, any other answer as JSON bytes.
func (h *Handler) invokeReader(ctx context.Context, payload []byte) (io.Reader, error) {
	box := &streamBox{}
	resp, err := h.Invoke(context.WithValue(ctx, streamBoxKey{}, box), payload)
	if err != nil {
		if closer, ok := box.r.(io.Closer); ok {
			_ = closer.Close()
		}
		return nil, err
	}
	if box.r != nil {
		r, ok := box.r.(contentTyped)
		if !ok {
			r = typedReader{box.r, "application/octet-stream"}
		}
		if box.endSpan != nil {
			return &spanEndingStream{contentTyped: r, end: box.endSpan}, nil
		}
		return r, nil
	}
	return typedReader{bytes.NewReader(resp), "application/json"}, nil
}
