package localsvc_test

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/servicediscovery"
	"github.com/aws/smithy-go"

	"github.com/liftcdk/lift/internal/localsvc"
)

// motoCFNTemplate has one resource of each type motocfn.py creates or
// patches, and outputs of their attributes.
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
	root, err := localsvc.FindRoot()
	if err != nil {
		t.Fatal(err)
	}
	m, err := localsvc.StartMoto(root, t.TempDir(), opts)
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
	cfn := cloudformation.NewFromConfig(cfg)

	if _, err := cfn.CreateStack(ctx, &cloudformation.CreateStackInput{
		StackName: aws.String("MotoCFN"), TemplateBody: aws.String(motoCFNTemplate),
	}); err != nil {
		t.Fatalf("CreateStack: %v\nmoto log:\n%s", err, m.Logs())
	}
	stacks, err := cfn.DescribeStacks(ctx, &cloudformation.DescribeStacksInput{StackName: aws.String("MotoCFN")})
	if err != nil {
		t.Fatal(err)
	}
	stack := stacks.Stacks[0]
	if stack.StackStatus != cfntypes.StackStatusCreateComplete {
		t.Fatalf("stack status %s (%s)", stack.StackStatus, aws.ToString(stack.StackStatusReason))
	}
	out := map[string]string{}
	for _, o := range stack.Outputs {
		out[aws.ToString(o.OutputKey)] = aws.ToString(o.OutputValue)
	}
	t.Logf("outputs: %v", out)

	// Every resource of the template is listed with a physical id.
	var tmpl struct{ Resources map[string]json.RawMessage }
	if err := json.Unmarshal([]byte(motoCFNTemplate), &tmpl); err != nil {
		t.Fatal(err)
	}
	res, err := cfn.ListStackResources(ctx, &cloudformation.ListStackResourcesInput{StackName: aws.String("MotoCFN")})
	if err != nil {
		t.Fatal(err)
	}
	physical := map[string]string{}
	for _, r := range res.StackResourceSummaries {
		physical[aws.ToString(r.LogicalResourceId)] = aws.ToString(r.PhysicalResourceId)
	}
	for logical := range tmpl.Resources {
		if physical[logical] == "" {
			t.Errorf("resource %s: no physical id (listed: %v)", logical, physical)
		}
	}

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
}
