package main

import (
	"context"
	"errors"
	"testing"

	"github.com/liftcdk/lift/runtime/cache"
)

func memoryCache(t *testing.T) cache.Cache {
	t.Helper()
	m, err := cache.NewMemory()
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestHandle(t *testing.T) {
	t.Setenv("LIFT_DISCOVERY_SERVICE", "inventory")
	t.Setenv("LIFT_DISCOVERY_INSTANCE_ID", "inventory-live")
	s := newStock(seedStock(), memoryCache(t))
	for _, tc := range []struct {
		req     StockRequest
		want    StockReply
		wantErr error
	}{
		{StockRequest{SKU: "widget", Qty: 2}, StockReply{SKU: "widget", Available: true, InStock: 12, Service: "inventory", InstanceID: "inventory-live"}, nil},
		// The same SKU again: from the cache, same answer for another quantity.
		{StockRequest{SKU: "widget", Qty: 20}, StockReply{SKU: "widget", Available: false, InStock: 12, Service: "inventory", InstanceID: "inventory-live", Cached: true}, nil},
		{StockRequest{SKU: "gadget", Qty: 4}, StockReply{SKU: "gadget", Available: false, InStock: 3, Service: "inventory", InstanceID: "inventory-live"}, nil},
		{StockRequest{SKU: "unknown", Qty: 1}, StockReply{SKU: "unknown", InStock: 0, Service: "inventory", InstanceID: "inventory-live"}, nil},
		{StockRequest{SKU: " ", Qty: 1}, StockReply{}, ErrBadRequest},
		{StockRequest{SKU: "widget", Qty: 0}, StockReply{}, ErrBadRequest},
	} {
		got, err := s.Handle(context.Background(), tc.req)
		if !errors.Is(err, tc.wantErr) || got != tc.want {
			t.Errorf("Handle(%+v) = %+v, %v; want %+v, %v", tc.req, got, err, tc.want, tc.wantErr)
		}
	}
	if err := s.Check(context.Background()); err != nil {
		t.Errorf("Check = %v", err)
	}
	if err := s.CheckCache(context.Background()); err != nil {
		t.Errorf("CheckCache = %v", err)
	}
	if err := newStock(nil, memoryCache(t)).Check(context.Background()); err == nil {
		t.Error("Check with no stock passed")
	}
}
