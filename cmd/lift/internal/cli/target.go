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
	"github.com/liftcdk/lift/internal/contract"
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
	Service   string `json:"service"`
	Function  string `json:"function"`
	Qualifier string `json:"qualifier"`
	LogGroup  string `json:"logGroup,omitempty"`
	// LocalLog is the emulator's log file in the local cloud.
	LocalLog string `json:"-"`
	client   *lambda.Client
	cfg      aws.Config
}

// resolve finds the functions of services (every Lift service when empty).
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
	var out []target
	for _, f := range st.Funcs {
		if !wanted(services, f.Service) {
			continue
		}
		out = append(out, target{Service: f.Service, Function: f.Name, Qualifier: local.AliasName,
			LocalLog: f.Proc.Log, client: client, cfg: cfg})
	}
	return out, missing(services, out, "the local cloud")
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
	var out []target
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
			var svc string
			if fc.Environment != nil {
				svc = fc.Environment.Variables[contract.EnvService]
			}
			if svc == "" || !wanted(services, svc) {
				continue
			}
			t := target{Service: svc, Function: aws.ToString(fc.FunctionName), Qualifier: local.AliasName, client: client, cfg: cfg}
			if fc.LoggingConfig != nil {
				t.LogGroup = aws.ToString(fc.LoggingConfig.LogGroup)
			}
			out = append(out, t)
		}
	}
	return out, missing(services, out, "stack "+w.stack)
}

// wanted says whether a command over services covers svc: the named ones,
// or every service but the stack's warmer.
func wanted(services []string, svc string) bool {
	if len(services) == 0 {
		return svc != local.WarmerService
	}
	return slices.Contains(services, svc)
}

// missing names the asked services that were not found.
func missing(services []string, found []target, in string) error {
	var have, lost []string
	for _, t := range found {
		have = append(have, t.Service)
	}
	for _, s := range services {
		if !slices.Contains(have, s) {
			lost = append(lost, s)
		}
	}
	switch {
	case len(lost) > 0:
		return fmt.Errorf("no service %s in %s (services: %s)", strings.Join(lost, ", "), in, strings.Join(have, ", "))
	case len(found) == 0:
		return errors.New("no Lift service in " + in)
	}
	return nil
}
