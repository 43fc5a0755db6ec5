// Command sqsapp is the SQS batch handler the emulator test runs.
package main

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/aws/aws-lambda-go/events"

	"github.com/liftcdk/lift/runtime/batch"
	"github.com/liftcdk/lift/runtime/lift"
)

type order struct {
	Order int  `json:"order"`
	Fail  bool `json:"fail"`
	Panic bool `json:"panic"`
}

func handle(ctx context.Context, m events.SQSMessage) error {
	var o order
	if err := json.Unmarshal([]byte(m.Body), &o); err != nil {
		return fmt.Errorf("message %s: %w", m.MessageId, err)
	}
	if o.Panic {
		panic(fmt.Sprintf("order %d exploded", o.Order))
	}
	if o.Fail {
		return fmt.Errorf("order %d declined", o.Order)
	}
	lift.Logger(ctx).Info("order processed", "order", o.Order)
	return nil
}

func main() {
	lift.Start(batch.SQS(handle))
}
