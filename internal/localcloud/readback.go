package localcloud

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"sort"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
)

// ReadStack describes the stack: status, outputs and resources.
func ReadStack(ctx context.Context, cfn *cloudformation.Client, name string) (Stack, error) {
	out, err := cfn.DescribeStacks(ctx, &cloudformation.DescribeStacksInput{StackName: aws.String(name)})
	if err != nil {
		return Stack{}, fmt.Errorf("cloudformation DescribeStacks %s: %w", name, err)
	}
	if len(out.Stacks) != 1 {
		return Stack{}, fmt.Errorf("cloudformation DescribeStacks %s: %d stacks", name, len(out.Stacks))
	}
	s := out.Stacks[0]
	st := Stack{Name: aws.ToString(s.StackName), ID: aws.ToString(s.StackId), Status: string(s.StackStatus), Outputs: map[string]string{}}
	for _, o := range s.Outputs {
		st.Outputs[aws.ToString(o.OutputKey)] = aws.ToString(o.OutputValue)
	}
	pages := cloudformation.NewListStackResourcesPaginator(cfn, &cloudformation.ListStackResourcesInput{StackName: aws.String(name)})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return st, fmt.Errorf("cloudformation ListStackResources %s: %w", name, err)
		}
		for _, r := range page.StackResourceSummaries {
			st.Resources = append(st.Resources, Resource{
				LogicalID:  aws.ToString(r.LogicalResourceId),
				PhysicalID: aws.ToString(r.PhysicalResourceId),
				Type:       aws.ToString(r.ResourceType),
				Status:     string(r.ResourceStatus),
			})
		}
	}
	sort.Slice(st.Resources, func(i, j int) bool { return st.Resources[i].LogicalID < st.Resources[j].LogicalID })
	return st, nil
}

// functionResource picks the function to run: the one the output names
// (read back from the stack, or else resolved from the template's
// {"Ref": id}), or else the stack's only AWS::Lambda::Function.
func functionResource(st Stack, output, templateRef string) (Resource, error) {
	var functions []Resource
	for _, r := range st.Resources {
		if r.Type == "AWS::Lambda::Function" {
			functions = append(functions, r)
		}
	}
	if name, ok := st.Outputs[output]; ok {
		for _, r := range functions {
			if r.PhysicalID == name {
				return r, nil
			}
		}
		return Resource{}, fmt.Errorf("stack %s: output %s names function %q, which is not among its AWS::Lambda::Function resources", st.Name, output, name)
	}
	if templateRef != "" {
		for _, r := range functions {
			if r.LogicalID == templateRef {
				return r, nil
			}
		}
		return Resource{}, fmt.Errorf("stack %s: output %s refers to %s, which is not among its deployed AWS::Lambda::Function resources", st.Name, output, templateRef)
	}
	if len(functions) == 1 {
		return functions[0], nil
	}
	return Resource{}, fmt.Errorf("stack %s has %d AWS::Lambda::Function resources and no output %s to say which to run; set Options.FunctionOutput", st.Name, len(functions), output)
}

var errNoFunction = errors.New("function not found")

// ReadFunction reads the function's configuration back from Lambda.
func ReadFunction(ctx context.Context, lc *lambda.Client, name string) (Function, error) {
	c, err := lc.GetFunctionConfiguration(ctx, &lambda.GetFunctionConfigurationInput{FunctionName: aws.String(name)})
	if err != nil {
		return Function{}, fmt.Errorf("lambda GetFunctionConfiguration %s: %w", name, err)
	}
	f := Function{
		Name:           aws.ToString(c.FunctionName),
		ARN:            aws.ToString(c.FunctionArn),
		Runtime:        string(c.Runtime),
		Handler:        aws.ToString(c.Handler),
		Role:           aws.ToString(c.Role),
		MemoryMB:       aws.ToInt32(c.MemorySize),
		TimeoutSeconds: aws.ToInt32(c.Timeout),
		CodeSize:       c.CodeSize,
		CodeSha256:     aws.ToString(c.CodeSha256),
		Env:            map[string]string{},
	}
	for _, a := range c.Architectures {
		f.Architectures = append(f.Architectures, string(a))
	}
	if c.Environment != nil {
		maps.Copy(f.Env, c.Environment.Variables)
	}
	if f.Name == "" {
		return f, fmt.Errorf("lambda GetFunctionConfiguration %s: %w", name, errNoFunction)
	}
	return f, nil
}
