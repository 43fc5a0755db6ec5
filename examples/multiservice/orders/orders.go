package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/liftcdk/lift/runtime/discovery"
	"github.com/liftcdk/lift/runtime/health"
)

// InventoryService is the Cloud Map service orders calls; the stack connects
// orders to it, which lists it in LIFT_DISCOVERY_TARGETS.
const InventoryService = "inventory"

// OrderRequest places an order for Qty units of SKU.
type OrderRequest struct {
	OrderID string `json:"orderId"`
	SKU     string `json:"sku"`
	Qty     int    `json:"qty"`
}

// StockReply is inventory's answer, as it sends it.
type StockReply struct {
	SKU        string `json:"sku"`
	Available  bool   `json:"available"`
	InStock    int    `json:"inStock"`
	Service    string `json:"service"`
	InstanceID string `json:"instanceId"`
	Cached     bool   `json:"cached"`
}

// OrderReply says whether the order was accepted, with inventory's answer.
type OrderReply struct {
	OrderID   string     `json:"orderId"`
	Accepted  bool       `json:"accepted"`
	Reason    string     `json:"reason,omitempty"`
	Inventory StockReply `json:"inventory"`
}

// ErrBadRequest marks an order the caller must fix.
var ErrBadRequest = errors.New("orders: bad request")

// invoker is the part of *discovery.Client orders uses; tests fake it.
type invoker interface {
	Invoke(ctx context.Context, service string, payload []byte, opts ...discovery.CallOption) ([]byte, error)
	Pick(ctx context.Context, service string) (*discovery.Instance, error)
}

type orders struct{ inventory invoker }

func newOrders(c invoker) *orders { return &orders{inventory: c} }

// Handle checks stock with inventory and accepts the order when it is there.
func (o *orders) Handle(ctx context.Context, req OrderRequest) (OrderReply, error) {
	req.OrderID, req.SKU = strings.TrimSpace(req.OrderID), strings.TrimSpace(req.SKU)
	switch {
	case req.OrderID == "":
		return OrderReply{}, fmt.Errorf("%w: orderId is empty; send {\"orderId\":\"o-1\",\"sku\":\"widget\",\"qty\":1}", ErrBadRequest)
	case req.SKU == "":
		return OrderReply{}, fmt.Errorf("%w: sku is empty for order %q", ErrBadRequest, req.OrderID)
	case req.Qty <= 0:
		return OrderReply{}, fmt.Errorf("%w: qty %d for order %q must be at least 1", ErrBadRequest, req.Qty, req.OrderID)
	}
	payload, err := json.Marshal(map[string]any{"sku": req.SKU, "qty": req.Qty})
	if err != nil {
		return OrderReply{}, err
	}
	// A stock query reads only, so it is safe to retry on another instance.
	out, err := o.inventory.Invoke(ctx, InventoryService, payload, discovery.Idempotent())
	if err != nil {
		return OrderReply{}, fmt.Errorf("orders: ask %s about %q: %w", InventoryService, req.SKU, err)
	}
	var stock StockReply
	if err := json.Unmarshal(out, &stock); err != nil {
		return OrderReply{}, fmt.Errorf("orders: %s answered %.200q: %w", InventoryService, out, err)
	}
	reply := OrderReply{OrderID: req.OrderID, Accepted: stock.Available, Inventory: stock}
	if !stock.Available {
		reply.Reason = fmt.Sprintf("only %d of %q in stock", stock.InStock, req.SKU)
	}
	return reply, nil
}

// Warm resolves inventory's instances ahead of the first order.
func (o *orders) Warm(ctx context.Context) error {
	_, err := o.inventory.Pick(ctx, InventoryService)
	return err
}

// CheckInventory reports whether inventory can be resolved. A dependency
// problem degrades orders (warn) rather than failing it: orders itself is
// fine and recovers as soon as inventory does.
func (o *orders) CheckInventory(ctx context.Context) error {
	if _, err := o.inventory.Pick(ctx, InventoryService); err != nil {
		return health.Warn(err)
	}
	return nil
}
