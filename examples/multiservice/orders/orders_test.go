package main

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/liftcdk/lift/runtime/discovery"
)

type fakeInventory struct {
	reply   string
	err     error
	gotSvc  string
	gotBody map[string]any
	calls   int
}

func (f *fakeInventory) Invoke(_ context.Context, service string, payload []byte, _ ...discovery.CallOption) ([]byte, error) {
	f.calls++
	f.gotSvc = service
	f.gotBody = nil
	_ = json.Unmarshal(payload, &f.gotBody)
	return []byte(f.reply), f.err
}

func (f *fakeInventory) Pick(context.Context, string) (*discovery.Instance, error) {
	if f.err != nil {
		return nil, f.err
	}
	return &discovery.Instance{ID: "inventory-live"}, nil
}

func TestHandle(t *testing.T) {
	inv := &fakeInventory{reply: `{"sku":"widget","available":true,"inStock":12,"service":"inventory","instanceId":"inventory-live"}`}
	o := newOrders(inv)
	got, err := o.Handle(context.Background(), OrderRequest{OrderID: "o-1", SKU: " widget ", Qty: 2})
	if err != nil {
		t.Fatal(err)
	}
	if inv.gotSvc != InventoryService || inv.gotBody["sku"] != "widget" || inv.gotBody["qty"] != float64(2) {
		t.Errorf("asked %s with %v", inv.gotSvc, inv.gotBody)
	}
	want := OrderReply{OrderID: "o-1", Accepted: true, Inventory: StockReply{SKU: "widget", Available: true, InStock: 12, Service: "inventory", InstanceID: "inventory-live"}}
	if got != want {
		t.Errorf("Handle = %+v, want %+v", got, want)
	}

	inv.reply = `{"sku":"gadget","available":false,"inStock":3}`
	got, err = o.Handle(context.Background(), OrderRequest{OrderID: "o-2", SKU: "gadget", Qty: 5})
	if err != nil || got.Accepted || !strings.Contains(got.Reason, "only 3") {
		t.Errorf("short stock: %+v, %v", got, err)
	}
}

func TestHandleErrors(t *testing.T) {
	boom := errors.New("boom")
	for _, tc := range []struct {
		name  string
		req   OrderRequest
		inv   *fakeInventory
		want  error
		calls int
	}{
		{"no order id", OrderRequest{SKU: "w", Qty: 1}, &fakeInventory{}, ErrBadRequest, 0},
		{"no sku", OrderRequest{OrderID: "o", Qty: 1}, &fakeInventory{}, ErrBadRequest, 0},
		{"no qty", OrderRequest{OrderID: "o", SKU: "w"}, &fakeInventory{}, ErrBadRequest, 0},
		{"inventory fails", OrderRequest{OrderID: "o", SKU: "w", Qty: 1}, &fakeInventory{err: boom}, boom, 1},
		{"inventory garbles", OrderRequest{OrderID: "o", SKU: "w", Qty: 1}, &fakeInventory{reply: "not json"}, nil, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := newOrders(tc.inv).Handle(context.Background(), tc.req)
			if err == nil || (tc.want != nil && !errors.Is(err, tc.want)) {
				t.Errorf("error = %v, want %v", err, tc.want)
			}
			if tc.inv.calls != tc.calls {
				t.Errorf("inventory called %d times, want %d", tc.inv.calls, tc.calls)
			}
		})
	}
}

func TestWarmAndCheck(t *testing.T) {
	ok := newOrders(&fakeInventory{})
	if err := ok.Warm(context.Background()); err != nil {
		t.Errorf("Warm = %v", err)
	}
	if err := ok.CheckInventory(context.Background()); err != nil {
		t.Errorf("CheckInventory = %v", err)
	}
	bad := newOrders(&fakeInventory{err: discovery.ErrNoInstances})
	if err := bad.CheckInventory(context.Background()); err == nil || !errors.Is(err, discovery.ErrNoInstances) {
		t.Errorf("CheckInventory with no instances = %v", err)
	}
}
