package multiservice

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"
)

// template is the part of a synthesized CloudFormation template this test reads.
type template struct {
	Resources map[string]resource
}

type resource struct {
	Type       string
	Properties map[string]any
	Metadata   map[string]any
}

func parseTemplate(t *testing.T, raw []byte) *template {
	t.Helper()
	var tpl template
	if err := json.Unmarshal(raw, &tpl); err != nil {
		t.Fatalf("parse synthesized template: %v", err)
	}
	return &tpl
}

// ofType returns the logical ids of the resources of type typ.
func (tpl *template) ofType(typ string) []string {
	var ids []string
	for id, r := range tpl.Resources {
		if r.Type == typ {
			ids = append(ids, id)
		}
	}
	return ids
}

// world resolves the template's intrinsics to what the local stand-ins hold:
// Cloud Map ids from moto, function names and qualified ARNs as Lambda would
// form them, the router's address for function URLs.
type world struct {
	tpl       *template
	region    string
	account   string
	physical  map[string]map[string]string // logical id -> attribute ("Ref", "Id", "Arn") -> value
	routerURL string
}

func (w *world) set(logicalID, attr, value string) {
	if w.physical[logicalID] == nil {
		w.physical[logicalID] = map[string]string{}
	}
	w.physical[logicalID][attr] = value
}

// resolve turns a template value into a string, failing on any intrinsic it
// does not know, so a template change that this stand-in cannot honour is
// loud rather than silently wrong.
func (w *world) resolve(t *testing.T, v any) string {
	t.Helper()
	switch v := v.(type) {
	case string:
		return v
	case float64:
		return fmt.Sprint(v)
	case map[string]any:
		if ref, ok := v["Ref"].(string); ok {
			return w.ref(t, ref)
		}
		if ga, ok := v["Fn::GetAtt"].([]any); ok && len(ga) == 2 {
			return w.getAtt(t, ga[0].(string), ga[1].(string))
		}
		if sub, ok := v["Fn::Sub"]; ok {
			return w.sub(t, sub)
		}
		if j, ok := v["Fn::Join"].([]any); ok && len(j) == 2 {
			var parts []string
			for _, p := range j[1].([]any) {
				parts = append(parts, w.resolve(t, p))
			}
			return strings.Join(parts, j[0].(string))
		}
	}
	t.Fatalf("cannot resolve template value %v: teach integ/multiservice's world about it", v)
	return ""
}

var subVar = regexp.MustCompile(`\$\{([^}]+)\}`)

// sub resolves Fn::Sub: a string, or [string, variables]. A ${Name} is a
// variable, a ${Id.Attr} a GetAtt, any other ${Id} a Ref.
func (w *world) sub(t *testing.T, v any) string {
	t.Helper()
	var format string
	vars := map[string]any{}
	switch v := v.(type) {
	case string:
		format = v
	case []any:
		if len(v) != 2 {
			t.Fatalf("Fn::Sub %v: want [string, variables]", v)
		}
		format, _ = v[0].(string)
		vars, _ = v[1].(map[string]any)
	}
	return subVar.ReplaceAllStringFunc(format, func(m string) string {
		name := m[2 : len(m)-1]
		if val, ok := vars[name]; ok {
			return w.resolve(t, val)
		}
		if id, attr, ok := strings.Cut(name, "."); ok && !strings.HasPrefix(name, "AWS::") {
			return w.getAtt(t, id, attr)
		}
		return w.ref(t, name)
	})
}

func (w *world) ref(t *testing.T, id string) string {
	t.Helper()
	switch id {
	case "AWS::Region":
		return w.region
	case "AWS::AccountId":
		return w.account
	case "AWS::Partition":
		return "aws"
	}
	if v, ok := w.physical[id]["Ref"]; ok {
		return v
	}
	r, ok := w.tpl.Resources[id]
	if !ok {
		t.Fatalf("Ref to %s: no such resource", id)
	}
	switch r.Type {
	case "AWS::Lambda::Function":
		// The logical id stands in for the generated function name.
		return id
	case "AWS::Lambda::Alias":
		// Ref of an alias is its ARN: the function ARN qualified by the alias.
		return w.functionARN(t, r.Properties["FunctionName"]) + ":" + w.resolve(t, r.Properties["Name"])
	case "AWS::Lambda::Version":
		return w.functionARN(t, r.Properties["FunctionName"]) + ":1"
	}
	t.Fatalf("Ref to %s (%s): not modelled", id, r.Type)
	return ""
}

func (w *world) functionARN(t *testing.T, name any) string {
	return fmt.Sprintf("arn:aws:lambda:%s:%s:function:%s", w.region, w.account, w.resolve(t, name))
}

func (w *world) getAtt(t *testing.T, id, attr string) string {
	t.Helper()
	if v, ok := w.physical[id][attr]; ok {
		return v
	}
	r := w.tpl.Resources[id]
	if r.Type == "AWS::Lambda::Url" && attr == "FunctionUrl" {
		return w.routerURL + "/url/" + id + "/"
	}
	if r.Type == "AWS::Lambda::Function" && attr == "Arn" { // alias ARNs are built on it
		return w.functionARN(t, map[string]any{"Ref": id})
	}
	t.Fatalf("Fn::GetAtt %s.%s (%s): not modelled (is the resource created locally: Cloud Map in moto, the cache by startCache?)", id, attr, r.Type)
	return ""
}

// env resolves a function's environment variables.
func (w *world) env(t *testing.T, fnLogicalID string) map[string]string {
	t.Helper()
	r := w.tpl.Resources[fnLogicalID]
	vars, _ := r.Properties["Environment"].(map[string]any)["Variables"].(map[string]any)
	out := map[string]string{}
	for k, v := range vars {
		out[k] = w.resolve(t, v)
	}
	return out
}
