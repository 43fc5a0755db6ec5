package lift

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/lambdacontext"

	"github.com/liftcdk/lift/runtime/metrics"
)

// syncBuffer is a goroutine-safe bytes.Buffer for captured logs and metrics.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// lines returns the JSON lines written so far.
func (s *syncBuffer) lines(t *testing.T) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, l := range strings.Split(s.String(), "\n") {
		if l == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("not a JSON line: %q: %v", l, err)
		}
		out = append(out, m)
	}
	return out
}

// metricTotal sums a metric over every EMF line written so far.
func (s *syncBuffer) metricTotal(t *testing.T, name string) float64 {
	t.Helper()
	var sum float64
	for _, m := range s.lines(t) {
		if v, ok := m[name].(float64); ok {
			sum += v
		}
	}
	return sum
}

// logsWith returns the log lines whose msg contains substr.
func (s *syncBuffer) logsWith(t *testing.T, substr string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, m := range s.lines(t) {
		if msg, _ := m["msg"].(string); strings.Contains(msg, substr) {
			out = append(out, m)
		}
	}
	return out
}

type testEnv struct {
	h       *Handler
	logs    *syncBuffer
	metrics *syncBuffer
}

// newTestHandler builds a Handler with env as its whole environment and logs
// and metrics captured.
func newTestHandler(t *testing.T, env map[string]string, handler any, opts ...Option) testEnv {
	t.Helper()
	te := testEnv{logs: &syncBuffer{}, metrics: &syncBuffer{}}
	opts = append([]Option{WithLogWriter(te.logs), WithMetrics(metrics.New(te.metrics, "Test"))}, opts...)
	h, err := newHandler(handler, func(k string) string { return env[k] }, opts...)
	if err != nil {
		t.Fatalf("newHandler: %v", err)
	}
	te.h = h
	return te
}

// invocation returns a context like aws-lambda-go's runtime loop builds.
func invocation(t *testing.T, requestID string, timeout time.Duration) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	t.Cleanup(cancel)
	return lambdacontext.NewContext(ctx, &lambdacontext.LambdaContext{AwsRequestID: requestID})
}

type order struct {
	ID  string `json:"id"`
	Qty int    `json:"qty"`
}

type receipt struct {
	ID    string `json:"id"`
	Total int    `json:"total"`
	Cold  bool   `json:"cold"`
}

func orderHandler(ctx context.Context, o order) (receipt, error) {
	return receipt{ID: o.ID, Total: o.Qty * 10, Cold: ColdStart(ctx)}, nil
}

var onDemand = map[string]string{"AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand", "LIFT_SERVICE": "orders"}
