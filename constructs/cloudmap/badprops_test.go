package cloudmap_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/jsii-runtime-go"

	"github.com/liftcdk/lift/constructs/cloudmap"
)

// TestBadProps checks that every bad prop is reported naming the prop, the
// value and the fix, and that synthesis fails on it.
func TestBadProps(t *testing.T) {
	f := newFixture(t)
	other := cloudmap.NewNamespace(f.stack, jsii.String("Other"), &cloudmap.NamespaceProps{Name: jsii.String("other")})
	cases := []struct {
		name string
		// build returns the error the bad call recorded.
		build func(t *testing.T, id string) error
		want  []string // substrings: prop, value, fix
	}{
		{"service name with space", func(t *testing.T, id string) error {
			return panicErr(func() { f.ns.AddService(jsii.String(id), &cloudmap.ServiceProps{Name: jsii.String("my orders")}) })
		}, []string{"ServiceProps.Name", `"my orders"`, "letters, digits"}},
		{"service name label starts with dash", func(t *testing.T, id string) error {
			return panicErr(func() { f.ns.AddService(jsii.String(id), &cloudmap.ServiceProps{Name: jsii.String("-orders")}) })
		}, []string{"Test/Discovery/{id}", "ServiceProps.Name", `"-orders"`, "for example \"orders\""}},
		{"service name too long", func(t *testing.T, id string) error {
			return panicErr(func() {
				f.ns.AddService(jsii.String(id), &cloudmap.ServiceProps{Name: jsii.String(strings.Repeat("a", 64))})
			})
		}, []string{"ServiceProps.Name", strings.Repeat("a", 64), "1-63 letters"}},
		{"default name from construct id", func(t *testing.T, id string) error {
			return panicErr(func() { f.ns.AddService(jsii.String("Orders Service"), nil) })
		}, []string{"ServiceProps.Name (default: the construct id)", `"Orders Service"`}},
		{"service without namespace", func(t *testing.T, id string) error {
			return panicErr(func() { cloudmap.NewService(f.stack, jsii.String(id), &cloudmap.ServiceProps{Name: jsii.String("x")}) })
		}, []string{"ServiceProps.Namespace", "Namespace.AddService"}},
		{"namespace name and existing", func(t *testing.T, id string) error {
			return panicErr(func() {
				cloudmap.NewNamespace(f.stack, jsii.String(id), &cloudmap.NamespaceProps{Name: jsii.String("a"), Existing: f.ns.HttpNamespace})
			})
		}, []string{"NamespaceProps.Name", `"a"`, "not both"}},
		{"namespace without name", func(t *testing.T, id string) error {
			return panicErr(func() { cloudmap.NewNamespace(f.stack, jsii.String(id), nil) })
		}, []string{"NamespaceProps.Name", "Existing"}},
		{"namespace name with comma", func(t *testing.T, id string) error {
			return panicErr(func() {
				cloudmap.NewNamespace(f.stack, jsii.String(id), &cloudmap.NamespaceProps{Name: jsii.String("a,b")})
			})
		}, []string{"NamespaceProps.Name", `"a,b"`, "comma"}},
		{"import without attributes", func(t *testing.T, id string) error {
			return panicErr(func() { cloudmap.ImportNamespace(f.stack, jsii.String(id), nil) })
		}, []string{"ImportNamespace", "NamespaceName, NamespaceId and NamespaceArn"}},
		{"negative weight", func(t *testing.T, id string) error {
			fn := f.function(id + "Fn")
			return register(f, id, &cloudmap.InstanceProps{Function: fn, Alias: fn.AddAlias(jsii.String("live"), nil), Weight: jsii.Number(-1)})
		}, []string{"InstanceProps.Weight", "-1", "whole number >= 0"}},
		{"fractional weight", func(t *testing.T, id string) error {
			fn := f.function(id + "Fn")
			return register(f, id, &cloudmap.InstanceProps{Function: fn, Alias: fn.AddAlias(jsii.String("live"), nil), Weight: jsii.Number(1.5)})
		}, []string{"InstanceProps.Weight", "1.5"}},
		{"unqualified function", func(t *testing.T, id string) error {
			return register(f, id, &cloudmap.InstanceProps{Function: f.function(id + "Fn")})
		}, []string{"Test/Discovery/{id}/{id}-live", "InstanceProps.Alias/Version is neither set", "$LATEST", "fn.AddAlias"}},
		{"version $LATEST", func(t *testing.T, id string) error {
			fn := f.function(id + "Fn")
			return register(f, id, &cloudmap.InstanceProps{Function: fn, Version: fn.LatestVersion()})
		}, []string{"InstanceProps.Version", "$LATEST", "fn.CurrentVersion()"}},
		{"alias and version", func(t *testing.T, id string) error {
			fn := f.function(id + "Fn")
			return register(f, id, &cloudmap.InstanceProps{Function: fn, Alias: fn.AddAlias(jsii.String("live"), nil), Version: fn.CurrentVersion()})
		}, []string{"InstanceProps.Alias", `"live"`, "set one"}},
		{"alias of another function", func(t *testing.T, id string) error {
			a, b := f.function(id+"A"), f.function(id+"B")
			return register(f, id, &cloudmap.InstanceProps{Function: a, Alias: b.AddAlias(jsii.String("live"), nil)})
		}, []string{"InstanceProps.Alias", "{id}B", "alias of the registered function"}},
		{"nil function", func(t *testing.T, id string) error {
			return register(f, id, &cloudmap.InstanceProps{})
		}, []string{"InstanceProps.Function", "gofunction.New"}},
		{"public url not asked for", func(t *testing.T, id string) error {
			fn := f.function(id + "Fn")
			alias := fn.AddAlias(jsii.String("live"), nil)
			url := alias.AddFunctionUrl(&awslambda.FunctionUrlOptions{AuthType: awslambda.FunctionUrlAuthType_NONE})
			return register(f, id, &cloudmap.InstanceProps{Function: fn, Alias: alias, Protocol: jsii.String("http"), FunctionUrl: url})
		}, []string{"InstanceProps.FunctionUrl", "AuthType NONE", "AWS_IAM", "InstanceProps.PublicUrl"}},
		{"public url with the lambda protocol", func(t *testing.T, id string) error {
			fn := f.function(id + "Fn")
			return register(f, id, &cloudmap.InstanceProps{Function: fn, Alias: fn.AddAlias(jsii.String("live"), nil), PublicUrl: jsii.Bool(true)})
		}, []string{"InstanceProps.Protocol", `"lambda"`, "http protocol only"}},
		{"unknown protocol", func(t *testing.T, id string) error {
			fn := f.function(id + "Fn")
			return register(f, id, &cloudmap.InstanceProps{Function: fn, Alias: fn.AddAlias(jsii.String("live"), nil), Protocol: jsii.String("grpc")})
		}, []string{"InstanceProps.Protocol", `"grpc"`, `use "lambda" or "http"`}},
		{"bad instance id", func(t *testing.T, id string) error {
			fn := f.function(id + "Fn")
			return register(f, id, &cloudmap.InstanceProps{Function: fn, Alias: fn.AddAlias(jsii.String("live"), nil), InstanceId: jsii.String("a b")})
		}, []string{"InstanceProps.InstanceId", `"a b"`, "1-64 characters"}},
		{"registered twice", func(t *testing.T, id string) error {
			fn := f.function(id + "Fn")
			alias := fn.AddAlias(jsii.String("live"), nil)
			if err := register(f, id, &cloudmap.InstanceProps{Function: fn, Alias: alias}); err != nil {
				return errors.New("first registration failed: " + err.Error())
			}
			return register(f, id+"2", &cloudmap.InstanceProps{Function: fn, Version: fn.CurrentVersion()})
		}, []string{"already registered", "{id}"}},
		{"connect to itself", func(t *testing.T, id string) error {
			fn := f.function(id + "Fn")
			svc := f.ns.AddService(jsii.String(id), nil)
			svc.Register(jsii.String(id+"-live"), &cloudmap.InstanceProps{Function: fn, Alias: fn.AddAlias(jsii.String("live"), nil)})
			return panicErr(func() { cloudmap.Connect(fn, svc) })
		}, []string{"Connect(consumer)", "Test/{id}Fn, an instance of this service", "must not discover and call itself"}},
		{"register after connecting to own service", func(t *testing.T, id string) error {
			fn := f.function(id + "Fn")
			svc := f.ns.AddService(jsii.String(id), nil)
			svc.Connect(fn)
			return panicErr(func() {
				svc.Register(jsii.String(id+"-live"), &cloudmap.InstanceProps{Function: fn, Alias: fn.AddAlias(jsii.String("live"), nil)})
			})
		}, []string{"InstanceProps.Function", "connected to service", "register it in its own service"}},
		{"connect across namespaces", func(t *testing.T, id string) error {
			fn := f.function(id + "Fn")
			f.ns.AddService(jsii.String(id+"a"), nil).Connect(fn)
			svc := other.AddService(jsii.String(id+"b"), nil)
			return panicErr(func() { svc.Connect(fn) })
		}, []string{"Test/{id}Fn, which discovers in namespace shop", "namespace \"other\"", "one namespace"}},
		{"refresh below a second", func(t *testing.T, id string) error {
			svc, fn := f.ns.AddService(jsii.String(id), nil), f.function(id+"Fn")
			return panicErr(func() { svc.Connect(fn, cloudmap.WithRefresh(time.Millisecond)) })
		}, []string{"WithRefresh", "1ms", "at least 1s"}},
		{"max stale shorter than refresh", func(t *testing.T, id string) error {
			svc, fn := f.ns.AddService(jsii.String(id), nil), f.function(id+"Fn")
			return panicErr(func() { svc.Connect(fn, cloudmap.WithRefresh(time.Minute), cloudmap.WithMaxStale(time.Second)) })
		}, []string{"WithMaxStale", "1s", "at least one refresh"}},
		{"conflicting refresh", func(t *testing.T, id string) error {
			fn := f.function(id + "Fn")
			f.ns.AddService(jsii.String(id+"a"), nil).Connect(fn, cloudmap.WithRefresh(time.Minute))
			svc := f.ns.AddService(jsii.String(id+"b"), nil)
			return panicErr(func() { svc.Connect(fn, cloudmap.WithRefresh(2*time.Minute)) })
		}, []string{"WithRefresh", "2m0s", "1m0s", "same option"}},
		{"connect nil consumer", func(t *testing.T, id string) error {
			svc := f.ns.AddService(jsii.String(id), nil)
			return panicErr(func() { svc.Connect(nil) })
		}, []string{"Connect(consumer) is nil", "awslambda.Function"}},
		{"connect nil provider", func(t *testing.T, id string) error {
			fn := f.function(id + "Fn")
			return panicErr(func() { cloudmap.Connect(fn, nil) })
		}, []string{"Connect(provider) is nil", "*cloudmap.Service"}},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			id := fmt.Sprintf("bad%d", i)
			err := tc.build(t, id)
			if !errors.Is(err, cloudmap.ErrInvalidProps) {
				t.Fatalf("error = %v, want one wrapping ErrInvalidProps", err)
			}
			for _, w := range tc.want {
				if w = strings.ReplaceAll(w, "{id}", id); !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

// register registers props in a new service named like id and returns the
// error Register panicked with.
func register(f *fixture, id string, props *cloudmap.InstanceProps) error {
	svc := f.ns.AddService(jsii.String(id), nil)
	return panicErr(func() { svc.Register(jsii.String(id+"-live"), props) })
}

// panicErr runs f and returns the error it panicked with (nil if none).
func panicErr(f func()) (err error) {
	defer func() {
		if r := recover(); r != nil {
			if err, _ = r.(error); err == nil {
				err = errors.New(fmt.Sprint(r))
			}
		}
	}()
	f()
	return nil
}

var _ awslambda.Function
