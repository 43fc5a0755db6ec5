package tracing_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/lambdacontext"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/servicediscovery"
	sdtypes "github.com/aws/aws-sdk-go-v2/service/servicediscovery/types"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/liftcdk/lift/internal/testsvc"
	"github.com/liftcdk/lift/runtime/cache"
	"github.com/liftcdk/lift/runtime/discovery"
	"github.com/liftcdk/lift/runtime/lift"
	"github.com/liftcdk/lift/runtime/tracing"
	"github.com/liftcdk/lift/runtime/tracing/otlptracing"
)

type query struct {
	SKU string `json:"sku"`
}

type answer struct {
	InStock int `json:"inStock"`
}

// oneInstance is a Cloud Map listing one HTTP instance at url.
type oneInstance struct{ url string }

func (c oneInstance) DiscoverInstances(context.Context, *servicediscovery.DiscoverInstancesInput, ...func(*servicediscovery.Options)) (*servicediscovery.DiscoverInstancesOutput, error) {
	return &servicediscovery.DiscoverInstancesOutput{InstancesRevision: aws.Int64(1), Instances: []sdtypes.HttpInstanceSummary{{
		InstanceId: aws.String("inventory-1"), HealthStatus: sdtypes.HealthStatusHealthy,
		Attributes: map[string]string{"LIFT_PROTOCOL": "http", "LIFT_URL": c.url}}}}, nil
}

func (oneInstance) DiscoverInstancesRevision(context.Context, *servicediscovery.DiscoverInstancesRevisionInput, ...func(*servicediscovery.Options)) (*servicediscovery.DiscoverInstancesRevisionOutput, error) {
	return &servicediscovery.DiscoverInstancesRevisionOutput{InstancesRevision: aws.Int64(1)}, nil
}

// jsonLines are the JSON objects among the lines written to s.
func jsonLines(s *testsvc.SyncBuffer) []map[string]any {
	var out []map[string]any
	sc := bufio.NewScanner(strings.NewReader(s.String()))
	for sc.Scan() {
		var m map[string]any
		if json.Unmarshal(sc.Bytes(), &m) == nil {
			out = append(out, m)
		}
	}
	return out
}

// TestOneTraceAcrossTwoServices: a caller invocation calls a callee's front
// door through discovery.Call; the callee reads through the cache. All of it
// is one trace, each span under the one before, and both services' log lines
// carry its trace id.
func TestOneTraceAcrossTwoServices(t *testing.T) {
	exp := tracetest.NewInMemoryExporter()
	p := tracing.New(exp)
	t.Cleanup(func() { _ = p.Shutdown(context.Background()) })
	var logs testsvc.SyncBuffer

	mem, err := cache.NewMemory()
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /stock", func(w http.ResponseWriter, r *http.Request) {
		n, err := cache.GetOrLoad(r.Context(), mem, "stock:widget", time.Minute, func(context.Context) (int, error) { return 12, nil })
		if err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		lift.Logger(r.Context()).Info("callee answered")
		_ = json.NewEncoder(w).Encode(answer{InStock: n})
	})
	callee, err := lift.NewHTTPHandler(mux, lift.WithLogWriter(&logs))
	if err != nil {
		t.Fatal(err)
	}
	calleeURL := serveLocal(t, callee)

	r, err := discovery.NewResolver(oneInstance{url: calleeURL}, "lift-test")
	if err != nil {
		t.Fatal(err)
	}
	client, err := discovery.NewClient(r)
	if err != nil {
		t.Fatal(err)
	}
	caller, err := lift.NewHandler(func(ctx context.Context, q query) (answer, error) {
		lift.Logger(ctx).Info("caller calling")
		return discovery.Call[query, answer](ctx, client, "inventory", q, discovery.WithPath("/stock"))
	}, lift.WithLogWriter(&logs))
	if err != nil {
		t.Fatal(err)
	}
	ictx := lambdacontext.NewContext(context.Background(), &lambdacontext.LambdaContext{AwsRequestID: "req-1"})
	out, err := caller.Invoke(ictx, []byte(`{"sku":"widget"}`))
	if err != nil || string(out) != `{"inStock":12}` {
		t.Fatalf("Invoke = %s, %v", out, err)
	}
	if err := p.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}

	spans := exp.GetSpans()
	byName := map[string]tracetest.SpanStub{}
	for _, s := range spans {
		byName[s.Name] = s
	}
	inv, call, req, get := byName["invocation"], byName["discovery.call"], byName["HTTP POST"], byName["cache.get"]
	if len(spans) != 4 || !inv.SpanContext.IsValid() || !call.SpanContext.IsValid() || !req.SpanContext.IsValid() || !get.SpanContext.IsValid() {
		t.Fatalf("spans = %v, want invocation, discovery.call, HTTP POST, cache.get", names(spans))
	}
	traceID := inv.SpanContext.TraceID()
	for _, c := range []struct {
		child, parent tracetest.SpanStub
	}{{call, inv}, {req, call}, {get, req}} {
		if c.child.SpanContext.TraceID() != traceID || c.child.Parent.SpanID() != c.parent.SpanContext.SpanID() {
			t.Errorf("%s: trace %s parent %s, want trace %s parent %s (%s)", c.child.Name, c.child.SpanContext.TraceID(),
				c.child.Parent.SpanID(), traceID, c.parent.SpanContext.SpanID(), c.parent.Name)
		}
	}
	if !req.Parent.IsRemote() {
		t.Error("the callee's request span does not have the caller's span as a remote parent")
	}
	want := map[string]map[string]any{
		"invocation":     {"faas.invocation_id": "req-1", "faas.coldstart": true},
		"discovery.call": {"lift.discovery.service": "inventory", "lift.discovery.instance": "inventory-1", "lift.discovery.attempt": int64(1), "lift.discovery.breaker": "closed"},
		"HTTP POST":      {"http.route": "POST /stock", "http.response.status_code": int64(200)},
		"cache.get":      {"lift.cache.tier": "loader", "lift.cache.hit": false},
	}
	for name, attrs := range want {
		got := attrsOf(byName[name])
		for k, v := range attrs {
			if got[k] != v {
				t.Errorf("%s: %s = %v, want %v (all: %v)", name, k, got[k], v, got)
			}
		}
	}

	seen := map[string]string{}
	for _, l := range jsonLines(&logs) {
		if msg, _ := l["msg"].(string); msg == "caller calling" || msg == "callee answered" {
			seen[msg], _ = l["traceId"].(string)
		}
	}
	if seen["caller calling"] != traceID.String() || seen["callee answered"] != traceID.String() {
		t.Fatalf("log lines' trace ids = %v, want both %s", seen, traceID)
	}
}

// serveLocal serves h in local mode on a loopback port until the test ends
// and returns its base URL.
func serveLocal(t *testing.T, h *lift.Handler) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- h.ServeLocal(ctx, ln, 5*time.Second) }()
	t.Cleanup(func() { cancel(); <-done })
	return "http://" + ln.Addr().String()
}

func names(spans tracetest.SpanStubs) []string {
	var out []string
	for _, s := range spans {
		out = append(out, s.Name)
	}
	return out
}

func attrsOf(s tracetest.SpanStub) map[string]any {
	out := map[string]any{}
	for _, a := range s.Attributes {
		out[string(a.Key)] = a.Value.AsInterface()
	}
	return out
}

func TestFromEnv(t *testing.T) {
	for _, mode := range []string{"", "none"} {
		t.Setenv("LIFT_TRACING", mode)
		if p, err := tracing.FromEnv(context.Background()); p != nil || err != nil {
			t.Fatalf("LIFT_TRACING=%q: %v, %v; want tracing off", mode, p, err)
		}
	}
	t.Setenv("LIFT_TRACING", "xray")
	if _, err := tracing.FromEnv(context.Background()); err == nil {
		t.Fatal("LIFT_TRACING=xray accepted")
	}
	t.Setenv("LIFT_TRACING", "stdout")
	p, err := tracing.FromEnv(context.Background())
	if err != nil || p == nil {
		t.Fatalf("stdout: %v, %v", p, err)
	}
	_ = p.Shutdown(context.Background())
	t.Setenv("LIFT_TRACING", "otlp")
	if p, err := tracing.FromEnv(context.Background()); p != nil || !errors.Is(err, tracing.ErrInvalidConfig) ||
		!strings.Contains(err.Error(), "otlptracing.Backend()") {
		t.Fatalf("otlp without its backend: %v, %v; want ErrInvalidConfig naming otlptracing.Backend()", p, err)
	}
	p, err = tracing.FromEnv(context.Background(), otlptracing.Backend())
	if err != nil || p == nil {
		t.Fatalf("otlp with otlptracing.Backend(): %v, %v", p, err)
	}
	_ = p.Shutdown(context.Background())
	var nilp *tracing.Provider
	if nilp.Flush(context.Background()) != nil || nilp.Shutdown(context.Background()) != nil {
		t.Fatal("a nil Provider is not a no-op")
	}
}
