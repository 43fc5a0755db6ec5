package cachetier

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awselasticache"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssecretsmanager"
	"github.com/aws/jsii-runtime-go"

	"github.com/liftcdk/lift/constructs/internal/nag"
)

// defaultAccessString gives the application user every command on every key:
// the cache is dedicated to this tier.
const defaultAccessString = "on ~* +@all"

// disabledAccessString makes the tier's "default" user unable to log in
// ("off") or run anything ("-@all"), so only the application user is usable.
const disabledAccessString = "off -@all"

// users creates the application user (IAM or password auth), a disabled user
// named "default" (a Valkey user group must contain a user of that name, and
// the account's built-in one must not be used), and the user group holding both.
func (e *ElastiCache) users(props *ElastiCacheProps) {
	access := props.AccessString
	if access == nil {
		access = jsii.String(defaultAccessString)
	}
	appID := jsii.String(e.name + appUserSuffix)
	app := &awselasticache.CfnUserProps{
		Engine:       jsii.String(Engine),
		UserId:       appID,
		UserName:     appID, // IAM auth requires user name == user id
		AccessString: access,
	}
	switch e.auth {
	case AuthIAM:
		app.AuthenticationMode = authenticationMode("iam")
	case AuthPassword:
		e.secret = awssecretsmanager.NewSecret(e, jsii.String("Password"), &awssecretsmanager.SecretProps{
			Description: jsii.String("Lift cache " + e.name + ": password of ElastiCache user " + *appID),
			GenerateSecretString: &awssecretsmanager.SecretStringGenerator{
				PasswordLength: jsii.Number(32),
				// ElastiCache passwords allow printable ASCII except some punctuation.
				ExcludePunctuation: jsii.Bool(true),
			},
			RemovalPolicy: awscdk.RemovalPolicy_DESTROY,
		})
		// A CloudFormation dynamic reference, not the value.
		app.AuthenticationMode = authenticationMode("password", e.secret.SecretValue().UnsafeUnwrap())
		nag.Suppress(e.secret, nag.Rule{ID: "AwsSolutions-SMG4", Reason: "The ElastiCache user reads this password at deploy time; " +
			"rotating it needs a rotation function that also updates the ElastiCache user, which Lift does not provide. " +
			"Prefer cachetier.AuthIAM (the default): its tokens expire after 15 minutes."})
	}
	e.user = awselasticache.NewCfnUser(e, jsii.String("User"), app)

	e.defaultUser = awselasticache.NewCfnUser(e, jsii.String("DefaultUser"), &awselasticache.CfnUserProps{
		Engine:             jsii.String(Engine),
		UserId:             jsii.String(e.name + defaultUserSuffix),
		UserName:           jsii.String("default"),
		AccessString:       jsii.String(disabledAccessString),
		AuthenticationMode: authenticationMode("no-password-required"),
	})

	e.userGroup = awselasticache.NewCfnUserGroup(e, jsii.String("UserGroup"), &awselasticache.CfnUserGroupProps{
		Engine:      jsii.String(Engine),
		UserGroupId: jsii.String(e.name + userGroupSuffix),
		UserIds:     &[]*string{e.defaultUser.Ref(), e.user.Ref()}, // Ref is the user id and orders creation
	})
}

// authenticationMode renders AWS::ElastiCache::User AuthenticationMode. The L1
// types this prop as untyped JSON, so CfnUser_AuthenticationModeProperty would
// be written with Go's lowercase keys; CloudFormation needs "Type" and
// "Passwords".
func authenticationMode(typ string, passwords ...*string) map[string]any {
	m := map[string]any{"Type": typ}
	if len(passwords) > 0 {
		m["Passwords"] = passwords
	}
	return m
}
