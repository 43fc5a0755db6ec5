package prewarm_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/jsii-runtime-go"

	"github.com/liftcdk/lift/constructs/gofunction"
)

// newTarget is a Go function built from testdata/target.
func newTarget(stack awscdk.Stack, id string, reserved *float64) awslambda.Function {
	return gofunction.New(stack, jsii.String(id), &gofunction.Props{
		Entry:                        jsii.String("testdata/target"),
		ReservedConcurrentExecutions: reserved,
	})
}

// renderJoin turns a template value that is a string or an Fn::Join of
// strings and Refs into text, writing each Ref as ${LogicalId}.
func renderJoin(t *testing.T, v any) string {
	t.Helper()
	switch x := v.(type) {
	case string:
		return x
	case map[string]any:
		if ref, ok := x["Ref"].(string); ok {
			return "${" + ref + "}"
		}
		if ga, ok := x["Fn::GetAtt"].([]any); ok && len(ga) == 2 {
			return fmt.Sprintf("${%v.%v}", ga[0], ga[1])
		}
		if sub, ok := x["Fn::Sub"].([]any); ok && len(sub) == 2 {
			text := sub[0].(string)
			for name, val := range sub[1].(map[string]any) {
				text = strings.ReplaceAll(text, "${"+name+"}", renderJoin(t, val))
			}
			return text
		}
		join, ok := x["Fn::Join"].([]any)
		if !ok || len(join) != 2 {
			t.Fatalf("value %v is not a string, Ref, Fn::GetAtt, Fn::Sub or Fn::Join", x)
		}
		var b strings.Builder
		for _, part := range join[1].([]any) {
			b.WriteString(renderJoin(t, part))
		}
		return b.String()
	}
	t.Fatalf("value %v (%T) is not a string, Ref, Fn::GetAtt, Fn::Sub or Fn::Join", v, v)
	return ""
}

func toJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func logicalIDs(m map[string]map[string]any) []string {
	var ids []string
	for id := range m {
		ids = append(ids, id)
	}
	return ids
}

func only(t *testing.T, m map[string]map[string]any, what string) map[string]any {
	t.Helper()
	if len(m) != 1 {
		t.Fatalf("want exactly one %s, got %d: %v", what, len(m), logicalIDs(m))
	}
	for _, v := range m {
		return v
	}
	return nil
}

func get(v any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, _ := v.(map[string]any)
			v = m[k]
		case int:
			a, _ := v.([]any)
			if k >= len(a) {
				return nil
			}
			v = a[k]
		default:
			panic(fmt.Sprintf("bad path element %v", p))
		}
	}
	return v
}
