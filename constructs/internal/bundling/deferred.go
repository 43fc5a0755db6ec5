package bundling

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3assets"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// Handler is the code of one Lift function, split in time so that handlers
// build in parallel:
//
//   - Schedule (while the app defines its functions) starts the handler's
//     `go build` in the background, so every handler of the app is building
//     while the rest of the construct tree is defined;
//   - the code asset is created at synth, by an aspect, when every function is
//     defined: its bundling (TryBundle) only waits for that build and copies
//     the binary. The function's Code points at the asset through lazy values.
//
// With CDK's plain asset code, each handler would build inside its
// awslambda.NewFunction call, one after another. The template is the same
// either way: the asset is Function/Code, as awslambda.AssetCode names it.
//
// A compile error fails the synth (app.Synth, `cdk synth`) with the compiler's
// output and the entry path, when CDK bundles that function's asset.
type Handler struct {
	bundler *LocalBundler
	sched   *Scheduler
	fn      awslambda.Function
	asset   awss3assets.Asset
	staging bool // the asset is being created (guards re-entry from lazy values)
}

// Schedule starts building b's handler in the background if the stack of
// scope will bundle its assets: a stack that `cdk synth` or `cdk deploy` skip
// (through --exclusively, or `cdk ls`, which bundle no stacks) starts nothing.
// Builds of the same entry and GOARCH in one cloud assembly are shared.
func Schedule(scope constructs.Construct, b *LocalBundler) (*Handler, error) {
	sched, err := DefaultScheduler()
	if err != nil {
		return nil, err
	}
	h := &Handler{bundler: b, sched: sched}
	if required := awscdk.Stack_Of(scope).BundlingRequired(); required != nil && *required {
		b.pending = sched.Start(assemblyDir(scope), BuildOptions{Entry: b.Entry, GOARCH: b.GOARCH, Label: b.Label})
	}
	return h, nil
}

// assemblyDir is the output directory of scope's stage: builds are shared
// within one cloud assembly only, so a test process that synthesizes several
// apps (sources may change between them) never reuses an older build.
func assemblyDir(scope constructs.IConstruct) string {
	if stage := awscdk.Stage_Of(scope); stage != nil && stage.Outdir() != nil {
		return *stage.Outdir()
	}
	return ""
}

// Code is the awslambda.Code to give the function.
func (h *Handler) Code() awslambda.Code {
	c := &deferredCode{h: h}
	awslambda.NewCode_Override(c)
	return c
}

// Attach connects the handler to its function: the code asset is created when
// the app is synthesized. Call it right after awslambda.NewFunction.
func (h *Handler) Attach(fn awslambda.Function) {
	h.fn = fn
	awscdk.Aspects_Of(fn).Add(&stageAsset{h: h, path: *fn.Node().Path()},
		&awscdk.AspectOptions{Priority: awscdk.AspectPriority_MUTATING()})
}

// ensureAsset creates the code asset once; CDK bundles it right here, which
// waits for the background build.
func (h *Handler) ensureAsset() awss3assets.Asset {
	if h.asset != nil {
		return h.asset
	}
	if h.fn == nil || h.staging {
		// Only reachable by resolving the function's Code from inside its own
		// staging, or before Attach: a Lift bug, not a user error.
		panic("lift/bundling: the code asset of " + h.bundler.Label + " was needed before its function was attached")
	}
	h.staging = true
	if h.bundler.pending != nil {
		defer h.sched.Release(h.bundler.pending)
	}
	asset := awss3assets.NewAsset(h.fn, jsii.String("Code"), assetProps(h.bundler))
	if cfn, ok := h.fn.Node().DefaultChild().(awscdk.CfnResource); ok {
		// SAM CLI and other local tools find the code through this metadata
		// (written only when asset metadata is enabled, as for AssetCode).
		asset.AddResourceMetadata(cfn, jsii.String("Code"))
	}
	h.asset = asset
	return asset
}

// deferredCode is an awslambda.Code whose S3 location is lazy: it resolves to
// the asset that ensureAsset creates.
type deferredCode struct {
	awslambda.Code
	h *Handler
}

// Bind overrides awslambda.Code.Bind (called by the Function's constructor).
func (c *deferredCode) Bind(constructs.Construct) *awslambda.CodeConfig {
	return &awslambda.CodeConfig{S3Location: &awss3.Location{
		BucketName: awscdk.Lazy_String(&assetLocation{h: c.h, bucket: true}, nil),
		ObjectKey:  awscdk.Lazy_String(&assetLocation{h: c.h}, nil),
	}}
}

// assetLocation produces the asset's bucket name or object key (jsii needs a
// struct, not a func type, to call back into Go).
type assetLocation struct {
	h      *Handler
	bucket bool
}

func (l *assetLocation) Produce() *string {
	if l.bucket {
		return l.h.ensureAsset().S3BucketName()
	}
	return l.h.ensureAsset().S3ObjectKey()
}

// stageAsset is the synth-time aspect that creates a function's code asset.
// It runs with MUTATING priority, before read-only aspects such as cdk-nag.
type stageAsset struct {
	h    *Handler
	path string
}

func (a *stageAsset) Visit(node constructs.IConstruct) {
	// Visit sees fn and then each of its children: once the asset exists, skip
	// the two jsii calls that read each child's path.
	if a.h.asset == nil && *node.Node().Path() == a.path {
		a.h.ensureAsset()
	}
}
