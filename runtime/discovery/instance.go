package discovery

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/liftcdk/lift/internal/contract"
)

// Protocol is how an instance is called.
type Protocol string

// Protocols, from the instance's LIFT_PROTOCOL attribute.
const (
	ProtocolLambda Protocol = contract.ProtocolLambda
	ProtocolHTTP   Protocol = contract.ProtocolHTTP
)

// MaxWeight bounds the LIFT_WEIGHT attribute so weight sums cannot overflow.
const MaxWeight = 1_000_000

// Instance is one callable Cloud Map instance, typed from its attributes.
// Instances handed out by a Resolver are shared and must not be modified.
type Instance struct {
	ID          string
	FunctionARN string // qualified ARN; set for ProtocolLambda
	Alias       string
	Region      string
	Weight      int // >= 1; 0 only when the instance was explicitly drained
	Protocol    Protocol
	URL         string // set for ProtocolHTTP
	// Healthy is false when Cloud Map returned the instance only because no
	// instance was healthy (HEALTHY_OR_ELSE_ALL).
	Healthy    bool
	Attributes map[string]string
}

// ParseInstance turns a Cloud Map instance id and attributes into an Instance.
// Protocol defaults to lambda when a function ARN is present and http when only
// a URL is; weight defaults to 1 and may be 0 (drained, never picked).
func ParseInstance(id string, attrs map[string]string) (Instance, error) {
	in := Instance{
		ID:          id,
		FunctionARN: strings.TrimSpace(attrs[contract.AttrFunctionARN]),
		Alias:       attrs[contract.AttrAlias],
		Region:      attrs[contract.AttrRegion],
		URL:         strings.TrimSpace(attrs[contract.AttrURL]),
		Weight:      1,
		Healthy:     true,
		Attributes:  attrs,
	}
	if id == "" {
		return Instance{}, fmt.Errorf("%w: empty instance id", ErrInvalidInstance)
	}
	if w, ok := attrs[contract.AttrWeight]; ok {
		n, err := strconv.Atoi(strings.TrimSpace(w))
		if err != nil || n < 0 || n > MaxWeight {
			return Instance{}, fmt.Errorf("%w %q: attribute %s=%q must be an integer from 0 to %d",
				ErrInvalidInstance, id, contract.AttrWeight, w, MaxWeight)
		}
		in.Weight = n
	}
	switch p := Protocol(strings.ToLower(strings.TrimSpace(attrs[contract.AttrProtocol]))); p {
	case "":
		if in.FunctionARN != "" {
			in.Protocol = ProtocolLambda
		} else {
			in.Protocol = ProtocolHTTP
		}
	case ProtocolLambda, ProtocolHTTP:
		in.Protocol = p
	default:
		return Instance{}, fmt.Errorf("%w %q: attribute %s=%q must be %q or %q",
			ErrInvalidInstance, id, contract.AttrProtocol, attrs[contract.AttrProtocol], ProtocolLambda, ProtocolHTTP)
	}
	switch in.Protocol {
	case ProtocolLambda:
		if err := checkFunctionARN(in.FunctionARN); err != nil {
			return Instance{}, fmt.Errorf("%w %q: attribute %s: %w", ErrInvalidInstance, id, contract.AttrFunctionARN, err)
		}
	case ProtocolHTTP:
		u, err := url.Parse(in.URL)
		if in.URL == "" || err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return Instance{}, fmt.Errorf("%w %q: attribute %s=%q must be an absolute http(s) URL",
				ErrInvalidInstance, id, contract.AttrURL, in.URL)
		}
	}
	return in, nil
}

// checkFunctionARN accepts arn:PARTITION:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER].
func checkFunctionARN(arn string) error {
	parts := strings.Split(arn, ":")
	if len(parts) < 7 || len(parts) > 8 || parts[0] != "arn" || parts[2] != "lambda" || parts[5] != "function" || parts[6] == "" {
		return fmt.Errorf("%q is not a Lambda function ARN (arn:aws:lambda:REGION:ACCOUNT:function:NAME:QUALIFIER)", arn)
	}
	for _, p := range parts[1:] {
		if p == "" {
			return fmt.Errorf("%q has an empty ARN field", arn)
		}
	}
	return nil
}
