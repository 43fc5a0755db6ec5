package testsvc

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
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

// MotoServer is a moto_server process serving every AWS API moto knows on one
// loopback port. It is stopped when the test that started it ends.
type MotoServer struct {
	URL  string // http://127.0.0.1:PORT
	Port int

	proc *process
}

// Moto starts moto_server on a free loopback port and waits until it answers.
func Moto(t testing.TB) *MotoServer {
	t.Helper()
	bin := Tool(t, "moto_server")
	var lastErr error
	var lastLogs string
	for range startAttempts {
		port, err := freePort()
		if err != nil {
			t.Fatalf("testsvc: %v", err)
		}
		env := append(os.Environ(), "MOTO_CALL_RESET_API=false")
		p, err := startProcess("moto_server", bin, []string{"-H", "127.0.0.1", "-p", strconv.Itoa(port)}, env, t.TempDir())
		if err != nil {
			t.Fatalf("testsvc: %v", err)
		}
		m := &MotoServer{URL: fmt.Sprintf("http://127.0.0.1:%d", port), Port: port, proc: p}
		err = p.waitReady(motoReadyTimeout, m.ping)
		if err == nil {
			t.Cleanup(func() { p.stop(3 * time.Second) })
			return m
		}
		p.kill()
		lastErr, lastLogs = err, p.logs.String()
		if !errors.Is(err, errExitedEarly) {
			break // not a port race: another try would fail the same way
		}
	}
	t.Fatal(failure("moto_server", lastErr, lastLogs))
	return nil
}

// ping asks moto's own API for its data; any HTTP answer means it serves.
func (m *MotoServer) ping() error {
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
func (m *MotoServer) LocalhostURL() string {
	return fmt.Sprintf("http://localhost:%d", m.Port)
}

// AWSConfig returns an SDK configuration that talks to this server only:
// region us-east-1, static test credentials, every service at URL. Shared
// config files and the host's AWS_* variables are ignored.
func (m *MotoServer) AWSConfig(t testing.TB) aws.Config {
	t.Helper()
	// Built by hand rather than with config.LoadDefaultConfig, which would also
	// read the host's profile variables and files.
	return aws.Config{
		Region:       MotoRegion,
		Credentials:  aws.NewCredentialsCache(credentials.NewStaticCredentialsProvider(MotoAccessKey, MotoSecretKey, "")),
		BaseEndpoint: aws.String(m.URL),
	}
}

// Env returns the environment that points the AWS SDKs and CLIs at this server.
func (m *MotoServer) Env() []string {
	return []string{
		"AWS_ENDPOINT_URL=" + m.URL,
		"AWS_ACCESS_KEY_ID=" + MotoAccessKey,
		"AWS_SECRET_ACCESS_KEY=" + MotoSecretKey,
		"AWS_REGION=" + MotoRegion,
		"AWS_DEFAULT_REGION=" + MotoRegion,
	}
}

// Logs returns moto's output so far.
func (m *MotoServer) Logs() string { return m.proc.logs.String() }
