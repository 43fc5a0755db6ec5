package cachetier_test

import (
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsdynamodb"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/jsii-runtime-go"

	"github.com/liftcdk/lift/constructs/cachetier"
	"github.com/liftcdk/lift/constructs/cdktest"
	"github.com/liftcdk/lift/internal/contract"
)

// TestDynamoDBTier synthesizes one stack with three DynamoDB tiers (defaults,
// every table prop, an existing table) and checks each behaviour.
func TestDynamoDBTier(t *testing.T) {
	_, stack := newStack(t, "Dyn")

	def := cachetier.NewDynamoDB(stack, jsii.String("Default"), nil)
	reader := newFunction(stack, "Reader", nil)
	mustBind(t, def, reader)
	mustBind(t, def, reader) // the same tier again is a no-op

	key := awskms.NewKey(stack, jsii.String("Key"), &awskms.KeyProps{EnableKeyRotation: jsii.Bool(true)})
	custom := cachetier.NewDynamoDB(stack, jsii.String("Custom"), &cachetier.DynamoDBProps{
		TableProps: &cachetier.TableProps{
			TableName:           jsii.String("orders-cache"),
			EncryptionKey:       key,
			PointInTimeRecovery: jsii.Bool(true),
			RemovalPolicy:       awscdk.RemovalPolicy_RETAIN,
		},
		KeyAttribute: jsii.String("id"),
		TTLAttribute: jsii.String("ttl"),
		Timeout:      awscdk.Duration_Millis(jsii.Number(250)),
	})
	kmsFn := newFunction(stack, "KmsUser", nil)
	mustBind(t, custom, kmsFn)

	imported := awsdynamodb.Table_FromTableName(stack, jsii.String("Shared"), jsii.String("shared-cache"))
	existing := cachetier.NewDynamoDB(stack, jsii.String("Existing"), &cachetier.DynamoDBProps{Table: imported})
	sharedFn := newFunction(stack, "SharedUser", nil)
	mustBind(t, existing, sharedFn)
	if existing.Table() != imported {
		t.Errorf("Table() of a tier over an existing table is not that table")
	}

	awscloudwatch.NewAlarm(stack, jsii.String("Throttles"), &awscloudwatch.AlarmProps{
		Metric:            def.MetricThrottledRequests(&awscloudwatch.MetricOptions{Period: awscdk.Duration_Minutes(jsii.Number(1))}),
		Threshold:         jsii.Number(1),
		EvaluationPeriods: jsii.Number(1),
	})

	tmpl := cdktest.Template(stack)
	tables := cdktest.Resources(t, tmpl, "AWS::DynamoDB::Table")
	if len(tables) != 2 {
		t.Fatalf("want 2 tables (the existing one is not created), got %d: %v", len(tables), slices.Sorted(maps.Keys(tables)))
	}
	defID, customID := logicalID(stack, def.Table()), logicalID(stack, custom.Table())

	t.Run("default table", func(t *testing.T) {
		table := tables[defID]
		props := asMap(t, table["Properties"])
		want := map[string]any{
			"KeySchema":                        []any{map[string]any{"AttributeName": "pk", "KeyType": "HASH"}},
			"AttributeDefinitions":             []any{map[string]any{"AttributeName": "pk", "AttributeType": "S"}},
			"BillingMode":                      "PAY_PER_REQUEST",
			"TimeToLiveSpecification":          map[string]any{"AttributeName": "expiresAt", "Enabled": true},
			"SSESpecification":                 map[string]any{"SSEEnabled": true}, // AWS-managed key aws/dynamodb
			"PointInTimeRecoverySpecification": map[string]any{"PointInTimeRecoveryEnabled": false},
		}
		if !reflect.DeepEqual(props, want) {
			t.Errorf("default table properties:\n got %v\nwant %v", props, want)
		}
		if table["DeletionPolicy"] != "Delete" || table["UpdateReplacePolicy"] != "Delete" {
			t.Errorf("default removal policy: DeletionPolicy=%v UpdateReplacePolicy=%v, want Delete", table["DeletionPolicy"], table["UpdateReplacePolicy"])
		}
		rules := nagSuppressions(t, table)
		if reason := rules["AwsSolutions-DDB3"]; len(reason) < 40 || !strings.Contains(reason, "PointInTimeRecovery") {
			t.Errorf("PITR off must carry a DDB3 suppression with a reason naming the prop that turns PITR on; got %q", reason)
		}
	})

	t.Run("custom table", func(t *testing.T) {
		table := tables[customID]
		props := asMap(t, table["Properties"])
		want := map[string]any{
			"TableName":                        "orders-cache",
			"KeySchema":                        []any{map[string]any{"AttributeName": "id", "KeyType": "HASH"}},
			"AttributeDefinitions":             []any{map[string]any{"AttributeName": "id", "AttributeType": "S"}},
			"BillingMode":                      "PAY_PER_REQUEST",
			"TimeToLiveSpecification":          map[string]any{"AttributeName": "ttl", "Enabled": true},
			"SSESpecification":                 map[string]any{"SSEEnabled": true, "SSEType": "KMS", "KMSMasterKeyId": getAtt(logicalID(stack, key), "Arn")},
			"PointInTimeRecoverySpecification": map[string]any{"PointInTimeRecoveryEnabled": true},
		}
		if !reflect.DeepEqual(props, want) {
			t.Errorf("custom table properties:\n got %v\nwant %v", props, want)
		}
		if table["DeletionPolicy"] != "Retain" {
			t.Errorf("RemovalPolicy RETAIN: DeletionPolicy=%v", table["DeletionPolicy"])
		}
		if _, ok := table["Metadata"]; ok {
			t.Errorf("PITR on: the table must carry no nag suppression, got metadata %v", table["Metadata"])
		}
	})

	t.Run("throttle metric", func(t *testing.T) {
		alarm := toJSON(t, cdktest.Resources(t, tmpl, "AWS::CloudWatch::Alarm"))
		for _, op := range []string{"GetItem", "PutItem", "DeleteItem"} {
			if !strings.Contains(alarm, `"Value":"`+op+`"`) {
				t.Errorf("throttle metric lacks operation %s: %s", op, alarm)
			}
		}
		if !strings.Contains(alarm, `"ThrottledRequests"`) || !strings.Contains(alarm, `"Period":60`) ||
			!strings.Contains(alarm, toJSON(t, ref(defID))) || strings.Contains(alarm, `"Value":"Scan"`) {
			t.Errorf("throttle metric: want ThrottledRequests of the three item operations on the table, per minute: %s", alarm)
		}
	})

	t.Run("environment", func(t *testing.T) {
		cases := []struct {
			fn   string
			want map[string]any
		}{
			{logicalID(stack, reader), map[string]any{
				contract.EnvCacheKind: contract.CacheKindDynamoDB, contract.EnvCacheTable: ref(defID),
				contract.EnvCacheKeyAttribute: contract.DefaultCacheKeyAttribute, contract.EnvCacheTTLAttribute: contract.DefaultCacheTTLAttribute,
				contract.EnvCacheTimeout: contract.DefaultCacheTimeout.String(),
			}},
			{logicalID(stack, kmsFn), map[string]any{
				contract.EnvCacheKind: contract.CacheKindDynamoDB, contract.EnvCacheTable: ref(customID),
				contract.EnvCacheKeyAttribute: "id", contract.EnvCacheTTLAttribute: "ttl", contract.EnvCacheTimeout: "250ms",
			}},
			{logicalID(stack, sharedFn), map[string]any{
				contract.EnvCacheKind: contract.CacheKindDynamoDB, contract.EnvCacheTable: "shared-cache",
				contract.EnvCacheKeyAttribute: contract.DefaultCacheKeyAttribute, contract.EnvCacheTTLAttribute: contract.DefaultCacheTTLAttribute,
				contract.EnvCacheTimeout: contract.DefaultCacheTimeout.String(),
			}},
		}
		for _, c := range cases {
			if got := functionEnv(t, tmpl, c.fn); !reflect.DeepEqual(got, c.want) {
				t.Errorf("%s environment:\n got %v\nwant %v", c.fn, got, c.want)
			}
		}
	})

	t.Run("least privilege", func(t *testing.T) {
		// The repository's cdk.json sets @aws-cdk/aws-iam:minimizePolicies
		// (actions sorted) and @aws-cdk/core:enablePartitionLiterals.
		items := []any{"dynamodb:DeleteItem", "dynamodb:GetItem", "dynamodb:PutItem"}
		sharedArn := "arn:aws:dynamodb:us-east-1:123456789012:table/shared-cache"
		cases := []struct {
			fn       string
			resource any
		}{
			{logicalID(stack, reader), getAtt(defID, "Arn")},
			{logicalID(stack, kmsFn), getAtt(customID, "Arn")},
			{logicalID(stack, sharedFn), sharedArn},
		}
		for _, c := range cases {
			stmts := roleStatements(t, tmpl, c.fn)
			var dynamo []map[string]any
			for _, s := range stmts {
				if strings.Contains(toJSON(t, s["Action"]), "dynamodb:") {
					dynamo = append(dynamo, s)
				}
			}
			if len(dynamo) != 1 {
				t.Fatalf("%s: want exactly one DynamoDB statement (Bind twice must not add another), got %d: %v", c.fn, len(dynamo), dynamo)
			}
			s := dynamo[0]
			if !reflect.DeepEqual(s["Action"], items) || !reflect.DeepEqual(s["Resource"], c.resource) || s["Effect"] != "Allow" {
				t.Errorf("%s: DynamoDB statement\n got %v\nwant Action %v on %v", c.fn, s, items, c.resource)
			}
		}
		// The customer-managed key: encrypt/decrypt on that key only.
		var kmsStmts []map[string]any
		for _, s := range roleStatements(t, tmpl, logicalID(stack, kmsFn)) {
			if strings.Contains(toJSON(t, s["Action"]), "kms:") {
				kmsStmts = append(kmsStmts, s)
			}
		}
		if len(kmsStmts) != 1 || !reflect.DeepEqual(kmsStmts[0]["Resource"], getAtt(logicalID(stack, key), "Arn")) ||
			!strings.Contains(toJSON(t, kmsStmts[0]["Action"]), `"kms:Decrypt"`) {
			t.Errorf("KmsUser: want one KMS statement on the table's key, got %v", kmsStmts)
		}
		for _, fn := range []string{logicalID(stack, reader), logicalID(stack, sharedFn)} {
			if len(roleStatements(t, tmpl, fn)) != 1 {
				t.Errorf("%s: want only the DynamoDB statement, got %v", fn, roleStatements(t, tmpl, fn))
			}
		}
	})
}
