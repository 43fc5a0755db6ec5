package localcloud

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
)

// TemplateFunction is an AWS::Lambda::Function of a stack in a cloud
// assembly, as synthesized (nothing deployed).
type TemplateFunction struct {
	Stack, LogicalID string
	// Env is its Environment.Variables: a literal value is a string, one
	// that a deploy would resolve (Ref, Fn::GetAtt, ...) is the intrinsic
	// function's JSON object.
	Env map[string]any
	// TimeoutSeconds and MemoryMB are its Timeout and MemorySize, with
	// Lambda's defaults (3 s, 128 MB) when the template leaves them out.
	TimeoutSeconds, MemoryMB int
	// Asset is its code in the assembly.
	Asset Asset
}

// TemplateFunctions lists the Lambda functions of every stack of the cloud
// assembly whose code is a zip asset of the assembly, sorted by stack and
// logical id.
func TemplateFunctions(assembly string) ([]TemplateFunction, error) {
	stacks, err := Stacks(assembly)
	if err != nil {
		return nil, err
	}
	var out []TemplateFunction
	for _, stack := range stacks {
		_, tpl, err := stackTemplate(assembly, stack)
		if err != nil {
			return nil, err
		}
		for _, id := range slices.Sorted(maps.Keys(tpl.Resources)) {
			res := tpl.Resources[id]
			if res.Type != "AWS::Lambda::Function" {
				continue
			}
			props := struct {
				Environment struct{ Variables map[string]any }
				Timeout     int
				MemorySize  int
			}{Timeout: 3, MemorySize: 128}
			if err := json.Unmarshal(res.Properties, &props); err != nil {
				return nil, fmt.Errorf("cloud assembly: %s/%s: properties: %w", stack, id, err)
			}
			a, err := LocateAsset(assembly, stack, id)
			if err != nil {
				continue // inline or image code: not a function Lift builds
			}
			out = append(out, TemplateFunction{Stack: stack, LogicalID: id, Env: props.Environment.Variables,
				TimeoutSeconds: props.Timeout, MemoryMB: props.MemorySize, Asset: a})
		}
	}
	return out, nil
}
