// Package httpbuf holds a whole HTTP answer so a middleware can inspect,
// store or validate it before it is sent.
package httpbuf

import (
	"bytes"
	"maps"
	"net/http"
)

// Writer is an http.ResponseWriter that keeps the answer instead of sending it.
type Writer struct {
	header http.Header
	status int
	body   bytes.Buffer
}

// New returns an empty Writer.
func New() *Writer { return &Writer{header: http.Header{}} }

func (w *Writer) Header() http.Header { return w.header }

// WriteHeader keeps the first status, as net/http does.
func (w *Writer) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
}

func (w *Writer) Write(p []byte) (int, error) {
	w.WriteHeader(http.StatusOK)
	return w.body.Write(p)
}

// Status is the answer's status: 200 when the handler set none.
func (w *Writer) Status() int {
	if w.status == 0 {
		return http.StatusOK
	}
	return w.status
}

// Body is the answer's body so far.
func (w *Writer) Body() []byte { return w.body.Bytes() }

// Replay sends the held answer to dst.
func (w *Writer) Replay(dst http.ResponseWriter) {
	maps.Copy(dst.Header(), w.header)
	dst.WriteHeader(w.Status())
	_, _ = dst.Write(w.body.Bytes())
}
