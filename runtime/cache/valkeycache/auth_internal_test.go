package valkeycache

import (
	"bytes"
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/valkey-io/valkey-go"

	"github.com/liftcdk/lift/runtime/cache"
)

func testSigner(serverless bool, now time.Time) *iamSigner {
	return &iamSigner{
		creds:  aws.NewCredentialsCache(credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", "session-token")),
		region: "eu-west-1", user: "lift-user", cacheName: "orders-cache", serverless: serverless,
		signer: v4.NewSigner(), now: func() time.Time { return now },
	}
}

func TestIAMTokenFormat(t *testing.T) {
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	for _, serverless := range []bool{true, false} {
		tok, err := testSigner(serverless, now).token(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(tok, "://") || !strings.HasPrefix(tok, "orders-cache/?") {
			t.Fatalf("token %q must be host/?query, without a scheme", tok)
		}
		q, err := url.ParseQuery(strings.TrimPrefix(tok, "orders-cache/?"))
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]string{
			"Action": "connect", "User": "lift-user", "X-Amz-Algorithm": "AWS4-HMAC-SHA256",
			"X-Amz-Credential": "AKIDEXAMPLE/20261126/eu-west-1/elasticache/aws4_request",
			"X-Amz-Date":       "20261126T120000Z", "X-Amz-Expires": "900", "X-Amz-SignedHeaders": "host",
			"X-Amz-Security-Token": "session-token",
		}
		if serverless {
			want["ResourceType"] = "ServerlessCache"
		}
		for k, v := range want {
			if got := q.Get(k); got != v {
				t.Errorf("serverless=%v: %s = %q, want %q", serverless, k, got, v)
			}
		}
		if !serverless && q.Has("ResourceType") {
			t.Error("a node-based cache's token carries ResourceType")
		}
		if len(q.Get("X-Amz-Signature")) != 64 {
			t.Errorf("signature %q is not 64 hex digits", q.Get("X-Amz-Signature"))
		}
	}
}

// Every connection gets a token signed at its own time, never a cached one.
func TestIAMCredentialsFreshPerConnection(t *testing.T) {
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	s := testSigner(true, now)
	s.now = func() time.Time { now = now.Add(time.Second); return now }
	fn := s.credentialsFn()
	a, err := fn(valkey.AuthCredentialsContext{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := fn(valkey.AuthCredentialsContext{})
	if err != nil {
		t.Fatal(err)
	}
	if a.Password == b.Password || a.Username != "lift-user" {
		t.Fatalf("two connections got the same token, or the wrong user %q", a.Username)
	}
	if a.RefreshAfter.IsZero() || a.RefreshAfter.Sub(now) > 12*time.Hour {
		t.Fatalf("RefreshAfter %v must re-authenticate before ElastiCache's 12h limit", a.RefreshAfter)
	}
}

func TestParseSecret(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"plain-pw", "plain-pw", true},
		{`{"username":"u","password":"p w"}`, "p w", true},
		{`  {"password":"x"}  `, "x", true},
		{`{"password":""}`, "", false},
		{`{"user":"u"}`, "", false},
		{`{not json`, "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		got, err := parseSecret(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("parseSecret(%q) = %q, %v", tt.in, got, err)
		}
		if err != nil && tt.in != "" && strings.Contains(err.Error(), tt.in) {
			t.Errorf("error %q leaks the secret", err)
		}
	}
}

func FuzzParseSecret(f *testing.F) {
	f.Add("pw")
	f.Add(`{"password":"p"}`)
	f.Add(`{"password":1}`)
	f.Fuzz(func(t *testing.T, s string) {
		pw, err := parseSecret(s)
		if err != nil {
			if !errors.Is(err, cache.ErrInvalidConfig) {
				t.Fatalf("error %v does not wrap ErrInvalidConfig", err)
			}
			if len(s) > 8 && strings.Contains(err.Error(), s) {
				t.Fatalf("error leaks the secret: %v", err)
			}
			return
		}
		if pw == "" {
			t.Fatal("empty password accepted")
		}
	})
}

func FuzzDecodeValue(f *testing.F) {
	f.Add(encodeValue([]byte("v"), time.UnixMilli(1_800_000_000_000)))
	f.Add(encodeValue(nil, time.UnixMilli(0)))
	f.Add([]byte("plain"))
	f.Fuzz(func(t *testing.T, b []byte) {
		v, exp, err := decodeValue(b)
		if err != nil {
			if !errors.Is(err, cache.ErrCorruptEntry) {
				t.Fatalf("error %v does not wrap ErrCorruptEntry", err)
			}
			return
		}
		if again := encodeValue(v, exp); !bytes.Equal(again, b) {
			t.Fatalf("decode/encode not stable: %x -> %x", b, again)
		}
	})
}
