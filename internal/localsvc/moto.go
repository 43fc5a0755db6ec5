package localsvc

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/liftcdk/lift/internal/localsvc/motocfn"
)

// Moto's fixed identity: any credentials are accepted, this account owns everything.
const (
	MotoRegion    = "us-east-1"
	MotoAccountID = "123456789012"
	MotoAccessKey = "test"
	MotoSecretKey = "test"
)

// motoReadyTimeout covers a cold Python import of moto on a busy 2-core machine.
const motoReadyTimeout = 60 * time.Second

// Moto is a moto_server process serving every AWS API moto knows on one
// loopback port.
type Moto struct {
	URL  string // http://127.0.0.1:PORT
	Port int

	proc *process
}

// MotoOptions configures StartMoto.
type MotoOptions struct {
	// CacheEndpoint (host:port) is the local Valkey or Redis server that
	// stands in for ElastiCache: a deployed AWS::ElastiCache::ServerlessCache
	// reports it as its endpoint. Empty: such a stack fails to deploy, saying so.
	CacheEndpoint string
	// LogFile, when set, receives moto's output (see RIEOptions.LogFile).
	LogFile string
}

// StartMoto starts moto_server on a free loopback port, with dir as its
// working directory, and waits until it answers. It runs moto through
// motocfn.py (package motocfn) with the python3 found with LookTool under
// root, so that `cdk deploy` also creates what moto's CloudFormation skips.
func StartMoto(root, dir string, opts MotoOptions) (*Moto, error) {
	python, err := LookTool(root, "python3")
	if err != nil {
		return nil, err
	}
	// moto's own entry point, installed with it: without it the launcher
	// would only fail on its import, with a Python traceback.
	if _, err := LookTool(root, "moto_server"); err != nil {
		return nil, err
	}
	launcher := filepath.Join(dir, "motocfn.py")
	if err := os.WriteFile(launcher, motocfn.Script, 0o600); err != nil {
		return nil, err
	}
	env := append(os.Environ(), motocfn.CacheEndpointEnv+"="+opts.CacheEndpoint)
	var lastErr error
	var lastLogs string
	for attempt := range startAttempts {
		port, err := freePort()
		if err != nil {
			return nil, err
		}
		p, err := startProcess("moto_server", python, []string{launcher, "-H", "127.0.0.1", "-p", strconv.Itoa(port)}, env, dir, opts.LogFile)
		if err != nil {
			return nil, err
		}
		m := &Moto{URL: fmt.Sprintf("http://127.0.0.1:%d", port), Port: port, proc: p}
		err = p.waitReady(motoReadyTimeout, m.ping)
		if err == nil {
			return m, nil
		}
		p.kill()
		lastErr, lastLogs = fmt.Errorf("attempt %d: %w", attempt+1, err), p.output()
		if !errors.Is(err, errExitedEarly) {
			break // not a port race: another try would fail the same way
		}
	}
	return nil, withLog("moto_server", lastErr, lastLogs)
}

// ping asks moto's own API for its data; any HTTP answer below 500 means it serves.
func (m *Moto) ping() error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, m.URL+"/moto-api/data.json", nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode >= 500 {
		return fmt.Errorf("moto answered %s", resp.Status)
	}
	return nil
}

// LocalhostURL is URL with the host spelled "localhost". The CDK CLI needs it:
// with 127.0.0.1 moto reads the template URL's host as an S3 bucket name.
func (m *Moto) LocalhostURL() string { return fmt.Sprintf("http://localhost:%d", m.Port) }

// AWSConfig returns an SDK configuration that talks to this server only:
// region us-east-1, static test credentials, every service at URL. It is built
// by hand so the host's AWS profile variables and files play no part.
func (m *Moto) AWSConfig() aws.Config { return AWSConfigAt(m.URL) }

// AWSConfigAt is Moto.AWSConfig for a moto server at url that another
// process started (lift local up).
func AWSConfigAt(url string) aws.Config {
	return aws.Config{
		Region:       MotoRegion,
		Credentials:  aws.NewCredentialsCache(credentials.NewStaticCredentialsProvider(MotoAccessKey, MotoSecretKey, "")),
		BaseEndpoint: aws.String(url),
	}
}

// Env returns the environment that points the AWS SDKs and CLIs at this server.
func (m *Moto) Env() []string {
	return []string{
		"AWS_ENDPOINT_URL=" + m.URL,
		"AWS_ACCESS_KEY_ID=" + MotoAccessKey,
		"AWS_SECRET_ACCESS_KEY=" + MotoSecretKey,
		"AWS_REGION=" + MotoRegion,
		"AWS_DEFAULT_REGION=" + MotoRegion,
	}
}

// Pid is moto's process id.
func (m *Moto) Pid() int { return m.proc.pid() }

// Logs returns moto's output so far.
func (m *Moto) Logs() string { return m.proc.output() }

// Close stops the server (SIGTERM, then SIGKILL after 3 s). Safe to repeat.
func (m *Moto) Close() { m.proc.stop(3 * time.Second) }

// Query calls an AWS API of this server in the query protocol (form-encoded
// POST, XML answer), signed for service. Needed where the Go SDK speaks a
// newer protocol than moto serves: CloudWatch's SDK uses RPC v2 CBOR, which
// moto answers with 404.
func (m *Moto) Query(ctx context.Context, service string, params url.Values) ([]byte, error) {
	body := params.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, m.URL+"/", strings.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	sum := sha256.Sum256([]byte(body))
	creds := aws.Credentials{AccessKeyID: MotoAccessKey, SecretAccessKey: MotoSecretKey}
	if err := v4.NewSigner().SignHTTP(ctx, creds, req, hex.EncodeToString(sum[:]), service, MotoRegion, time.Now()); err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return out, fmt.Errorf("moto %s %s: %s: %s", service, params.Get("Action"), resp.Status, out)
	}
	return out, nil
}
