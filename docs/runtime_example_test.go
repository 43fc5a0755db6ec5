package docs_test

// The Go snippets of runtime.md, verbatim (TestRuntimeSnippetsCompile checks
// that each ```go block of runtime.md appears here line for line). Examples
// with an Output comment run; the others call lift.Start, which never returns
// inside Lambda, so they are compiled only.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"time"

	"github.com/aws/aws-lambda-go/lambdacontext"
	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"

	"github.com/liftcdk/lift/examples/multiservice/inventory/api"
	"github.com/liftcdk/lift/runtime/cache"
	"github.com/liftcdk/lift/runtime/cache/cacheenv"
	"github.com/liftcdk/lift/runtime/cache/dynamocache"
	"github.com/liftcdk/lift/runtime/discovery"
	"github.com/liftcdk/lift/runtime/health"
	"github.com/liftcdk/lift/runtime/health/cloudmaphealth"
	"github.com/liftcdk/lift/runtime/lift"
	"github.com/liftcdk/lift/runtime/metrics"
	"github.com/liftcdk/lift/runtime/tracing"
	"github.com/liftcdk/lift/runtime/tracing/otlptracing"
	"github.com/liftcdk/lift/runtime/web"
)

type Order struct {
	ID  string `json:"id"`
	Qty int    `json:"qty"`
}

type Receipt struct {
	ID    string `json:"id"`
	Total int    `json:"total"`
}

// DB stands in for any client built once at init (a SQL pool, an HTTP client).
type DB struct{ connected bool }

func (db *DB) Ping(ctx context.Context) error  { db.connected = true; return nil }
func (db *DB) Close(ctx context.Context) error { db.connected = false; return nil }

var db = &DB{}

// Example_handler is the shape of every Lift handler's main.
func Example_handler() {
	handle := func(ctx context.Context, o Order) (Receipt, error) {
		if o.Qty <= 0 {
			return Receipt{}, errors.New("qty must be positive")
		}
		lift.Logger(ctx).Info("order priced", "id", o.ID)
		return Receipt{ID: o.ID, Total: o.Qty * 250}, nil
	}
	lift.Start(handle,
		lift.OnWarmup("db", db.Ping),        // once per process, on the first warm-up event
		lift.WithHealthCheck("db", db.Ping), // on every {"lift":"health"} event
		lift.OnShutdown("db", db.Close),     // on SIGTERM, last-registered-first
		lift.WithShutdownBudget(300*time.Millisecond),
	)
}

// Example_healthReport answers a health event the way Lambda would deliver it,
// through lift.NewHandler (the lambda.Handler that Start runs).
func Example_healthReport() {
	h, err := lift.NewHandler(
		func(ctx context.Context, o Order) (Receipt, error) { return Receipt{ID: o.ID}, nil },
		lift.WithHealthCheck("db", func(ctx context.Context) error { return nil }),
		lift.WithHealthCheck("cache", func(ctx context.Context) error {
			return health.Warn(errors.New("L2 unreachable; serving from memory"))
		}),
		lift.WithLogWriter(io.Discard),
		lift.WithMetrics(metrics.New(io.Discard, "Example")),
	)
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx := lambdacontext.NewContext(context.Background(), &lambdacontext.LambdaContext{AwsRequestID: "req-1"})
	out, err := h.Invoke(ctx, []byte(`{"lift":"health"}`))
	var report health.Response
	if err == nil {
		err = json.Unmarshal(out, &report)
	}
	fmt.Println(err, report.Status == health.StatusWarn, report.Checks["cache"][0].Status)
	// Output:
	// <nil> true warn
}

// Example_cacheFromEnv builds the tiers the CDK app configured, once at init.
func Example_cacheFromEnv() {
	ctx := context.Background()
	// Every L2 backend linked in: the CDK app may switch the tier without a code change.
	store, err := cacheenv.FromEnv(ctx)
	if err != nil {
		slog.Error("cache configuration", "error", err)
		os.Exit(1) // an init error: Lambda reports it and retries the init
	}
	lift.Start(func(ctx context.Context, o Order) (Receipt, error) {
		return cache.GetOrLoad(ctx, store, "receipt:"+o.ID, 5*time.Minute,
			func(ctx context.Context) (Receipt, error) { return Receipt{ID: o.ID, Total: o.Qty * 250}, nil },
			cache.WithStaleWhileRevalidate(time.Minute),
		)
	})
}

// Example_cacheOneBackend links only the DynamoDB client.
func Example_cacheOneBackend() {
	store, err := cache.FromEnv(context.Background(), cache.WithBackend(dynamocache.Backend()))
	if err != nil {
		slog.Error("cache configuration", "error", err)
		os.Exit(1)
	}
	_ = store
}

// Example_cacheHealth registers the cache's warm-up and health check.
func Example_cacheHealth() {
	store, err := cacheenv.FromEnv(context.Background())
	if err != nil {
		slog.Error("cache configuration", "error", err)
		os.Exit(1)
	}
	lift.Start(func(ctx context.Context, o Order) (Receipt, error) { return Receipt{ID: o.ID}, nil },
		lift.OnWarmup("cache", store.Warm),                      // connects before the first request
		lift.WithHealthCheck("cache", cache.HealthCheck(store)), // pings L2: warn while it is down
	)
}

// Example_getOrLoad runs a memory-only cache (LIFT_CACHE_KIND unset) to show
// that the loader runs once, that tenants are separate namespaces, and that a
// "does not exist" answer can be cached too.
func Example_getOrLoad() {
	ctx := context.Background()
	env := map[string]string{"LIFT_SERVICE": "orders"} // what gofunction sets
	store, err := cache.FromEnv(ctx, cache.WithLookupEnv(func(k string) (string, bool) {
		v, ok := env[k]
		return v, ok
	}))
	if err != nil {
		fmt.Println(err)
		return
	}

	loads := 0
	load := func(ctx context.Context) (Receipt, error) {
		loads++
		return Receipt{ID: "o-1", Total: 500}, nil
	}
	acme, _ := store.Tenant("acme")
	for range 3 {
		r, _ := cache.GetOrLoad(ctx, acme, "receipt:o-1", time.Minute, load)
		fmt.Println(r.Total)
	}
	fmt.Println("loads:", loads)

	globex, _ := store.Tenant("globex") // another tenant never sees acme's value
	cache.GetOrLoad(ctx, globex, "receipt:o-1", time.Minute, load)
	fmt.Println("loads:", loads)

	missing := func(ctx context.Context) (Receipt, error) {
		loads++
		return Receipt{}, fmt.Errorf("order o-9: %w", cache.ErrNotFound)
	}
	for range 2 {
		_, err := cache.GetOrLoad(ctx, acme, "receipt:o-9", time.Minute, missing, cache.WithNegativeTTL(10*time.Second))
		fmt.Println(errors.Is(err, cache.ErrNotFound))
	}
	fmt.Println("loads:", loads)
	// Output:
	// 500
	// 500
	// 500
	// loads: 1
	// loads: 2
	// true
	// true
	// loads: 3
}

// Example_discovery calls another Lift service found in Cloud Map.
func Example_discovery() {
	ctx := context.Background()
	cfg, err := awsconfig.LoadDefaultConfig(ctx)
	if err != nil {
		slog.Error("aws config", "error", err)
		os.Exit(1)
	}
	// LIFT_DISCOVERY_NAMESPACE, _TARGETS, _REFRESH, _MAX_STALE come from cloudmap.Connect.
	client, err := discovery.FromEnv(ctx, cfg, discovery.WithStrategy(discovery.LeastOutstanding))
	if err != nil {
		slog.Error("discovery configuration", "error", err)
		os.Exit(1)
	}
	lift.Start(func(ctx context.Context, o Order) ([]byte, error) {
		payload := fmt.Appendf(nil, `{"sku":%q}`, o.ID)
		out, err := client.Invoke(ctx, "inventory", payload,
			discovery.Idempotent(),                         // a read: safe to retry on another instance
			discovery.AttemptTimeout(300*time.Millisecond), // a hung instance leaves time to retry
		)
		switch {
		case errors.Is(err, discovery.ErrCircuitOpen):
			return nil, fmt.Errorf("inventory is failing, try later: %w", err)
		case err != nil:
			return nil, err
		}
		return out, nil
	})
}

// Example_typedCall calls inventory with the types of its api package.
func Example_typedCall() {
	client, err := discovery.FromEnv(context.Background(), aws.Config{})
	if err != nil {
		return
	}
	order := func(ctx context.Context, sku string, qty int) error {
		stock, err := discovery.Call[api.StockRequest, api.StockReply](ctx, client, api.Service,
			api.StockRequest{SKU: sku, Qty: qty}, discovery.Idempotent())
		if re, ok := api.AsValidationError(err); ok {
			return fmt.Errorf("inventory refused the order: %s", re.Message) // the caller's to fix
		}
		if err != nil {
			return err
		}
		fmt.Println(stock.InStock)
		return nil
	}
	_ = order
}

// Example_tracing records spans as LIFT_TRACING says.
func Example_tracing() {
	// nil, and no cost, with LIFT_TRACING unset or none; otlptracing.Backend()
	// links the OTLP exporter (LIFT_TRACING=otlp), which stdout does not need.
	tp, err := tracing.FromEnv(context.Background(), otlptracing.Backend())
	if err != nil {
		slog.Error("tracing configuration", "error", err)
		os.Exit(1)
	}
	lift.Start(func(ctx context.Context, o Order) (Receipt, error) {
		lift.Logger(ctx).Info("placing order") // carries traceId and spanId
		return Receipt{ID: o.ID}, nil
	}, lift.OnShutdown("tracing", tp.Shutdown))
}

// Example_cloudMapHealth reports this function's health to its Cloud Map instance.
func Example_cloudMapHealth() {
	ctx := context.Background()
	cfg, err := awsconfig.LoadDefaultConfig(ctx)
	if err != nil {
		slog.Error("aws config", "error", err)
		os.Exit(1)
	}
	// LIFT_DISCOVERY_SERVICE_ID and LIFT_DISCOVERY_INSTANCE_ID come from Service.Register.
	reporter, err := cloudmaphealth.FromEnv(ctx, cfg)
	if err != nil {
		slog.Error("health reporter configuration", "error", err)
		os.Exit(1)
	}
	lift.Start(func(ctx context.Context, o Order) (Receipt, error) { return Receipt{ID: o.ID}, nil },
		lift.WithHealthCheck("db", db.Ping),
		lift.WithHealthReporter(reporter), // after every health event and warm-up
	)
}

// Example_metrics counts a business event. The counter is made once at init;
// lift.Start flushes metrics.Default() after every invocation.
func Example_metrics() {
	ordersPlaced := metrics.Default().Counter("OrdersPlaced", metrics.ServiceDimension())
	lift.Start(func(ctx context.Context, o Order) (Receipt, error) {
		ordersPlaced.Add(1) // atomic, no allocation
		return Receipt{ID: o.ID, Total: o.Qty * 250}, nil
	})
}

// Example_emf shows the EMF line a flush writes.
func Example_emf() {
	w := metrics.New(os.Stdout, "Lift")
	hits := w.Counter("CacheHits", metrics.Dimension{Name: "Service", Value: "orders"}, metrics.Dimension{Name: "Tier", Value: "memory"})
	hits.Add(3)
	w.Flush()
}

// The HTTP section's snippets.

func Example_startHTTP() {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /items/{id}", func(w http.ResponseWriter, r *http.Request) {
		rc, _ := lift.RequestContextFrom(r.Context()) // event kind, request id, cold start, authorizer
		sub, _ := rc.Claim("sub")
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"id":%q,"user":%q}`, r.PathValue("id"), sub)
	})
	lift.StartHTTP(mux, lift.OnShutdown("flush", func(ctx context.Context) error { return nil }))
}

var errNoStock = errors.New("no stock")

func reserve(ctx context.Context, id string) error { return errNoStock }

func Example_problems() {
	reserveItem := lift.ErrorHandler(func(w http.ResponseWriter, r *http.Request) error {
		err := reserve(r.Context(), r.PathValue("id"))
		if errors.Is(err, errNoStock) {
			return lift.NewProblem(http.StatusConflict, "the item is out of stock") // a 409 problem+json
		}
		if err != nil {
			return err // logged; the caller gets a 500 problem with the request id, nothing more
		}
		w.WriteHeader(http.StatusNoContent)
		return nil
	})
	http.Handle("POST /items/{id}/reservations", reserveItem)
}

var createItem = web.MustCompileSchema("create-item.json", []byte(`{
  "type": "object",
  "required": ["name"],
  "properties": {"name": {"type": "string", "minLength": 1}}
}`))

func Example_middleware() {
	items, err := cache.FromEnv(context.Background()) // memory, plus DynamoDB or Valkey when configured
	if err != nil {
		panic(err)
	}
	cached := web.ResponseCache(items, web.WithDefaultTTL(30*time.Second))
	tenant := web.Tenant(web.TenantClaim("custom:tenant"))

	mux := http.NewServeMux()
	mux.Handle("GET /items/{id}", tenant(cached(http.HandlerFunc(getItem))))
	mux.Handle("POST /items", tenant(cached(web.ValidateRequest(createItem, 0)(http.HandlerFunc(postItem)))))
	lift.StartHTTP(web.RequestID(web.AccessLog(mux)))
}

func getItem(w http.ResponseWriter, r *http.Request)  {}
func postItem(w http.ResponseWriter, r *http.Request) {}

func Example_streaming() {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /events", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		for i := range 3 {
			fmt.Fprintf(w, "data: %d\n\n", i)
			w.(http.Flusher).Flush() // reaches the caller now
		}
	})
	lift.StartHTTP(mux, lift.WithResponseStreaming()) // function URL with InvokeMode RESPONSE_STREAM
}
