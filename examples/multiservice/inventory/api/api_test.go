package api

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/liftcdk/lift/runtime/discovery"
)

func TestValidate(t *testing.T) {
	for _, tc := range []struct {
		req   StockRequest
		field string
	}{
		{StockRequest{SKU: " widget ", Qty: 1}, ""},
		{StockRequest{SKU: "a-1", Qty: 3}, ""},
		{StockRequest{SKU: " ", Qty: 1}, "sku"},
		{StockRequest{SKU: "Widget", Qty: 1}, "sku"},
		{StockRequest{SKU: strings.Repeat("w", MaxSKULength+1), Qty: 1}, "sku"},
		{StockRequest{SKU: "widget"}, "qty"},
	} {
		err := tc.req.Validate()
		ve, ok := errors.AsType[*ValidationError](err)
		if tc.field == "" && err != nil || tc.field != "" && (!ok || ve.Field != tc.field) {
			t.Errorf("Validate(%+v) = %v, want a fault in %q", tc.req, err, tc.field)
		}
	}
}

func TestAsValidationError(t *testing.T) {
	remote := &discovery.RemoteError{Service: Service, FunctionError: "Unhandled", Type: ValidationErrorType, Message: "qty 0 must be at least 1"}
	if re, ok := AsValidationError(fmt.Errorf("orders: %w", remote)); !ok || re != remote {
		t.Fatalf("AsValidationError did not find %v", remote)
	}
	other := &discovery.RemoteError{Service: Service, FunctionError: "Unhandled", Type: "wrapError"}
	for _, err := range []error{discovery.ErrNoInstances, other, nil} {
		if _, ok := AsValidationError(err); ok {
			t.Errorf("AsValidationError matched %v", err)
		}
	}
}

// TestValidationErrorTypeName pins ValidationErrorType to the Go type's name,
// which is what the Lambda runtime reports as errorType.
func TestValidationErrorTypeName(t *testing.T) {
	if got := reflect.TypeFor[ValidationError]().Name(); got != ValidationErrorType {
		t.Fatalf("type name %q, ValidationErrorType %q", got, ValidationErrorType)
	}
}
