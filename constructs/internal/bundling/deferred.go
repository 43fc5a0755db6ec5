package bundling

import (
	"fmt"
	"os"
	"runtime"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3assets"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// Handler is the code of one Lift function, split in time so that the
// handlers of an app build together:
//
//   - Schedule (while the app defines its functions) queues the handler's
//     build;
//   - at synth, an aspect creates the code asset: the first one to run starts
//     the queued builds of the assembly (one `go build` per module and
//     architecture), waits for its own, and the asset's bundling (TryBundle)
//     copies the binary. The function's Code points at the asset through lazy
//     values.
//
// The template is the same as with awslambda.AssetCode: the asset is
// Function/Code.
//
// A compile error is printed when its build ends (the compiler's message
// first) and fails the synth through a validation of the function that
// repeats it with the entry path. Nothing here panics inside a jsii callback
// (aspects, lazy values and bundling are all callbacks): jsii-runtime-go
// turns such a panic into a half-finished callback that kills the CDK kernel
// with EPIPE when the app exits.
type Handler struct {
	bundler *LocalBundler
	sched   *Scheduler
	fn      awslambda.Function
	asset   awss3assets.Asset
	err     error // the build failed; the validation reports it
	staging bool  // the asset is being created (guards re-entry from lazy values)
}

// Schedule queues b's handler build if the stack of scope will bundle its
// assets: a stack that `cdk synth` or `cdk deploy` skip (through
// --exclusively, or `cdk ls`, which bundle no stacks) builds nothing.
// Builds of the same entry and GOARCH in one cloud assembly are shared.
func Schedule(scope constructs.Construct, b *LocalBundler) (*Handler, error) {
	sched, err := DefaultScheduler()
	if err != nil {
		return nil, err
	}
	b.sched = sched
	h := &Handler{bundler: b, sched: sched}
	if required := awscdk.Stack_Of(scope).BundlingRequired(); required != nil && *required {
		b.pending = sched.Add(assemblyDir(scope), b.Entry, "linux", b.GOARCH, b.Label)
		if b.Check && !RunsOnHost(b.GOARCH) {
			b.hostPending = sched.Add(assemblyDir(scope), b.Entry, runtime.GOOS, runtime.GOARCH, b.Label)
		}
	}
	return h, nil
}

// assemblyDir is the output directory of scope's stage: builds are shared
// within one cloud assembly, and their binaries kept in it between synths.
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
	fn.Node().AddValidation(&built{h})
}

// ensureAsset creates the code asset once its build is done; CDK bundles it
// right here. It returns nil when the build failed (h.err says why).
func (h *Handler) ensureAsset() awss3assets.Asset {
	if h.asset != nil || h.err != nil {
		return h.asset
	}
	if h.fn == nil || h.staging {
		// Only reachable by resolving the function's Code from inside its own
		// staging, or before Attach: a Lift bug, not a user error.
		h.err = fmt.Errorf("lift/bundling: the code asset of %s was needed before its function was attached", h.bundler.Label)
		return nil
	}
	if p := h.bundler.pending; p != nil {
		if err := h.sched.Wait(p); err != nil {
			h.err = err
			return nil
		}
		// Staging copies the binary inside a CDK callback, where a failure
		// cannot be reported cleanly: make sure it is there first.
		if _, err := os.Stat(p.output); err != nil {
			h.err = fmt.Errorf("%w for %s: the build left no binary: %v", ErrBuild, h.bundler.Label, err)
			return nil
		}
		if h.bundler.Check {
			if h.err = h.checkHandler(); h.err != nil {
				fmt.Fprintln(os.Stderr, h.err)
				return nil
			}
		}
	}
	h.staging = true
	asset := awss3assets.NewAsset(h.fn, jsii.String("Code"), assetProps(h.bundler))
	if cfn, ok := h.fn.Node().DefaultChild().(awscdk.CfnResource); ok {
		// SAM CLI and other local tools find the code through this metadata
		// (written only when asset metadata is enabled, as for AssetCode).
		asset.AddResourceMetadata(cfn, jsii.String("Code"))
	}
	h.asset = asset
	return asset
}

// built is the validation that fails the synth of a function whose handler
// did not build.
type built struct{ h *Handler }

func (v *built) Validate() *[]*string {
	if v.h.err == nil {
		return &[]*string{}
	}
	return jsii.Strings(v.h.err.Error())
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
	asset := l.h.ensureAsset()
	switch {
	case asset == nil:
		return jsii.String(buildFailedPlaceholder) // the function's validation fails the synth
	case l.bucket:
		return asset.S3BucketName()
	}
	return asset.S3ObjectKey()
}

// buildFailedPlaceholder stands for the code location of a function whose
// handler did not build; the function's validation fails the synth first.
const buildFailedPlaceholder = "LIFT-HANDLER-BUILD-FAILED"

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
