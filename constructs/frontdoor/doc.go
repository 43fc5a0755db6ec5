// Package frontdoor puts an HTTP endpoint in front of a Lambda function or
// alias: a Lambda function URL (the default) or an API Gateway HTTP API.
//
// Both are private unless asked otherwise: a function URL uses AWS_IAM auth
// and an HTTP API an IAM authorizer by default; a JWT authorizer (HTTP API)
// or Auth NONE (public, with a synth warning) are explicit choices. The
// target gets exactly the resource permission its front door needs: none
// for an AWS_IAM function URL (callers need lambda:InvokeFunctionUrl and
// lambda:InvokeFunction via the URL in their own policy: FrontDoor.Grant),
// the same pair for anyone with Auth NONE (through the URL only), and
// lambda:InvokeFunction from this API only (HTTP API).
//
// An HTTP API has one $default stage with throttling, access logs in a log
// group with retention, an optional custom domain, and routes every request
// ($default route, payload format 2.0) to the target, which is the shape
// lift.StartHTTP and any net/http router expect.
//
// service.Props.HTTP creates one on the service's "live" alias and passes its
// metrics to the service's alarms (monitoring.HTTPProps).
package frontdoor
