package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/liftcdk/lift/examples/multiservice/inventory/api"
	"github.com/liftcdk/lift/runtime/discovery"
	"github.com/liftcdk/lift/runtime/health"
)

// OrderRequest places an order for Qty units of SKU.
type OrderRequest struct {
	OrderID string `json:"orderId"`
	SKU     string `json:"sku"`
	Qty     int    `json:"qty"`
}

// OrderReply says whether the order was accepted, with inventory's answer.
type OrderReply struct {
	OrderID   string         `json:"orderId"`
	Accepted  bool           `json:"accepted"`
	Reason    string         `json:"reason,omitempty"`
	Inventory api.StockReply `json:"inventory"`
}

// ErrBadRequest marks an order the caller must fix.
var ErrBadRequest = errors.New("orders: bad request")

type orders struct{ client *discovery.Client }

func newOrders(c *discovery.Client) *orders { return &orders{client: c} }

// Handle checks stock with inventory and accepts the order when it is there.
// The request and answer are inventory's own types (inventory/api): orders
// declares none of them.
func (o *orders) Handle(ctx context.Context, req OrderRequest) (OrderReply, error) {
	req.OrderID, req.SKU = strings.TrimSpace(req.OrderID), strings.TrimSpace(req.SKU)
	switch {
	case req.OrderID == "":
		return OrderReply{}, fmt.Errorf("%w: orderId is empty; send {\"orderId\":\"o-1\",\"sku\":\"widget\",\"qty\":1}", ErrBadRequest)
	case req.Qty <= 0:
		return OrderReply{}, fmt.Errorf("%w: qty %d for order %q must be at least 1", ErrBadRequest, req.Qty, req.OrderID)
	}
	// A stock query reads only, so it is safe to retry on another instance.
	stock, err := discovery.Call[api.StockRequest, api.StockReply](ctx, o.client, api.Service,
		api.StockRequest{SKU: req.SKU, Qty: req.Qty}, discovery.Idempotent())
	if re, ok := api.AsValidationError(err); ok {
		// inventory owns the rules for a SKU: its refusal is the caller's to fix.
		return OrderReply{}, fmt.Errorf("%w: order %q: %s refused it: %s", ErrBadRequest, req.OrderID, api.Service, re.Message)
	}
	if err != nil {
		return OrderReply{}, fmt.Errorf("orders: ask %s about %q: %w", api.Service, req.SKU, err)
	}
	reply := OrderReply{OrderID: req.OrderID, Accepted: stock.Available, Inventory: stock}
	if !stock.Available {
		reply.Reason = fmt.Sprintf("only %d of %q in stock", stock.InStock, req.SKU)
	}
	return reply, nil
}

// Warm resolves inventory's instances ahead of the first order.
func (o *orders) Warm(ctx context.Context) error {
	_, err := o.client.Pick(ctx, api.Service)
	return err
}

// CheckInventory reports whether inventory can be resolved. A dependency
// problem degrades orders (warn) rather than failing it: orders itself is
// fine and recovers as soon as inventory does.
func (o *orders) CheckInventory(ctx context.Context) error {
	if _, err := o.client.Pick(ctx, api.Service); err != nil {
		return health.Warn(err)
	}
	return nil
}
