package cloudmap_test

import (
	"errors"
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
			return f.ns.AddService(jsii.String(id), &cloudmap.ServiceProps{Name: jsii.String("my orders")}).Err()
		}, []string{"ServiceProps.Name", `"my orders"`, "letters, digits"}},
		{"service name label starts with dash", func(t *testing.T, id string) error {
			return f.ns.AddService(jsii.String(id), &cloudmap.ServiceProps{Name: jsii.String("-orders")}).Err()
		}, []string{"ServiceProps.Name", `"-orders"`, "e.g. \"orders\""}},
		{"service name too long", func(t *testing.T, id string) error {
			return f.ns.AddService(jsii.String(id), &cloudmap.ServiceProps{Name: jsii.String(strings.Repeat("a", 64))}).Err()
		}, []string{"ServiceProps.Name", strings.Repeat("a", 64), "at most 63"}},
		{"default name from construct id", func(t *testing.T, id string) error {
			return f.ns.AddService(jsii.String("Orders Service"), nil).Err()
		}, []string{"ServiceProps.Name (default: the construct id)", `"Orders Service"`}},
		{"service without namespace", func(t *testing.T, id string) error {
			return cloudmap.NewService(f.stack, jsii.String(id), &cloudmap.ServiceProps{Name: jsii.String("x")}).Err()
		}, []string{"ServiceProps.Namespace", "Namespace.AddService"}},
		{"namespace name and existing", func(t *testing.T, id string) error {
			return cloudmap.NewNamespace(f.stack, jsii.String(id), &cloudmap.NamespaceProps{Name: jsii.String("a"), Existing: f.ns.HttpNamespace}).Err()
		}, []string{"NamespaceProps.Name", `"a"`, "not both"}},
		{"namespace without name", func(t *testing.T, id string) error {
			return cloudmap.NewNamespace(f.stack, jsii.String(id), nil).Err()
		}, []string{"NamespaceProps.Name", "Existing"}},
		{"namespace name with comma", func(t *testing.T, id string) error {
			return cloudmap.NewNamespace(f.stack, jsii.String(id), &cloudmap.NamespaceProps{Name: jsii.String("a,b")}).Err()
		}, []string{"NamespaceProps.Name", `"a,b"`, "comma"}},
		{"import without attributes", func(t *testing.T, id string) error {
			return cloudmap.ImportNamespace(f.stack, jsii.String(id), nil).Err()
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
		}, []string{"neither Alias nor Version", "$LATEST", "fn.AddAlias"}},
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
		{"http without url", func(t *testing.T, id string) error {
			fn := f.function(id + "Fn")
			return register(f, id, &cloudmap.InstanceProps{Function: fn, Alias: fn.AddAlias(jsii.String("live"), nil), Protocol: jsii.String("http")})
		}, []string{"InstanceProps.Protocol", `"http"`, "InstanceProps.FunctionUrl"}},
		{"unknown protocol", func(t *testing.T, id string) error {
			fn := f.function(id + "Fn")
			return register(f, id, &cloudmap.InstanceProps{Function: fn, Alias: fn.AddAlias(jsii.String("live"), nil), Protocol: jsii.String("grpc")})
		}, []string{"InstanceProps.Protocol", `"grpc"`, "contract.ProtocolLambda"}},
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
			return cloudmap.Connect(fn, svc)
		}, []string{"Connect", "{id}-live", "must not discover and call itself"}},
		{"register after connecting to own service", func(t *testing.T, id string) error {
			fn := f.function(id + "Fn")
			svc := f.ns.AddService(jsii.String(id), nil)
			if err := svc.Connect(fn); err != nil {
				return errors.New("connect failed: " + err.Error())
			}
			svc.Register(jsii.String(id+"-live"), &cloudmap.InstanceProps{Function: fn, Alias: fn.AddAlias(jsii.String("live"), nil)})
			return svc.Err()
		}, []string{"InstanceProps.Function", "connected to service", "register it in its own service"}},
		{"connect across namespaces", func(t *testing.T, id string) error {
			fn := f.function(id + "Fn")
			if err := f.ns.AddService(jsii.String(id+"a"), nil).Connect(fn); err != nil {
				return errors.New("first connect failed: " + err.Error())
			}
			return other.AddService(jsii.String(id+"b"), nil).Connect(fn)
		}, []string{"namespace \"shop\"", "namespace \"other\"", "one namespace"}},
		{"refresh below a second", func(t *testing.T, id string) error {
			return f.ns.AddService(jsii.String(id), nil).Connect(f.function(id+"Fn"), cloudmap.WithRefresh(time.Millisecond))
		}, []string{"WithRefresh", "1ms", "at least 1s"}},
		{"max stale shorter than refresh", func(t *testing.T, id string) error {
			return f.ns.AddService(jsii.String(id), nil).Connect(f.function(id+"Fn"), cloudmap.WithRefresh(time.Minute), cloudmap.WithMaxStale(time.Second))
		}, []string{"WithMaxStale", "1s", "at least one refresh"}},
		{"conflicting refresh", func(t *testing.T, id string) error {
			fn := f.function(id + "Fn")
			if err := f.ns.AddService(jsii.String(id+"a"), nil).Connect(fn, cloudmap.WithRefresh(time.Minute)); err != nil {
				return errors.New("first connect failed: " + err.Error())
			}
			return f.ns.AddService(jsii.String(id+"b"), nil).Connect(fn, cloudmap.WithRefresh(2*time.Minute))
		}, []string{"WithRefresh", "2m0s", "1m0s", "same option"}},
		{"connect nil consumer", func(t *testing.T, id string) error {
			return f.ns.AddService(jsii.String(id), nil).Connect(nil)
		}, []string{"consumer is nil", "awslambda.Function"}},
		{"connect nil provider", func(t *testing.T, id string) error {
			return cloudmap.Connect(f.function(id+"Fn"), nil)
		}, []string{"provider is nil", "*cloudmap.Service"}},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			id := "bad" + string(rune('a'+i))
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

	// Every recorded problem fails synthesis (one synth for all of them).
	msg := synthError(f.app)
	for _, w := range []string{"Validation failed", "my orders", "InstanceProps.Weight -1", "must not discover and call itself", "neither Alias nor Version"} {
		if !strings.Contains(msg, w) {
			t.Errorf("synth error does not mention %q:\n%s", w, msg)
		}
	}
}

// register registers props in a new service named like id and returns the
// problems recorded on it.
func register(f *fixture, id string, props *cloudmap.InstanceProps) error {
	svc := f.ns.AddService(jsii.String(id), nil)
	svc.Register(jsii.String(id+"-live"), props)
	return svc.Err()
}

var _ awslambda.Function
