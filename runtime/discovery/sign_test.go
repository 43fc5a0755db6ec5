package discovery

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/liftcdk/lift/internal/contract"
)

func TestFunctionURLRegion(t *testing.T) {
	tests := map[string]string{
		"abcdefg.lambda-url.eu-west-1.on.aws":     "eu-west-1",
		"ABCDEFG.LAMBDA-URL.us-east-1.ON.AWS:443": "us-east-1",
		"example.com":                            "",
		"x.lambda-url.on.aws":                    "",
		"evil.com.x.lambda-url.us-east-1.on.aws": "",
		"127.0.0.1:8080":                         "",
	}
	for host, want := range tests {
		got, ok := functionURLRegion(host)
		if got != want || ok != (want != "") {
			t.Errorf("functionURLRegion(%q) = %q, %v; want %q", host, got, ok, want)
		}
	}
}

func TestHTTPCallsAreSignedForFunctionURLs(t *testing.T) {
	var auth, date string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		auth, date = r.Header.Get("Authorization"), r.Header.Get("X-Amz-Date")
	}))
	defer srv.Close()
	cm := newFakeCloudMap()
	in := httpInstance("a", srv.URL)
	in.Attributes[contract.AttrRegion] = "eu-west-1"
	cm.set("web", in)
	signer := WithSigV4(credentials.NewStaticCredentialsProvider("AKIDTEST", "secret", ""), "us-east-1")
	opts := []Option{WithMetrics(newMetricSink().w), signer, clientOption("signAll", func(c *config) { c.sign.all = true })}
	c := mustClient(t, mustResolver(t, cm, opts...), opts...)
	if _, err := c.Invoke(context.Background(), "web", []byte(`{}`)); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(auth, "AWS4-HMAC-SHA256 Credential=AKIDTEST/") || !strings.Contains(auth, "/eu-west-1/lambda/aws4_request") || date == "" {
		t.Fatalf("Authorization = %q, X-Amz-Date = %q; want a SigV4 signature for lambda in eu-west-1", auth, date)
	}
	if strings.Contains(auth, "secret") {
		t.Fatal("the secret key leaked into the request")
	}

	// Without the test switch, a host that is not a function URL is never signed.
	auth = ""
	plain := mustClient(t, mustResolver(t, cm, WithMetrics(newMetricSink().w)), WithMetrics(newMetricSink().w), signer)
	if _, err := plain.Invoke(context.Background(), "web", nil); err != nil || auth != "" {
		t.Fatalf("non-function-URL host: err %v, Authorization %q; want unsigned", err, auth)
	}
}

func FuzzFunctionURLRegion(f *testing.F) {
	f.Add("abc.lambda-url.eu-west-1.on.aws")
	f.Add("[::1]:443")
	f.Add(".lambda-url..on.aws:")
	f.Fuzz(func(t *testing.T, host string) {
		region, ok := functionURLRegion(host)
		if ok && (region == "" || strings.ContainsAny(region, ".:")) {
			t.Fatalf("functionURLRegion(%q) = %q", host, region)
		}
	})
}
