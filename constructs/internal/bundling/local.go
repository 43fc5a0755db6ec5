package bundling

import (
	"fmt"
	"os"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3assets"
	"github.com/aws/jsii-runtime-go"

	"github.com/liftcdk/lift/internal/contract"
)

// noDockerImage fills the Docker image field that CDK's BundlingOptions
// requires. It is never pulled or run: LocalBundler.TryBundle always builds
// or fails, so CDK never falls back to Docker (aws-lambda-go-alpha does the same
// when it bundles locally).
const noDockerImage = "lift/local-go-build-docker-is-never-used"

// LocalBundler is the awscdk.ILocalBundling that delivers one handler built
// with the local Go toolchain. CDK calls TryBundle only for stacks it is asked
// to bundle (so `cdk deploy OtherStack` skips it).
type LocalBundler struct {
	Entry  Entry
	GOARCH string
	Label  string
	// Check runs the built handler with LIFT_CHECK=1 and its function's
	// environment at synth (see Check).
	Check bool

	// pending is the handler's build; TryBundle runs only after it succeeded
	// (the asset is created once the build is done, see Handler).
	pending *Pending
	// hostPending builds the handler for this machine, to check it, when the
	// Lambda binary cannot run here.
	hostPending *Pending
	sched       *Scheduler
}

var _ awscdk.ILocalBundling = (*LocalBundler)(nil)

// TryBundle puts the built bootstrap into outputDir and reports true, so CDK
// never falls back to Docker. It never panics: a Go panic inside a jsii
// callback leaves the CDK kernel waiting for an answer the Go side never
// sends (jsii-runtime-go drops the callback), and the kernel then dies with
// EPIPE when the app exits. A failure is printed and leaves outputDir empty,
// which CDK reports as an error of this asset.
func (b *LocalBundler) TryBundle(outputDir *string, _ *awscdk.BundlingOptions) *bool {
	err := fmt.Errorf("%w for %s: the stack was not scheduled for bundling", ErrBuild, b.Label) // not reachable: CDK bundles only such stacks
	if b.pending != nil {
		err = b.sched.Wait(b.pending)
	}
	if err == nil {
		err = b.pending.CopyTo(*outputDir)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "lift: %s: %v\n", b.Label, err)
	}
	return jsii.Bool(true)
}

// assetProps are the options of the handler's code asset.
//
// The asset hash is of the build OUTPUT (the bootstrap binary), not of the
// sources: the binary is reproducible (-trimpath, -buildvcs=false, same
// toolchain), so unchanged sources give the same hash and no redeploy, while
// any change that reaches the binary - the entry package, another package of
// the module, go.mod/go.sum, a dependency, the Go version - changes it.
// Hashing sources instead would need the whole module and its dependencies to
// be correct, and would redeploy on changes that cannot affect the binary
// (tests, docs, other handlers). The cost, one `go build` per synth, is a
// cache lookup when nothing changed: the binaries kept in the assembly's
// lift-build directory are up to date, so the go command neither compiles
// nor links.
func assetProps(b *LocalBundler) *awss3assets.AssetProps {
	env := map[string]*string{}
	for _, kv := range contract.GoBuildEnv(b.GOARCH) {
		k, v, _ := strings.Cut(kv, "=")
		env[k] = jsii.String(v)
	}
	// Command and Environment document the build in the cloud assembly and make
	// CDK's in-process asset cache key differ per architecture.
	cmd := append([]string{"go", "build"}, contract.GoBuildFlags()...)
	cmd = append(cmd, "-o", contract.BootstrapName, ".")
	return &awss3assets.AssetProps{
		Path:          jsii.String(b.Entry.Dir),
		DeployTime:    jsii.Bool(true), // as awslambda.AssetCode sets it
		AssetHashType: awscdk.AssetHashType_OUTPUT,
		DisplayName:   jsii.String(b.Label),
		Bundling: &awscdk.BundlingOptions{
			Image:       awscdk.DockerImage_FromRegistry(jsii.String(noDockerImage)),
			Local:       b,
			Command:     jsii.Strings(cmd...),
			Environment: &env,
			OutputType:  awscdk.BundlingOutput_NOT_ARCHIVED,
		},
	}
}
