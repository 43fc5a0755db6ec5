package valkeycache_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/liftcdk/lift/internal/contract"
	"github.com/liftcdk/lift/internal/testsvc"
	"github.com/liftcdk/lift/runtime/cache"
	"github.com/liftcdk/lift/runtime/cache/cachetest"
	"github.com/liftcdk/lift/runtime/cache/valkeycache"
	"github.com/liftcdk/lift/runtime/metrics"
)

func connect(t testing.TB, r *testsvc.RedisServer, cluster bool, opts ...valkeycache.Option) *valkeycache.Cache {
	t.Helper()
	cfg := valkeycache.Config{Endpoint: r.Addr, Cluster: cluster, TLS: r.TLSConfig != nil, Auth: contract.CacheAuthNone}
	c, err := valkeycache.New(context.Background(), cfg, append([]valkeycache.Option{valkeycache.WithTLSConfig(r.TLSConfig)}, opts...)...)
	if err != nil {
		t.Fatalf("connect to %s: %v\nserver logs:\n%s", r.Addr, err, r.Logs())
	}
	t.Cleanup(c.Close)
	return c
}

func TestConformanceTLSStandalone(t *testing.T) {
	r := testsvc.Redis(t, testsvc.RedisOptions{TLS: true})
	c := connect(t, r, false)
	cachetest.Run(t, func(t *testing.T) cache.Cache { return c })
}

func TestConformanceTLSCluster(t *testing.T) {
	r := testsvc.Redis(t, testsvc.RedisOptions{TLS: true, Cluster: true})
	c := connect(t, r, true)
	cachetest.Run(t, func(t *testing.T) cache.Cache { return c })
}

// Valkey itself, as ElastiCache Serverless runs it: TLS, cluster endpoint.
func TestConformanceValkeyServerTLSCluster(t *testing.T) {
	r := testsvc.Redis(t, testsvc.RedisOptions{Binary: "valkey-server", TLS: true, Cluster: true})
	c := connect(t, r, true)
	cachetest.Run(t, func(t *testing.T) cache.Cache { return c })
}

func TestConformanceTieredOverValkey(t *testing.T) {
	r := testsvc.Redis(t, testsvc.RedisOptions{TLS: true, Cluster: true})
	l2 := connect(t, r, true)
	cachetest.Run(t, func(t *testing.T) cache.Cache { return tiered(t, l2, metrics.New(io.Discard, "Test")) })
}

func tiered(t testing.TB, l2 cache.Cache, w *metrics.Writer, opts ...cache.Option) *cache.Tiered {
	t.Helper()
	mem, err := cache.NewMemory(cache.WithMetrics(w), cache.WithService("svc"))
	if err != nil {
		t.Fatal(err)
	}
	tc, err := cache.NewTiered(mem, l2, append([]cache.Option{cache.WithMetrics(w), cache.WithService("svc"), cache.WithTimeout(time.Second)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return tc
}

// A server that refuses CLIENT TRACKING (as ElastiCache 7.1 does) gets a
// working client without client-side caching. The refusal is made with an
// ACL user that may not run CLIENT TRACKING.
func TestProbeFallsBackWithoutTracking(t *testing.T) {
	r := testsvc.Redis(t, testsvc.RedisOptions{})
	ctx := context.Background()
	if _, err := r.Do(ctx, "ACL", "SETUSER", "default", "-client|tracking"); err != nil {
		t.Fatalf("ACL SETUSER: %v", err)
	}
	c := connect(t, r, false, valkeycache.WithClientSideCaching(valkeycache.CSCAuto))
	if c.ClientSideCaching() {
		t.Fatal("client-side caching enabled although the server refuses CLIENT TRACKING")
	}
	if err := c.Set(ctx, "k", []byte("v"), time.Minute); err != nil {
		t.Fatal(err)
	}
	if v, err := c.Get(ctx, "k"); err != nil || string(v) != "v" {
		t.Fatalf("%q, %v", v, err)
	}
}

// Client-side caching must not serve a value after another client changed it.
func TestClientSideCacheInvalidation(t *testing.T) {
	r := testsvc.Redis(t, testsvc.RedisOptions{TLS: true})
	a := connect(t, r, false)
	b := connect(t, r, false, valkeycache.WithClientSideCaching(valkeycache.CSCAuto))
	if !b.ClientSideCaching() {
		t.Fatal("Redis 7 accepts CLIENT TRACKING, but the probe did not enable client-side caching")
	}
	ctx := context.Background()
	if err := a.Set(ctx, "k", []byte("one"), time.Minute); err != nil {
		t.Fatal(err)
	}
	if v, _ := b.Get(ctx, "k"); string(v) != "one" {
		t.Fatalf("got %q", v)
	}
	if err := a.Set(ctx, "k", []byte("two"), time.Minute); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(2 * time.Second)
	for {
		v, _ := b.Get(ctx, "k")
		if string(v) == "two" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("client-side cache still serves %q 2s after the change", v)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestPasswordFromSecretsManager(t *testing.T) {
	const pw = "s3cret-pa55"
	r := testsvc.Redis(t, testsvc.RedisOptions{TLS: true, Password: pw})
	m := testsvc.Moto(t)
	sm := secretsmanager.NewFromConfig(m.AWSConfig(t))
	ctx := context.Background()
	out, err := sm.CreateSecret(ctx, &secretsmanager.CreateSecretInput{Name: strPtr("cache-pw"), SecretString: strPtr(`{"password":"` + pw + `"}`)})
	if err != nil {
		t.Fatal(err)
	}
	cfg := valkeycache.Config{Endpoint: r.Addr, TLS: true, Auth: contract.CacheAuthPassword, PasswordSecretARN: *out.ARN}
	c, err := valkeycache.New(ctx, cfg, valkeycache.WithTLSConfig(r.TLSConfig), valkeycache.WithSecretsAPI(sm))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Set(ctx, "k", []byte("v"), time.Minute); err != nil {
		t.Fatalf("authenticated Set: %v", err)
	}
	// The wrong password is refused: the test above is not passing for lack of auth.
	bad, err := sm.CreateSecret(ctx, &secretsmanager.CreateSecretInput{Name: strPtr("cache-pw-bad"), SecretString: strPtr("wrong")})
	if err != nil {
		t.Fatal(err)
	}
	cfg.PasswordSecretARN = *bad.ARN
	if c2, err := valkeycache.New(ctx, cfg, valkeycache.WithTLSConfig(r.TLSConfig), valkeycache.WithSecretsAPI(sm)); err == nil {
		defer c2.Close()
		if err := c2.Set(ctx, "k", []byte("v"), time.Minute); err == nil {
			t.Fatal("a wrong password was accepted")
		}
	}
}

func strPtr(s string) *string { return &s }

func TestValueTooLarge(t *testing.T) {
	r := testsvc.Redis(t, testsvc.RedisOptions{})
	c := connect(t, r, false, valkeycache.WithMaxValueBytes(1024))
	if err := c.Set(context.Background(), "k", make([]byte, 2048), time.Minute); !errors.Is(err, cache.ErrValueTooLarge) {
		t.Fatalf("got %v, want ErrValueTooLarge", err)
	}
}

func TestForeignValueIsCorrupt(t *testing.T) {
	r := testsvc.Redis(t, testsvc.RedisOptions{})
	c := connect(t, r, false)
	if _, err := r.Do(context.Background(), "SET", "foreign", "plain"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Get(context.Background(), "foreign"); !errors.Is(err, cache.ErrCorruptEntry) {
		t.Fatalf("got %v, want ErrCorruptEntry", err)
	}
}

// TestFailOpenWhenServerStops: the server stops mid-run; GetOrLoad keeps
// answering from the loader with no error returned, the failures are counted,
// and the tier is used again once the server is back.
func TestFailOpenWhenServerStops(t *testing.T) {
	r := testsvc.Redis(t, testsvc.RedisOptions{TLS: true})
	l2 := connect(t, r, false)
	var emf bytes.Buffer
	w := metrics.New(&emf, "Test")
	tc := tiered(t, l2, w, cache.WithTimeout(200*time.Millisecond))
	ctx := context.Background()
	loads := 0
	load := func(context.Context) (int, error) { loads++; return loads, nil }
	get := func(phase string, i int) {
		t.Helper()
		_ = tc.Memory().Delete(ctx, "k") // every request reaches L2
		if _, err := cache.GetOrLoad(ctx, tc, "k", time.Minute, load); err != nil {
			t.Fatalf("%s request %d: %v; want no error (fail open)", phase, i, err)
		}
	}
	for i := range 5 {
		get("before", i)
	}
	if loads != 1 {
		t.Fatalf("before the outage: %d loads, want 1 (then L2 hits)", loads)
	}
	r.Stop(t)
	for i := range 20 {
		get("during", i)
	}
	if loads < 21 {
		t.Fatalf("during the outage: %d loads in total, want every request loaded", loads)
	}
	r.Start(t)
	deadline := time.Now().Add(10 * time.Second)
	for {
		before := loads
		get("after", 0)
		get("after", 1)
		if loads-before <= 1 { // the second request was an L2 hit
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the tier did not recover within 10s of the server's return")
		}
		time.Sleep(100 * time.Millisecond)
	}
	w.Flush()
	var errLine string
	for _, line := range strings.Split(emf.String(), "\n") {
		if strings.Contains(line, `"Tier":"valkey"`) && strings.Contains(line, `"CacheErrors"`) {
			errLine = line
		}
	}
	if errLine == "" {
		t.Fatalf("no CacheErrors for Tier=valkey in the EMF output:\n%s", emf.String())
	}
	t.Logf("outage: %d loads, EMF: %s", loads, errLine)
}

func TestConfigFromEnv(t *testing.T) {
	env := func(m map[string]string) cache.LookupEnv {
		return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
	}
	tests := []struct {
		name    string
		env     map[string]string
		want    valkeycache.Config
		wantErr []string
	}{
		{"serverless iam", map[string]string{contract.EnvCacheEndpoint: "c.serverless.use1.cache.amazonaws.com:6379", contract.EnvCacheCluster: "true",
			contract.EnvCacheAuth: "iam", contract.EnvCacheUser: "lift-user", contract.EnvCacheName: "c", contract.EnvCacheServerless: "true"},
			valkeycache.Config{Endpoint: "c.serverless.use1.cache.amazonaws.com:6379", Cluster: true, TLS: true, Auth: "iam", User: "lift-user", CacheName: "c", Serverless: true}, nil},
		{"defaults", map[string]string{contract.EnvCacheEndpoint: "h:6379"},
			valkeycache.Config{Endpoint: "h:6379", TLS: true, Auth: "none"}, nil},
		{"missing endpoint", map[string]string{}, valkeycache.Config{}, []string{contract.EnvCacheEndpoint}},
		{"bad values", map[string]string{contract.EnvCacheEndpoint: "no-port", contract.EnvCacheTLS: "yes please", contract.EnvCacheAuth: "kerberos"},
			valkeycache.Config{}, []string{contract.EnvCacheEndpoint + `="no-port"`, contract.EnvCacheTLS, contract.EnvCacheAuth + `="kerberos"`}},
		{"iam incomplete", map[string]string{contract.EnvCacheEndpoint: "h:1", contract.EnvCacheAuth: "iam", contract.EnvCacheTLS: "false"},
			valkeycache.Config{}, []string{contract.EnvCacheUser, contract.EnvCacheName, contract.EnvCacheTLS}},
		{"password without secret", map[string]string{contract.EnvCacheEndpoint: "h:1", contract.EnvCacheAuth: "password"},
			valkeycache.Config{}, []string{contract.EnvCachePasswordSecretARN}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := valkeycache.ConfigFromEnv(env(tt.env))
			if tt.wantErr != nil {
				if !errors.Is(err, cache.ErrInvalidConfig) {
					t.Fatalf("err = %v, want ErrInvalidConfig", err)
				}
				for _, s := range tt.wantErr {
					if !strings.Contains(err.Error(), s) {
						t.Errorf("error %q does not name %q", err, s)
					}
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("got %+v, %v; want %+v", got, err, tt.want)
			}
		})
	}
}

// TestPingFollowsTheServer: against a TLS cluster (as ElastiCache Serverless
// runs), Ping answers nil while the server is up, an error within its
// context's deadline while it is stopped (on the dropped connection, then on
// a refused dial), and nil again once the client has reconnected to the
// restarted server.
func TestPingFollowsTheServer(t *testing.T) {
	r := testsvc.Redis(t, testsvc.RedisOptions{TLS: true, Cluster: true})
	c := connect(t, r, true)
	const deadline = 5 * time.Second
	ping := func() (time.Duration, error) {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), deadline)
		defer cancel()
		start := time.Now()
		errc := make(chan error, 1)
		go func() { errc <- c.Ping(ctx) }()
		select {
		case err := <-errc:
			return time.Since(start), err
		case <-time.After(deadline + 5*time.Second): // grace for a loaded machine, not a timing claim
			t.Fatalf("Ping did not return within 5s past its %v deadline: it ignores its context", deadline)
			return 0, nil
		}
	}
	if _, err := ping(); err != nil {
		t.Fatalf("Ping with the server up: %v\nserver logs:\n%s", err, r.Logs())
	}
	r.Stop(t)
	for i := range 2 {
		took, err := ping()
		if err == nil || !strings.Contains(err.Error(), "valkeycache: ping") {
			t.Fatalf("Ping %d with the server stopped: %v, want an error naming the ping", i+1, err)
		}
		t.Logf("Ping %d with the server stopped answered in %v: %v", i+1, took.Round(time.Millisecond), err)
	}
	r.Start(t)
	until := time.Now().Add(30 * time.Second)
	for attempt := 1; ; attempt++ {
		_, err := ping()
		if err == nil {
			t.Logf("Ping answered again after %d attempt(s)", attempt)
			break
		}
		if time.Now().After(until) {
			t.Fatalf("Ping still fails 30s after the server returned: %v\nserver logs:\n%s", err, r.Logs())
		}
		time.Sleep(100 * time.Millisecond) // pacing between attempts
	}
}
