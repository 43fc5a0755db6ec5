package bundling

import (
	"context"
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

	// pending is the background build started when the function was defined;
	// nil means TryBundle builds in place.
	pending *Pending
}

var _ awscdk.ILocalBundling = (*LocalBundler)(nil)

// TryBundle waits for the handler's build and puts bootstrap into outputDir.
// It reports true or panics: a panic in a jsii callback becomes an exception
// in the CDK kernel, which fails the synth with "Failed to bundle asset <path>:
// <our message>". Returning false instead would make CDK try Docker, which
// Lift never needs.
func (b *LocalBundler) TryBundle(outputDir *string, _ *awscdk.BundlingOptions) *bool {
	var err error
	if b.pending != nil {
		err = b.pending.CopyTo(*outputDir)
	} else {
		err = Build(context.Background(), BuildOptions{Entry: b.Entry, GOARCH: b.GOARCH, OutDir: *outputDir, Label: b.Label})
	}
	if err != nil {
		panic(err)
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
// (tests, docs, other handlers). The cost, one `go build` per synth, is small
// with a warm Go build cache, and builds of different handlers overlap.
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
