package testsvc_test

import (
	"bufio"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/liftcdk/lift/internal/testsvc"
)

func TestRootAndTool(t *testing.T) {
	root := testsvc.Root(t)
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("Root %q has no go.mod: %v", root, err)
	}
	rie := testsvc.Tool(t, "aws-lambda-rie")
	if want := filepath.Join(root, ".tools", "bin", "aws-lambda-rie"); rie != want {
		t.Errorf("Tool(aws-lambda-rie) = %q, want the pinned %q", rie, want)
	}
	if node := testsvc.Tool(t, "node"); !strings.HasPrefix(node, filepath.Join(root, "node_modules")) {
		t.Errorf("Tool(node) = %q, want the pinned Node 22 under node_modules", node)
	}
}

func TestMoto(t *testing.T) {
	m := testsvc.Moto(t)
	if !strings.HasPrefix(m.URL, "http://127.0.0.1:") {
		t.Fatalf("URL = %q, want loopback", m.URL)
	}
	ctx := context.Background()
	db := dynamodb.NewFromConfig(m.AWSConfig(t))
	_, err := db.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName:            aws.String("testsvc"),
		BillingMode:          types.BillingModePayPerRequest,
		AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("pk"), AttributeType: types.ScalarAttributeTypeS}},
		KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String("pk"), KeyType: types.KeyTypeHash}},
	})
	if err != nil {
		t.Fatalf("CreateTable on moto: %v\n%s", err, m.Logs())
	}
	out, err := db.ListTables(ctx, &dynamodb.ListTablesInput{})
	if err != nil {
		t.Fatalf("ListTables: %v", err)
	}
	if len(out.TableNames) != 1 || out.TableNames[0] != "testsvc" {
		t.Fatalf("ListTables = %v, want [testsvc]", out.TableNames)
	}
	env := strings.Join(m.Env(), "\n")
	for _, want := range []string{"AWS_ENDPOINT_URL=" + m.URL, "AWS_REGION=us-east-1", "AWS_ACCESS_KEY_ID=test"} {
		if !strings.Contains(env, want) {
			t.Errorf("Env() lacks %q:\n%s", want, env)
		}
	}
}

func TestRedis(t *testing.T) {
	tests := []struct {
		name         string
		opts         testsvc.RedisOptions
		stopAndStart bool
	}{
		{name: "redis plain", opts: testsvc.RedisOptions{}},
		{name: "redis tls cluster password", opts: testsvc.RedisOptions{TLS: true, Cluster: true, Password: "s3cret"}},
		{name: "valkey tls cluster", opts: testsvc.RedisOptions{Binary: "valkey-server", TLS: true, Cluster: true}, stopAndStart: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			r := testsvc.Redis(t, tt.opts)
			if (r.TLSConfig != nil) != tt.opts.TLS {
				t.Fatalf("TLSConfig = %v with TLS %v", r.TLSConfig, tt.opts.TLS)
			}
			mustDo(t, r, "OK", "SET", "k", "v")
			mustDo(t, r, "v", "GET", "k")
			info := mustDo(t, r, nil, "INFO", "server").(string)
			wantServer := map[string]string{"redis-server": "redis_version:", "valkey-server": "valkey_version:"}[r.Options.Binary]
			if r.Options.Binary == "" || !strings.Contains(info, wantServer) {
				t.Fatalf("INFO server does not show %s (binary %q):\n%s", wantServer, r.Options.Binary, info)
			}
			if tt.opts.Cluster {
				assertClusterOK(t, r)
				// The single node owns every slot and announces itself on loopback.
				slots := mustDo(t, r, nil, "CLUSTER", "SLOTS").([]any)
				if len(slots) != 1 {
					t.Fatalf("CLUSTER SLOTS = %v, want one range", slots)
				}
				rng := slots[0].([]any)
				node := rng[2].([]any)
				if rng[0] != int64(0) || rng[1] != int64(16383) || node[0] != "127.0.0.1" || node[1] != int64(r.Port) {
					t.Fatalf("CLUSTER SLOTS range = %v, want 0-16383 on 127.0.0.1:%d", rng, r.Port)
				}
			}
			if tt.opts.Password != "" {
				if line, err := rawPing(r.Addr, r.TLSConfig); err != nil || !strings.HasPrefix(line, "-NOAUTH") {
					t.Fatalf("PING without AUTH = %q, %v; want -NOAUTH", line, err)
				}
			}
			if tt.opts.TLS {
				if line, err := rawPing(r.Addr, nil); err == nil {
					t.Fatalf("PING in plain text to a TLS-only server answered %q", line)
				}
			}
			if tt.stopAndStart {
				r.Stop(t)
				if _, err := r.Do(ctx, "PING"); err == nil {
					t.Fatal("PING succeeded after Stop")
				}
				r.Start(t)
				mustDo(t, r, "PONG", "PING")
				mustDo(t, r, nil, "GET", "k") // not persisted
				assertClusterOK(t, r)
			}
		})
	}
}

// rawPing sends PING without authenticating and returns the first reply line.
func rawPing(addr string, tlsConfig *tls.Config) (string, error) {
	conn, err := net.DialTimeout("tcp", addr, 2*time.Second)
	if err != nil {
		return "", err
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(2 * time.Second))
	if tlsConfig != nil {
		conn = tls.Client(conn, tlsConfig)
	}
	if _, err := conn.Write([]byte("*1\r\n$4\r\nPING\r\n")); err != nil {
		return "", err
	}
	return bufio.NewReader(conn).ReadString('\n')
}

func assertClusterOK(t *testing.T, r *testsvc.RedisServer) {
	t.Helper()
	info := mustDo(t, r, nil, "CLUSTER", "INFO").(string)
	if !strings.Contains(info, "cluster_state:ok") || !strings.Contains(info, "cluster_slots_assigned:16384") {
		t.Fatalf("CLUSTER INFO:\n%s", info)
	}
}

// mustDo runs a command and, when want is a string or nil-for-GET, checks the reply.
func mustDo(t *testing.T, r *testsvc.RedisServer, want any, args ...string) any {
	t.Helper()
	got, err := r.Do(context.Background(), args...)
	if err != nil {
		t.Fatalf("%v: %v\n%s", args, err, r.Logs())
	}
	if want != nil || args[0] == "GET" {
		if got != want {
			t.Fatalf("%v = %#v, want %#v", args, got, want)
		}
	}
	return got
}

func TestRIE(t *testing.T) {
	bootstrap := testsvc.BuildHandler(t, "./internal/testsvc/testdata/echo")
	if filepath.Base(bootstrap) != "bootstrap" {
		t.Fatalf("BuildHandler returned %q, want a file named bootstrap", bootstrap)
	}
	p := testsvc.RIE(t, testsvc.RIEOptions{
		Bootstrap:    bootstrap,
		FunctionName: "echo",
		Env:          map[string]string{"TESTSVC_VAR": "from-config"},
	})
	if !strings.HasPrefix(p.URL, "http://127.0.0.1:") || !strings.HasPrefix(p.RuntimeAPI, "127.0.0.1:") {
		t.Fatalf("URL %q / RuntimeAPI %q: want both on loopback", p.URL, p.RuntimeAPI)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	var pids []int
	for i, event := range []string{`{"n":1}`, `{"n":2}`} {
		body, latency, err := p.Invoke(ctx, []byte(event))
		if err != nil {
			t.Fatalf("invoke %d: %v\n%s", i, err, p.Logs())
		}
		if latency <= 0 {
			t.Errorf("invoke %d: latency %v", i, latency)
		}
		var got struct {
			Event    json.RawMessage `json:"event"`
			Var      string          `json:"var"`
			InitType string          `json:"initType"`
			Function string          `json:"function"`
			PID      int             `json:"pid"`
		}
		if err := json.Unmarshal(body, &got); err != nil {
			t.Fatalf("invoke %d: response %q: %v", i, body, err)
		}
		if string(got.Event) != event || got.Var != "from-config" || got.InitType != "on-demand" || got.Function != "echo" {
			t.Fatalf("invoke %d: got %+v (event %s)", i, got, got.Event)
		}
		pids = append(pids, got.PID)
	}
	if pids[0] != pids[1] {
		t.Errorf("second invoke ran in a new process (%d then %d): want a warm reuse", pids[0], pids[1])
	}

	p.Terminate(t)
	if !p.Exited() {
		t.Fatal("emulator still running after Terminate")
	}
	if logs := p.Logs(); !strings.Contains(logs, "echo: SIGTERM received") {
		t.Fatalf("the handler never saw SIGTERM; logs:\n%s", logs)
	}
	if _, _, err := p.Invoke(ctx, []byte(`{}`)); err == nil {
		t.Fatal("invoke after Terminate succeeded")
	} else if errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("invoke after Terminate hung: %v", err)
	}
}
