package discovery

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// sigV4 signs requests to Lambda function URLs whose auth type is AWS_IAM.
type sigV4 struct {
	creds  aws.CredentialsProvider
	region string // fallback when neither the instance nor the host names one
	all    bool   // sign every HTTP target, not only function URL hosts (tests)
	signer *v4.Signer
}

// WithSigV4 signs calls to HTTP targets that are Lambda function URLs
// (https://ID.lambda-url.REGION.on.aws) with SigV4, as AWS_IAM auth requires.
// The region comes from the instance's AttrRegion, else the host, else region.
// FromEnv enables it with the aws.Config's credentials. Other hosts are never
// signed.
//
// Configures a Client (NewClient).
func WithSigV4(creds aws.CredentialsProvider, region string) Option {
	return clientOption("WithSigV4", func(c *config) { c.sign = &sigV4{creds: creds, region: region, signer: v4.NewSigner()} })
}

// functionURLRegion returns REGION for a host ID.lambda-url.REGION.on.aws.
func functionURLRegion(host string) (string, bool) {
	host = strings.ToLower(host)
	if i := strings.LastIndexByte(host, ':'); i >= 0 && !strings.Contains(host[i:], "]") {
		host = host[:i]
	}
	rest, ok := strings.CutSuffix(host, ".on.aws")
	if !ok {
		return "", false
	}
	parts := strings.Split(rest, ".")
	if len(parts) != 3 || parts[1] != "lambda-url" || parts[0] == "" || parts[2] == "" {
		return "", false
	}
	return parts[2], true
}

func (s *sigV4) sign(ctx context.Context, req *http.Request, in *Instance, payload []byte, now time.Time) error {
	hostRegion, isURL := functionURLRegion(req.URL.Host)
	if !isURL && !s.all {
		return nil
	}
	region := in.Region
	if region == "" {
		region = hostRegion
	}
	if region == "" {
		region = s.region
	}
	if region == "" {
		return fmt.Errorf("%w: cannot sign the call to instance %s: no region (set the instance's region attribute or the AWS region)", ErrInvalidConfig, in.ID)
	}
	creds, err := s.creds.Retrieve(ctx)
	if err != nil {
		return fmt.Errorf("discovery: credentials to sign the call to instance %s: %w", in.ID, err)
	}
	sum := sha256.Sum256(payload)
	return s.signer.SignHTTP(ctx, creds, req, hex.EncodeToString(sum[:]), "lambda", region, now)
}
