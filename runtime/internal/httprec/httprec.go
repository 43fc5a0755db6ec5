// Package httprec records the status and size of an answer passing through
// an http.ResponseWriter, for runtime/lift's request span and runtime/web's
// access log and response cache.
package httprec

import "net/http"

// Recorder notes the status and the body's size of an answer written
// through it. It keeps http.Flusher working and unwraps for
// http.ResponseController.
type Recorder struct {
	http.ResponseWriter
	Status int   // the first status written; 0 until then
	Bytes  int64 // body bytes written
}

func (r *Recorder) WriteHeader(status int) {
	if r.Status == 0 {
		r.Status = status
	}
	r.ResponseWriter.WriteHeader(status)
}

func (r *Recorder) Write(p []byte) (int, error) {
	if r.Status == 0 {
		r.Status = http.StatusOK
	}
	n, err := r.ResponseWriter.Write(p)
	r.Bytes += int64(n)
	return n, err
}

func (r *Recorder) Flush() {
	if r.Status == 0 {
		r.Status = http.StatusOK
	}
	if f, ok := r.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (r *Recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// StatusOrOK is the status written, or 200 when nothing was.
func (r *Recorder) StatusOrOK() int {
	if r.Status == 0 {
		return http.StatusOK
	}
	return r.Status
}
