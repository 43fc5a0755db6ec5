package valkeycache

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/valkey-io/valkey-go"

	"github.com/liftcdk/lift/internal/contract"
	"github.com/liftcdk/lift/runtime/cache"
)

// emptyPayloadHash is the SHA-256 of an empty body, as SigV4 presigning wants.
const emptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

// IAM auth tokens are valid for 15 minutes; a connection authenticated with
// one is dropped by ElastiCache after 12 hours unless it re-authenticates.
const (
	tokenLifetime = 900 * time.Second
	reauthAfter   = 11 * time.Hour
)

// iamSigner builds ElastiCache IAM auth tokens: a SigV4-presigned
//
//	GET http://<cacheName>/?Action=connect&User=<user>[&ResourceType=ServerlessCache]
//
// for service "elasticache", valid 900 s, with the "http://" scheme stripped.
type iamSigner struct {
	creds      aws.CredentialsProvider
	region     string
	user       string
	cacheName  string
	serverless bool
	signer     *v4.Signer
	now        func() time.Time
}

func (s *iamSigner) token(ctx context.Context) (string, error) {
	q := url.Values{}
	q.Set("Action", "connect")
	q.Set("User", s.user)
	if s.serverless {
		q.Set("ResourceType", "ServerlessCache")
	}
	q.Set("X-Amz-Expires", fmt.Sprint(int(tokenLifetime/time.Second)))
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+s.cacheName+"/?"+q.Encode(), nil)
	if err != nil {
		return "", fmt.Errorf("valkeycache: IAM token request for cache %q: %w", s.cacheName, err)
	}
	creds, err := s.creds.Retrieve(ctx)
	if err != nil {
		return "", fmt.Errorf("valkeycache: AWS credentials for the IAM auth token: %w", err)
	}
	signed, _, err := s.signer.PresignHTTP(ctx, creds, req, emptyPayloadHash, "elasticache", s.region, s.now().UTC())
	if err != nil {
		return "", fmt.Errorf("valkeycache: sign IAM auth token: %w", err)
	}
	return strings.TrimPrefix(signed, "http://"), nil
}

// credentialsFn signs a fresh token for every new connection (and for the
// re-authentication valkey-go schedules with RefreshAfter): credentials in
// Lambda rotate, and a token is only valid for 15 minutes.
func (s *iamSigner) credentialsFn() func(valkey.AuthCredentialsContext) (valkey.AuthCredentials, error) {
	return func(valkey.AuthCredentialsContext) (valkey.AuthCredentials, error) {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		tok, err := s.token(ctx)
		if err != nil {
			return valkey.AuthCredentials{}, err
		}
		return valkey.AuthCredentials{Username: s.user, Password: tok, RefreshAfter: s.now().Add(reauthAfter)}, nil
	}
}

// SecretsAPI is the part of the Secrets Manager client the tier uses.
type SecretsAPI interface {
	GetSecretValue(ctx context.Context, in *secretsmanager.GetSecretValueInput, opts ...func(*secretsmanager.Options)) (*secretsmanager.GetSecretValueOutput, error)
}

// fetchPassword reads the password secret once, at init. The password never
// travels through the environment.
func fetchPassword(ctx context.Context, api SecretsAPI, arn string) (string, error) {
	out, err := api.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: &arn})
	if err != nil {
		return "", fmt.Errorf("valkeycache: read the password secret %s (%s): %w", arn, contract.EnvCachePasswordSecretARN, err)
	}
	if out.SecretString == nil {
		return "", fmt.Errorf("%w: secret %s has no string value", cache.ErrInvalidConfig, arn)
	}
	pw, err := parseSecret(*out.SecretString)
	if err != nil {
		return "", fmt.Errorf("secret %s: %w", arn, err)
	}
	return pw, nil
}

// parseSecret accepts a plain password or a JSON object with a "password"
// field (the shape Secrets Manager's generated secrets and ElastiCache
// rotation use). The error never contains the secret.
func parseSecret(s string) (string, error) {
	t := strings.TrimSpace(s)
	if strings.HasPrefix(t, "{") {
		var v struct {
			Password *string `json:"password"`
		}
		if err := json.Unmarshal([]byte(t), &v); err != nil {
			return "", fmt.Errorf("%w: the secret looks like JSON but does not parse", cache.ErrInvalidConfig)
		}
		if v.Password == nil || *v.Password == "" {
			return "", fmt.Errorf("%w: the secret's JSON has no non-empty \"password\" field", cache.ErrInvalidConfig)
		}
		return *v.Password, nil
	}
	if s == "" {
		return "", fmt.Errorf("%w: the secret is empty", cache.ErrInvalidConfig)
	}
	return s, nil
}
