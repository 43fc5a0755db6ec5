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
	locateOnce.Do(func() {
		var stderr bytes.Buffer
		cmd := exec.Command("go", "list", "-f", "{{.Dir}}", WarmerPackage)
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			locateErr = fmt.Errorf("locating the warmer's source with `go list %s` failed: %v: %s; "+
				"run `go get %s` in your app's module (so it requires Lift) or set WarmerProps.Entry",
				WarmerPackage, err, strings.TrimSpace(stderr.String()), "github.com/liftcdk/lift")
			return
		}
		locatedDir = strings.TrimSpace(string(out))
	})
	return locatedDir, locateErr
}
