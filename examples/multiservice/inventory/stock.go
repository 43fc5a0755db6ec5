package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/liftcdk/lift/internal/contract"
)

// StockRequest asks whether qty units of SKU are available.
type StockRequest struct {
	SKU string `json:"sku"`
	Qty int    `json:"qty"`
}

// StockReply answers a StockRequest. Service and InstanceID say who answered,
// so a caller (and the integration test) can see discovery at work.
type StockReply struct {
	SKU        string `json:"sku"`
	Available  bool   `json:"available"`
	InStock    int    `json:"inStock"`
	Service    string `json:"service"`
	InstanceID string `json:"instanceId"`
}

// ErrBadRequest marks a request the caller must fix; it is not retried.
var ErrBadRequest = errors.New("inventory: bad request")

type stock struct {
	levels     map[string]int // read-only after init: safe for concurrent invocations
	service    string
	instanceID string
}

func seedStock() map[string]int {
	return map[string]int{"widget": 12, "gadget": 3, "gizmo": 0}
}

func newStock(levels map[string]int) *stock {
	return &stock{
		levels:     levels,
		service:    os.Getenv(contract.EnvDiscoveryService),
		instanceID: os.Getenv(contract.EnvDiscoveryInstanceID),
	}
}

// Handle answers one stock query.
func (s *stock) Handle(_ context.Context, req StockRequest) (StockReply, error) {
	sku := strings.TrimSpace(req.SKU)
	if sku == "" {
		return StockReply{}, fmt.Errorf("%w: sku is empty; send {\"sku\":\"widget\",\"qty\":1}", ErrBadRequest)
	}
	if req.Qty <= 0 {
		return StockReply{}, fmt.Errorf("%w: qty %d must be at least 1", ErrBadRequest, req.Qty)
	}
	n := s.levels[sku]
	return StockReply{
		SKU: sku, Available: n >= req.Qty, InStock: n,
		Service: s.service, InstanceID: s.instanceID,
	}, nil
}

// Check is the health check: the stock table must be loaded.
func (s *stock) Check(context.Context) error {
	if len(s.levels) == 0 {
		return errors.New("inventory: no stock levels loaded")
	}
	return nil
}
