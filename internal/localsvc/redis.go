package localsvc

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// RedisOptions selects the server and how it is exposed.
type RedisOptions struct {
	// Binary is "redis-server" (the default) or "valkey-server".
	Binary string
	// TLS serves only TLS, with a certificate from a throwaway CA for
	// localhost and 127.0.0.1; RedisServer.TLSConfig trusts that CA.
	TLS bool
	// Cluster runs a single-node cluster owning all 16384 slots: the shape of
	// an ElastiCache Serverless endpoint. With TLS the cluster bus is TLS too.
	Cluster bool
	// Password, when set, is required with AUTH (requirepass).
	Password string
	// LogFile, when set, receives the server's output (see RIEOptions.LogFile).
	LogFile string
}

// Redis is a redis-server or valkey-server process on loopback. Data is not
// persisted: a Stop/Start cycle comes back empty (the cluster's slot map is kept).
type Redis struct {
	Addr      string      // 127.0.0.1:PORT
	Port      int         // the client port (the TLS port with TLS)
	TLSConfig *tls.Config // trusts the test CA; nil without TLS
	CAFile    string      // PEM file of the test CA; "" without TLS
	Options   RedisOptions

	bin  string
	args []string
	dir  string

	mu   sync.Mutex
	proc *process
}

const redisReadyTimeout = 30 * time.Second

// StartRedis starts a server as o describes (found with LookTool under root)
// on free loopback ports, with its files in dir, and waits until it answers
// PING and, in cluster mode, reports cluster_state:ok.
func StartRedis(root, dir string, o RedisOptions) (*Redis, error) {
	if o.Binary == "" {
		o.Binary = "redis-server"
	}
	if o.Binary != "redis-server" && o.Binary != "valkey-server" {
		return nil, fmt.Errorf("RedisOptions.Binary %q: use \"redis-server\" or \"valkey-server\"", o.Binary)
	}
	bin, err := LookTool(root, o.Binary)
	if err != nil {
		return nil, err
	}
	r := &Redis{Options: o, bin: bin, dir: dir}
	var certs *testCerts
	if o.TLS {
		if certs, err = newTestCerts(dir); err != nil {
			return nil, fmt.Errorf("test certificates for %s: %w", o.Binary, err)
		}
		r.TLSConfig, r.CAFile = certs.ClientConfig, certs.CAFile
	}
	var lastErr error
	var lastLogs string
	for attempt := range startAttempts {
		ports, err := freePorts(2) // client port, cluster bus port
		if err != nil {
			return nil, err
		}
		r.Port = ports[0]
		r.Addr = "127.0.0.1:" + strconv.Itoa(r.Port)
		r.args = redisArgs(o, dir, ports[0], ports[1], certs)
		// A fresh cluster config per attempt: a stale one would name old ports.
		_ = os.Remove(filepath.Join(dir, "nodes.conf"))
		err = r.start()
		if err == nil {
			return r, nil
		}
		lastErr, lastLogs = fmt.Errorf("attempt %d: %w", attempt+1, err), r.Logs()
		r.Close()
		if !errors.Is(err, errExitedEarly) {
			break // not a port race: another try would fail the same way
		}
	}
	return nil, withLog(o.Binary, lastErr, lastLogs)
}

func redisArgs(o RedisOptions, dir string, port, busPort int, certs *testCerts) []string {
	args := []string{
		"--bind", "127.0.0.1",
		"--dir", dir,
		"--save", "",
		"--appendonly", "no",
		"--daemonize", "no",
		"--loglevel", "notice",
	}
	if certs != nil {
		args = append(args,
			"--port", "0",
			"--tls-port", strconv.Itoa(port),
			"--tls-cert-file", certs.CertFile,
			"--tls-key-file", certs.KeyFile,
			"--tls-ca-cert-file", certs.CAFile,
			"--tls-auth-clients", "no",
		)
	} else {
		args = append(args, "--port", strconv.Itoa(port))
	}
	if o.Cluster {
		args = append(args,
			"--cluster-enabled", "yes",
			"--cluster-config-file", filepath.Join(dir, "nodes.conf"),
			"--cluster-port", strconv.Itoa(busPort),
			"--cluster-announce-ip", "127.0.0.1",
		)
		if certs != nil {
			args = append(args, "--tls-cluster", "yes", "--tls-replication", "yes")
		}
	}
	if o.Password != "" {
		args = append(args, "--requirepass", o.Password)
	}
	return args
}

// start runs the server with r.args and waits until it is ready.
func (r *Redis) start() error {
	p, err := startProcess(r.Options.Binary, r.bin, r.args, os.Environ(), r.dir, r.Options.LogFile)
	if err != nil {
		return err
	}
	r.mu.Lock()
	r.proc = p
	r.mu.Unlock()
	if err := p.waitReady(redisReadyTimeout, r.ping); err != nil {
		return err
	}
	if r.Options.Cluster {
		return r.claimAllSlots(p)
	}
	return nil
}

func (r *Redis) ping() error {
	reply, err := r.Do(context.Background(), "PING")
	if err != nil {
		return err
	}
	if reply != "PONG" {
		return fmt.Errorf("PING answered %v", reply)
	}
	return nil
}

// claimAllSlots gives this node every slot (once; a restart keeps them in
// nodes.conf) and waits for the cluster to report ok.
func (r *Redis) claimAllSlots(p *process) error {
	ctx := context.Background()
	info, err := r.clusterInfo(ctx)
	if err != nil {
		return err
	}
	if info["cluster_slots_assigned"] != "16384" {
		if _, err := r.Do(ctx, "CLUSTER", "ADDSLOTSRANGE", "0", "16383"); err != nil {
			return fmt.Errorf("CLUSTER ADDSLOTSRANGE 0 16383: %w", err)
		}
	}
	return p.waitReady(redisReadyTimeout, func() error {
		info, err := r.clusterInfo(ctx)
		if err != nil {
			return err
		}
		if s := info["cluster_state"]; s != "ok" {
			return fmt.Errorf("cluster_state:%s (slots assigned %s)", s, info["cluster_slots_assigned"])
		}
		return nil
	})
}

func (r *Redis) clusterInfo(ctx context.Context) (map[string]string, error) {
	reply, err := r.Do(ctx, "CLUSTER", "INFO")
	if err != nil {
		return nil, fmt.Errorf("CLUSTER INFO: %w", err)
	}
	text, ok := reply.(string)
	if !ok {
		return nil, fmt.Errorf("CLUSTER INFO answered %T", reply)
	}
	info := map[string]string{}
	for line := range strings.SplitSeq(text, "\n") {
		if k, v, ok := strings.Cut(strings.TrimSpace(line), ":"); ok {
			info[k] = v
		}
	}
	return info, nil
}

// Do runs one command on a fresh connection (authenticating with the
// password) and returns the reply: string, int64, []any or nil. An error
// reply is a RESPError.
func (r *Redis) Do(ctx context.Context, args ...string) (any, error) {
	return respDo(ctx, r.Addr, r.TLSConfig, r.Options.Password, args...)
}

// Stop shuts the server down (SIGTERM, then SIGKILL after 3 s) and waits for
// it to exit, so that clients see the endpoint go away.
func (r *Redis) Stop() error {
	r.mu.Lock()
	p := r.proc
	r.mu.Unlock()
	if p == nil || p.exited() {
		return fmt.Errorf("%s at %s is not running", r.Options.Binary, r.Addr)
	}
	p.stop(3 * time.Second)
	return nil
}

// Start starts a stopped server again on the same port and waits until it is
// ready. It retries briefly if the port is still held.
func (r *Redis) Start() error {
	r.mu.Lock()
	p := r.proc
	r.mu.Unlock()
	if p != nil && !p.exited() {
		return fmt.Errorf("%s at %s is already running; Stop it first", r.Options.Binary, r.Addr)
	}
	var err error
	for range startAttempts {
		if err = r.start(); err == nil {
			return nil
		}
		if !errors.Is(err, errExitedEarly) {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	logs := r.Logs()
	r.Close()
	return withLog(r.Options.Binary+" restart on "+r.Addr, err, logs)
}

// Close kills the server. Safe to repeat.
func (r *Redis) Close() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.proc != nil {
		r.proc.stop(3 * time.Second)
	}
}

// Logs returns the current server process's output so far.
func (r *Redis) Logs() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.proc == nil {
		return ""
	}
	return r.proc.output()
}

// Pid is the server's process id (of its latest Start).
func (r *Redis) Pid() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.proc.pid()
}
