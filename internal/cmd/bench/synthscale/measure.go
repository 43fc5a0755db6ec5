package main

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Process roles in a `cdk synth` tree.
const (
	roleCLI     = "cdk CLI (node)"
	roleApp     = "Go app"
	roleKernel  = "jsii kernel (node, largest of its processes)"
	roleGoBuild = "go build tools"
	roleOther   = "other"
)

// usage is what sampling /proc saw of one process tree.
type usage struct {
	peakKB    map[string]int64 // largest VmHWM of any process of each role
	buildSum  int64            // largest sum of VmRSS of concurrent go build tools
	treeSum   int64            // largest sum of VmRSS of the whole tree
	maxRSSKB  int64            // getrusage children: the largest process (cross-check)
	processes int
}

type procInfo struct {
	ppid     int
	comm     string
	hwm, rss int64
}

// readProcs reads every process's parent, name and memory from /proc.
func readProcs() map[int]procInfo {
	out := map[int]procInfo{}
	ents, _ := os.ReadDir("/proc")
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile(filepath.Join("/proc", e.Name(), "status"))
		if err != nil {
			continue
		}
		var p procInfo
		sc := bufio.NewScanner(bytes.NewReader(b))
		for sc.Scan() {
			k, v, _ := strings.Cut(sc.Text(), ":")
			v = strings.TrimSpace(v)
			switch k {
			case "Name":
				p.comm = v
			case "PPid":
				p.ppid, _ = strconv.Atoi(v)
			case "VmHWM":
				p.hwm = kb(v)
			case "VmRSS":
				p.rss = kb(v)
			}
		}
		out[pid] = p
	}
	return out
}

func kb(v string) int64 {
	n, _ := strconv.ParseInt(strings.TrimSuffix(v, " kB"), 10, 64)
	return n
}

// role classifies a process of the tree rooted at the CLI.
func role(pid, root int, procs map[int]procInfo, appName string) string {
	p := procs[pid]
	switch {
	case pid == root:
		return roleCLI
	case strings.HasPrefix(appName, p.comm) && p.comm != "":
		return roleApp
	case p.comm == "node":
		// jsii-runtime-go starts node, which forks the kernel as its own child
		// node process: the largest node under the app is the kernel.
		return roleKernel
	}
	switch p.comm {
	case "go", "compile", "link", "asm", "cgo", "buildid":
		return roleGoBuild
	}
	return roleOther
}

// run starts cmd, samples its process tree every interval until it exits and
// returns the usage seen.
func run(cmd *exec.Cmd, appName string, interval time.Duration) (usage, error) {
	u := usage{peakKB: map[string]int64{}}
	if err := cmd.Start(); err != nil {
		return u, err
	}
	root := cmd.Process.Pid
	seen := map[int]bool{}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			procs := readProcs()
			in := map[int]bool{root: true}
			for changed := true; changed; { // descendants of root
				changed = false
				for pid, p := range procs {
					if !in[pid] && in[p.ppid] {
						in[pid], changed = true, true
					}
				}
			}
			var tree, build int64
			for pid := range in {
				p, ok := procs[pid]
				if !ok {
					continue
				}
				seen[pid] = true
				r := role(pid, root, procs, appName)
				u.peakKB[r] = max(u.peakKB[r], p.hwm)
				tree += p.rss
				if r == roleGoBuild {
					build += p.rss
				}
			}
			u.treeSum, u.buildSum = max(u.treeSum, tree), max(u.buildSum, build)
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	}()
	err := cmd.Wait()
	close(stop)
	wg.Wait()
	u.processes = len(seen)
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		u.maxRSSKB = ru.Maxrss
	}
	return u, err
}

// loadavg is the 1-minute load average.
func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	return strings.Fields(string(b))[0]
}
