package discovery

import (
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/liftcdk/lift/internal/contract"
)

const testARN = "arn:aws:lambda:us-east-1:123456789012:function:orders:live"

func TestParseInstance(t *testing.T) {
	tests := []struct {
		name    string
		attrs   map[string]string
		want    Instance
		wantErr string
	}{
		{"lambda", map[string]string{contract.AttrFunctionARN: testARN, contract.AttrProtocol: "lambda", contract.AttrWeight: "3", contract.AttrAlias: "live"},
			Instance{FunctionARN: testARN, Protocol: ProtocolLambda, Weight: 3, Alias: "live"}, ""},
		{"protocol defaults to lambda with an ARN", map[string]string{contract.AttrFunctionARN: testARN},
			Instance{FunctionARN: testARN, Protocol: ProtocolLambda, Weight: 1}, ""},
		{"http", map[string]string{contract.AttrProtocol: "HTTP", contract.AttrURL: "https://abc.lambda-url.us-east-1.on.aws/"},
			Instance{Protocol: ProtocolHTTP, URL: "https://abc.lambda-url.us-east-1.on.aws/", Weight: 1}, ""},
		{"drained", map[string]string{contract.AttrFunctionARN: testARN, contract.AttrWeight: "0"},
			Instance{FunctionARN: testARN, Protocol: ProtocolLambda, Weight: 0}, ""},
		{"bad weight", map[string]string{contract.AttrFunctionARN: testARN, contract.AttrWeight: "1.5"}, Instance{}, contract.AttrWeight},
		{"negative weight", map[string]string{contract.AttrFunctionARN: testARN, contract.AttrWeight: "-1"}, Instance{}, contract.AttrWeight},
		{"huge weight", map[string]string{contract.AttrFunctionARN: testARN, contract.AttrWeight: "99999999999"}, Instance{}, contract.AttrWeight},
		{"bad protocol", map[string]string{contract.AttrFunctionARN: testARN, contract.AttrProtocol: "grpc"}, Instance{}, contract.AttrProtocol},
		{"lambda without ARN", map[string]string{contract.AttrProtocol: "lambda"}, Instance{}, contract.AttrFunctionARN},
		{"not an ARN", map[string]string{contract.AttrFunctionARN: "orders"}, Instance{}, contract.AttrFunctionARN},
		{"http without URL", map[string]string{contract.AttrProtocol: "http"}, Instance{}, contract.AttrURL},
		{"relative URL", map[string]string{contract.AttrProtocol: "http", contract.AttrURL: "/invoke"}, Instance{}, contract.AttrURL},
		{"nothing", map[string]string{}, Instance{}, contract.AttrURL},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseInstance("i-1", tt.attrs)
			if tt.wantErr != "" {
				if !errors.Is(err, ErrInvalidInstance) || !strings.Contains(err.Error(), tt.wantErr) || !strings.Contains(err.Error(), "i-1") {
					t.Fatalf("err = %v, want ErrInvalidInstance naming i-1 and %s", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.ID != "i-1" || got.FunctionARN != tt.want.FunctionARN || got.Protocol != tt.want.Protocol ||
				got.Weight != tt.want.Weight || got.URL != tt.want.URL || got.Alias != tt.want.Alias || !got.Healthy {
				t.Fatalf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

// Instance attributes come from Cloud Map, written by anyone with
// RegisterInstance: parsing must never panic and must only accept usable instances.
func FuzzParseInstance(f *testing.F) {
	f.Add("i-1", testARN, "lambda", "1", "")
	f.Add("i-2", "", "http", "7", "https://x.lambda-url.us-east-1.on.aws/")
	f.Add("i-3", "arn:aws:lambda:::function:", "", "", "")
	f.Add("", "arn", "LAMBDA ", " 0 ", "http://[::1]:80")
	f.Fuzz(func(t *testing.T, id, arn, protocol, weight, rawURL string) {
		attrs := map[string]string{contract.AttrFunctionARN: arn, contract.AttrProtocol: protocol, contract.AttrWeight: weight, contract.AttrURL: rawURL}
		in, err := ParseInstance(id, attrs)
		if err != nil {
			if !errors.Is(err, ErrInvalidInstance) {
				t.Fatalf("error %v does not wrap ErrInvalidInstance", err)
			}
			return
		}
		if in.Weight < 0 || in.Weight > MaxWeight || in.ID == "" {
			t.Fatalf("accepted weight %d / id %q", in.Weight, in.ID)
		}
		switch in.Protocol {
		case ProtocolLambda:
			if checkFunctionARN(in.FunctionARN) != nil {
				t.Fatalf("accepted ARN %q", in.FunctionARN)
			}
		case ProtocolHTTP:
			u, err := url.Parse(in.URL)
			if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
				t.Fatalf("accepted URL %q", in.URL)
			}
		default:
			t.Fatalf("accepted protocol %q", in.Protocol)
		}
	})
}

func FuzzConfigFromEnv(f *testing.F) {
	f.Add("shop", "orders,payments", "30s", "15m")
	f.Add("", "", "", "")
	f.Add("ns", " , ,x", "1ns", "-5s")
	f.Fuzz(func(t *testing.T, ns, targets, refresh, maxStale string) {
		env := map[string]string{contract.EnvDiscoveryNamespace: ns, contract.EnvDiscoveryTargets: targets,
			contract.EnvDiscoveryRefresh: refresh, contract.EnvDiscoveryMaxStale: maxStale}
		ec, err := configFromLookup(func(k string) (string, bool) { v, ok := env[k]; return v, ok })
		if err != nil {
			if !errors.Is(err, ErrInvalidConfig) {
				t.Fatalf("error %v does not wrap ErrInvalidConfig", err)
			}
			return
		}
		if ec.Namespace == "" || ec.Refresh <= 0 || ec.MaxStale < ec.Refresh {
			t.Fatalf("accepted %+v", ec)
		}
		if _, err := NewResolver(newFakeCloudMap(), ec.Namespace, ec.ResolverOptions()...); err != nil {
			t.Fatalf("a config FromEnv accepts is rejected by NewResolver: %v", err)
		}
	})
}
