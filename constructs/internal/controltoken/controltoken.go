// Package controltoken derives the control token a Lift function's control
// events are authenticated with (see contract.EnvControlTokenSHA256): the
// warmer sends the token, the function holds only its SHA-256.
//
// The token must be the same on every synth of the same app (golden
// templates, no redeploy without a change), so it is derived, not drawn: an
// HMAC-SHA256 of the function's stack and construct address under a key.
// The key is the secret given at synth in the CDK context SecretContext
// (`cdk synth -c lift:controlSecret=...`, or cdk.json kept out of source
// control) or, in the environment of `cdk synth`, SecretEnv. Without either
// the key is public, so the token stops callers who have neither the
// synthesized template nor the app's source, but not those who have the
// source: set a secret before relying on ControlAuthRequired.
package controltoken

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"os"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

const (
	// SecretContext is the CDK context key of the control-token secret.
	SecretContext = "lift:controlSecret"
	// SecretEnv is the environment variable `cdk synth` may take it from
	// instead (a CI secret, for example).
	SecretEnv = "LIFT_CONTROL_SECRET"
)

// publicKey keys the derivation when no secret is given.
const publicKey = "lift control token v1 (no secret set)"

// Secret is the configured secret for scope's app, and whether there is one.
func Secret(scope constructs.IConstruct) (string, bool) {
	if v, ok := scope.Node().TryGetContext(jsii.String(SecretContext)).(string); ok && v != "" {
		return v, true
	}
	if v := os.Getenv(SecretEnv); v != "" {
		return v, true
	}
	return publicKey, false
}

// For returns fn's control token and the lowercase hex SHA-256 of it.
func For(fn constructs.IConstruct) (token, sha256Hex string) {
	key, _ := Secret(fn)
	mac := hmac.New(sha256.New, []byte(key))
	mac.Write([]byte(*awscdk.Stack_Of(fn).StackName() + "\x00" + *fn.Node().Addr()))
	token = hex.EncodeToString(mac.Sum(nil))
	sum := sha256.Sum256([]byte(token))
	return token, hex.EncodeToString(sum[:])
}
