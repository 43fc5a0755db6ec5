// Package local is lift's local cloud: `lift local up` deploys a CDK app's
// stacks to moto and runs each Lift function under the Lambda Runtime
// Interface Emulator, in processes that outlive the command; their pids,
// ports and endpoints are kept in a state folder (.lift/local in the app) so
// that later commands find them and `lift local down` stops exactly them.
package local

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/liftcdk/lift/internal/contract"
)

// Dir is the state folder, relative to the app's folder.
const Dir = ".lift/local"

const stateFile = "state.json"

// ErrNotUp means there is no local cloud in the folder: run lift local up.
var ErrNotUp = errors.New("no local cloud here: run `lift local up` in the app's folder first")

// State is what `lift local up` started, as written to Dir/state.json.
type State struct {
	App     string     `json:"app"`     // the app's folder
	Started time.Time  `json:"started"` // when up finished
	AWS     string     `json:"awsEndpoint"`
	Lambda  string     `json:"lambdaEndpoint"` // the router: Invoke for every function, the rest to moto
	Moto    Proc       `json:"moto"`
	Router  Proc       `json:"router"`
	Valkey  *Proc      `json:"valkey,omitempty"` // the ElastiCache stand-in, when valkey-server is installed
	Stacks  []string   `json:"stacks"`
	Funcs   []Function `json:"functions"`
}

// Function is one Lift function running under the emulator.
type Function struct {
	// Service is the name lift's commands take for it (TargetName): the
	// service, or SERVICE/worker for the service's jobs worker.
	Service   string `json:"service"`
	Stack     string `json:"stack"`
	LogicalID string `json:"logicalId"`
	Name      string `json:"name"`
	ARN       string `json:"arn"`
	Alias     string `json:"alias"` // the live alias's ARN
	URL       string `json:"url"`   // the emulator's invocation URL
	Proc      Proc   `json:"process"`
}

// Proc is a process lift started: its id, its start time (so a reused pid
// is never taken for it) and the file its output goes to.
type Proc struct {
	Pid   int    `json:"pid"`
	Start uint64 `json:"startTicks"` // /proc/PID/stat field 22
	Log   string `json:"log"`
}

// Procs lists every process of the state, the router first (it calls the
// functions) and moto last (the functions call it).
func (s *State) Procs() map[string]Proc {
	out := map[string]Proc{"router": s.Router, "moto": s.Moto}
	for _, f := range s.Funcs {
		key := "function " + f.Service
		if _, taken := out[key]; taken { // a service's second function, such as its jobs worker
			key += " (" + f.Name + ")"
		}
		out[key] = f.Proc
	}
	if s.Valkey != nil {
		out["valkey"] = *s.Valkey
	}
	return out
}

// WorkerSuffix ends the name of a service's jobs worker: SERVICE/worker.
const WorkerSuffix = "/worker"

// TargetName is the name lift's commands take for a Lift function with this
// environment: its service (LIFT_SERVICE), or SERVICE/worker for the
// service's jobs worker (LIFT_JOBS_WORKER=true), which shares the service's
// LIFT_SERVICE. Empty for a function that is not a Lift service.
func TargetName(env map[string]string) string {
	svc := env[contract.EnvService]
	if svc != "" && env[contract.EnvJobsWorker] == "true" {
		return svc + WorkerSuffix
	}
	return svc
}

// Function returns the function named name (a service, or SERVICE/worker).
func (s *State) Function(name string) (Function, error) {
	var names []string
	for _, f := range s.Funcs {
		if f.Service == name {
			return f, nil
		}
		names = append(names, f.Service)
	}
	return Function{}, fmt.Errorf("no service %q in the local cloud (valid names: %s)", name, strings.Join(names, ", "))
}

// Load reads the state of the local cloud of the app in dir.
func Load(dir string) (*State, error) {
	b, err := os.ReadFile(filepath.Join(dir, Dir, stateFile))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, ErrNotUp
	}
	if err != nil {
		return nil, err
	}
	var s State
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, fmt.Errorf("%s: %w (remove the folder and run lift local up)", filepath.Join(dir, Dir, stateFile), err)
	}
	return &s, nil
}

func (s *State) save() error {
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(s.App, Dir, stateFile), b, 0o600)
}

// track returns the Proc of a process this one just started.
func track(pid int, log string) Proc {
	start, _ := startTicks(pid)
	return Proc{Pid: pid, Start: start, Log: log}
}

// Alive reports whether the process is still the one lift started: same pid,
// same start time, not a zombie.
func (p Proc) Alive() bool {
	if p.Pid <= 0 {
		return false
	}
	start, err := startTicks(p.Pid)
	return err == nil && start == p.Start
}

// startTicks reads a process's start time, in clock ticks since boot, from
// /proc; a zombie counts as gone.
func startTicks(pid int) (uint64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// The command name (field 2) may hold spaces: fields after it follow ')'.
	i := strings.LastIndexByte(string(b), ')')
	if i < 0 {
		return 0, fmt.Errorf("/proc/%d/stat: unexpected format", pid)
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 20 {
		return 0, fmt.Errorf("/proc/%d/stat: unexpected format", pid)
	}
	if f[0] == "Z" || f[0] == "X" {
		return 0, fmt.Errorf("process %d has exited", pid)
	}
	return strconv.ParseUint(f[19], 10, 64) // field 22 overall
}

// stop ends the process and its group: SIGTERM to the leader (the emulator
// passes it on to the runtime, whose shutdown hooks run), then SIGKILL to the
// group after grace. A process that is not the one lift started is left alone.
func (p Proc) stop(grace time.Duration) {
	if !p.Alive() {
		return
	}
	_ = syscall.Kill(p.Pid, syscall.SIGTERM)
	deadline := time.Now().Add(grace)
	for p.Alive() && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	// The group outlives its leader only with our leftovers in it: Linux
	// does not reuse a pid while a group of that id exists.
	_ = syscall.Kill(-p.Pid, syscall.SIGKILL)
}
