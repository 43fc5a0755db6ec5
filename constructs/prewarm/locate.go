package prewarm

import (
	"bytes"
	"fmt"
	"os/exec"
	"strings"
	"sync"
)

// WarmerPackage is the Go package of the warmer Lambda.
const WarmerPackage = "github.com/liftcdk/lift/cmd/lift-warmer"

var (
	locateOnce sync.Once
	locatedDir string
	locateErr  error
)

// warmerEntry finds the warmer's source directory the way `go build` would
// from where `cdk synth` runs: in this repository it is cmd/lift-warmer, in a
// user's module that requires Lift it is the module cache's copy of the
// required version, so the deployed warmer matches the Lift the app uses.
func warmerEntry() (string, error) {
	locateOnce.Do(func() { locatedDir, locateErr = locateWarmer("") })
	return locatedDir, locateErr
}

// locateWarmer runs `go list` in dir ("" for the working directory).
func locateWarmer(dir string) (string, error) {
	var stderr bytes.Buffer
	cmd := exec.Command("go", "list", "-f", "{{.Dir}}", WarmerPackage)
	cmd.Dir = dir
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	found := strings.TrimSpace(string(out))
	if err != nil || found == "" {
		return "", fmt.Errorf("locating the warmer's source with `go list %s` failed: %v: %s; "+
			"run `go get github.com/liftcdk/lift` in your app's module (so it requires Lift) or set WarmerProps.Entry",
			WarmerPackage, err, strings.TrimSpace(stderr.String()))
	}
	return found, nil
}
