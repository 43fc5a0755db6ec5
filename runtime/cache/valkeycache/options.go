package valkeycache

import (
	"crypto/tls"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// Option configures New and NewFromClient.
type Option func(*options)

type options struct {
	tlsConfig  *tls.Config
	awsConfig  *aws.Config
	secrets    SecretsAPI
	csc        ClientSideCaching
	localTTL   time.Duration
	maxValue   int
	dialTimout time.Duration
}

// ClientSideCaching selects whether reads use server-assisted client-side caching.
type ClientSideCaching int

// It is off by default: valkey-go's client-side cache applies the server's
// invalidation asynchronously, so a Get right after this process's own Set
// can return the previous value (the conformance suite's Overwrite and
// Concurrent cases fail with it on Redis 7.0), and the memory tier in front
// already answers repeated reads in-process. Turn it on for read-mostly keys
// written by other processes.
const (
	// CSCOff never uses client-side caching and makes no probe. The default.
	CSCOff ClientSideCaching = iota
	// CSCAuto probes the server with CLIENT TRACKING on a throwaway connection
	// and enables client-side caching only if it is accepted (ElastiCache 7.1
	// and Serverless reject it); otherwise the client is built with DisableCache.
	CSCAuto
)

func buildOptions(opts []Option) options {
	o := options{localTTL: 30 * time.Second, maxValue: DefaultMaxValueBytes, dialTimout: 5 * time.Second}
	for _, opt := range opts {
		if opt != nil {
			opt(&o)
		}
	}
	return o
}

// WithTLSConfig replaces the default TLS configuration (system roots, the
// endpoint's host name, TLS 1.2 or later), e.g. to trust a test CA.
func WithTLSConfig(c *tls.Config) Option { return func(o *options) { o.tlsConfig = c } }

// WithAWSConfig supplies the AWS configuration used to sign IAM auth tokens and
// to read the password secret. Default config.LoadDefaultConfig.
func WithAWSConfig(c aws.Config) Option { return func(o *options) { o.awsConfig = &c } }

// WithSecretsAPI supplies the Secrets Manager client that reads the password.
func WithSecretsAPI(s SecretsAPI) Option { return func(o *options) { o.secrets = s } }

// WithClientSideCaching sets the client-side caching mode. Default CSCOff.
func WithClientSideCaching(m ClientSideCaching) Option { return func(o *options) { o.csc = m } }

// WithClientSideTTL bounds how long a client-side cached read is kept (the
// server also invalidates it on change). Default 30s.
func WithClientSideTTL(d time.Duration) Option { return func(o *options) { o.localTTL = d } }

// WithMaxValueBytes sets the largest value Set accepts. Default DefaultMaxValueBytes.
func WithMaxValueBytes(n int) Option { return func(o *options) { o.maxValue = n } }
