package main

import (
	"context"
	"errors"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/servicediscovery"
	sdtypes "github.com/aws/aws-sdk-go-v2/service/servicediscovery/types"

	"github.com/liftcdk/lift/examples/multiservice/inventory/api"
	"github.com/liftcdk/lift/runtime/discovery"
	"github.com/liftcdk/lift/runtime/lift"
)

const inventoryARN = "arn:aws:lambda:us-east-1:123456789012:function:inventory:live"

// cloudMap lists one inventory instance, or none.
type cloudMap struct{ empty bool }

func (c cloudMap) DiscoverInstances(context.Context, *servicediscovery.DiscoverInstancesInput, ...func(*servicediscovery.Options)) (*servicediscovery.DiscoverInstancesOutput, error) {
	out := &servicediscovery.DiscoverInstancesOutput{InstancesRevision: aws.Int64(1)}
	if !c.empty {
		out.Instances = []sdtypes.HttpInstanceSummary{{InstanceId: aws.String("inventory-live"), HealthStatus: sdtypes.HealthStatusHealthy,
			Attributes: map[string]string{"LIFT_FUNCTION_ARN": inventoryARN, "LIFT_PROTOCOL": "lambda"}}} // as cloudmap.Register writes them
	}
	return out, nil
}

func (cloudMap) DiscoverInstancesRevision(context.Context, *servicediscovery.DiscoverInstancesRevisionInput, ...func(*servicediscovery.Options)) (*servicediscovery.DiscoverInstancesRevisionOutput, error) {
	return &servicediscovery.DiscoverInstancesRevisionOutput{InstancesRevision: aws.Int64(1)}, nil
}

// inventoryStandIn answers as inventory does: it validates with inventory's
// own api package and returns *api.ValidationError as it is.
type inventoryStandIn struct {
	mu    sync.Mutex
	calls int
	got   api.StockRequest
}

func (s *inventoryStandIn) Handle(_ context.Context, req api.StockRequest) (any, error) {
	s.mu.Lock()
	s.calls++
	s.got = req
	s.mu.Unlock()
	if err := req.Validate(); err != nil {
		return nil, err
	}
	switch req.SKU {
	case "broken":
		return nil, errors.New("store unreachable")
	case "garbled":
		return []string{"not", "a", "reply"}, nil
	case "gadget":
		return api.StockReply{SKU: req.SKU, InStock: 3, Service: api.Service, InstanceID: "inventory-live"}, nil
	}
	return api.StockReply{SKU: req.SKU, Available: true, InStock: 12, Service: api.Service, InstanceID: "inventory-live"}, nil
}

// newClient returns a discovery client whose Lambda calls go, through the
// AWS SDK, to inv served by Lift's local mode (the Lambda Invoke API shape,
// function errors as Lambda renders them).
func newClient(t *testing.T, inv *inventoryStandIn, cm cloudMap) *discovery.Client {
	t.Helper()
	h, err := lift.NewHandler(inv.Handle)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- h.ServeLocal(ctx, ln, 5*time.Second) }()
	t.Cleanup(func() { cancel(); <-done })

	lc := lambda.New(lambda.Options{Region: "us-east-1", BaseEndpoint: aws.String("http://" + ln.Addr().String()),
		Credentials: credentials.NewStaticCredentialsProvider("test", "test", "")})
	r, err := discovery.NewResolver(cm, "lift-multiservice")
	if err != nil {
		t.Fatal(err)
	}
	c, err := discovery.NewClient(r, discovery.WithLambdaClient(lc), discovery.WithRetryPolicy(discovery.RetryPolicy{MaxAttempts: 1}))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestHandle(t *testing.T) {
	inv := &inventoryStandIn{}
	o := newOrders(newClient(t, inv, cloudMap{}))
	got, err := o.Handle(context.Background(), OrderRequest{OrderID: "o-1", SKU: " widget ", Qty: 2})
	if err != nil {
		t.Fatal(err)
	}
	if inv.got != (api.StockRequest{SKU: "widget", Qty: 2}) {
		t.Errorf("inventory was asked %+v", inv.got)
	}
	want := OrderReply{OrderID: "o-1", Accepted: true, Inventory: api.StockReply{SKU: "widget", Available: true, InStock: 12, Service: "inventory", InstanceID: "inventory-live"}}
	if got != want {
		t.Errorf("Handle = %+v, want %+v", got, want)
	}

	got, err = o.Handle(context.Background(), OrderRequest{OrderID: "o-2", SKU: "gadget", Qty: 5})
	if err != nil || got.Accepted || !strings.Contains(got.Reason, "only 3") {
		t.Errorf("short stock: %+v, %v", got, err)
	}
}

// TestInventoryValidationErrorArrivesTyped: inventory refuses a SKU by its
// own rules; orders receives a *discovery.RemoteError it matches with
// api.AsValidationError and answers as its caller's bad request.
func TestInventoryValidationErrorArrivesTyped(t *testing.T) {
	inv := &inventoryStandIn{}
	c := newClient(t, inv, cloudMap{})
	_, err := discovery.Call[api.StockRequest, api.StockReply](context.Background(), c, api.Service, api.StockRequest{SKU: "Bad SKU!", Qty: 1})
	re, ok := api.AsValidationError(err)
	if !ok || re.Service != api.Service || re.FunctionError != "Unhandled" || !strings.Contains(re.Message, `"Bad SKU!" may hold only`) {
		t.Fatalf("Call = %v (%+v), want inventory's ValidationError", err, re)
	}

	_, err = newOrders(c).Handle(context.Background(), OrderRequest{OrderID: "o-3", SKU: "Bad SKU!", Qty: 1})
	if !errors.Is(err, ErrBadRequest) || !strings.Contains(err.Error(), `inventory refused it: sku "Bad SKU!" may hold only`) {
		t.Fatalf("Handle = %v, want a bad request quoting inventory", err)
	}
}

func TestHandleErrors(t *testing.T) {
	for _, tc := range []struct {
		name   string
		req    OrderRequest
		badReq bool
		calls  int
	}{
		{"no order id", OrderRequest{SKU: "w", Qty: 1}, true, 0},
		{"no qty", OrderRequest{OrderID: "o", SKU: "w"}, true, 0},
		{"no sku: inventory refuses", OrderRequest{OrderID: "o", Qty: 1}, true, 1},
		{"inventory fails", OrderRequest{OrderID: "o", SKU: "broken", Qty: 1}, false, 1},
		{"inventory garbles", OrderRequest{OrderID: "o", SKU: "garbled", Qty: 1}, false, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			inv := &inventoryStandIn{}
			_, err := newOrders(newClient(t, inv, cloudMap{})).Handle(context.Background(), tc.req)
			if err == nil || errors.Is(err, ErrBadRequest) != tc.badReq {
				t.Errorf("error = %v, want bad request %v", err, tc.badReq)
			}
			if inv.calls != tc.calls {
				t.Errorf("inventory called %d times, want %d", inv.calls, tc.calls)
			}
		})
	}
}

func TestWarmAndCheck(t *testing.T) {
	ok := newOrders(newClient(t, &inventoryStandIn{}, cloudMap{}))
	if err := ok.Warm(context.Background()); err != nil {
		t.Errorf("Warm = %v", err)
	}
	if err := ok.CheckInventory(context.Background()); err != nil {
		t.Errorf("CheckInventory = %v", err)
	}
	bad := newOrders(newClient(t, &inventoryStandIn{}, cloudMap{empty: true}))
	if err := bad.CheckInventory(context.Background()); err == nil || !errors.Is(err, discovery.ErrNoInstances) {
		t.Errorf("CheckInventory with no instances = %v", err)
	}
}
