package dev

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/liftcdk/lift/internal/contract"
	"github.com/liftcdk/lift/internal/localsvc"
)

// Dir is lift dev's working folder inside the app (builds, the synth).
const Dir = ".lift/dev"

// Dev runs an app's functions locally. Set the exported fields, then Run.
type Dev struct {
	// App is the app's folder, holding cdk.json. Required, absolute.
	App string
	// AppCommand, when set, is passed to cdk synth as --app.
	AppCommand string
	// Assembly is a cloud assembly to read instead of synthesizing the app.
	Assembly string
	// Addr is where the dashboard listens. Default: a free loopback port.
	Addr string
	// Verbose copies every line the functions write to Stderr, but spans.
	Verbose bool
	// Stdout gets the service and dashboard URL lines; Stderr progress.
	Stdout, Stderr io.Writer

	work     string
	token    string // the control token of this run (warm-up and health events)
	awsURL   string
	hub      *hub
	services []*service
	servers  []*http.Server
	moto     *localsvc.Moto  // the local DynamoDB, when a function has that tier
	valkey   *localsvc.Redis // the local Valkey, likewise
	// jobQueues maps each service's job queue (on moto) to its worker;
	// the feeder delivers them until feedCancel, then closes feedDone.
	jobQueues  []localsvc.QueueMapping
	feedCancel context.CancelFunc
	feedDone   chan struct{}
}

func (d *Dev) dynamoURL() string {
	if d.moto == nil {
		return ""
	}
	return d.moto.URL
}

// Run starts every function and the dashboard, prints their URLs, then
// rebuilds on changes until ctx ends; then it stops everything it started.
func (d *Dev) Run(ctx context.Context) (err error) {
	if err := checkTracing(); err != nil {
		return err
	}
	d.work = filepath.Join(d.App, Dir)
	if err := os.MkdirAll(d.work, 0o700); err != nil {
		return err
	}
	defer func() { _ = os.RemoveAll(filepath.Join(d.work, "bin")) }()
	fns, err := d.functions(ctx)
	if err != nil {
		if ctx.Err() != nil {
			return nil // Ctrl-C during the synth: nothing was started
		}
		return err
	}
	d.token, d.hub = newID(), newHub()
	defer d.stop()
	if err := d.startTiers(ctx, fns); err != nil {
		return err
	}
	awsLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	d.awsURL = "http://" + awsLn.Addr().String()
	d.listen(awsLn, awsLocal{dev: d})
	for _, f := range fns {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		s := &service{fn: f, dev: d, ln: ln, closing: make(chan struct{})}
		d.services = append(d.services, s)
		d.hub.add(f.Service, s.url())
		s.serve()
		if _, notes := localEnv(f, "", "", d.dynamoURL(), ""); len(notes) > 0 {
			for _, n := range notes {
				fmt.Fprintf(d.Stderr, "%s: %s\n", f.Service, n)
			}
		}
	}
	addr := d.Addr
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	dashLn, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("dashboard: %w", err)
	}
	d.listen(dashLn, d.dashboard())
	var wg sync.WaitGroup
	for _, s := range d.services {
		wg.Go(func() { _ = s.reload(ctx, "start") }) // a failed build is shown and the service waits for a fix
	}
	wg.Wait()
	if ctx.Err() != nil {
		return nil
	}
	if err := d.feedJobs(ctx); err != nil {
		return err
	}
	for _, s := range d.services {
		fmt.Fprintf(d.Stdout, "%s %s\n", s.fn.Service, s.url())
	}
	fmt.Fprintf(d.Stdout, "dashboard http://%s/\n", dashLn.Addr())
	w, err := newWatcher(ctx, d)
	if err != nil {
		return err
	}
	defer w.close()
	w.run(ctx)
	return nil
}

// functions reads the app's functions from Assembly or one synth.
func (d *Dev) functions(ctx context.Context) ([]Function, error) {
	assembly := d.Assembly
	if assembly == "" {
		assembly = filepath.Join(d.work, "cdk.out")
		fmt.Fprintln(d.Stderr, "synthesizing the app to find its functions ...")
		took, err := Synth(ctx, d.App, d.AppCommand, assembly)
		if err != nil {
			return nil, err
		}
		fmt.Fprintf(d.Stderr, "synthesized in %.1fs\n", took.Seconds())
	}
	return Functions(ctx, d.App, assembly)
}

func (d *Dev) listen(ln net.Listener, h http.Handler) {
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	d.servers = append(d.servers, srv)
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			fmt.Fprintln(d.Stderr, "lift dev:", err)
		}
	}()
}

// stop stops the servers, then every service's port and process, in parallel.
func (d *Dev) stop() {
	if d.feedCancel != nil {
		d.feedCancel() // no new delivery; the one in flight ends as its worker stops
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	for _, srv := range d.servers {
		_ = srv.Shutdown(ctx)
		_ = srv.Close() // the dashboard's event streams never end by themselves
	}
	var wg sync.WaitGroup
	for _, s := range d.services {
		wg.Go(s.stop)
	}
	wg.Wait()
	if d.feedDone != nil {
		<-d.feedDone
	}
	if d.moto != nil {
		d.moto.Close()
	}
	if d.valkey != nil {
		d.valkey.Close()
	}
}

// service returns the service named name, or nil.
func (d *Dev) service(name string) *service {
	for _, s := range d.services {
		if s.fn.Service == name {
			return s
		}
	}
	return nil
}

// discoverable returns the service registered in Cloud Map as name (a jobs
// worker is not: its queue is its only caller).
func (d *Dev) discoverable(name string) *service {
	for _, s := range d.services {
		if s.fn.worker() {
			continue
		}
		if s.fn.Env[contract.EnvDiscoveryService] == name || s.fn.Service == name {
			return s
		}
	}
	return nil
}
