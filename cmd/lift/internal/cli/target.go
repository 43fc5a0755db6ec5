package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/spf13/cobra"

	"github.com/liftcdk/lift/cmd/lift/internal/local"
	"github.com/liftcdk/lift/internal/localsvc"
)

// where says which cloud a command talks to: the app's local cloud, or a
// deployed stack through the AWS SDK's usual credentials.
type where struct {
	local           bool
	stack           string
	profile, region string
}

func (w *where) flags(c *cobra.Command) {
	c.Flags().BoolVar(&w.local, "local", false, "the local cloud of the app in this folder (the default without --stack)")
	c.Flags().StringVar(&w.stack, "stack", "", "a deployed stack: its Lift functions are found from its resources")
	c.Flags().StringVar(&w.profile, "profile", "", "AWS profile (with --stack; default: the SDK's usual chain)")
	c.Flags().StringVar(&w.region, "region", "", "AWS region (with --stack)")
	c.MarkFlagsMutuallyExclusive("local", "stack")
}

// target is one service's function, reachable through a Lambda client.
type target struct {
	// Service is the name commands take: the service, or SERVICE/worker for
	// its jobs worker (local.TargetName).
	Service   string `json:"service"`
	Function  string `json:"function"`
	Qualifier string `json:"qualifier"`
	LogGroup  string `json:"logGroup,omitempty"`
	// LocalLog is the emulator's log file in the local cloud.
	LocalLog string `json:"-"`
	client   *lambda.Client
	cfg      aws.Config
}

// resolve finds the functions services name (each a service or
// SERVICE/worker; every Lift function but the warmer when empty).
func (w *where) resolve(ctx context.Context, services []string) ([]target, error) {
	if w.stack == "" {
		return w.resolveLocal(services)
	}
	return w.resolveStack(ctx, services)
}

// resolveWith finds one service's function and reads the event to send it.
func (w *where) resolveWith(ctx context.Context, service string, ev *eventFlags, stdin io.Reader) (target, []byte, error) {
	payload, err := ev.payload(stdin)
	if err != nil {
		return target{}, nil, err
	}
	ts, err := w.resolve(ctx, []string{service})
	if err != nil {
		return target{}, nil, err
	}
	return ts[0], payload, nil
}

func (w *where) resolveLocal(services []string) ([]target, error) {
	dir, err := os.Getwd()
	if err != nil {
		return nil, err
	}
	st, err := local.Load(dir)
	if err != nil {
		return nil, err
	}
	cfg := localsvc.AWSConfigAt(st.AWS)
	client := lambda.NewFromConfig(cfg, func(o *lambda.Options) { o.BaseEndpoint = aws.String(st.Lambda) })
	var all []target
	for _, f := range st.Funcs {
		all = append(all, target{Service: f.Service, Function: f.Name, Qualifier: local.AliasName,
			LocalLog: f.Proc.Log, client: client, cfg: cfg})
	}
	return pick(all, services, "the local cloud")
}

func (w *where) resolveStack(ctx context.Context, services []string) ([]target, error) {
	var opts []func(*config.LoadOptions) error
	if w.profile != "" {
		opts = append(opts, config.WithSharedConfigProfile(w.profile))
	}
	if w.region != "" {
		opts = append(opts, config.WithRegion(w.region))
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("AWS configuration: %w", err)
	}
	cfn, client := cloudformation.NewFromConfig(cfg), lambda.NewFromConfig(cfg)
	var all []target
	pages := cloudformation.NewListStackResourcesPaginator(cfn, &cloudformation.ListStackResourcesInput{StackName: aws.String(w.stack)})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("stack %s: %w", w.stack, err)
		}
		for _, r := range page.StackResourceSummaries {
			if aws.ToString(r.ResourceType) != "AWS::Lambda::Function" {
				continue
			}
			fc, err := client.GetFunctionConfiguration(ctx, &lambda.GetFunctionConfigurationInput{FunctionName: r.PhysicalResourceId})
			if err != nil {
				return nil, fmt.Errorf("stack %s: function %s: %w", w.stack, aws.ToString(r.PhysicalResourceId), err)
			}
			var name string
			if fc.Environment != nil {
				name = local.TargetName(fc.Environment.Variables)
			}
			if name == "" {
				continue
			}
			t := target{Service: name, Function: aws.ToString(fc.FunctionName), Qualifier: local.AliasName, client: client, cfg: cfg}
			if fc.LoggingConfig != nil {
				t.LogGroup = aws.ToString(fc.LoggingConfig.LogGroup)
			}
			all = append(all, t)
		}
	}
	return pick(all, services, "stack "+w.stack)
}

// pick returns the targets of all that services name, or every one but the
// stack's warmer when services is empty. A name that matches none is an
// error listing the valid names.
func pick(all []target, services []string, in string) ([]target, error) {
	var out []target
	var names []string
	for _, t := range all {
		names = append(names, t.Service)
		if len(services) == 0 && t.Service != local.WarmerService || slices.Contains(services, t.Service) {
			out = append(out, t)
		}
	}
	var lost []string
	for _, s := range services {
		if !slices.Contains(names, s) {
			lost = append(lost, s)
		}
	}
	switch {
	case len(out) == 0 && len(lost) == 0 || len(all) == 0:
		return nil, errors.New("no Lift service in " + in)
	case len(lost) > 0:
		return nil, fmt.Errorf("no service %s in %s (valid names: %s)", strings.Join(lost, ", "), in, strings.Join(names, ", "))
	}
	return out, nil
}
