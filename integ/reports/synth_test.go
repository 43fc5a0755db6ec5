package reports

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"

	"github.com/liftcdk/lift/constructs/cdktest"
	"github.com/liftcdk/lift/constructs/gofunction"
	"github.com/liftcdk/lift/examples/reports/stack"
	"github.com/liftcdk/lift/internal/localcloud"
	"github.com/liftcdk/lift/internal/localsvc"
	"github.com/liftcdk/lift/internal/testsvc"
)

// Test settings of the stack: reports of 12 steps of stepDelay (6 s: long
// enough that recording progress and the result is not a matter of one
// quick call), a worker timeout (and so a visibility timeout, 6 x 8 s)
// short enough to wait out.
const (
	stepDelay     = 500 * time.Millisecond
	workerTimeout = 8 * time.Second
)

// synth synthesizes the example's stack as its app does, but with the test
// settings as props, for this machine's architecture and moto's account,
// and returns the cloud assembly directory `cdk deploy --app` takes.
func synth(t *testing.T) string {
	t.Helper()
	// Every tool the deploy needs, before the synth spends a minute building.
	for _, tool := range []string{"node", "cdk", "moto_server", "aws-lambda-rie"} {
		testsvc.Tool(t, tool)
	}
	dir := filepath.Join(testsvc.Root(t), "examples", "reports")
	app := cdktest.NewApp(t, cdktest.WithCDKJSON(filepath.Join(dir, "cdk.json")),
		cdktest.WithContext(localcloud.ArchitectureContext, localcloud.HostArchitecture()))
	arch, err := gofunction.ArchitectureFromContext(app)
	if err != nil {
		t.Fatal(err)
	}
	stack.NewReportsStack(app, stack.StackName, &stack.ReportsProps{
		StackProps:    awscdk.StackProps{Env: &awscdk.Environment{Account: jsii.String(localsvc.MotoAccountID), Region: jsii.String(localsvc.MotoRegion)}},
		Architecture:  arch,
		APIEntry:      filepath.Join(dir, stack.DefaultAPIEntry),
		WorkerEntry:   filepath.Join(dir, stack.DefaultWorkerEntry),
		WorkerTimeout: awscdk.Duration_Seconds(jsii.Number(workerTimeout.Seconds())),
		StepDelay:     stepDelay.String(),
	})
	return *app.Synth(nil).Directory()
}
