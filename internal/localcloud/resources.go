package localcloud

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/url"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/scheduler"
	"github.com/aws/aws-sdk-go-v2/service/sns"
)

// ReadBack is what the AWS APIs answer about the resources moto created
// that Lift configures: tables, dashboards, topics, log groups and schedules.
type ReadBack struct {
	Schedules  map[string]ScheduleReadBack // by schedule name
	Tables     map[string]TableReadBack    // by table name
	Dashboards map[string]string           // dashboard name -> body (JSON)
	Topics     map[string]TopicReadBack    // by topic ARN
	LogGroups  map[string]int32            // log group name -> retention in days (0: never expires)
}

// TableReadBack is a DynamoDB table as DescribeTable and DescribeTimeToLive answer.
type TableReadBack struct {
	BillingMode, SSEStatus, TTLAttribute, TTLStatus string
	KeySchema                                       []string // "name HASH", ...
}

// ScheduleReadBack is an EventBridge Scheduler schedule as GetSchedule answers.
type ScheduleReadBack struct {
	Expression, Timezone, State string
	TargetARN, TargetInput      string // the target's input, resolved by the deploy
}

// TopicReadBack is an SNS topic as GetTopicAttributes answers.
type TopicReadBack struct {
	KMSKey string // KmsMasterKeyId
}

func (r *runner) readResources(ctx context.Context) ([]string, error) {
	cfg := r.moto.AWSConfig()
	rb := ReadBack{Schedules: map[string]ScheduleReadBack{}, Tables: map[string]TableReadBack{}, Dashboards: map[string]string{}, Topics: map[string]TopicReadBack{}, LogGroups: map[string]int32{}}
	r.rep.ReadBack = rb
	var lines []string
	for _, res := range r.rep.Stack.Resources {
		switch res.Type {
		case "AWS::DynamoDB::Table":
			t, err := readTable(ctx, dynamodb.NewFromConfig(cfg), res.PhysicalID)
			if err != nil {
				return lines, err
			}
			rb.Tables[res.PhysicalID] = t
			lines = append(lines, fmt.Sprintf("table %s: %s, key %v, TTL %s on %q, SSE %s", res.PhysicalID, t.BillingMode, t.KeySchema, t.TTLStatus, t.TTLAttribute, t.SSEStatus))
		case "AWS::Scheduler::Schedule":
			out, err := scheduler.NewFromConfig(cfg).GetSchedule(ctx, &scheduler.GetScheduleInput{Name: aws.String(res.PhysicalID)})
			if err != nil {
				return lines, fmt.Errorf("scheduler GetSchedule %s: %w", res.PhysicalID, err)
			}
			sc := ScheduleReadBack{Expression: aws.ToString(out.ScheduleExpression), Timezone: aws.ToString(out.ScheduleExpressionTimezone), State: string(out.State)}
			if out.Target != nil {
				sc.TargetARN, sc.TargetInput = aws.ToString(out.Target.Arn), aws.ToString(out.Target.Input)
			}
			rb.Schedules[res.PhysicalID] = sc
			lines = append(lines, fmt.Sprintf("schedule %s: %s %s, %s, invokes %s", res.PhysicalID, sc.Expression, sc.Timezone, sc.State, sc.TargetARN))
		case "AWS::CloudWatch::Dashboard":
			body, err := r.dashboard(ctx, res.PhysicalID)
			if err != nil {
				return lines, err
			}
			rb.Dashboards[res.PhysicalID] = body
			var d struct{ Widgets []json.RawMessage }
			_ = json.Unmarshal([]byte(body), &d) // a body that is not JSON shows as 0 widgets
			lines = append(lines, fmt.Sprintf("dashboard %s: %d widgets, %d alarm references", res.PhysicalID, len(d.Widgets), strings.Count(body, ":alarm:")))
		case "AWS::SNS::Topic":
			out, err := sns.NewFromConfig(cfg).GetTopicAttributes(ctx, &sns.GetTopicAttributesInput{TopicArn: aws.String(res.PhysicalID)})
			if err != nil {
				return lines, fmt.Errorf("sns GetTopicAttributes %s: %w", res.PhysicalID, err)
			}
			rb.Topics[res.PhysicalID] = TopicReadBack{KMSKey: out.Attributes["KmsMasterKeyId"]}
			lines = append(lines, fmt.Sprintf("topic %s: encrypted with %q", res.PhysicalID, out.Attributes["KmsMasterKeyId"]))
		case "AWS::Logs::LogGroup":
			out, err := cloudwatchlogs.NewFromConfig(cfg).DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String(res.PhysicalID)})
			if err != nil {
				return lines, fmt.Errorf("logs DescribeLogGroups %s: %w", res.PhysicalID, err)
			}
			for _, g := range out.LogGroups {
				if aws.ToString(g.LogGroupName) == res.PhysicalID {
					rb.LogGroups[res.PhysicalID] = aws.ToInt32(g.RetentionInDays)
					lines = append(lines, fmt.Sprintf("log group %s: retention %d days", res.PhysicalID, aws.ToInt32(g.RetentionInDays)))
				}
			}
			if _, ok := rb.LogGroups[res.PhysicalID]; !ok {
				return lines, fmt.Errorf("logs DescribeLogGroups: no log group %s", res.PhysicalID)
			}
		}
	}
	return lines, nil
}

func readTable(ctx context.Context, db *dynamodb.Client, name string) (TableReadBack, error) {
	out, err := db.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(name)})
	if err != nil {
		return TableReadBack{}, fmt.Errorf("dynamodb DescribeTable %s: %w", name, err)
	}
	var t TableReadBack
	if s := out.Table.BillingModeSummary; s != nil {
		t.BillingMode = string(s.BillingMode)
	}
	if s := out.Table.SSEDescription; s != nil {
		t.SSEStatus = string(s.Status)
	}
	for _, k := range out.Table.KeySchema {
		t.KeySchema = append(t.KeySchema, aws.ToString(k.AttributeName)+" "+string(k.KeyType))
	}
	ttl, err := db.DescribeTimeToLive(ctx, &dynamodb.DescribeTimeToLiveInput{TableName: aws.String(name)})
	if err != nil {
		return t, fmt.Errorf("dynamodb DescribeTimeToLive %s: %w", name, err)
	}
	if d := ttl.TimeToLiveDescription; d != nil {
		t.TTLAttribute, t.TTLStatus = aws.ToString(d.AttributeName), string(d.TimeToLiveStatus)
	}
	return t, nil
}

// dashboard reads a dashboard's body through CloudWatch's GetDashboard (in
// the query protocol: see localsvc.Moto.Query).
func (r *runner) dashboard(ctx context.Context, name string) (string, error) {
	raw, err := r.moto.Query(ctx, "monitoring", url.Values{"Action": {"GetDashboard"}, "Version": {"2010-08-01"}, "DashboardName": {name}})
	if err != nil {
		return "", fmt.Errorf("cloudwatch GetDashboard %s: %w", name, err)
	}
	var out struct {
		Body string `xml:"GetDashboardResult>DashboardBody"`
	}
	if err := xml.Unmarshal(raw, &out); err != nil || out.Body == "" {
		return "", fmt.Errorf("cloudwatch GetDashboard %s answered %s (%v)", name, raw, err)
	}
	return out.Body, nil
}
