package nag_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2/awssqs"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/liftcdk/lift/constructs/cdktest"
	"github.com/liftcdk/lift/constructs/internal/nag"
)

// TestSuppress checks the metadata is what cdknag.NagSuppressions writes: on
// the L2's default child, applies_to only when given, and a second call
// adding to the first.
func TestSuppress(t *testing.T) {
	_, stack := cdktest.NewStack(t, "Nag")
	q := awssqs.NewQueue(stack, jsii.String("Queue"), nil)
	nag.Suppress(q, nag.Rule{ID: "AwsSolutions-SQS3", Reason: "the queue is a dead-letter queue itself"})
	nag.Suppress(q.Node().DefaultChild(), nag.Rule{ID: "AwsSolutions-SQS4", Reason: "only for one finding of the rule",
		AppliesTo: []string{"Action::sqs:*"}})

	queues := cdktest.Resources(t, cdktest.Template(stack), "AWS::SQS::Queue")
	if len(queues) != 1 {
		t.Fatalf("queues = %v", queues)
	}
	want := map[string]any{"cdk_nag": map[string]any{"rules_to_suppress": []any{
		map[string]any{"id": "AwsSolutions-SQS3", "reason": "the queue is a dead-letter queue itself"},
		map[string]any{"id": "AwsSolutions-SQS4", "reason": "only for one finding of the rule", "applies_to": []any{"Action::sqs:*"}},
	}}}
	for _, r := range queues {
		if !reflect.DeepEqual(r["Metadata"], want) {
			t.Errorf("metadata = %v, want %v", r["Metadata"], want)
		}
	}

	t.Run("no resource", func(t *testing.T) {
		err := cdktest.SynthError(t, nil, func() {
			nag.Suppress(constructs.NewConstruct(stack, jsii.String("Plain")), nag.Rule{ID: "AwsSolutions-X", Reason: "none"})
		})
		if !strings.Contains(err.Error(), "Nag/Plain has no CloudFormation resource") {
			t.Errorf("panic = %v, want one naming the construct", err)
		}
	})
}
