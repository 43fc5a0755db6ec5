package reports

import (
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/liftcdk/lift/internal/localcloud"
	"github.com/liftcdk/lift/internal/testsvc"
)

// worker runs the deployed worker under the emulator behind a stable
// address, as Lambda keeps a function reachable while it replaces an
// environment that died: replace kills the emulator (its runtime with it)
// and starts a fresh one behind the same address.
type worker struct {
	t     *testing.T
	c     *localcloud.Cloud
	fn    localcloud.Function
	front *httptest.Server

	mu   sync.Mutex
	cur  *testsvc.RIEProcess
	dead []string // the output of the emulators replaced
}

func newWorker(t *testing.T, c *localcloud.Cloud, fn localcloud.Function) *worker {
	w := &worker{t: t, c: c, fn: fn}
	w.cur = testsvc.Emulate(t, c, fn, nil)
	w.front = httptest.NewServer(&httputil.ReverseProxy{Rewrite: func(r *httputil.ProxyRequest) {
		w.mu.Lock()
		target, _ := url.Parse(w.cur.URL) // an emulator's URL always parses
		w.mu.Unlock()
		r.SetURL(&url.URL{Scheme: target.Scheme, Host: target.Host})
	}})
	t.Cleanup(w.front.Close)
	return w
}

// URL is the worker's invocation URL, for a LambdaRouter route.
func (w *worker) URL() string {
	u, _ := url.Parse(w.cur.URL)
	return w.front.URL + u.Path
}

// replace kills the current emulator and its runtime mid-whatever (SIGKILL,
// no shutdown hooks: an environment that died) and starts a fresh one.
func (w *worker) replace() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.cur.Close()
	w.dead = append(w.dead, w.cur.Logs())
	w.cur = testsvc.Emulate(w.t, w.c, w.fn, nil)
}

// logs is the output of every emulator the worker ran in, oldest first.
func (w *worker) logs() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return strings.Join(append(append([]string(nil), w.dead...), w.cur.Logs()), "\n")
}

// runs counts the worker's log lines with message msg for month.
func (w *worker) runs(msg, month string) int {
	n := 0
	for l := range strings.SplitSeq(w.logs(), "\n") {
		if strings.Contains(l, `"msg":"`+msg+`"`) && strings.Contains(l, `"month":"`+month+`"`) {
			n++
		}
	}
	return n
}
