package warmer

import (
	"strings"
	"testing"
)

// FuzzParseWarmupResponse: a target's answer is outside bytes; any of them
// either yields a non-empty instance id or an error, never a panic.
func FuzzParseWarmupResponse(f *testing.F) {
	for _, seed := range []string{
		`{"lift":"warmup","instanceId":"i-1","coldStart":true,"heldMs":300}`,
		`{"lift":"warmup","instanceId":""}`,
		`{"errorMessage":"boom","errorType":"Error"}`,
		`Task timed out after 3.00 seconds`,
		`null`, ``, `{"lift":"health"}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, payload []byte) {
		id, err := parseWarmupResponse(payload)
		if (err == nil) == (id == "") {
			t.Fatalf("parseWarmupResponse(%q) = %q, %v: want an id xor an error", payload, id, err)
		}
	})
}

// FuzzQualifier: target ARNs come from the schedule input.
func FuzzQualifier(f *testing.F) {
	for _, seed := range []string{
		"arn:aws:lambda:us-east-1:123456789012:function:api:live",
		"arn:aws:lambda:us-east-1:123456789012:function:api:7",
		"arn:aws:lambda:us-east-1:123456789012:function:api",
		"arn:aws:lambda:us-east-1:123456789012:function:api:$LATEST",
		"arn:aws-cn:lambda:cn-north-1:123456789012:function:api:live:extra",
		"", ":::::::",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, arn string) {
		q, err := Qualifier(arn)
		if err != nil {
			if !strings.Contains(err.Error(), "arn") {
				t.Fatalf("error %q does not name the arn", err)
			}
			return
		}
		if q == "" || q == "$LATEST" || !strings.HasSuffix(arn, ":"+q) || strings.Count(arn, ":") != 7 {
			t.Fatalf("Qualifier(%q) = %q: accepted a bad ARN", arn, q)
		}
	})
}

func TestQualifier(t *testing.T) {
	tests := []struct {
		arn, want, errHas string
	}{
		{arn: "arn:aws:lambda:us-east-1:123456789012:function:api:live", want: "live"},
		{arn: "arn:aws:lambda:us-east-1:123456789012:function:api:12", want: "12"},
		{arn: "arn:aws:lambda:us-east-1:123456789012:function:api", errHas: "unqualified"},
		{arn: "arn:aws:lambda:us-east-1:123456789012:function:api:$LATEST", errHas: "$LATEST"},
		{arn: "arn:aws:lambda:us-east-1:123456789012:function:api:", errHas: "malformed"},
		{arn: "arn:aws:s3:::bucket", errHas: "not a Lambda function ARN"},
		{arn: "api", errHas: "not a Lambda function ARN"},
	}
	for _, tt := range tests {
		got, err := Qualifier(tt.arn)
		if tt.errHas != "" {
			if err == nil || !strings.Contains(err.Error(), tt.errHas) {
				t.Errorf("Qualifier(%q) error = %v, want one saying %q", tt.arn, err, tt.errHas)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("Qualifier(%q) = %q, %v, want %q", tt.arn, got, err, tt.want)
		}
	}
}
