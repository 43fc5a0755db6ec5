package motocfn_test

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/applicationautoscaling"
	aastypes "github.com/aws/aws-sdk-go-v2/service/applicationautoscaling/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/scheduler"
	"github.com/aws/aws-sdk-go-v2/service/servicediscovery"
	"github.com/aws/smithy-go"

	"github.com/liftcdk/lift/internal/localsvc"
	"github.com/liftcdk/lift/internal/localsvc/motocfn"
	"github.com/liftcdk/lift/internal/testsvc"
)

// motoCFNTemplate has a resource of each Cloud Map, ElastiCache and DynamoDB
// type motocfn.py creates or patches, and outputs of their attributes;
// motoCFNOpsTemplate has the alarm, Lambda, scheduler and auto scaling ones.
const motoCFNTemplate = `{
  "Resources": {
    "Namespace": {"Type": "AWS::ServiceDiscovery::HttpNamespace", "Properties": {"Name": "lift-test"}},
    "Service": {"Type": "AWS::ServiceDiscovery::Service", "Properties": {
      "Name": "orders",
      "NamespaceId": {"Fn::GetAtt": ["Namespace", "Id"]},
      "HealthCheckCustomConfig": {"FailureThreshold": 1}}},
    "Instance": {"Type": "AWS::ServiceDiscovery::Instance", "Properties": {
      "ServiceId": {"Fn::GetAtt": ["Service", "Id"]},
      "InstanceId": "i-1",
      "InstanceAttributes": {
        "kind": "function",
        "namespace": {"Fn::Join": ["/", ["ns", {"Fn::GetAtt": ["Namespace", "Id"]}]]}}}},
    "User": {"Type": "AWS::ElastiCache::User", "Properties": {
      "UserId": "lift-user", "UserName": "lift-user", "Engine": "valkey",
      "AccessString": "on ~* +@all", "AuthenticationMode": {"Type": "iam"}}},
    "Group": {"Type": "AWS::ElastiCache::UserGroup", "Properties": {
      "UserGroupId": "lift-group", "Engine": "valkey", "UserIds": [{"Ref": "User"}]}},
    "Cache": {"Type": "AWS::ElastiCache::ServerlessCache", "Properties": {
      "ServerlessCacheName": "lift-cache", "Engine": "valkey", "UserGroupId": {"Ref": "Group"}}},
    "Table": {"Type": "AWS::DynamoDB::Table", "Properties": {
      "TableName": "lift-table",
      "BillingMode": "PAY_PER_REQUEST",
      "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
      "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
      "TimeToLiveSpecification": {"AttributeName": "expiresAt", "Enabled": true},
      "SSESpecification": {"SSEEnabled": true}}}
  },
  "Outputs": {
    "NamespaceId": {"Value": {"Fn::GetAtt": ["Namespace", "Id"]}},
    "NamespaceArn": {"Value": {"Fn::GetAtt": ["Namespace", "Arn"]}},
    "ServiceId": {"Value": {"Fn::GetAtt": ["Service", "Id"]}},
    "ServiceArn": {"Value": {"Fn::GetAtt": ["Service", "Arn"]}},
    "CacheAddress": {"Value": {"Fn::GetAtt": ["Cache", "Endpoint.Address"]}},
    "CachePort": {"Value": {"Fn::GetAtt": ["Cache", "Endpoint.Port"]}},
    "CacheArn": {"Value": {"Fn::GetAtt": ["Cache", "ARN"]}},
    "UserArn": {"Value": {"Fn::GetAtt": ["User", "Arn"]}}
  }
}`

// cacheOnlyTemplate is a stack with just a serverless cache, plus extra outputs.
func cacheOnlyTemplate(outputs string) string {
	return `{"Resources": {"Cache": {"Type": "AWS::ElastiCache::ServerlessCache",
  "Properties": {"ServerlessCacheName": "lift-cache", "Engine": "valkey"}}},
  "Outputs": {` + outputs + `}}`
}

func startMotoCFN(t *testing.T, opts localsvc.MotoOptions) *localsvc.Moto {
	t.Helper()
	testsvc.Tool(t, "moto_server") // missing: skip, or fail in CI (testsvc.Missing)
	m, err := localsvc.StartMoto(testsvc.Root(t), t.TempDir(), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(m.Close)
	return m
}

func motoCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

func TestMotoCFNCreatesCloudMapElastiCacheAndTableSettings(t *testing.T) {
	const cacheHost, cachePort = "127.0.0.1", "6390"
	m := startMotoCFN(t, localsvc.MotoOptions{CacheEndpoint: cacheHost + ":" + cachePort})
	ctx := motoCtx(t)
	cfg := m.AWSConfig()
	out, physical := createStack(t, ctx, m, "MotoCFN", motoCFNTemplate)
	t.Logf("outputs: %v", out)

	// Cloud Map: the outputs are what the servicediscovery API reads back.
	sd := servicediscovery.NewFromConfig(cfg)
	nss, err := sd.ListNamespaces(ctx, &servicediscovery.ListNamespacesInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(nss.Namespaces) != 1 || aws.ToString(nss.Namespaces[0].Name) != "lift-test" {
		t.Fatalf("namespaces: %+v", nss.Namespaces)
	}
	ns := nss.Namespaces[0]
	if id, arn := aws.ToString(ns.Id), aws.ToString(ns.Arn); out["NamespaceId"] != id || out["NamespaceArn"] != arn || physical["Namespace"] != id {
		t.Errorf("namespace outputs %q %q, physical id %q; Cloud Map has %q %q", out["NamespaceId"], out["NamespaceArn"], physical["Namespace"], id, arn)
	}
	svc, err := sd.GetService(ctx, &servicediscovery.GetServiceInput{Id: aws.String(out["ServiceId"])})
	if err != nil {
		t.Fatalf("GetService %q: %v", out["ServiceId"], err)
	}
	s := svc.Service
	if aws.ToString(s.Arn) != out["ServiceArn"] || aws.ToString(s.Id) != physical["Service"] || aws.ToString(s.Name) != "orders" || aws.ToString(s.NamespaceId) != aws.ToString(ns.Id) {
		t.Errorf("service %+v; outputs %q %q, physical id %q", s, out["ServiceId"], out["ServiceArn"], physical["Service"])
	}
	//lint:ignore SA1019 the template sets the deprecated FailureThreshold (Lift's constructs do): check it reaches Cloud Map
	if s.HealthCheckCustomConfig == nil || aws.ToInt32(s.HealthCheckCustomConfig.FailureThreshold) != 1 {
		t.Errorf("service HealthCheckCustomConfig %+v, want FailureThreshold 1", s.HealthCheckCustomConfig)
	}
	insts, err := sd.ListInstances(ctx, &servicediscovery.ListInstancesInput{ServiceId: s.Id})
	if err != nil {
		t.Fatal(err)
	}
	if len(insts.Instances) != 1 || aws.ToString(insts.Instances[0].Id) != "i-1" || physical["Instance"] != "i-1" {
		t.Fatalf("instances %+v, physical id %q; want one, i-1", insts.Instances, physical["Instance"])
	}
	attrs := insts.Instances[0].Attributes
	if want := map[string]string{"kind": "function", "namespace": "ns/" + aws.ToString(ns.Id)}; len(attrs) != len(want) || attrs["kind"] != want["kind"] || attrs["namespace"] != want["namespace"] {
		t.Errorf("instance attributes %v, want %v", attrs, want)
	}

	// ElastiCache: the serverless cache's endpoint is the stand-in; the user is in moto's backend.
	if out["CacheAddress"] != cacheHost || out["CachePort"] != cachePort {
		t.Errorf("cache endpoint outputs %q:%q, want %s:%s", out["CacheAddress"], out["CachePort"], cacheHost, cachePort)
	}
	if want := "arn:aws:elasticache:us-east-1:123456789012:serverlesscache:lift-cache"; out["CacheArn"] != want {
		t.Errorf("cache ARN %q, want %q", out["CacheArn"], want)
	}
	if physical["Cache"] != "lift-cache" || physical["Group"] != "lift-group" || physical["User"] != "lift-user" {
		t.Errorf("physical ids cache %q, group %q, user %q", physical["Cache"], physical["Group"], physical["User"])
	}
	answer, err := m.Query(ctx, "elasticache", url.Values{"Action": {"DescribeUsers"}, "Version": {"2015-02-02"}, "UserId": {"lift-user"}})
	if err != nil {
		t.Fatal(err)
	}
	var users struct {
		Users []struct {
			UserID         string `xml:"UserId"`
			ARN            string `xml:"ARN"`
			Engine         string `xml:"Engine"`
			AccessString   string `xml:"AccessString"`
			Authentication struct {
				Type string `xml:"Type"`
			} `xml:"Authentication"`
		} `xml:"DescribeUsersResult>Users>member"`
	}
	if err := xml.Unmarshal(answer, &users); err != nil {
		t.Fatalf("DescribeUsers answer %s: %v", answer, err)
	}
	if len(users.Users) != 1 {
		t.Fatalf("DescribeUsers lift-user: %s", answer)
	}
	if u := users.Users[0]; u.UserID != "lift-user" || u.ARN != out["UserArn"] || u.Engine != "valkey" || u.AccessString != "on ~* +@all" || u.Authentication.Type != "iam" {
		t.Errorf("user %+v; output Arn %q", u, out["UserArn"])
	}

	// DynamoDB: the table has the TTL and encryption the template asks for.
	ddb := dynamodb.NewFromConfig(cfg)
	ttl, err := ddb.DescribeTimeToLive(ctx, &dynamodb.DescribeTimeToLiveInput{TableName: aws.String(physical["Table"])})
	if err != nil {
		t.Fatal(err)
	}
	if d := ttl.TimeToLiveDescription; d == nil || d.TimeToLiveStatus != ddbtypes.TimeToLiveStatusEnabled || aws.ToString(d.AttributeName) != "expiresAt" {
		t.Errorf("TTL %+v, want ENABLED on expiresAt", d)
	}
	table, err := ddb.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(physical["Table"])})
	if err != nil {
		t.Fatal(err)
	}
	if d := table.Table.SSEDescription; d == nil || d.Status != ddbtypes.SSEStatusEnabled {
		t.Errorf("SSEDescription %+v, want status ENABLED", d)
	}
}

// apiMessage is the error message CloudFormation answered with.
func apiMessage(t *testing.T, err error) string {
	t.Helper()
	var api smithy.APIError
	if !errors.As(err, &api) {
		t.Fatalf("want an API error, got %v", err)
	}
	if api.ErrorCode() != "ValidationError" {
		t.Errorf("error code %q, want ValidationError (%v)", api.ErrorCode(), err)
	}
	return api.ErrorMessage()
}

// Without a stand-in, moto fails the call that creates the resources (it has
// no *_FAILED status for a resource that raises), both for CreateStack and for
// ExecuteChangeSet, which `cdk deploy` uses.
func TestMotoCFNServerlessCacheWithoutStandIn(t *testing.T) {
	m := startMotoCFN(t, localsvc.MotoOptions{})
	ctx := motoCtx(t)
	cfn := cloudformation.NewFromConfig(m.AWSConfig())
	assertSaysStandIn := func(call string, err error) {
		t.Helper()
		if err == nil {
			t.Fatalf("%s of a serverless cache without LIFT_MOTO_CACHE_ENDPOINT succeeded", call)
		}
		msg := apiMessage(t, err)
		t.Logf("%s: %s", call, msg)
		for _, want := range []string{"lift-cache", "LIFT_MOTO_CACHE_ENDPOINT", "start the local cloud with a cache stand-in"} {
			if !strings.Contains(msg, want) {
				t.Errorf("%s error %q does not say %q", call, msg, want)
			}
		}
	}

	_, err := cfn.CreateStack(ctx, &cloudformation.CreateStackInput{
		StackName: aws.String("NoStandIn"), TemplateBody: aws.String(cacheOnlyTemplate("")),
	})
	assertSaysStandIn("CreateStack", err)

	cs, err := cfn.CreateChangeSet(ctx, &cloudformation.CreateChangeSetInput{
		StackName: aws.String("NoStandInChangeSet"), ChangeSetName: aws.String("cdk-deploy-change-set"),
		ChangeSetType: cfntypes.ChangeSetTypeCreate, TemplateBody: aws.String(cacheOnlyTemplate("")),
	})
	if err != nil {
		t.Fatalf("CreateChangeSet: %v", err)
	}
	_, err = cfn.ExecuteChangeSet(ctx, &cloudformation.ExecuteChangeSetInput{ChangeSetName: cs.Id, StackName: cs.StackId})
	assertSaysStandIn("ExecuteChangeSet", err)
}

// An attribute motocfn.py does not know fails the stack naming it, whether
// an output (checked by moto before creating anything) or a resource
// property (resolved by motocfn.py) asks for it.
func TestMotoCFNUnknownAttribute(t *testing.T) {
	m := startMotoCFN(t, localsvc.MotoOptions{CacheEndpoint: "127.0.0.1:6390"})
	ctx := motoCtx(t)
	cfn := cloudformation.NewFromConfig(m.AWSConfig())

	_, err := cfn.CreateStack(ctx, &cloudformation.CreateStackInput{
		StackName:    aws.String("NopeOutput"),
		TemplateBody: aws.String(cacheOnlyTemplate(`"Nope": {"Value": {"Fn::GetAtt": ["Cache", "Nope"]}}`)),
	})
	if err == nil {
		t.Fatal("CreateStack with an output of ServerlessCache.Nope succeeded")
	}
	msg := apiMessage(t, err)
	t.Logf("output: %s", msg)
	if !strings.Contains(msg, "Nope") || !strings.Contains(msg, "ServerlessCache") {
		t.Errorf("output error %q does not name ServerlessCache and Nope", msg)
	}

	const propertyTemplate = `{"Resources": {
  "Cache": {"Type": "AWS::ElastiCache::ServerlessCache", "Properties": {"ServerlessCacheName": "lift-cache-2", "Engine": "valkey"}},
  "Namespace": {"Type": "AWS::ServiceDiscovery::HttpNamespace", "Properties": {
    "Name": "lift-nope", "Description": {"Fn::GetAtt": ["Cache", "Nope"]}}}}}`
	_, err = cfn.CreateStack(ctx, &cloudformation.CreateStackInput{
		StackName: aws.String("NopeProperty"), TemplateBody: aws.String(propertyTemplate),
	})
	if err == nil {
		t.Fatal("CreateStack with a property from ServerlessCache.Nope succeeded")
	}
	msg = apiMessage(t, err)
	t.Logf("property: %s", msg)
	if !strings.Contains(msg, "AWS::ElastiCache::ServerlessCache has no attribute Nope") {
		t.Errorf("property error %q does not name AWS::ElastiCache::ServerlessCache and Nope", msg)
	}

	// moto's own AWS::Lambda::Version, whose attributes motocfn.py supplies:
	// an output is checked up front too, not left to fail DescribeStacks.
	_, err = cfn.CreateStack(ctx, &cloudformation.CreateStackInput{
		StackName: aws.String("NopeVersionOutput"),
		TemplateBody: aws.String(`{"Resources": {` + motoCFNFunction + `},
  "Outputs": {"Nope": {"Value": {"Fn::GetAtt": ["Version", "Nope"]}}}}`),
	})
	if err == nil {
		t.Fatal("CreateStack with an output of Version.Nope succeeded")
	}
	msg = apiMessage(t, err)
	t.Logf("version output: %s", msg)
	if !strings.Contains(msg, "Nope") || !strings.Contains(msg, "Version") {
		t.Errorf("version output error %q does not name Version and Nope", msg)
	}
	_, err = cfn.CreateStack(ctx, &cloudformation.CreateStackInput{
		StackName: aws.String("NopeVersion"),
		TemplateBody: aws.String(`{"Resources": {` + motoCFNFunction + `,
    "Live": {"Type": "AWS::Lambda::Alias", "Properties": {
      "FunctionName": {"Ref": "Function"}, "FunctionVersion": {"Fn::GetAtt": ["Version", "Nope"]}, "Name": "live"}}}}`),
	})
	if err == nil {
		t.Fatal("CreateStack with an alias on Version.Nope succeeded")
	}
	msg = apiMessage(t, err)
	t.Logf("version: %s", msg)
	if !strings.Contains(msg, "AWS::Lambda::Version has no attribute Nope") {
		t.Errorf("version error %q does not name AWS::Lambda::Version and Nope", msg)
	}
}

// motoCFNFunction is a role, a function and a published version of it: what
// the aliases, schedules and scaling targets of motoCFNOpsTemplate refer to.
// moto stores the inline code without running it (no Docker).
const motoCFNFunction = `
    "Role": {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [
      {"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": ["lambda.amazonaws.com", "scheduler.amazonaws.com"]}}]}}},
    "Function": {"Type": "AWS::Lambda::Function", "Properties": {
      "Runtime": "provided.al2023", "Handler": "bootstrap", "Role": {"Fn::GetAtt": ["Role", "Arn"]},
      "Code": {"ZipFile": "never run"}}},
    "Version": {"Type": "AWS::Lambda::Version", "Properties": {"FunctionName": {"Ref": "Function"}}}`

// The schedule and scaling values motoCFNOpsTemplate sets and the test reads back.
const (
	opsAlertTopic  = "arn:aws:sns:us-east-1:123456789012:lift-alerts"
	opsActionStart = "2030-01-01T07:00:00.000Z" // as the CDK writes a Date
	opsActionEnd   = "2030-06-30T19:30:00.000Z"
	opsTimezone    = "Europe/Paris"
)

const motoCFNOpsTemplate = `{
  "Resources": {` + motoCFNFunction + `,
    "Live": {"Type": "AWS::Lambda::Alias", "Properties": {
      "FunctionName": {"Ref": "Function"}, "FunctionVersion": {"Fn::GetAtt": ["Version", "Version"]}, "Name": "live"}},
    "Errors": {"Type": "AWS::CloudWatch::Alarm", "Properties": {
      "Namespace": "AWS/Lambda", "MetricName": "Errors", "Statistic": "Sum", "Period": 60,
      "Dimensions": [{"Name": "FunctionName", "Value": {"Ref": "Function"}}, {"Name": "Resource", "Value": {"Fn::Join": [":", [{"Ref": "Function"}, "live"]]}}],
      "EvaluationPeriods": 1, "Threshold": 1, "ComparisonOperator": "GreaterThanOrEqualToThreshold", "TreatMissingData": "notBreaching"}},
    "ErrorRate": {"Type": "AWS::CloudWatch::Alarm", "Properties": {
      "EvaluationPeriods": 3, "DatapointsToAlarm": 2, "Threshold": 5, "ComparisonOperator": "GreaterThanThreshold",
      "Metrics": [
        {"Id": "errors", "ReturnData": false, "MetricStat": {"Period": 300, "Stat": "Sum", "Metric": {
          "Namespace": "AWS/Lambda", "MetricName": "Errors", "Dimensions": [{"Name": "FunctionName", "Value": {"Ref": "Function"}}]}}},
        {"Id": "invocations", "ReturnData": false, "MetricStat": {"Period": 300, "Stat": "Sum", "Metric": {
          "Namespace": "AWS/Lambda", "MetricName": "Invocations", "Dimensions": [{"Name": "FunctionName", "Value": {"Ref": "Function"}}]}}},
        {"Id": "rate", "Label": "error rate", "ReturnData": true, "Expression": "100 * errors / MAX([errors, invocations])"}]}},
    "Health": {"Type": "AWS::CloudWatch::CompositeAlarm", "Properties": {
      "AlarmRule": {"Fn::Join": ["", ["ALARM(", {"Fn::GetAtt": ["Errors", "Arn"]}, ") OR ALARM(", {"Fn::GetAtt": ["ErrorRate", "Arn"]}, ")"]]},
      "AlarmActions": ["` + opsAlertTopic + `"]}},
    "Tick": {"Type": "AWS::Scheduler::Schedule", "Properties": {
      "ScheduleExpression": "rate(5 minutes)", "FlexibleTimeWindow": {"Mode": "OFF"},
      "Target": {"Arn": {"Fn::GetAtt": ["Function", "Arn"]}, "RoleArn": {"Fn::GetAtt": ["Role", "Arn"]},
        "Input": {"Fn::Sub": "{\"alias\": \"${Live}\"}"}}}},
    "Target": {"Type": "AWS::ApplicationAutoScaling::ScalableTarget", "DependsOn": "Live", "Properties": {
      "ServiceNamespace": "lambda", "ScalableDimension": "lambda:function:ProvisionedConcurrency",
      "ResourceId": {"Fn::Join": ["", ["function:", {"Ref": "Function"}, ":live"]]},
      "MinCapacity": 1, "MaxCapacity": 2, "RoleARN": {"Fn::GetAtt": ["Role", "Arn"]},
      "ScheduledActions": [{"ScheduledActionName": "business-hours", "Schedule": "cron(0 8 ? * MON-FRI *)",
        "Timezone": "` + opsTimezone + `", "StartTime": "` + opsActionStart + `", "EndTime": "` + opsActionEnd + `",
        "ScalableTargetAction": {"MinCapacity": 2, "MaxCapacity": 2}}]}},
    "Policy": {"Type": "AWS::ApplicationAutoScaling::ScalingPolicy", "Properties": {
      "PolicyName": "utilization", "PolicyType": "TargetTrackingScaling", "ScalingTargetId": {"Ref": "Target"},
      "TargetTrackingScalingPolicyConfiguration": {"TargetValue": 0.7, "CustomizedMetricSpecification": {
        "Namespace": "AWS/Lambda", "MetricName": "ProvisionedConcurrencyUtilization", "Statistic": "Maximum",
        "Dimensions": [{"Name": "FunctionName", "Value": {"Ref": "Function"}}, {"Name": "Resource", "Value": {"Fn::Join": [":", [{"Ref": "Function"}, "live"]]}}]}}}}
  },
  "Outputs": {
    "AliasRef": {"Value": {"Ref": "Live"}},
    "VersionRef": {"Value": {"Ref": "Version"}},
    "VersionNumber": {"Value": {"Fn::GetAtt": ["Version", "Version"]}},
    "ErrorsArn": {"Value": {"Fn::GetAtt": ["Errors", "Arn"]}},
    "ErrorRateArn": {"Value": {"Fn::GetAtt": ["ErrorRate", "Arn"]}},
    "HealthArn": {"Value": {"Fn::GetAtt": ["Health", "Arn"]}},
    "ScheduleArn": {"Value": {"Fn::GetAtt": ["Tick", "Arn"]}},
    "TargetRef": {"Value": {"Ref": "Target"}},
    "PolicyRef": {"Value": {"Ref": "Policy"}}
  }
}`

// createStack creates a stack from template, fails unless it is
// CREATE_COMPLETE, and returns its outputs and its resources' physical ids.
func createStack(t *testing.T, ctx context.Context, m *localsvc.Moto, name, template string) (outputs, physical map[string]string) {
	t.Helper()
	cfn := cloudformation.NewFromConfig(m.AWSConfig())
	if _, err := cfn.CreateStack(ctx, &cloudformation.CreateStackInput{
		StackName: aws.String(name), TemplateBody: aws.String(template),
	}); err != nil {
		t.Fatalf("CreateStack: %v\nmoto log:\n%s", err, m.Logs())
	}
	stacks, err := cfn.DescribeStacks(ctx, &cloudformation.DescribeStacksInput{StackName: aws.String(name)})
	if err != nil {
		t.Fatal(err)
	}
	stack := stacks.Stacks[0]
	if stack.StackStatus != cfntypes.StackStatusCreateComplete {
		t.Fatalf("stack status %s (%s)", stack.StackStatus, aws.ToString(stack.StackStatusReason))
	}
	outputs = map[string]string{}
	for _, o := range stack.Outputs {
		outputs[aws.ToString(o.OutputKey)] = aws.ToString(o.OutputValue)
	}
	res, err := cfn.ListStackResources(ctx, &cloudformation.ListStackResourcesInput{StackName: aws.String(name)})
	if err != nil {
		t.Fatal(err)
	}
	physical = map[string]string{}
	for _, r := range res.StackResourceSummaries {
		physical[aws.ToString(r.LogicalResourceId)] = aws.ToString(r.PhysicalResourceId)
	}
	var tmpl struct{ Resources map[string]json.RawMessage }
	if err := json.Unmarshal([]byte(template), &tmpl); err != nil {
		t.Fatal(err)
	}
	for logical := range tmpl.Resources {
		if physical[logical] == "" {
			t.Errorf("resource %s: no physical id (listed: %v)", logical, physical)
		}
	}
	return outputs, physical
}

// cloudWatchAlarm is an alarm as DescribeAlarms answers in the query protocol.
type cloudWatchAlarm struct {
	Name             string   `xml:"AlarmName"`
	ARN              string   `xml:"AlarmArn"`
	Namespace        string   `xml:"Namespace"`
	MetricName       string   `xml:"MetricName"`
	Statistic        string   `xml:"Statistic"`
	Threshold        float64  `xml:"Threshold"`
	TreatMissingData string   `xml:"TreatMissingData"`
	Actions          []string `xml:"AlarmActions>member"`
	Rule             string   `xml:"AlarmRule"`
	Dimensions       []struct {
		Name  string `xml:"Name"`
		Value string `xml:"Value"`
	} `xml:"Dimensions>member"`
	Metrics []struct {
		ID         string `xml:"Id"`
		Expression string `xml:"Expression"`
		ReturnData bool   `xml:"ReturnData"`
		MetricName string `xml:"MetricStat>Metric>MetricName"`
		Stat       string `xml:"MetricStat>Stat"`
	} `xml:"Metrics>member"`
}

func TestMotoCFNCreatesAlarmsAliasScheduleAndScaling(t *testing.T) {
	m := startMotoCFN(t, localsvc.MotoOptions{})
	ctx := motoCtx(t)
	cfg := m.AWSConfig()
	out, physical := createStack(t, ctx, m, "MotoCFNOps", motoCFNOpsTemplate)
	t.Logf("outputs: %v", out)

	// Lambda: the version's Ref is its ARN, and the alias points at it.
	lam := lambda.NewFromConfig(cfg)
	fn, err := lam.GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: aws.String(physical["Function"])})
	if err != nil {
		t.Fatalf("GetFunction %q: %v", physical["Function"], err)
	}
	fnName, fnARN := aws.ToString(fn.Configuration.FunctionName), aws.ToString(fn.Configuration.FunctionArn)
	if out["VersionNumber"] != "1" || out["VersionRef"] != fnARN+":1" || physical["Version"] != out["VersionRef"] {
		t.Errorf("version outputs Ref %q, Version %q, physical id %q; want %s:1 and 1", out["VersionRef"], out["VersionNumber"], physical["Version"], fnARN)
	}
	alias, err := lam.GetAlias(ctx, &lambda.GetAliasInput{FunctionName: aws.String(fnName), Name: aws.String("live")})
	if err != nil {
		t.Fatalf("GetAlias %s live: %v", fnName, err)
	}
	if aws.ToString(alias.FunctionVersion) != "1" || aws.ToString(alias.AliasArn) != out["AliasRef"] || out["AliasRef"] != fnARN+":live" {
		t.Errorf("alias %s → version %s; output Ref %q, function %s", aws.ToString(alias.AliasArn), aws.ToString(alias.FunctionVersion), out["AliasRef"], fnARN)
	}

	// CloudWatch (query protocol: see localsvc.Moto.Query): the alarms as the template has them.
	raw, err := m.Query(ctx, "monitoring", url.Values{"Action": {"DescribeAlarms"}, "Version": {"2010-08-01"},
		"AlarmTypes.member.1": {"MetricAlarm"}, "AlarmTypes.member.2": {"CompositeAlarm"}})
	if err != nil {
		t.Fatal(err)
	}
	var described struct {
		Metric    []cloudWatchAlarm `xml:"DescribeAlarmsResult>MetricAlarms>member"`
		Composite []cloudWatchAlarm `xml:"DescribeAlarmsResult>CompositeAlarms>member"`
	}
	if err := xml.Unmarshal(raw, &described); err != nil {
		t.Fatalf("DescribeAlarms answer %s: %v", raw, err)
	}
	alarms := map[string]cloudWatchAlarm{}
	for _, a := range append(described.Metric, described.Composite...) {
		alarms[a.Name] = a
	}
	if len(described.Metric) != 2 || len(described.Composite) != 1 {
		t.Fatalf("DescribeAlarms: %d metric alarms and %d composites, want 2 and 1: %s", len(described.Metric), len(described.Composite), raw)
	}
	errs, rate, health := alarms[physical["Errors"]], alarms[physical["ErrorRate"]], alarms[physical["Health"]]
	if errs.ARN == "" || errs.ARN != out["ErrorsArn"] || errs.Namespace != "AWS/Lambda" || errs.MetricName != "Errors" || errs.Statistic != "Sum" || errs.TreatMissingData != "notBreaching" {
		t.Errorf("alarm Errors (%s) %+v; output Arn %q", physical["Errors"], errs, out["ErrorsArn"])
	}
	dims := map[string]string{}
	for _, d := range errs.Dimensions {
		dims[d.Name] = d.Value
	}
	if len(dims) != 2 || dims["FunctionName"] != fnName || dims["Resource"] != fnName+":live" {
		t.Errorf("alarm Errors dimensions %v, want FunctionName %s and Resource %s:live", dims, fnName, fnName)
	}
	if rate.ARN == "" || rate.ARN != out["ErrorRateArn"] || rate.Threshold != 5 || len(rate.Metrics) != 3 {
		t.Fatalf("alarm ErrorRate (%s) %+v; output Arn %q", physical["ErrorRate"], rate, out["ErrorRateArn"])
	}
	for i, want := range []struct{ id, metric, stat, expr string }{
		{"errors", "Errors", "Sum", ""}, {"invocations", "Invocations", "Sum", ""}, {"rate", "", "", "100 * errors / MAX([errors, invocations])"},
	} {
		q := rate.Metrics[i]
		if q.ID != want.id || q.MetricName != want.metric || q.Stat != want.stat || q.Expression != want.expr || q.ReturnData != (want.expr != "") {
			t.Errorf("alarm ErrorRate query %d %+v, want %+v", i, q, want)
		}
	}
	if health.ARN == "" || health.ARN != out["HealthArn"] || len(health.Actions) != 1 || health.Actions[0] != opsAlertTopic {
		t.Errorf("composite Health (%s) %+v; output Arn %q", physical["Health"], health, out["HealthArn"])
	}
	if want := "ALARM(" + errs.ARN + ") OR ALARM(" + rate.ARN + ")"; health.Rule != want {
		t.Errorf("composite rule %q, want %q", health.Rule, want)
	}

	// Scheduler: the target and its input, with the alias ARN substituted.
	sched, err := scheduler.NewFromConfig(cfg).GetSchedule(ctx, &scheduler.GetScheduleInput{Name: aws.String(physical["Tick"])})
	if err != nil {
		t.Fatalf("GetSchedule %q: %v", physical["Tick"], err)
	}
	if aws.ToString(sched.Arn) != out["ScheduleArn"] || sched.Target == nil || aws.ToString(sched.Target.Arn) != fnARN {
		t.Fatalf("schedule %s target %+v; output Arn %q, function %s", aws.ToString(sched.Arn), sched.Target, out["ScheduleArn"], fnARN)
	}
	if got, want := aws.ToString(sched.Target.Input), `{"alias": "`+out["AliasRef"]+`"}`; got != want {
		t.Errorf("schedule input %s, want %s", got, want)
	}

	// Application Auto Scaling: the target on the alias, its scheduled action and its policy.
	resourceID := "function:" + fnName + ":live"
	if want := resourceID + "|lambda:function:ProvisionedConcurrency|lambda"; out["TargetRef"] != want {
		t.Errorf("scalable target Ref %q, want %q", out["TargetRef"], want)
	}
	aas := applicationautoscaling.NewFromConfig(cfg)
	targets, err := aas.DescribeScalableTargets(ctx, &applicationautoscaling.DescribeScalableTargetsInput{ServiceNamespace: aastypes.ServiceNamespaceLambda})
	if err != nil {
		t.Fatal(err)
	}
	if len(targets.ScalableTargets) != 1 {
		t.Fatalf("scalable targets %+v, want one", targets.ScalableTargets)
	}
	if st := targets.ScalableTargets[0]; aws.ToString(st.ResourceId) != resourceID || st.ScalableDimension != aastypes.ScalableDimensionLambdaFunctionProvisionedConcurrency ||
		aws.ToInt32(st.MinCapacity) != 1 || aws.ToInt32(st.MaxCapacity) != 2 {
		t.Errorf("scalable target %s %s min %d max %d, want %s 1..2", aws.ToString(st.ResourceId), st.ScalableDimension, aws.ToInt32(st.MinCapacity), aws.ToInt32(st.MaxCapacity), resourceID)
	}
	actions, err := aas.DescribeScheduledActions(ctx, &applicationautoscaling.DescribeScheduledActionsInput{ServiceNamespace: aastypes.ServiceNamespaceLambda})
	if err != nil {
		t.Fatal(err)
	}
	if len(actions.ScheduledActions) != 1 {
		t.Fatalf("scheduled actions %+v, want one", actions.ScheduledActions)
	}
	a := actions.ScheduledActions[0]
	start, err := time.Parse(time.RFC3339, opsActionStart)
	if err != nil {
		t.Fatal(err)
	}
	end, err := time.Parse(time.RFC3339, opsActionEnd)
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(a.ScheduledActionName) != "business-hours" || aws.ToString(a.ResourceId) != resourceID || aws.ToString(a.Timezone) != opsTimezone ||
		a.StartTime == nil || !a.StartTime.Equal(start) || a.EndTime == nil || !a.EndTime.Equal(end) {
		t.Errorf("scheduled action %s on %s, %s from %v to %v; want business-hours, %s from %v to %v",
			aws.ToString(a.ScheduledActionName), aws.ToString(a.ResourceId), aws.ToString(a.Timezone), a.StartTime, a.EndTime, opsTimezone, start, end)
	}
	if c := a.ScalableTargetAction; c == nil || aws.ToInt32(c.MinCapacity) != 2 || aws.ToInt32(c.MaxCapacity) != 2 {
		t.Errorf("scheduled action capacity %+v, want 2..2", c)
	}
	policies, err := aas.DescribeScalingPolicies(ctx, &applicationautoscaling.DescribeScalingPoliciesInput{ServiceNamespace: aastypes.ServiceNamespaceLambda})
	if err != nil {
		t.Fatal(err)
	}
	if len(policies.ScalingPolicies) != 1 {
		t.Fatalf("scaling policies %+v, want one", policies.ScalingPolicies)
	}
	p := policies.ScalingPolicies[0]
	if aws.ToString(p.PolicyARN) != out["PolicyRef"] || aws.ToString(p.PolicyName) != "utilization" || aws.ToString(p.ResourceId) != resourceID || p.PolicyType != aastypes.PolicyTypeTargetTrackingScaling {
		t.Errorf("scaling policy %s %s on %s (%s); output Ref %q", aws.ToString(p.PolicyName), aws.ToString(p.PolicyARN), aws.ToString(p.ResourceId), p.PolicyType, out["PolicyRef"])
	}
	if c := p.TargetTrackingScalingPolicyConfiguration; c == nil || aws.ToFloat64(c.TargetValue) != 0.7 || c.CustomizedMetricSpecification == nil ||
		c.CustomizedMetricSpecification.Statistic != aastypes.MetricStatisticMaximum || aws.ToString(c.CustomizedMetricSpecification.MetricName) != "ProvisionedConcurrencyUtilization" {
		t.Errorf("scaling policy target tracking %+v, want 0.7 of ProvisionedConcurrencyUtilization's Maximum", c)
	}
}

// TestReadmeListsEveryType: every type motocfn.py creates or patches has its
// row in README.md, and the script's pins match the Go constants.
func TestReadmeListsEveryType(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	script := string(motocfn.Script)
	types := regexp.MustCompile(`cfn_type = "(AWS::[A-Za-z:]+)"`).FindAllStringSubmatch(script, -1)
	if len(types) < 10 {
		t.Fatalf("found %d cfn_type lines in motocfn.py; expected every type it creates", len(types))
	}
	patched := []string{"AWS::DynamoDB::Table", "AWS::Lambda::Version"} // moto's own models, patched in place
	for _, m := range types {
		patched = append(patched, m[1])
	}
	for _, typ := range patched {
		if !strings.Contains(string(readme), "| `"+typ+"` |") {
			t.Errorf("README.md has no row for %s, which motocfn.py handles: add one saying what moto does alone and what the script does", typ)
		}
	}
	for _, pin := range []string{`MOTO_VERSION = "` + motocfn.MotoVersion + `"`, `CACHE_ENDPOINT_ENV = "` + motocfn.CacheEndpointEnv + `"`} {
		if !strings.Contains(script, pin) {
			t.Errorf("motocfn.py lacks %s (the Go constant's value)", pin)
		}
	}
}
