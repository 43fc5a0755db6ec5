// Package cdktest forwards to github.com/liftcdk/lift/constructs/cdktest, the
// public home of Lift's CDK test helpers, so construct tests written against
// this path keep working. New code should import the public package.
package cdktest

import pub "github.com/liftcdk/lift/constructs/cdktest"

type (
	Option  = pub.Option
	Ignored = pub.Ignored
	Finding = pub.Finding
)

const (
	Account              = pub.Account
	Region               = pub.Region
	UpdateGoldenEnv      = pub.UpdateGoldenEnv
	AssetHashPlaceholder = pub.AssetHashPlaceholder
)

var (
	DefaultIgnored  = pub.DefaultIgnored
	Env             = pub.Env
	WithContext     = pub.WithContext
	WithCDKJSON     = pub.WithCDKJSON
	WithNag         = pub.WithNag
	NewApp          = pub.NewApp
	NewStack        = pub.NewStack
	Template        = pub.Template
	TemplateJSON    = pub.TemplateJSON
	Resources       = pub.Resources
	NormalizeAssets = pub.NormalizeAssets
	Golden          = pub.Golden
	CfnLint         = pub.CfnLint
	NagFindings     = pub.NagFindings
	RequireNagClean = pub.RequireNagClean
)
