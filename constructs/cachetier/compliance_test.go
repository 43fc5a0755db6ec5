package cachetier_test

import (
	"path/filepath"
	"reflect"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/jsii-runtime-go"

	"github.com/liftcdk/lift/constructs/cachetier"
	"github.com/liftcdk/lift/constructs/cdktest"
	"github.com/liftcdk/lift/constructs/gofunction"
)

// TestCompliance synthesizes, with cdk-nag's AwsSolutions pack, the
// configurations the ElastiCache example (examples/elasticache, serverless +
// IAM) does not cover: a default DynamoDB tier and a password-auth
// replication group in a created VPC, each bound to a Go function. The stack
// must pass cdk-nag with only the tiers' documented suppressions (plus
// gofunction's VPC-access one on the function in the VPC) and cfn-lint with
// only DefaultIgnored; aws-cdk-lib's template validation is on (cdk.json).
func TestCompliance(t *testing.T) {
	app := cdktest.NewApp(t, cdktest.WithCDKJSON("../../cdk.json"), cdktest.WithNag())
	handler, err := filepath.Abs("../../examples/elasticache/handler")
	if err != nil {
		t.Fatal(err)
	}

	tiers := awscdk.NewStack(app, jsii.String("LiftCacheTiers"), &awscdk.StackProps{Env: cdktest.Env()})
	table := cachetier.NewDynamoDB(tiers, jsii.String("Table"), nil)
	tableFn := goFunction(tiers, "TableUser", handler, nil)
	mustBind(t, table, tableFn)
	nodes := cachetier.NewElastiCache(tiers, jsii.String("Nodes"), &cachetier.ElastiCacheProps{
		CreateVpc:        jsii.Bool(true),
		Auth:             cachetier.AuthPassword,
		ReplicationGroup: &cachetier.ReplicationGroupProps{},
	})
	nodesFn := goFunction(tiers, "NodesUser", handler, nodes.Vpc())
	mustBind(t, nodes, nodesFn)

	cdktest.Compliance(t, tiers)

	t.Run("secrets manager endpoint only for bound functions", func(t *testing.T) {
		tmpl := cdktest.Template(tiers)
		ep := nodes.SecretsManagerEndpoint()
		if ep == nil {
			t.Fatal("password auth in a created VPC must create a Secrets Manager endpoint")
		}
		epSG := logicalID(tiers, (*ep.Connections().SecurityGroups())[0])
		fnSG := logicalID(tiers, (*nodesFn.Connections().SecurityGroups())[0])
		var rules []map[string]any
		for _, r := range cdktest.Resources(t, tmpl, "AWS::EC2::SecurityGroupIngress") {
			p := asMap(t, r["Properties"])
			if reflect.DeepEqual(p["GroupId"], getAtt(epSG, "GroupId")) {
				rules = append(rules, p)
			}
		}
		if sg := asMap(t, cdktest.Resources(t, tmpl, "AWS::EC2::SecurityGroup")[epSG]["Properties"]); sg["SecurityGroupIngress"] != nil {
			t.Errorf("endpoint security group must not be open to the VPC: %v", sg["SecurityGroupIngress"])
		}
		if len(rules) != 1 || rules[0]["FromPort"] != 443.0 || !reflect.DeepEqual(rules[0]["SourceSecurityGroupId"], getAtt(fnSG, "GroupId")) {
			t.Errorf("endpoint ingress: want 443 from the bound function only, got %v", rules)
		}
	})
}

// goFunction is a gofunction with the example's handler, in vpc's isolated
// subnets when vpc is set.
func goFunction(stack awscdk.Stack, id, entry string, vpc awsec2.IVpc) awslambda.Function {
	props := &gofunction.Props{Entry: jsii.String(entry), LogRemovalPolicy: awscdk.RemovalPolicy_DESTROY}
	if vpc != nil {
		props.Vpc = vpc
		props.VpcSubnets = &awsec2.SubnetSelection{SubnetType: awsec2.SubnetType_PRIVATE_ISOLATED}
	}
	return gofunction.New(stack, jsii.String(id), props)
}
