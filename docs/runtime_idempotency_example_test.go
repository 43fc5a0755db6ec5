package docs_test

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"os"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/liftcdk/lift/runtime/batch"
	"github.com/liftcdk/lift/runtime/idempotency"
	"github.com/liftcdk/lift/runtime/idempotency/dynamostore"
	"github.com/liftcdk/lift/runtime/idempotency/valkeystore"
	"github.com/liftcdk/lift/runtime/lift"
)

type PlaceOrder struct {
	RequestID string `json:"requestId"` // the client's idempotency key
	Order
}

var errCardDeclined = errors.New("card declined")

func charge(ctx context.Context, o Order) (Receipt, error) {
	return Receipt{ID: o.ID, Total: o.Qty * 250}, nil
}

type userKey struct{}

// userID is the caller your authentication middleware put in the context.
func userID(r *http.Request) string { id, _ := r.Context().Value(userKey{}).(string); return id }

// Example_idempotency runs the charge once per request id across every
// environment of the function.
func Example_idempotency() {
	ctx := context.Background()
	// The service's DynamoDB or Valkey tier, whichever the CDK app gave it.
	store, err := idempotency.FromEnv(ctx, dynamostore.Backend(), valkeystore.Backend())
	if err != nil {
		slog.Error("idempotency configuration", "error", err)
		os.Exit(1) // an init error: Lambda reports it and retries the init
	}
	lift.Start(func(ctx context.Context, req PlaceOrder) (Receipt, error) {
		return idempotency.Do(ctx, store, req.RequestID, func(ctx context.Context) (Receipt, error) {
			return charge(ctx, req.Order)
		},
			idempotency.WithPayload(req.Order), // the same id with another order: ErrKeyReused
			idempotency.WithTTL(24*time.Hour),
			idempotency.StoreErrors(func(err error) bool { return errors.Is(err, errCardDeclined) }),
		)
	})
}

// Example_idempotencyMiddleware makes POST /orders safe to retry.
func Example_idempotencyMiddleware() {
	store, err := idempotency.FromEnv(context.Background(), dynamostore.Backend())
	if err != nil {
		slog.Error("idempotency configuration", "error", err)
		os.Exit(1)
	}
	place := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusCreated)
		_ = json.NewEncoder(w).Encode(Receipt{ID: "o-1", Total: 250})
	})
	mux := http.NewServeMux()
	mux.Handle("POST /orders", idempotency.Middleware(store,
		idempotency.RequireKey(),
		idempotency.KeyScope(userID), // keys are per authenticated caller
	)(place))
	lift.StartHTTP(mux)
}

// Example_batchSQS processes an SQS batch one message at a time and reports
// only the failed messages.
func Example_batchSQS() {
	lift.Start(batch.SQS(func(ctx context.Context, m events.SQSMessage) error {
		var o Order
		if err := json.Unmarshal([]byte(m.Body), &o); err != nil {
			return err // this message is retried (then dead-lettered); the others are not
		}
		_, err := charge(ctx, o)
		return err
	}, batch.WithConcurrency(5)))
}
