package main

import (
	"context"
	"errors"
	"testing"

	"github.com/liftcdk/lift/examples/multiservice/inventory/api"
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
		req     api.StockRequest
		want    api.StockReply
		wantErr bool
	}{
		{api.StockRequest{SKU: "widget", Qty: 2}, api.StockReply{SKU: "widget", Available: true, InStock: 12, Service: "inventory", InstanceID: "inventory-live"}, false},
		// The same SKU again: from the cache, same answer for another quantity.
		{api.StockRequest{SKU: "widget", Qty: 20}, api.StockReply{SKU: "widget", Available: false, InStock: 12, Service: "inventory", InstanceID: "inventory-live", Cached: true}, false},
		{api.StockRequest{SKU: "gadget", Qty: 4}, api.StockReply{SKU: "gadget", Available: false, InStock: 3, Service: "inventory", InstanceID: "inventory-live"}, false},
		{api.StockRequest{SKU: "unknown", Qty: 1}, api.StockReply{SKU: "unknown", InStock: 0, Service: "inventory", InstanceID: "inventory-live"}, false},
		{api.StockRequest{SKU: " ", Qty: 1}, api.StockReply{}, true},
		{api.StockRequest{SKU: "widget", Qty: 0}, api.StockReply{}, true},
	} {
		got, err := s.Handle(context.Background(), tc.req)
		_, invalid := errors.AsType[*api.ValidationError](err)
		if invalid != tc.wantErr || (err == nil) == tc.wantErr || got != tc.want {
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
