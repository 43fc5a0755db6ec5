package cli

import (
	"context"
	"debug/buildinfo"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/liftcdk/lift/internal/localsvc"
)

// tool is one program lift or a scaffolded app needs.
type tool struct {
	Name     string `json:"name"`
	Required bool   `json:"required"`
	UsedFor  string `json:"usedFor"`
	Install  string `json:"install"`
	// version prints the version; nil: read from the binary's Go build info.
	version []string
	pattern *regexp.Regexp
}

// toolStatus is one row of `lift doctor`.
type toolStatus struct {
	tool
	Path    string `json:"path,omitempty"`
	Version string `json:"version,omitempty"`
	Found   bool   `json:"found"`
	Problem string `json:"problem,omitempty"`
}

// Each version pattern captures the version as its first group.
var semver = regexp.MustCompile(`(\d+\.\d+(?:\.\d+)?)`)

// RIEVersion is the emulator build lift is tested with.
const RIEVersion = "v0.0.0-20261030222936-bef5c4ba774d"

var tools = []tool{
	{Name: "go", Required: true, UsedFor: "building handlers and the CDK app", Install: "download Go >= 1.26.6 from https://go.dev/dl/",
		version: []string{"go", "version"}, pattern: regexp.MustCompile(`go(\d+\.\d+(?:\.\d+)?)`)},
	{Name: "node", Required: true, UsedFor: "the CDK CLI (jsii)", Install: "sudo apt-get install -y nodejs npm (or https://nodejs.org, Node >= 18; 22 recommended)",
		version: []string{"node", "--version"}, pattern: semver},
	{Name: "cdk", Required: true, UsedFor: "cdk synth / deploy", Install: "npm install -g aws-cdk@2.1148.1",
		version: []string{"cdk", "--version"}, pattern: semver},
	{Name: "moto_server", Required: true, UsedFor: "the local AWS endpoint (lift local up)", Install: "pip install 'moto[server]==5.2.1'",
		version: []string{"python3", "-c", "import moto; print(moto.__version__)"}, pattern: semver},
	{Name: "aws-lambda-rie", Required: true, UsedFor: "running functions locally (lift local up)",
		Install: "go install github.com/aws/aws-lambda-runtime-interface-emulator/cmd/aws-lambda-rie@" + RIEVersion},
	{Name: "cfn-lint", Required: true, UsedFor: "the stack test of a scaffolded app", Install: "pip install cfn-lint",
		version: []string{"cfn-lint", "--version"}, pattern: semver},
	{Name: "valkey-server", Required: false, UsedFor: "standing in for ElastiCache locally (stacks with a Valkey tier)",
		Install: "sudo apt-get install -y valkey-server (Debian 12: -t bookworm-backports)",
		version: []string{"valkey-server", "--version"}, pattern: regexp.MustCompile(`v=(\d+\.\d+\.\d+)`)},
}

func newDoctorCmd(s *streams) *cobra.Command {
	var asJSON bool
	c := &cobra.Command{
		Use:   "doctor",
		Short: "Check the tools lift needs and print the command that installs each missing one",
		Long: `doctor looks for each tool in the current folder's node_modules/.bin and
.tools/bin, then on PATH, and prints its version. It exits 1 when a required
tool is missing, printing the one command that installs it.`,
		Example: "  lift doctor\n  lift doctor --json | jq '.[] | select(.found == false)'",
		Args:    exactArgs(0, "no arguments"),
		RunE: func(c *cobra.Command, _ []string) error {
			dir, err := os.Getwd()
			if err != nil {
				return err
			}
			st := checkTools(c.Context(), dir)
			if asJSON {
				if err := writeJSON(s.out, st); err != nil {
					return err
				}
			} else {
				printTools(s, st)
			}
			var missing []string
			for _, t := range st {
				if t.Required && !t.Found {
					missing = append(missing, t.Name)
				}
			}
			if len(missing) > 0 {
				return failed("missing required tools: %s", strings.Join(missing, ", "))
			}
			return nil
		},
	}
	c.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return c
}

// checkTools looks every tool up in parallel (moto's import alone takes
// seconds).
func checkTools(ctx context.Context, dir string) []toolStatus {
	out := make([]toolStatus, len(tools))
	var wg sync.WaitGroup
	for i, t := range tools {
		wg.Go(func() { out[i] = checkTool(ctx, dir, t) })
	}
	wg.Wait()
	return out
}

func checkTool(ctx context.Context, dir string, t tool) toolStatus {
	st := toolStatus{tool: t}
	path, err := localsvc.LookTool(dir, t.Name)
	if err != nil {
		return st
	}
	st.Path, st.Found = path, true
	if t.version == nil {
		bi, err := buildinfo.ReadFile(path)
		if err != nil {
			st.Problem = "cannot read its build info: " + err.Error()
			return st
		}
		st.Version = bi.Main.Version
		return st
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	bin := t.version[0]
	if bin == t.Name {
		bin = path
	} else if p, err := localsvc.LookTool(dir, bin); err == nil {
		bin = p
	}
	cmd := exec.CommandContext(ctx, bin, t.version[1:]...)
	cmd.Env = append(os.Environ(), "CDK_DISABLE_VERSION_CHECK=true")
	b, err := cmd.CombinedOutput()
	if err != nil {
		st.Found, st.Problem = false, fmt.Sprintf("%s failed: %v: %s", strings.Join(t.version, " "), err, firstLine(string(b)))
		return st
	}
	if m := t.pattern.FindStringSubmatch(string(b)); m != nil {
		st.Version = m[1]
	}
	return st
}

func firstLine(s string) string {
	l, _, _ := strings.Cut(strings.TrimSpace(s), "\n")
	return l
}

func printTools(s *streams, st []toolStatus) {
	w := tabwriter.NewWriter(s.out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "TOOL\tSTATUS\tVERSION\tUSED FOR")
	for _, t := range st {
		status := "ok"
		switch {
		case !t.Found && t.Required:
			status = "MISSING"
		case !t.Found:
			status = "missing (optional)"
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\n", t.Name, status, t.Version, t.UsedFor)
	}
	w.Flush()
	for _, t := range st {
		if !t.Found {
			if t.Problem != "" {
				fmt.Fprintf(s.out, "\n%s: %s", t.Name, t.Problem)
			}
			fmt.Fprintf(s.out, "\ninstall %s: %s\n", t.Name, t.Install)
		}
	}
}
