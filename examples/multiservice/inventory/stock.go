package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/liftcdk/lift/runtime/cache"
)

// StockRequest asks whether qty units of SKU are available.
type StockRequest struct {
	SKU string `json:"sku"`
	Qty int    `json:"qty"`
}

// StockReply answers a StockRequest. Service and InstanceID say who answered,
// so a caller (and the integration test) can see discovery at work; Cached
// says the level came from the cache tiers, not from the stock store.
type StockReply struct {
	SKU        string `json:"sku"`
	Available  bool   `json:"available"`
	InStock    int    `json:"inStock"`
	Service    string `json:"service"`
	InstanceID string `json:"instanceId"`
	Cached     bool   `json:"cached"`
}

// stockTTL bounds how stale a cached level may be: an order checked against
// it can be refused (or accepted) up to this long after the stock changed.
const stockTTL = 30 * time.Second

// ErrBadRequest marks a request the caller must fix; it is not retried.
var ErrBadRequest = errors.New("inventory: bad request")

type stock struct {
	levels     map[string]int // the stock store; read-only after init: safe for concurrent invocations
	cache      cache.Cache    // memory, then the service's L2 tier (Valkey in the stack)
	service    string
	instanceID string
}

func seedStock() map[string]int {
	return map[string]int{"widget": 12, "gadget": 3, "gizmo": 0}
}

func newStock(levels map[string]int, c cache.Cache) *stock {
	return &stock{
		levels:     levels,
		cache:      c,
		service:    os.Getenv("LIFT_DISCOVERY_SERVICE"),
		instanceID: os.Getenv("LIFT_DISCOVERY_INSTANCE_ID"),
	}
}

// Handle answers one stock query.
func (s *stock) Handle(ctx context.Context, req StockRequest) (StockReply, error) {
	sku := strings.TrimSpace(req.SKU)
	if sku == "" {
		return StockReply{}, fmt.Errorf("%w: sku is empty; send {\"sku\":\"widget\",\"qty\":1}", ErrBadRequest)
	}
	if req.Qty <= 0 {
		return StockReply{}, fmt.Errorf("%w: qty %d must be at least 1", ErrBadRequest, req.Qty)
	}
	n, cached, err := s.level(ctx, sku)
	if err != nil {
		return StockReply{}, err
	}
	return StockReply{
		SKU: sku, Available: n >= req.Qty, InStock: n,
		Service: s.service, InstanceID: s.instanceID, Cached: cached,
	}, nil
}

// level reads a SKU's stock through the cache: the store is read only on a
// miss, and an unreachable cache falls through to the store (GetOrLoad fails open).
func (s *stock) level(ctx context.Context, sku string) (n int, cached bool, err error) {
	loaded := false
	n, err = cache.GetOrLoad(ctx, s.cache, "stock:"+sku, stockTTL, func(context.Context) (int, error) {
		loaded = true
		return s.levels[sku], nil // the example's store: a real one is a database read
	})
	if err != nil {
		return 0, false, fmt.Errorf("inventory: stock of %q: %w", sku, err)
	}
	return n, !loaded, nil
}

// Check is the health check: the stock table must be loaded.
func (s *stock) Check(context.Context) error {
	if len(s.levels) == 0 {
		return errors.New("inventory: no stock levels loaded")
	}
	return nil
}

// CheckCache pings the cache's L2 tier. A read cannot see an outage (reads
// fail open, so it is a miss), a ping can; an unreachable tier is a warning,
// not a failure, because inventory still serves from the store.
func (s *stock) CheckCache(ctx context.Context) error {
	return cache.HealthCheck(s.cache)(ctx)
}
